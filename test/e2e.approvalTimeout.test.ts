/**
 * The approval lifecycle on real parts: a real Claude Code 2.1.197 Bash approval on the mock
 * Anthropic server, a paired phone socket, and the APNs mock, with `approvals.timeout_seconds`
 * short enough for a test. `deny`: the warning (event and push), the expiry typing the deny
 * option (the tool never runs), the retraction and the badge-clearing push, and a late answer
 * refused with STALE_PROMPT. `notify`: the reminder push, the prompt still answerable, and the
 * late approval (sent by a client of the craft seed) running the tool. Clients that speak only a
 * seed's dialect (mobilecli, craft, ios-backend) see the approval, its timeout and its clear in
 * their seed's shapes, and the seeds' apps that register for push (mobilecli's
 * `register_push_token`, ios-backend's `token_type: device`, the push seed's JSON-RPC
 * `device/register`) get the push payload their app expects from the APNs mock; the craft seed
 * (a web client) defines no push.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDaemon } from '../src/daemon.js';
import { configSchema } from '../src/store/config.js';
import { silentLogger } from '../src/log.js';
import type { TestClient, ReceivedMessage } from './support/testClient.js';
import { startMockAnthropic } from './mock/anthropicServer.js';
import { bashScenario } from './mock/scenarios.js';
import { startMockApns } from './mock/apnsServer.js';
import type { MockApns } from './mock/apnsServer.js';
import { makeCliEnv } from './support/cliEnv.js';
import { waitUntil } from './support/waitFor.js';
import { pairPhone, until, useCleanups } from './support/phone.js';

/** A well-formed APNs device token (64 hex characters). */
const DEVICE_TOKEN = 'cd'.repeat(32);
/** The APNs tokens of the seed apps: mobilecli, ios-backend, and the push seed (cdev-ios). */
const SEED_TOKENS = { mobilecli: 'a1'.repeat(32), iosBackend: 'b2'.repeat(32), cdev: 'c3'.repeat(32) };
/** The approval timeout of these tests (s): long enough for the push delay and the warning. */
const TIMEOUT_SECONDS = 6;
/** The warning's lead (s). */
const WARN_SECONDS = 3;
const MARKER = 'created-by-tool.txt';

const cleanups = useCleanups();

interface World {
  apns: MockApns;
  url: string;
  projectDir: string;
  phone: TestClient;
  sessionId: string;
  /** Clients that speak only a seed's dialect (issue 11 §4), connected before the session started. */
  seeds: { mobilecli: TestClient; craft: TestClient; iosBackend: TestClient; cdev: TestClient };
}

async function startWorld(onTimeout: 'deny' | 'notify'): Promise<World> {
  const mock = await startMockAnthropic({ script: bashScenario(`touch ${MARKER}`, 'Create the marker file') });
  cleanups.push(() => mock.close());
  const apns = await startMockApns({ bundleId: 'dev.tether.test' });
  cleanups.push(() => apns.close());
  const claudeEnv = await makeCliEnv('claude', { mockUrl: mock.url });
  cleanups.push(() => claudeEnv.cleanup());
  const dataDir = mkdtempSync(join(tmpdir(), 'tether-e2e-timeout-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = configSchema.parse({
    server: { port: 0 },
    approvals: { timeout_seconds: TIMEOUT_SECONDS, warn_seconds: WARN_SECONDS, on_timeout: onTimeout },
    push: {
      delay_seconds: 1,
      apns: { key_file: apns.keyFile, key_id: apns.keyId, team_id: apns.teamId, bundle_id: apns.bundleId, environment: 'sandbox', address: 'localhost', port: apns.port, ca_file: apns.caFile },
    },
  });
  const binDir = join(process.cwd(), 'node_modules', '.bin');
  const daemon = await startDaemon({ config, dataDir, port: 0, sessionEnv: { ...claudeEnv.env, PATH: `${binDir}:${claudeEnv.env.PATH}` }, log: silentLogger });
  cleanups.push(() => daemon.stop());
  const phone = await pairPhone(daemon.url, dataDir);
  cleanups.push(() => phone.close());
  const seeds = {
    mobilecli: await pairPhone(daemon.url, dataDir, ['mobilecli']),
    craft: await pairPhone(daemon.url, dataDir, ['craft']),
    iosBackend: await pairPhone(daemon.url, dataDir, ['ios-backend']),
    // The push seed's app speaks JSON-RPC on a plain socket.
    cdev: await pairPhone(daemon.url, dataDir),
  };
  for (const client of Object.values(seeds)) cleanups.push(() => client.close());
  // Each seed app registers its token with its own message, taken from its seed's examples.
  seeds.mobilecli.send({ type: 'register_push_token', token: SEED_TOKENS.mobilecli, token_type: 'apns', platform: 'ios' });
  seeds.iosBackend.send({ type: 'register_push_token', token: SEED_TOKENS.iosBackend, token_type: 'device' });
  seeds.cdev.send({ jsonrpc: '2.0', id: 1, method: 'device/register', params: { device_token: SEED_TOKENS.cdev, device_id: 'unique-device-uuid', device_name: 'iPhone 15 Pro', app_version: '1.0.0', os_version: 'iOS 17.2', environment: 'sandbox' } });
  expect(await until(seeds.cdev, (m) => m.jsonrpc === '2.0' && m.id === 1, 5_000, 'device/register')).toMatchObject({ result: { registered: true, device_id: 'unique-device-uuid' } });
  await waitUntil(() => Object.values(SEED_TOKENS).every((token) => readFileSync(join(dataDir, 'devices.json'), 'utf8').includes(token)), 5_000, 'the seed registrations');
  phone.send({ type: 'register_push_token', request_id: 'reg', token: DEVICE_TOKEN, token_type: 'apns', platform: 'ios', environment: 'sandbox' });
  await until(phone, (m) => m.type === 'ack' && m.request_id === 'reg', 5_000, 'register ack');
  phone.send({ type: 'create_session', request_id: 'create', cli: 'claude', cwd: claudeEnv.projectDir, cols: 120, rows: 40 });
  const created = await until(phone, (m) => m.type === 'session_created' && m.request_id === 'create', 10_000, 'session_created');
  const sessionId = (created.session as { id: string }).id;
  await until(phone, (m) => m.type === 'waiting_for_input' && m.session_id === sessionId && m.wait_type === 'awaiting_response', 30_000, 'idle box');
  phone.send({ type: 'send_input', session_id: sessionId, text: 'create the marker file' });
  return { apns, url: daemon.url, projectDir: claudeEnv.projectDir, phone, sessionId, seeds };
}

async function approvalOf(world: World): Promise<ReceivedMessage> {
  const approval = await until(world.phone, (m) => m.type === 'waiting_for_input' && m.wait_type === 'tool_approval', 30_000, 'tool approval');
  expect(approval.tool_name).toBe('Bash');
  const expiresIn = Date.parse(String(approval.expires_at)) - Date.parse(String(approval.timestamp));
  expect(expiresIn).toBe(TIMEOUT_SECONDS * 1000);
  return approval;
}

/** The APNs requests to `token` for `promptId` (Tether's alerts carry it in `data`, retractions too). */
function pushesOf(apns: MockApns, promptId: unknown, token = DEVICE_TOKEN) {
  return apns.requests.filter((r) => r.token === token && (r.payload as any)?.data?.prompt_id === promptId);
}

/** The first alert push to `token`. */
async function alertTo(apns: MockApns, token: string) {
  await waitUntil(() => apns.requests.some((r) => r.token === token && r.headers['apns-push-type'] === 'alert'), 10_000, `the alert to ${token.slice(0, 4)}`);
  const request = apns.requests.find((r) => r.token === token && r.headers['apns-push-type'] === 'alert')!;
  expect(request.status).toBe(200);
  return request.payload as any;
}

/**
 * The push payload each seed app expects for the approval: mobilecli the seed's
 * `waiting_for_input` fields, ios-backend `APPROVAL_REQUEST {requestId, sessionId, type}` with
 * `expiresAt`, the push seed `PERMISSION_REQUEST` with `pty_permission` data (no command text:
 * `push.content` is minimal by default). Returns the push seed's payload.
 */
async function checkSeedPushes(world: World, approval: ReceivedMessage): Promise<any> {
  const { apns, sessionId } = world;
  const mobile = await alertTo(apns, SEED_TOKENS.mobilecli);
  expect(mobile.data).toMatchObject({ type: 'waiting_for_input', session_id: sessionId, wait_type: 'tool_approval', cli_type: 'claude', timestamp: approval.timestamp });
  const ios = await alertTo(apns, SEED_TOKENS.iosBackend);
  expect(ios.aps.category).toBe('APPROVAL_REQUEST');
  expect(ios.data).toEqual({ requestId: approval.prompt_id, sessionId, type: 'approval', expiresAt: approval.expires_at, action_secret: expect.any(String) });
  const cdev = await alertTo(apns, SEED_TOKENS.cdev);
  expect(cdev.aps).toMatchObject({ category: 'PERMISSION_REQUEST', sound: 'default', badge: 1, 'mutable-content': 1, 'interruption-level': 'time-sensitive' });
  expect(cdev.data).toEqual({
    type: 'pty_permission',
    workspace_id: basename(world.projectDir),
    session_id: sessionId,
    tool_use_id: approval.prompt_id,
    tool_name: 'Bash',
    target: '',
    permission_type: 'bash',
    timestamp: approval.timestamp,
    expires_at: approval.expires_at,
    action_secret: expect.any(String),
  });
  return cdev;
}

describe('approval timeout end to end: real Claude Code, phone socket, APNs', () => {
  it('deny: warns, then answers with the deny option; the tool never runs, the push is retracted, a late answer is stale', async () => {
    const world = await startWorld('deny');
    const { phone, sessionId, apns } = world;
    const approval = await approvalOf(world);
    expect(approval.on_timeout).toBe('deny');

    const warning = await until(phone, (m) => m.type === 'approval_expiring' && m.prompt_id === approval.prompt_id, (TIMEOUT_SECONDS + 2) * 1000, 'approval_expiring');
    expect(warning.expires_at).toBe(approval.expires_at);
    const timeout = await until(phone, (m) => m.type === 'approval_timeout' && m.prompt_id === approval.prompt_id, (WARN_SECONDS + 3) * 1000, 'approval_timeout');
    expect(timeout).toMatchObject({ session_id: sessionId, action: 'denied', wait_type: 'tool_approval' });
    const cleared = await until(phone, (m) => m.type === 'waiting_cleared' && m.prompt_id === approval.prompt_id, 5_000, 'waiting_cleared');
    expect(cleared.cause).toBe('timed_out');
    // Claude 2.1.197's Bash dialog: 1 Yes, 2 Yes and don't ask again, 3 No.
    const no = (approval.options as Array<{ id: string; label: string }>).find((o) => /^No/.test(o.label))!;
    expect(cleared.response).toBe(no.id);
    const back = await until(phone, (m) => m.type === 'waiting_for_input' && m.session_id === sessionId, 30_000, 'the idle box after the denial');
    expect(back.wait_type).toBe('awaiting_response');
    expect(existsSync(join(world.projectDir, MARKER))).toBe(false);

    phone.send({ type: 'tool_approval', request_id: 'late', session_id: sessionId, prompt_id: approval.prompt_id, response: 'yes' });
    expect((await until(phone, (m) => m.type === 'error' && m.request_id === 'late', 5_000, 'STALE_PROMPT')).code).toBe('STALE_PROMPT');

    // Each seed's client saw the approval and its timeout in its own shapes.
    const { mobilecli, craft, iosBackend } = world.seeds;
    const request = await until(craft, (m) => m.type === 'permission_request', 5_000, 'craft permission_request');
    expect(request).toEqual({ type: 'permission_request', sessionId, request: expect.objectContaining({ requestId: approval.prompt_id, toolName: 'Bash' }) });
    expect(await until(craft, (m) => m.type === 'permission_timeout', 5_000, 'craft permission_timeout')).toEqual({ type: 'permission_timeout', sessionId, requestId: approval.prompt_id });
    expect(await until(iosBackend, (m) => m.type === 'approval_timeout', 5_000, 'ios-backend approval_timeout')).toEqual({ type: 'approval_timeout', sessionId, requestId: approval.prompt_id });
    const seen = await until(mobilecli, (m) => m.type === 'waiting_for_input' && m.wait_type === 'tool_approval', 5_000, 'mobilecli waiting_for_input');
    expect(Object.keys(seen).sort()).toEqual(['cli_type', 'prompt_content', 'session_id', 'timestamp', 'type', 'wait_type']);
    expect(await until(mobilecli, (m) => m.type === 'waiting_cleared' && m.response === no.id, 5_000, 'mobilecli waiting_cleared')).toMatchObject({ session_id: sessionId });

    // Each seed app got the push payload it expects; the ios-backend app's alert is removed by its requestId.
    const cdevPush = await checkSeedPushes(world, approval);
    await waitUntil(() => apns.requests.some((r) => r.token === SEED_TOKENS.iosBackend && r.headers['apns-push-type'] === 'background'), 10_000, 'the ios-backend retraction');
    const iosRetraction = apns.requests.find((r) => r.token === SEED_TOKENS.iosBackend && r.headers['apns-push-type'] === 'background')!;
    expect((iosRetraction.payload as any).data).toMatchObject({ type: 'waiting_cleared', requestId: approval.prompt_id, sessionId, cause: 'timed_out' });
    // The push seed's DENY_ACTION reaches the push-action route with its secret; the prompt expired (STALE_PROMPT).
    const late = await fetch(`${world.url}/api/push/action`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action_secret: cdevPush.data.action_secret, session_id: cdevPush.data.session_id, prompt_id: cdevPush.data.tool_use_id, action: 'DENY_ACTION' }),
    });
    expect(late.status).toBe(409);
    expect(((await late.json()) as any).error.code).toBe('STALE_PROMPT');

    // The alert (badge 1, expires_at), the warning, then the silent retraction and the badge back to 0.
    await waitUntil(() => pushesOf(apns, approval.prompt_id).some((r) => r.headers['apns-push-type'] === 'background'), 10_000, 'the retraction');
    const [alert, warned] = pushesOf(apns, approval.prompt_id).filter((r) => r.headers['apns-push-type'] === 'alert');
    expect((alert.payload as any).aps.badge).toBe(1);
    expect((alert.payload as any).data).toMatchObject({ expires_at: approval.expires_at, on_timeout: 'deny' });
    expect(Number(alert.headers['apns-expiration'])).toBe(Math.floor(Date.parse(String(approval.expires_at)) / 1000));
    expect((warned.payload as any).data.stage).toBe('warning');
    expect((warned.payload as any).aps.alert.title).toMatch(/^Denied in \d+ s: Permission Required$/);
    const retraction = pushesOf(apns, approval.prompt_id).find((r) => r.headers['apns-push-type'] === 'background')!;
    expect(retraction.status).toBe(200);
    expect((retraction.payload as any).data).toMatchObject({ type: 'waiting_cleared', cause: 'timed_out', badge: 0 });
    await waitUntil(() => apns.requests.some((r) => (r.payload as any)?.aps?.badge === 0 && r.headers['apns-push-type'] === 'alert'), 10_000, 'the badge-clearing push');
  });

  it('notify: reminds, and the prompt stays answerable; the late approval runs the tool', async () => {
    const world = await startWorld('notify');
    const { phone, sessionId, apns } = world;
    const approval = await approvalOf(world);
    expect(approval.on_timeout).toBe('notify');
    const timeout = await until(phone, (m) => m.type === 'approval_timeout' && m.prompt_id === approval.prompt_id, (TIMEOUT_SECONDS + 3) * 1000, 'approval_timeout');
    expect(timeout.action).toBe('notified');
    expect(phone.received.some((m) => m.type === 'approval_expiring')).toBe(false);
    await waitUntil(() => pushesOf(apns, approval.prompt_id).some((r) => (r.payload as any)?.data?.stage === 'reminder'), 10_000, 'the reminder push');
    const reminder = pushesOf(apns, approval.prompt_id).find((r) => (r.payload as any)?.data?.stage === 'reminder')!;
    expect((reminder.payload as any).aps.alert.title).toBe('Still waiting: Permission Required');
    expect(phone.received.some((m) => m.type === 'waiting_cleared' && m.prompt_id === approval.prompt_id)).toBe(false);

    await checkSeedPushes(world, approval);
    // A client of the craft seed answers the late prompt with its own message.
    expect(await until(world.seeds.craft, (m) => m.type === 'permission_timeout', 5_000, 'craft permission_timeout')).toEqual({ type: 'permission_timeout', sessionId, requestId: approval.prompt_id });
    world.seeds.craft.send({ type: 'permission_response', requestId: approval.prompt_id, allowed: true, alwaysAllow: false });
    const cleared = await until(phone, (m) => m.type === 'waiting_cleared' && m.prompt_id === approval.prompt_id, 5_000, 'waiting_cleared');
    expect(cleared).toMatchObject({ cause: 'answered', response: '1' });
    expect(await until(world.seeds.mobilecli, (m) => m.type === 'waiting_cleared' && m.response === '1', 5_000, 'mobilecli waiting_cleared')).toMatchObject({ session_id: sessionId });
    await waitUntil(() => existsSync(join(world.projectDir, MARKER)), 30_000, 'the marker file');
  });
});
