/**
 * Desktop dashboard routes under `/api/web/`: the paired devices (list, revoke) and a fresh
 * pairing code with its QR code as SVG. Only a desktop device (paired through a `tether open`
 * login link, platform "desktop") or the admin secret may call them; phones get 403.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import QRCode from 'qrcode';
import type { DeviceStore } from '../store/deviceStore.js';
import type { PairingService } from '../store/pairing.js';

/** The platform label the dashboard pairs with; it unlocks these routes. */
export const DESKTOP_PLATFORM = 'desktop';

/** What the device routes need from the daemon. */
export interface DeviceRouteOptions {
  readonly devices: DeviceStore;
  readonly pairing: PairingService;
  readonly adminSecret: string;
  /** `http(s)://host:port` as phones reach the daemon (the transport's `advertisedOrigin`). */
  origin(): string;
  /** Called after a device is removed: the daemon closes that device's sockets at once. */
  onRevoke?(deviceId: string): void;
}

/** A device as the dashboard lists it (no token hash). */
export interface DeviceSummary {
  readonly device_id: string;
  readonly device_name: string;
  readonly platform?: string;
  readonly paired_at: string;
  readonly last_seen?: string;
  /** True for the device making the request. */
  readonly current: boolean;
}

function sameSecret(candidate: string, secret: string): boolean {
  if (secret.length === 0) return false;
  const left = createHash('sha256').update(candidate).digest();
  const right = createHash('sha256').update(secret).digest();
  return timingSafeEqual(left, right);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
  });
  response.end(text);
}

function sendError(response: ServerResponse, status: number, code: string, message: string): void {
  sendJson(response, status, { error: { code, message } });
}

/** The caller's device id ("local" for the admin secret), or undefined when not allowed. */
function authorize(options: DeviceRouteOptions, request: IncomingMessage): { deviceId: string } | 'unauthorized' | 'forbidden' {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (match === null) return 'unauthorized';
  const token = match[1];
  if (sameSecret(token, options.adminSecret)) return { deviceId: 'local' };
  const device = options.devices.authenticate(token);
  if (device === undefined) return 'unauthorized';
  if (device.platform !== DESKTOP_PLATFORM) return 'forbidden';
  return { deviceId: device.device_id };
}

/**
 * Answers one `/api/web/*` request; returns true (it always answers, 404 for unknown routes).
 * Routes: `GET /api/web/devices`, `DELETE /api/web/devices/<id>`, `POST /api/web/pairing-code`.
 * @throws never
 */
export function handleDeviceRoute(options: DeviceRouteOptions, request: IncomingMessage, response: ServerResponse, path: string): boolean {
  const caller = authorize(options, request);
  if (caller === 'unauthorized') {
    sendError(response, 401, 'UNAUTHORIZED', 'a desktop token is required');
    return true;
  }
  if (caller === 'forbidden') {
    sendError(response, 403, 'UNAUTHORIZED', 'only the desktop dashboard may manage devices');
    return true;
  }
  const method = request.method ?? 'GET';
  if (method === 'GET' && path === '/api/web/devices') {
    const devices: DeviceSummary[] = options.devices.listDevices().map((device) => ({
      device_id: device.device_id,
      device_name: device.device_name,
      ...(device.platform !== undefined ? { platform: device.platform } : {}),
      paired_at: device.paired_at,
      ...(device.last_seen !== undefined ? { last_seen: device.last_seen } : {}),
      current: device.device_id === caller.deviceId,
    }));
    sendJson(response, 200, { devices });
    return true;
  }
  const revoke = /^\/api\/web\/devices\/([A-Za-z0-9-]{1,128})$/.exec(path);
  if (method === 'DELETE' && revoke !== null) {
    const deviceId = revoke[1];
    if (!options.devices.remove(deviceId)) {
      sendError(response, 404, 'NOT_FOUND', 'no such device');
      return true;
    }
    options.onRevoke?.(deviceId);
    sendJson(response, 200, { revoked: deviceId });
    return true;
  }
  if (method === 'POST' && path === '/api/web/pairing-code') {
    const { code, expiresAt } = options.pairing.issue();
    const url = `${options.origin()}/pair#code=${code}`;
    QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })
      .then((svg) => sendJson(response, 200, { code, url, expires_at: new Date(expiresAt).toISOString(), qr_svg: svg }))
      .catch((err: Error) => sendError(response, 500, 'INTERNAL', err.message));
    return true;
  }
  sendError(response, 404, 'BAD_MESSAGE', `no route ${method} ${path}`);
  return true;
}
