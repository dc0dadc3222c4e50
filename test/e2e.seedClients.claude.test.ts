/**
 * Seed clients answer real Claude Code 2.1.197 Bash approvals (on the mock Anthropic server)
 * with their own messages only (issue 11 "Done means"), each prompt answered by another seed:
 * 1. mobilecli `tool_approval {session_id, response}` without a prompt id (after the 2 s settle);
 * 2. the push seed's app (cdev-ios): `ALLOW_ACTION` posted to `/api/push/action` with the
 *    `action_secret` and `tool_use_id` of the `pty_permission` push it got from the APNs mock;
 * 3. ios-backend `approval_response {requestId, approved: false}` with the `requestId` of its
 *    `APPROVAL_REQUEST` push: the tool does not run.
 * Each sees the clear in its own shape. (The craft client answers in e2e.approvalTimeout.test.ts.)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDaemon } from '../src/daemon.js';
import { silentLogger } from '../src/log.js';
import { configSchema } from '../src/store/config.js';
import { startMockAnthropic } from './mock/anthropicServer.js';
import { startMockApns, type MockApns } from './mock/apnsServer.js';
import { stepsScenario } from './mock/scenarios.js';
import { makeCliEnv } from './support/cliEnv.js';
import { pairPhone, until, useCleanups } from './support/phone.js';
import type { ReceivedMessage, TestClient } from './support/testClient.js';
import { waitUntil } from './support/waitFor.js';

const cleanups = useCleanups();
const TOKENS = { mobilecli: 'a1'.repeat(32), iosBackend: 'b2'.repeat(32), cdev: 'c3'.repeat(32) };
const bash = (command: string) => ({ toolUse: { name: 'Bash', input: { command, description: `Run ${command}` } } });

/** The alert pushed to `token` whose data names `promptId` under `key`. */
async function pushFor(apns: MockApns, token: string, key: string, promptId: unknown): Promise<any> {
  const find = () => apns.requests.find((r) => r.token === token && r.headers['apns-push-type'] === 'alert' && (r.payload as any)?.data?.[key] === promptId);
  await waitUntil(() => find() !== undefined, 15_000, `the push to ${token.slice(0, 4)} for ${String(promptId)}`);
  return find()!.payload;
}

async function approval(phone: TestClient, after: number): Promise<ReceivedMessage> {
  return until(phone, (m) => m.type === 'waiting_for_input' && m.wait_type === 'tool_approval' && Number(m.seq) > after, 60_000, 'a tool approval');
}

describe('seed clients answer real Claude Code approvals with their own messages', () => {
  it('mobilecli tool_approval, the push seed ALLOW_ACTION, ios-backend approval_response', { timeout: 180_000 }, async () => {
    const mock = await startMockAnthropic({ script: stepsScenario([bash('touch first.txt'), bash('touch second.txt'), bash('touch third.txt')]) });
    cleanups.push(() => mock.close());
    const apns = await startMockApns({ bundleId: 'dev.tether.test' });
    cleanups.push(() => apns.close());
    const claudeEnv = await makeCliEnv('claude', { mockUrl: mock.url });
    cleanups.push(() => claudeEnv.cleanup());
    const dataDir = mkdtempSync(join(tmpdir(), 'tether-e2e-seeds-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const config = configSchema.parse({
      server: { port: 0 },
      push: { delay_seconds: 1, apns: { key_file: apns.keyFile, key_id: apns.keyId, team_id: apns.teamId, bundle_id: apns.bundleId, environment: 'sandbox', address: 'localhost', port: apns.port, ca_file: apns.caFile } },
    });
    const binDir = join(process.cwd(), 'node_modules', '.bin');
    const daemon = await startDaemon({ config, dataDir, port: 0, sessionEnv: { ...claudeEnv.env, PATH: `${binDir}:${claudeEnv.env.PATH}` }, log: silentLogger });
    cleanups.push(() => daemon.stop());
    const phone = await pairPhone(daemon.url, dataDir);
    const mobilecli = await pairPhone(daemon.url, dataDir, ['mobilecli']);
    const iosBackend = await pairPhone(daemon.url, dataDir, ['ios-backend']);
    const cdev = await pairPhone(daemon.url, dataDir);
    for (const client of [phone, mobilecli, iosBackend, cdev]) cleanups.push(() => client.close());
    mobilecli.send({ type: 'register_push_token', token: TOKENS.mobilecli, token_type: 'apns', platform: 'ios' });
    iosBackend.send({ type: 'register_push_token', token: TOKENS.iosBackend, token_type: 'device' });
    cdev.send({ jsonrpc: '2.0', id: 1, method: 'device/register', params: { device_token: TOKENS.cdev, device_id: 'unique-device-uuid', device_name: 'iPhone 15 Pro', environment: 'sandbox' } });
    await until(cdev, (m) => m.jsonrpc === '2.0' && m.id === 1, 5_000, 'device/register');
    await waitUntil(() => Object.values(TOKENS).every((token) => readFileSync(join(dataDir, 'devices.json'), 'utf8').includes(token)), 5_000, 'the registrations');

    phone.send({ type: 'create_session', request_id: 'create', cli: 'claude', cwd: claudeEnv.projectDir, cols: 120, rows: 40 });
    const created = await until(phone, (m) => m.type === 'session_created' && m.request_id === 'create', 10_000, 'session_created');
    const sessionId = (created.session as { id: string }).id;
    await until(phone, (m) => m.type === 'waiting_for_input' && m.session_id === sessionId && m.wait_type === 'awaiting_response', 60_000, 'the idle box');
    phone.send({ type: 'send_input', session_id: sessionId, text: 'create the three files' });

    // 1. mobilecli: no prompt id; it answers once the prompt held still for 2 s.
    const first = await approval(phone, 0);
    await until(mobilecli, (m) => m.type === 'waiting_for_input' && m.wait_type === 'tool_approval', 5_000, 'mobilecli waiting_for_input');
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    mobilecli.send({ type: 'tool_approval', session_id: sessionId, response: 'yes' });
    expect(await until(mobilecli, (m) => m.type === 'waiting_cleared', 15_000, 'mobilecli waiting_cleared')).toMatchObject({ session_id: sessionId, response: '1' });
    await waitUntil(() => existsSync(join(claudeEnv.projectDir, 'first.txt')), 30_000, 'first.txt');
    expect((await pushFor(apns, TOKENS.mobilecli, 'prompt_id', first.prompt_id)).data).toMatchObject({ session_id: sessionId, wait_type: 'tool_approval', cli_type: 'claude' });

    // 2. The push seed's app: the notification action, authenticated by its push's secret.
    const second = await approval(phone, Number(first.seq));
    const permission = await pushFor(apns, TOKENS.cdev, 'tool_use_id', second.prompt_id);
    expect(permission.data).toMatchObject({ type: 'pty_permission', session_id: sessionId, tool_name: 'Bash', permission_type: 'bash' });
    const allowed = await fetch(`${daemon.url}/api/push/action`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action_secret: permission.data.action_secret, session_id: permission.data.session_id, prompt_id: permission.data.tool_use_id, action: 'ALLOW_ACTION' }),
    });
    expect(allowed.status).toBe(200);
    await until(phone, (m) => m.type === 'waiting_cleared' && m.prompt_id === second.prompt_id, 15_000, 'the clear of the second prompt');
    await waitUntil(() => existsSync(join(claudeEnv.projectDir, 'second.txt')), 30_000, 'second.txt');

    // 3. ios-backend: approval_response with the requestId its APPROVAL_REQUEST push carried.
    const third = await approval(phone, Number(second.seq));
    const request = await pushFor(apns, TOKENS.iosBackend, 'requestId', third.prompt_id);
    expect(request.aps.category).toBe('APPROVAL_REQUEST');
    iosBackend.send({ type: 'approval_response', requestId: request.data.requestId, approved: false });
    expect(await until(iosBackend, (m) => m.type === 'waiting_cleared' && m.prompt_id === third.prompt_id, 15_000, 'ios-backend waiting_cleared')).toMatchObject({ cause: 'answered' });
    await until(phone, (m) => m.type === 'waiting_for_input' && m.session_id === sessionId && m.wait_type === 'awaiting_response' && Number(m.seq) > Number(third.seq), 30_000, 'the idle box after the denial');
    expect(existsSync(join(claudeEnv.projectDir, 'third.txt'))).toBe(false);
    // A second answer to it is the seed's "Expired or not found".
    iosBackend.send({ type: 'approval_response', requestId: request.data.requestId, approved: true });
    expect(await until(iosBackend, (m) => m.type === 'error', 5_000, 'STALE_PROMPT')).toMatchObject({ code: 'STALE_PROMPT' });
  });
});
