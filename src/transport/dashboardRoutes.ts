/**
 * The desktop dashboard's REST routes under `/api/web/` (the browser UI in `web/` calls
 * them): the paired devices (list, revoke) and a fresh pairing code with its QR code as SVG.
 * The route table (httpRoutes.ts) lets only the admin secret or a device paired as the
 * desktop dashboard (platform "desktop") in; phones get 403 FORBIDDEN.
 */
import QRCode from 'qrcode';
import { z } from 'zod';
import { TetherError } from '../common/index.js';
import type { DeviceStore } from '../store/deviceStore.js';
import { endpoint } from './endpoint.js';
import { pairingCodeReply, pairingCodeReplySchema, type PairingRouteContext } from './pairingRoutes.js';

/** What the dashboard routes need. */
export interface DashboardContext extends PairingRouteContext {
  readonly devices: DeviceStore;
  /** Closes every socket of a revoked device at once. */
  disconnectDevice(deviceId: string): void;
}

/** A device as the dashboard lists it (no token hash). */
export const deviceSummarySchema = z.object({
  device_id: z.string(),
  device_name: z.string(),
  platform: z.string().optional(),
  /** ISO 8601. */
  paired_at: z.string(),
  last_seen: z.string().optional(),
  current: z.boolean().meta({ description: 'True for the device making the request' }),
});

/** A device as the dashboard lists it. */
export type DeviceSummary = z.infer<typeof deviceSummarySchema>;

/** `GET /api/web/devices` → 200 `{devices: DeviceSummary[]}`. */
export const listDevices = endpoint({
  summary: 'List the paired devices',
  tag: 'dashboard',
  reply: z.object({ devices: z.array(deviceSummarySchema) }),
  handle: (context: DashboardContext, call) => ({
    devices: context.devices.listDevices().map(
      (device): DeviceSummary => ({
        device_id: device.device_id,
        device_name: device.device_name,
        ...(device.platform !== undefined ? { platform: device.platform } : {}),
        paired_at: device.paired_at,
        ...(device.last_seen !== undefined ? { last_seen: device.last_seen } : {}),
        current: device.device_id === call.caller?.deviceId,
      }),
    ),
  }),
});

/** `DELETE /api/web/devices/<device_id>` → 200 `{revoked: device_id}`; the device's token stops working and its sockets close (code 4001). */
export const revokeDevice = endpoint({
  summary: 'Revoke a device',
  description: "The device's token stops working at once and its sockets close with code 4001.",
  tag: 'dashboard',
  reply: z.object({ revoked: z.string() }),
  errors: ['NOT_FOUND'],
  handle: (context: DashboardContext, call) => {
    const deviceId = call.params[0];
    if (!context.devices.remove(deviceId)) throw new TetherError('NOT_FOUND', 'no such device');
    context.disconnectDevice(deviceId);
    return { revoked: deviceId };
  },
});

/** `POST /api/web/pairing-code` → 200 `{code, url, expires_at, qr_svg}` (the link as an SVG QR code). */
export const dashboardPairingCode = endpoint({
  summary: 'Mint a pairing code with its QR code',
  tag: 'dashboard',
  reply: pairingCodeReplySchema.extend({ qr_svg: z.string().meta({ description: 'The link as an SVG QR code' }) }),
  handle: async (context: DashboardContext) => {
    const reply = pairingCodeReply(context);
    const svg = await QRCode.toString(reply.url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
    return { ...reply, qr_svg: svg };
  },
});
