/**
 * The whole loop on real parts: the daemon (in-process, random port), pairing over HTTP, a
 * phone socket, a real Claude Code session (the newest release, 2.1.332) against the mock Anthropic server, the
 * tool approval detected on screen, answered over the WebSocket, cleared, and an APNs push
 * verified by the HTTP/2 TLS mock (ES256 JWT, topic, push type, payload).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDaemon } from '../src/daemon.js';
import type { Daemon } from '../src/daemon.js';
import { configSchema } from '../src/store/config.js';
import { silentLogger } from '../src/log.js';
import { TestClient } from './support/testClient.js';
import type { ReceivedMessage } from './support/testClient.js';
import { startMockAnthropic } from './mock/anthropicServer.js';
import type { MockAnthropic } from './mock/anthropicServer.js';
import { bashScenario } from './mock/scenarios.js';
import { startMockApns } from './mock/apnsServer.js';
import type { MockApns } from './mock/apnsServer.js';
import { makeCliEnv } from './support/cliEnv.js';
import type { CliEnv } from './support/cliEnv.js';
import { waitUntil } from './support/waitFor.js';
import { pairPhone, until, useCleanups } from './support/phone.js';

/** A well-formed APNs device token (64 hex characters). */
const DEVICE_TOKEN = 'ab'.repeat(32);
/** Push delay for the test (s): short, but the test still waits past it. */
const PUSH_DELAY_SECONDS = 1;

const cleanups = useCleanups();

interface World {
  daemon: Daemon;
  mock: MockAnthropic;
  apns: MockApns;
  claudeEnv: CliEnv;
  phone: TestClient;
  sessionId: string;
}

async function startWorld(options: { cols: number; rows: number; onboarding?: 'skip' | 'show' }): Promise<World> {
  const mock = await startMockAnthropic({ script: bashScenario('touch created-by-tool.txt', 'Create the marker file') });
  cleanups.push(() => mock.close());
  const apns = await startMockApns({ bundleId: 'dev.tether.test' });
  cleanups.push(() => apns.close());
  const claudeEnv = await makeCliEnv('claude', { mockUrl: mock.url, newest: true, ...(options.onboarding === 'show' ? { variant: 'onboarding' } : {}) });
  cleanups.push(() => claudeEnv.cleanup());
  const dataDir = mkdtempSync(join(tmpdir(), 'tether-e2e-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = configSchema.parse({
    server: { port: 0 },
    push: {
      delay_seconds: PUSH_DELAY_SECONDS,
      apns: {
        key_file: apns.keyFile,
        key_id: apns.keyId,
        team_id: apns.teamId,
        bundle_id: apns.bundleId,
        environment: 'sandbox',
        address: 'localhost',
        port: apns.port,
        ca_file: apns.caFile,
      },
    },
  });
  const binDir = join(process.cwd(), 'node_modules', '.bin');
  const daemon = await startDaemon({
    config,
    dataDir,
    port: 0,
    sessionEnv: { ...claudeEnv.env, PATH: `${binDir}:${claudeEnv.env.PATH}` },
    log: silentLogger,
  });
  cleanups.push(() => daemon.stop());

  // Pair the way a phone does: a code from the admin endpoint (what `tether pair` calls), then POST /api/pair.
  const phone = await pairPhone(daemon.url, dataDir);
  cleanups.push(() => phone.close());
  phone.send({ type: 'register_push_token', request_id: 'reg', token: DEVICE_TOKEN, token_type: 'apns', platform: 'ios', environment: 'sandbox' });
  await until(phone, (m) => m.type === 'ack' && m.request_id === 'reg', 5_000, 'register ack');
  phone.send({ type: 'create_session', request_id: 'create', cli: 'claude', cwd: claudeEnv.projectDir, cols: options.cols, rows: options.rows });
  const created = await until(phone, (m) => m.type === 'session_created' && m.request_id === 'create', 10_000, 'session_created');
  const session = created.session as { id: string; cli_type: string };
  expect(session.cli_type).toBe('claude');
  return { daemon, mock, apns, claudeEnv, phone, sessionId: session.id };
}

async function reachToolApproval(world: World): Promise<ReceivedMessage> {
  const { phone, sessionId } = world;
  const idle = await until(phone, (m) => m.type === 'waiting_for_input' && m.session_id === sessionId, 30_000, 'idle box');
  expect(idle.wait_type).toBe('awaiting_response');
  phone.send({ type: 'send_input', session_id: sessionId, text: 'create the marker file' });
  const approval = await until(phone, (m) => m.type === 'waiting_for_input' && m.wait_type === 'tool_approval', 30_000, 'tool approval');
  expect(approval.cli_type).toBe('claude');
  expect(approval.tool_name).toBe('Bash');
  expect(approval.prompt_content).toContain('touch created-by-tool.txt');
  const labels = (approval.options as Array<{ id: string; label: string }>).map((o) => o.label);
  expect(labels[0]).toBe('Yes');
  expect(labels.at(-1)).toBe('No');
  return approval;
}

describe('end to end: real Claude Code, phone socket, APNs', () => {
  it('approves a Bash tool from the phone, clears, pushes, and refuses a stale answer', async () => {
    const world = await startWorld({ cols: 120, rows: 40 });
    const { phone, sessionId, apns } = world;
    const approval = await reachToolApproval(world);
    // A client is connected, so the push waits for the delay and goes out because the prompt is still live.
    await waitUntil(() => apns.requests.some((r) => (r.payload as any)?.data?.prompt_id === approval.prompt_id), (PUSH_DELAY_SECONDS + 5) * 1000, 'APNs push');
    const push = apns.requests.find((r) => (r.payload as any)?.data?.prompt_id === approval.prompt_id)!;
    expect(push.status).toBe(200);
    expect(push.token).toBe(DEVICE_TOKEN);
    expect(push.headers['apns-topic']).toBe(apns.bundleId);
    expect(push.headers['apns-push-type']).toBe('alert');
    expect(push.jwt?.header).toMatchObject({ alg: 'ES256', kid: apns.keyId });
    expect(push.jwt?.claims).toMatchObject({ iss: apns.teamId });
    const payload = push.payload as any;
    expect(payload.aps.category).toBe('PERMISSION_REQUEST');
    expect(payload.aps['thread-id']).toBe(sessionId);
    expect(payload.aps['interruption-level']).toBe('time-sensitive');
    expect(payload.aps.alert.title).toBeTruthy();
    expect(payload.data).toMatchObject({ session_id: sessionId, prompt_id: approval.prompt_id, wait_type: 'tool_approval' });
    expect(push.payloadBytes).toBeLessThan(4096);

    phone.send({ type: 'tool_approval', request_id: 'approve', session_id: sessionId, prompt_id: approval.prompt_id, response: 'yes' });
    const cleared = await until(phone, (m) => m.type === 'waiting_cleared' && m.prompt_id === approval.prompt_id, 5_000, 'waiting_cleared');
    expect(cleared.cause).toBe('answered');
    await until(phone, (m) => m.type === 'waiting_for_input' && m.wait_type === 'awaiting_response', 30_000, 'idle after the turn');
    expect(existsSync(join(world.claudeEnv.projectDir, 'created-by-tool.txt'))).toBe(true);

    phone.send({ type: 'tool_approval', request_id: 'again', session_id: sessionId, prompt_id: approval.prompt_id, response: 'yes' });
    const stale = await until(phone, (m) => m.type === 'error' && m.request_id === 'again', 5_000, 'STALE_PROMPT');
    expect(stale.code).toBe('STALE_PROMPT');
  });

  it('denies a Bash tool from the phone: the tool does not run', async () => {
    const world = await startWorld({ cols: 120, rows: 40 });
    const { phone, sessionId, mock } = world;
    const approval = await reachToolApproval(world);
    phone.send({ type: 'tool_approval', request_id: 'deny', session_id: sessionId, prompt_id: approval.prompt_id, response: 'no' });
    await until(phone, (m) => m.type === 'waiting_cleared' && m.prompt_id === approval.prompt_id, 5_000, 'waiting_cleared');
    // Claude 2.1's "No" stops the turn and hands the prompt back to the user ("what should Claude do instead?").
    const back = await until(phone, (m) => m.type === 'waiting_for_input' && m.session_id === sessionId, 30_000, 'the prompt after the denial');
    expect(back.wait_type).toBe('awaiting_response');
    const toolResults = mock.mainRequests().flatMap((r) => (r.body.messages as any[]).flatMap((m) => (Array.isArray(m.content) ? m.content : []))).filter((c) => c.type === 'tool_result');
    expect(toolResults.every((c) => c.is_error === true)).toBe(true);
    expect(existsSync(join(world.claudeEnv.projectDir, 'created-by-tool.txt'))).toBe(false);
  });

  it('works at 80x24', async () => {
    const world = await startWorld({ cols: 80, rows: 24 });
    const approval = await reachToolApproval(world);
    world.phone.send({ type: 'tool_approval', request_id: 'approve', session_id: world.sessionId, prompt_id: approval.prompt_id, response: 'yes' });
    await until(world.phone, (m) => m.type === 'waiting_cleared' && m.prompt_id === approval.prompt_id, 5_000, 'waiting_cleared');
    await waitUntil(() => existsSync(join(world.claudeEnv.projectDir, 'created-by-tool.txt')), 30_000, 'the marker file');
  });

  it('shows the onboarding dialog as a wait with its options when HOME is not seeded', async () => {
    const world = await startWorld({ cols: 120, rows: 40, onboarding: 'show' });
    const dialog = await until(world.phone, (m) => m.type === 'waiting_for_input' && m.session_id === world.sessionId, 30_000, 'onboarding dialog');
    expect(dialog.wait_type).toBe('clarifying_question');
    expect(dialog.kind).toBe('onboarding');
    const labels = (dialog.options as Array<{ label: string }>).map((o) => o.label);
    expect(labels).toContain('Light mode');
    const dark = (dialog.options as Array<{ id: string; label: string }>).find((o) => o.label.startsWith('Dark mode'))!;
    world.phone.send({ type: 'answer', request_id: 'theme', session_id: world.sessionId, prompt_id: dialog.prompt_id, option_id: dark.id });
    const cleared = await until(world.phone, (m) => m.type === 'waiting_cleared' && m.prompt_id === dialog.prompt_id, 5_000, 'cleared');
    expect(cleared.cause).toBe('answered');
  });
});
