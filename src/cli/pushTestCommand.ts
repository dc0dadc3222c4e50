/**
 * `tether push test [--device ID]`: asks the running daemon (`POST /api/admin/push-test`,
 * admin secret from the data dir) to send a test notification to the device's registrations
 * (every registration without --device) and prints one line per result.
 */
import { TetherError } from '../common/index.js';
import type { PushResultMessage } from '../common/protocol.js';
import { readDaemonFile, resolveDataDir } from '../daemonFile.js';

/** One result as the daemon reports it. */
export type PushTestResult = Omit<PushResultMessage, 'type'>;

/**
 * Requests a test push from the daemon in `dataDir`.
 * @throws TetherError DAEMON_NOT_RUNNING | UNAUTHORIZED | PUSH_FAILED (the daemon's error code)
 */
export async function requestPushTest(dataDir: string, deviceId?: string): Promise<PushTestResult[]> {
  const daemon = readDaemonFile(dataDir);
  let response: Response;
  try {
    response = await fetch(`${daemon.url}/api/admin/push-test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${daemon.admin_secret}`, 'content-type': 'application/json' },
      body: JSON.stringify(deviceId === undefined ? {} : { device_id: deviceId }),
    });
  } catch (err) {
    throw new TetherError('DAEMON_NOT_RUNNING', `daemon at ${daemon.url} is not answering`, { cause: err });
  }
  const body = (await response.json().catch(() => ({}))) as { results?: PushTestResult[]; error?: { code?: string; message?: string } };
  if (!response.ok) {
    const code = body.error?.code === 'UNAUTHORIZED' ? 'UNAUTHORIZED' : 'PUSH_FAILED';
    throw new TetherError(code, `daemon refused the push test (HTTP ${response.status}): ${body.error?.message ?? 'no details'}`);
  }
  return body.results ?? [];
}

/** One human line for a result: device, provider, status and why. */
export function formatPushResult(result: PushTestResult): string {
  const detail = [
    result.result.http_status === undefined ? undefined : `HTTP ${result.result.http_status}`,
    result.result.reason,
  ].filter((part) => part !== undefined);
  return `${result.device_id}  ${result.provider}  ${result.result.status}${detail.length > 0 ? `  (${detail.join(', ')})` : ''}`;
}

/** Runs `tether push test`; exit code 0 when at least one registration got the push. */
export async function pushTestCommand(options: { device?: string; dataDir?: string }): Promise<number> {
  const results = await requestPushTest(resolveDataDir(options.dataDir), options.device);
  if (results.length === 0) {
    const scope = options.device === undefined ? '' : ` for device ${options.device}`;
    process.stdout.write(`No push registrations${scope} with a configured provider (or push is disabled).\n`);
    return 1;
  }
  for (const result of results) process.stdout.write(`${formatPushResult(result)}\n`);
  return results.some((result) => result.result.status === 'sent') ? 0 : 1;
}
