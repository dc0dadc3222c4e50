/**
 * The pairing routes: `POST /api/pair` (a one-time code → a device token) and
 * `POST /api/admin/pairing-code` (the admin secret → a fresh code and its link). Access and
 * the rate limit are the route table's (httpRoutes.ts).
 */
import { TetherError } from '../common/index.js';
import type { DeviceStore } from '../store/deviceStore.js';
import type { PairingService } from '../store/pairing.js';
import type { TransportLog } from './clientConnection.js';
import { readJsonBody, sendJson } from './httpUtil.js';
import type { RouteCall } from './types.js';

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

/** A fresh pairing code, the link a phone opens with it (`<origin>/pair#code=…`), and its expiry (ISO 8601). */
export function pairingCodeReply(context: PairingRouteContext): { code: string; url: string; expires_at: string } {
  const { code, expiresAt } = context.pairing.issue();
  return { code, url: `${context.origin()}/pair#code=${code}`, expires_at: new Date(expiresAt).toISOString() };
}

/**
 * `POST /api/pair {code, device_name, platform?}` → 200 `{device_id, token}`.
 * @throws TetherError BAD_MESSAGE (400: no device_name, bad platform, bad body) | PAIRING_REJECTED (401)
 */
export async function pair(context: PairingRouteContext, call: RouteCall): Promise<void> {
  const body = await readJsonBody(call.request);
  const code = typeof body.code === 'string' ? body.code : '';
  const deviceName = typeof body.device_name === 'string' ? body.device_name.trim().slice(0, MAX_DEVICE_NAME) : '';
  if (deviceName === '') throw new TetherError('BAD_MESSAGE', 'device_name is required');
  if (body.platform !== undefined && typeof body.platform !== 'string') {
    throw new TetherError('BAD_MESSAGE', 'platform must be a string');
  }
  if (!context.pairing.redeem(code)) throw new TetherError('PAIRING_REJECTED', 'pairing code is unknown, used or expired');
  const platform = typeof body.platform === 'string' ? body.platform.slice(0, MAX_PLATFORM) : undefined;
  const { device, token } = context.devices.pair({ device_name: deviceName, platform });
  context.log('info', 'device paired', { device_id: device.device_id, device_name: deviceName });
  sendJson(call.response, 200, { device_id: device.device_id, token });
}

/** `POST /api/admin/pairing-code` (admin secret) → 200 `{code, url, expires_at}`. @throws never */
export function issuePairingCode(context: PairingRouteContext, call: RouteCall): void {
  sendJson(call.response, 200, pairingCodeReply(context));
}
