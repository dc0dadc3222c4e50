/**
 * The credential routes: `POST /api/pair` (a one-time code → a device token with the code's
 * grant), `POST /api/admin/pairing-code` (the admin secret → a phone or full code and its
 * link), `POST /api/admin/login-code` (the admin secret → a 60-second code for the desktop
 * dashboard, what `tether open` hands the browser) and `POST /api/token/rotate` (a device's
 * token → a new one). What a device may do comes from the code it redeemed, never from the
 * `platform` it names. Access and limits are the route table's (httpRoutes.ts).
 */
import { z } from 'zod';
import { PAIRING_SCOPES, RIGHTS, SCOPE_PRESETS, TetherError, type ScopeName } from '../common/index.js';
import type { DeviceStore } from '../store/deviceStore.js';
import { LOGIN_CODE_TTL_MS, type PairingService } from '../store/pairing.js';
import type { Authenticator } from './auth.js';
import type { TransportLog } from './clientConnection.js';
import { endpoint } from './endpoint.js';

/** What the pairing routes need. */
export interface PairingRouteContext {
  readonly devices: DeviceStore;
  readonly pairing: PairingService;
  readonly auth: Authenticator;
  readonly log: TransportLog;
  /** `http(s)://host:port` as phones reach this server (the pairing link's origin). */
  origin(): string;
}

/** The grant a code request names; the dashboard's own grant is minted only as a login code. */
export const scopeBodySchema = z.object({
  scope: z
    .enum(PAIRING_SCOPES)
    .optional()
    .meta({ description: '`phone` (default: view, answer, input, start the configured CLIs) or `full` (also any command and the desk\'s own sessions)' }),
});

/** A pairing code's answer: the code, the link a phone opens with it, its expiry and grant. */
export const pairingCodeReplySchema = z.object({
  code: z.string().meta({ description: '8 characters from ABCDEFGHJKMNPQRSTUVWXYZ23456789', example: 'K7QXM2PA' }),
  url: z.string().meta({ description: '`<origin>/pair#code=<code>`' }),
  expires_at: z.string().meta({ description: 'ISO 8601; codes live 5 minutes' }),
  scope: z.enum(PAIRING_SCOPES).meta({ description: 'The grant the device that redeems it gets' }),
});

/** A pairing code's reply. */
export type PairingCodeReply = z.infer<typeof pairingCodeReplySchema>;

/** A fresh pairing code of grant `scope`, the link a phone opens with it (`<origin>/pair#code=…`), its expiry (ISO 8601). @throws never */
export function pairingCodeReply(context: PairingRouteContext, scope: (typeof PAIRING_SCOPES)[number] = 'phone'): PairingCodeReply {
  const { code, expiresAt } = context.pairing.issue({ scope });
  return { code, url: `${context.origin()}/pair#code=${code}`, expires_at: new Date(expiresAt).toISOString(), scope };
}

/** `POST /api/pair`'s body. `device_name` is trimmed, stripped of control characters and cut to 128 characters, `platform` to 64. */
export const pairBodySchema = z.object({
  code: z.string().max(64).meta({ description: 'The pairing code; case, spaces and dashes are ignored' }),
  device_name: z.string().max(4096).meta({ description: 'A label for the device (required, trimmed, at most 128 characters kept)' }),
  platform: z.string().max(4096).optional().meta({ description: '`ios`, `android`, `web`, `desktop`, … (a label only: it grants nothing; at most 64 characters kept)' }),
});

/** `POST /api/pair {code, device_name, platform?}` → 200 `{device_id, token, scopes, expires_at?}`. */
export const pair = endpoint({
  summary: 'Redeem a pairing code for a device token',
  description: 'The device gets the rights of the grant the code was minted with (`scope`), never anything it claims.',
  tag: 'pairing',
  body: pairBodySchema,
  reply: z.object({
    device_id: z.string(),
    token: z.string().meta({ description: "32 random bytes, base64url: the device's bearer token; only its SHA-256 is stored" }),
    scopes: z.array(z.enum(RIGHTS)),
    expires_at: z.string().optional().meta({ description: 'When the token stops working (ISO 8601, `auth.token_ttl_days`); absent: never' }),
  }),
  errors: ['PAIRING_REJECTED'],
  handle: (context: PairingRouteContext, call) => {
    const deviceName = call.body.device_name.trim();
    if (deviceName === '') throw new TetherError('BAD_MESSAGE', 'device_name is required');
    const scope: ScopeName | undefined = context.pairing.redeem(call.body.code);
    if (scope === undefined) throw new TetherError('PAIRING_REJECTED', 'pairing code is unknown, used or expired');
    const expiresAt = context.auth.expiryFromNow();
    const { device, token } = context.devices.pair({
      device_name: deviceName,
      ...(call.body.platform !== undefined ? { platform: call.body.platform } : {}),
      scopes: SCOPE_PRESETS[scope],
      ...(expiresAt !== undefined ? { expires_at: expiresAt } : {}),
    });
    context.log('info', 'device paired', { device_id: device.device_id, device_name: device.device_name, scope });
    return { device_id: device.device_id, token, scopes: [...device.scopes], ...(expiresAt !== undefined ? { expires_at: expiresAt } : {}) };
  },
});

/** `POST /api/admin/pairing-code {scope?}` (admin secret) → 200 `{code, url, expires_at, scope}`. */
export const issuePairingCode = endpoint({
  summary: 'Mint a pairing code (the local CLI: `tether pair [--scope full]`)',
  tag: 'pairing',
  body: scopeBodySchema,
  reply: pairingCodeReplySchema,
  handle: (context: PairingRouteContext, call) => pairingCodeReply(context, call.body.scope ?? 'phone'),
});

/** `POST /api/admin/login-code` (admin secret) → 200 `{code, expires_at}`. */
export const issueLoginCode = endpoint({
  summary: 'Mint a login code for the desktop dashboard (the local CLI: `tether open`)',
  description: "A code for the dashboard's grant (every right), single use, valid 60 s; `tether open` builds the link (`#login=…`) itself.",
  tag: 'pairing',
  reply: z.object({ code: z.string(), expires_at: z.string() }),
  handle: (context: PairingRouteContext) => {
    const { code, expiresAt } = context.pairing.issue({ scope: 'desktop', ttlMs: LOGIN_CODE_TTL_MS });
    return { code, expires_at: new Date(expiresAt).toISOString() };
  },
});

/** `POST /api/token/rotate` (a device token) → 200 `{token, expires_at?}`. */
export const rotateToken = endpoint({
  summary: "Rotate the calling device's token",
  description: "The old token stops working at once and the device's sockets are cut; the reply's token replaces it.",
  tag: 'pairing',
  reply: z.object({ token: z.string(), expires_at: z.string().optional() }),
  errors: ['STORE_WRITE_FAILED'],
  handle: (context: PairingRouteContext & { disconnectDevice(deviceId: string): void }, call) => {
    const caller = call.caller;
    if (caller === undefined) throw new TetherError('UNAUTHORIZED', 'a device token is required');
    const rotated = context.auth.rotate(caller);
    context.disconnectDevice(caller.deviceId);
    return rotated;
  },
});
