/**
 * Who is on the other end of a request: a paired device (by its token) or the local admin
 * (the daemon's own CLI, by the admin secret), and what a route lets each of them do. The
 * WebSocket upgrade and every HTTP route authenticate here. All secret comparisons are
 * constant-time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TetherError } from '../common/index.js';
import type { DeviceStore } from '../store/deviceStore.js';
import { bearerToken } from './httpUtil.js';

/** The device id of admin connections (the local `tether run` terminal and CLI). */
export const ADMIN_DEVICE_ID = 'local';

/** The platform label the desktop dashboard pairs with (`POST /api/pair`); it unlocks the dashboard routes. */
export const DESKTOP_PLATFORM = 'desktop';

/** An authenticated caller. */
export interface Identity {
  readonly deviceId: string;
  readonly isAdmin: boolean;
  /** The platform label the device paired with (`ios`, `web`, `desktop`, …); absent for the admin. */
  readonly platform?: string;
}

/**
 * Who may call an HTTP route: `anyone` (no token), `admin` (the admin secret only), `device`
 * (the admin secret or any paired device's token), `desktop` (the admin secret or a device
 * paired as the desktop dashboard), or `hook` (what `device` allows, or the hook secret of the
 * session the path names: a CLI's hooks post with it, and it allows nothing else).
 */
export type Access = 'anyone' | 'admin' | 'device' | 'desktop' | 'hook';

/** The device id a session's own hooks post as. */
export const HOOK_DEVICE_PREFIX = 'hook:';

/** True when `candidate` equals `secret`, compared in constant time. @throws never */
export function secretMatches(candidate: string, secret: string): boolean {
  if (secret.length === 0) return false;
  const left = createHash('sha256').update(candidate).digest();
  const right = createHash('sha256').update(secret).digest();
  return timingSafeEqual(left, right);
}

/** The token from the Authorization header, else from `?token=`. @throws never */
export function requestToken(request: IncomingMessage): string | undefined {
  const fromHeader = bearerToken(request);
  if (fromHeader !== undefined) return fromHeader;
  try {
    const token = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token');
    return token === null || token === '' ? undefined : token;
  } catch {
    return undefined;
  }
}

/** Resolves a token to an identity, or undefined when it is neither the admin secret nor a device token. @throws never */
export function identify(token: string | undefined, devices: DeviceStore, adminSecret: string): Identity | undefined {
  if (token === undefined) return undefined;
  if (secretMatches(token, adminSecret)) return { deviceId: ADMIN_DEVICE_ID, isAdmin: true };
  const device = devices.authenticate(token);
  if (device === undefined) return undefined;
  return { deviceId: device.device_id, isAdmin: false, ...(device.platform !== undefined ? { platform: device.platform } : {}) };
}

/**
 * Checks an HTTP request's bearer token against a route's `access`.
 * @returns the caller, or undefined for `anyone` routes
 * @param hookSecret for `hook` routes: the session the path names and a test of its hook secret
 * @throws TetherError UNAUTHORIZED (no or unknown token, or a device token where the admin
 *   secret is required) | FORBIDDEN (a paired device that is not the desktop dashboard)
 */
export function authorize(
  request: IncomingMessage,
  access: Access,
  devices: DeviceStore,
  adminSecret: string,
  hookSecret?: { readonly sessionId: string; readonly matches: (token: string | undefined) => boolean },
): Identity | undefined {
  if (access === 'anyone') return undefined;
  const token = bearerToken(request);
  if (access === 'hook' && hookSecret !== undefined && hookSecret.matches(token)) return { deviceId: `${HOOK_DEVICE_PREFIX}${hookSecret.sessionId}`, isAdmin: false };
  if (access === 'admin') {
    if (!secretMatches(token ?? '', adminSecret)) throw new TetherError('UNAUTHORIZED', 'admin secret required');
    return { deviceId: ADMIN_DEVICE_ID, isAdmin: true };
  }
  const caller = identify(token, devices, adminSecret);
  if (caller === undefined) throw new TetherError('UNAUTHORIZED', access === 'desktop' ? 'a desktop token is required' : access === 'hook' ? 'the session\'s hook secret or a device token is required' : 'a device token is required');
  if (access === 'device' || access === 'hook') return caller;
  if (!caller.isAdmin && caller.platform !== DESKTOP_PLATFORM) throw new TetherError('FORBIDDEN', 'only the desktop dashboard may manage devices');
  return caller;
}
