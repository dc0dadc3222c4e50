/**
 * `tether devices [--json]` lists the paired devices (name, id, what they may do, when their
 * token expires) and `tether devices revoke <id>` revokes one (its token stops working and its
 * sockets are cut at once), through the running daemon's `/api/web/devices` with the admin
 * secret from the data dir.
 */
import { TetherError } from '../common/index.js';
import { readDaemonFile, resolveDataDir } from '../daemonFile.js';

/** A device as `GET /api/web/devices` lists it. */
export interface ListedDevice {
  readonly device_id: string;
  readonly device_name: string;
  readonly platform?: string;
  readonly paired_at: string;
  readonly last_seen?: string;
  readonly scopes: readonly string[];
  readonly expires_at?: string;
}

/**
 * Calls a device route of the daemon in `dataDir` with the admin secret.
 * @throws TetherError DAEMON_NOT_RUNNING | NOT_FOUND | UNAUTHORIZED (the daemon's code)
 */
async function callDaemon(dataDir: string, method: 'GET' | 'DELETE', path: string): Promise<unknown> {
  const daemon = readDaemonFile(dataDir);
  let response: Response;
  try {
    response = await fetch(`${daemon.url}${path}`, { method, headers: { authorization: `Bearer ${daemon.admin_secret}` } });
  } catch (err) {
    throw new TetherError('DAEMON_NOT_RUNNING', `daemon at ${daemon.url} is not answering`, { cause: err });
  }
  const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  if (!response.ok) {
    const code = body.error?.code === 'NOT_FOUND' ? 'NOT_FOUND' : 'UNAUTHORIZED';
    throw new TetherError(code, `daemon refused (HTTP ${response.status}): ${body.error?.message ?? 'no details'}`);
  }
  return body;
}

/** The paired devices. @throws like callDaemon */
export async function listDevices(dataDir: string): Promise<ListedDevice[]> {
  return ((await callDaemon(dataDir, 'GET', '/api/web/devices')) as { devices: ListedDevice[] }).devices;
}

/** Revokes a device. @throws TetherError NOT_FOUND for an unknown id, else like callDaemon */
export async function revokeDevice(dataDir: string, deviceId: string): Promise<void> {
  await callDaemon(dataDir, 'DELETE', `/api/web/devices/${encodeURIComponent(deviceId)}`);
}

/** One human line per device: id, name, grant, expiry. */
export function formatDevice(device: ListedDevice): string {
  const grant = device.scopes.includes('devices') ? 'dashboard' : device.scopes.includes('start_any') ? 'full' : 'phone';
  const expires = device.expires_at === undefined ? 'never expires' : `expires ${device.expires_at.slice(0, 10)}`;
  return `${device.device_id}  ${device.device_name}  (${device.platform ?? 'unknown'}, ${grant}: ${device.scopes.join(' ')}; ${expires})`;
}

/** Runs `tether devices` (list) or `tether devices revoke <id>`. */
export async function devicesCommand(action: string | undefined, deviceId: string | undefined, options: { dataDir?: string; json?: boolean }): Promise<number> {
  const dataDir = resolveDataDir(options.dataDir);
  if (action === 'revoke') {
    if (deviceId === undefined) throw new TetherError('BAD_MESSAGE', 'usage: tether devices revoke <device_id>');
    await revokeDevice(dataDir, deviceId);
    process.stdout.write(`Revoked ${deviceId}: its token no longer works and its connections were cut.\n`);
    return 0;
  }
  if (action !== undefined && action !== 'list') throw new TetherError('BAD_MESSAGE', `unknown action "${action}" (list or revoke)`);
  const devices = await listDevices(dataDir);
  if (options.json) process.stdout.write(`${JSON.stringify(devices)}\n`);
  else if (devices.length === 0) process.stdout.write('No paired devices. Pair one with "tether pair".\n');
  else for (const device of devices) process.stdout.write(`${formatDevice(device)}\n`);
  return 0;
}
