/**
 * `tether push test` against a real daemon: a phone pairs, registers an APNs token over
 * JSON-RPC, the CLI's request reaches the APNs mock, and the result comes back to the CLI, to
 * the phone as `push_result`, and into push-history.jsonl.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockApns } from '../../test/mock/apnsServer.js';
import { startDaemon } from '../daemon.js';
import { silentLogger } from '../log.js';
import { configSchema } from '../store/config.js';
import { TestClient } from '../../test/support/testClient.js';
import { formatPushResult, requestPushTest } from './pushTestCommand.js';

const TOKEN = 'ab'.repeat(32);
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('tether push test', () => {
  it('sends a test push to the device and reports it to the CLI, the phone and the history', async () => {
    const apns = await startMockApns({ bundleId: 'dev.tether.test' });
    cleanups.push(() => apns.close());
    const dataDir = mkdtempSync(join(tmpdir(), 'tether-push-test-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const config = configSchema.parse({
      server: { port: 0 },
      push: { apns: { key_file: apns.keyFile, key_id: apns.keyId, team_id: apns.teamId, bundle_id: apns.bundleId, address: 'localhost', port: apns.port, ca_file: apns.caFile } },
    });
    const daemon = await startDaemon({ config, dataDir, port: 0, log: silentLogger });
    cleanups.push(() => daemon.stop());

    const { token, device } = daemon.devices.pair({ device_name: 'phone' });
    const phone = await TestClient.connect(`${daemon.url.replace(/^http/, 'ws')}/ws`, { authorization: `Bearer ${token}` });
    cleanups.push(() => phone.close());
    await phone.nextOfType('sessions');
    phone.send({ jsonrpc: '2.0', id: 1, method: 'device/register', params: { device_token: TOKEN, device_id: device.device_id, device_name: 'iPhone', environment: 'sandbox' } });
    expect(await phone.next()).toEqual({ jsonrpc: '2.0', id: 1, result: { registered: true, device_id: device.device_id } });

    expect(await requestPushTest(dataDir, 'someone-else')).toEqual([]);
    const results = await requestPushTest(dataDir, device.device_id);
    expect(results).toEqual([expect.objectContaining({ device_id: device.device_id, provider: 'apns', result: { status: 'sent', attempt: 0 } })]);
    expect(formatPushResult(results[0])).toBe(`${device.device_id}  apns  sent`);
    expect(apns.requests.map((request) => request.token)).toEqual([TOKEN]);

    const pushed = await phone.nextOfType('push_result');
    expect(pushed).toMatchObject({ device_id: device.device_id, provider: 'apns', result: { status: 'sent' } });
    const history = readFileSync(join(dataDir, 'push-history.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(history).toEqual([expect.objectContaining({ prompt_id: pushed.prompt_id, result: { status: 'sent', attempt: 0 } })]);
  });
});
