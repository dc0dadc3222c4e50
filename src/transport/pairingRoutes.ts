/**
 * The pairing routes: `POST /api/pair` (a one-time code → a device token) and
 * `POST /api/admin/pairing-code` (the admin secret → a fresh code and its link). Access and
 * the rate limit are the route table's (httpRoutes.ts).
 */
import { z } from 'zod';
import { TetherError } from '../common/index.js';
import type { DeviceStore } from '../store/deviceStore.js';
import type { PairingService } from '../store/pairing.js';
import type { TransportLog } from './clientConnection.js';
import { endpoint } from './endpoint.js';

/** Longest device name kept; it is only a label. */
const MAX_DEVICE_NAME = 128;
/** Longest platform label kept. */
const MAX_PLATFORM = 64;

/** What the pairing routes need. */
export interface PairingRouteContext {
  readonly devices: DeviceStore;
  readonly pairing: PairingService;
  readonly log: TransportLog;
  /** `http(s)://host:port` as phones reach this server (the pairing link's origin). */
  origin(): string;
}

/** A pairing code's answer: the code, the link a phone opens with it, and its expiry. */
export const pairingCodeReplySchema = z.object({
  code: z.string().meta({ description: '8 characters from ABCDEFGHJKMNPQRSTUVWXYZ23456789', example: 'K7QXM2PA' }),
  url: z.string().meta({ description: '`<origin>/pair#code=<code>`' }),
  expires_at: z.string().meta({ description: 'ISO 8601; codes live 5 minutes' }),
});

/** A fresh pairing code, the link a phone opens with it (`<origin>/pair#code=…`), and its expiry (ISO 8601). */
export function pairingCodeReply(context: PairingRouteContext): z.infer<typeof pairingCodeReplySchema> {
  const { code, expiresAt } = context.pairing.issue();
  return { code, url: `${context.origin()}/pair#code=${code}`, expires_at: new Date(expiresAt).toISOString() };
}

/** `POST /api/pair`'s body. `device_name` is trimmed and cut to 128 characters, `platform` to 64. */
export const pairBodySchema = z.object({
  code: z.string().max(64).meta({ description: 'The pairing code; case, spaces and dashes are ignored' }),
  device_name: z.string().meta({ description: 'A label for the device (required, trimmed, at most 128 characters kept)' }),
  platform: z.string().optional().meta({ description: '`ios`, `android`, `web`, `desktop`, … (at most 64 characters kept)' }),
});

/** `POST /api/pair {code, device_name, platform?}` → 200 `{device_id, token}`. */
export const pair = endpoint({
  summary: 'Redeem a pairing code for a device token',
  tag: 'pairing',
  body: pairBodySchema,
  reply: z.object({
    device_id: z.string(),
    token: z.string().meta({ description: '32 random bytes, base64url: the device\'s bearer token; only its SHA-256 is stored' }),
  }),
  errors: ['PAIRING_REJECTED'],
  handle: (context: PairingRouteContext, call) => {
    const deviceName = call.body.device_name.trim().slice(0, MAX_DEVICE_NAME);
    if (deviceName === '') throw new TetherError('BAD_MESSAGE', 'device_name is required');
    if (!context.pairing.redeem(call.body.code)) throw new TetherError('PAIRING_REJECTED', 'pairing code is unknown, used or expired');
    const platform = call.body.platform?.slice(0, MAX_PLATFORM);
    const { device, token } = context.devices.pair({ device_name: deviceName, platform });
    context.log('info', 'device paired', { device_id: device.device_id, device_name: deviceName });
    return { device_id: device.device_id, token };
  },
});

/** `POST /api/admin/pairing-code` (admin secret) → 200 `{code, url, expires_at}`. */
export const issuePairingCode = endpoint({
  summary: 'Mint a pairing code (the local CLI: `tether pair`)',
  tag: 'pairing',
  reply: pairingCodeReplySchema,
  handle: (context: PairingRouteContext) => pairingCodeReply(context),
});
