/**
 * Who is on the other end of a request: a paired device (by its token) or the local admin
 * (the daemon's own CLI, by the admin secret). All secret comparisons are constant-time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DeviceStore } from '../store/deviceStore.js';
import { bearerToken } from './httpUtil.js';

/** The device id of admin connections (the local `tether run` terminal and CLI). */
export const ADMIN_DEVICE_ID = 'local';

/** An authenticated caller. */
export interface Identity {
  readonly deviceId: string;
  readonly isAdmin: boolean;
}

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
  return device === undefined ? undefined : { deviceId: device.device_id, isAdmin: false };
}
