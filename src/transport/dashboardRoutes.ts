/**
 * The device-management routes under `/api/web/` (the dashboard in `web/` and `tether devices`
 * call them): the paired devices (list, revoke) and a fresh pairing code with its QR code as
 * SVG. The route table (httpRoutes.ts) lets in the admin secret and devices holding the
 * `devices` right (the dashboard, from a `tether open` login link); phones get 403 FORBIDDEN.
 */
import QRCode from 'qrcode';
import { z } from 'zod';
import { RIGHTS, TetherError } from '../common/index.js';
import type { DeviceStore } from '../store/deviceStore.js';
import { endpoint } from './endpoint.js';
import { pairingCodeReply, pairingCodeReplySchema, scopeBodySchema, type PairingRouteContext } from './pairingRoutes.js';

/** What the dashboard routes need. */
export interface DashboardContext extends PairingRouteContext {
  readonly devices: DeviceStore;
  /** Cuts every socket of a revoked device at once. */
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
  scopes: z.array(z.enum(RIGHTS)).meta({ description: 'What the device may do (fixed when its pairing code was minted)' }),
  expires_at: z.string().optional().meta({ description: 'When its token stops working (ISO 8601); absent: never' }),
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
        scopes: [...device.scopes],
        ...(device.expires_at !== undefined ? { expires_at: device.expires_at } : {}),
        current: device.device_id === call.caller?.deviceId,
      }),
    ),
  }),
});

/** `DELETE /api/web/devices/<device_id>` → 200 `{revoked: device_id}`; the device's token stops working and its sockets are cut at once. */
export const revokeDevice = endpoint({
  summary: 'Revoke a device',
  description: "The device's token stops working at once and its sockets (`/ws`, Phoenix) are cut at once (a best-effort close code 4001, then terminated); no frame of theirs is handled after the reply.",
  tag: 'dashboard',
  reply: z.object({ revoked: z.string() }),
  errors: ['NOT_FOUND'],
  handle: (context: DashboardContext, call) => {
    const deviceId = call.params[0];
    if (!context.devices.remove(deviceId)) throw new TetherError('NOT_FOUND', 'no such device');
    context.disconnectDevice(deviceId);
    context.log('info', 'device revoked', { device_id: deviceId, by: call.caller?.deviceId });
    return { revoked: deviceId };
  },
});

/** `POST /api/web/pairing-code {scope?}` → 200 `{code, url, expires_at, scope, qr_svg}` (the link as an SVG QR code). */
export const dashboardPairingCode = endpoint({
  summary: 'Mint a pairing code with its QR code',
  tag: 'dashboard',
  body: scopeBodySchema,
  reply: pairingCodeReplySchema.extend({ qr_svg: z.string().meta({ description: 'The link as an SVG QR code' }) }),
  handle: async (context: DashboardContext, call) => {
    const reply = pairingCodeReply(context, call.body.scope ?? 'phone');
    const svg = await QRCode.toString(reply.url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
    return { ...reply, qr_svg: svg };
  },
});
