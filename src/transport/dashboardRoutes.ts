/**
 * The desktop dashboard's REST routes under `/api/web/` (the browser UI in `web/` calls
 * them): the paired devices (list, revoke) and a fresh pairing code with its QR code as SVG.
 * The route table (httpRoutes.ts) lets only the admin secret or a device paired as the
 * desktop dashboard (platform "desktop") in; phones get 403 FORBIDDEN.
 */
import QRCode from 'qrcode';
import { TetherError } from '../common/index.js';
import type { DeviceStore } from '../store/deviceStore.js';
import { sendJson } from './httpUtil.js';
import type { RouteCall } from './types.js';
import { pairingCodeReply, type PairingRouteContext } from './pairingRoutes.js';

/** What the dashboard routes need. */
export interface DashboardContext extends PairingRouteContext {
  readonly devices: DeviceStore;
  /** Closes every socket of a revoked device at once. */
  disconnectDevice(deviceId: string): void;
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

/** `GET /api/web/devices` → 200 `{devices: DeviceSummary[]}`. @throws never */
export function listDevices(context: DashboardContext, call: RouteCall): void {
  const devices: DeviceSummary[] = context.devices.listDevices().map((device) => ({
    device_id: device.device_id,
    device_name: device.device_name,
    ...(device.platform !== undefined ? { platform: device.platform } : {}),
    paired_at: device.paired_at,
    ...(device.last_seen !== undefined ? { last_seen: device.last_seen } : {}),
    current: device.device_id === call.caller?.deviceId,
  }));
  sendJson(call.response, 200, { devices });
}

/**
 * `DELETE /api/web/devices/<device_id>` → 200 `{revoked: device_id}`; the device's token
 * stops working and its sockets close (code 4001).
 * @throws TetherError NOT_FOUND (404) when no device has that id
 */
export function revokeDevice(context: DashboardContext, call: RouteCall): void {
  const deviceId = call.params[0];
  if (!context.devices.remove(deviceId)) throw new TetherError('NOT_FOUND', 'no such device');
  context.disconnectDevice(deviceId);
  sendJson(call.response, 200, { revoked: deviceId });
}

/** `POST /api/web/pairing-code` → 200 `{code, url, expires_at, qr_svg}` (the link as an SVG QR code). @throws never */
export async function dashboardPairingCode(context: DashboardContext, call: RouteCall): Promise<void> {
  const reply = pairingCodeReply(context);
  const svg = await QRCode.toString(reply.url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  sendJson(call.response, 200, { ...reply, qr_svg: svg });
}
