/**
 * The prompt queue end to end (issue 12) on real parts: the daemon in-process, a phone paired
 * over HTTP, and
 * - a real Claude Code session against the mock Anthropic server: three prompts queued over
 *   REST, autoplay on; they run in order, each ends with `interaction_completed` ok, the queue
 *   ends empty, and nothing is typed while the second prompt's tool approval is up (the phone
 *   answers it after 5 s; the third prompt goes only after that turn ends);
 * - an external executor on a shell session: `next-command`, run, `submit-result`, and
 *   `interaction:completed` seen on a Phoenix channel by the official `phoenix` client;
 * - a daemon restart: the queue of a session that is gone is kept and listed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Socket } from 'phoenix';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { QueueItem, SessionQueue } from '../src/common/queue.js';
import { startDaemon, type Daemon } from '../src/daemon.js';
import { silentLogger } from '../src/log.js';
import { configSchema } from '../src/store/config.js';
import { startMockAnthropic } from './mock/anthropicServer.js';
import type { MockScript } from './mock/scenarios.js';
import { hasCli, makeCliEnv } from './support/cliEnv.js';
import { until, useCleanups } from './support/phone.js';
import { TestClient, type ReceivedMessage } from './support/testClient.js';

const cleanups = useCleanups();

const PROMPTS = ['First: say hello to the team', 'Second: create the marker file', 'Third: say goodbye'] as const;
/** How long the phone leaves the tool approval up (ms), as the issue asks. */
const APPROVAL_DELAY_MS = 5_000;

/** The mock model: a Bash tool call for the second prompt, text for the others. */
const script: MockScript = (state) => {
  if (state.lastUserText.startsWith('Second') && state.lastToolResult === undefined) {
    return { toolUse: { name: 'Bash', input: { command: 'touch queued-marker.txt', description: 'Create the marker file' } } };
  }
  return { text: `Reply to ${state.lastUserText.split(':')[0]}.` };
};

interface World {
  readonly daemon: Daemon;
  readonly token: string;
  readonly phone: TestClient;
  call(method: string, path: string, body?: unknown): Promise<Response>;
}

async function startWorld(sessionEnv: NodeJS.ProcessEnv, dataDir = mkdtempSync(join(tmpdir(), 'tether-e2e-queue-'))): Promise<World> {
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const daemon = await startDaemon({ config: configSchema.parse({ server: { port: 0 } }), dataDir, port: 0, sessionEnv, log: silentLogger });
  cleanups.push(() => daemon.stop());
  const admin = JSON.parse(readFileSync(join(dataDir, 'daemon.json'), 'utf8')) as { admin_secret: string };
  // The full grant: the test starts Claude Code with arguments over REST (the phone grant may not).
  const codeReply = await fetch(`${daemon.url}/api/admin/pairing-code`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin.admin_secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ scope: 'full' }),
  });
  const { code } = (await codeReply.json()) as { code: string };
  const pairReply = await fetch(`${daemon.url}/api/pair`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, device_name: 'Test phone', platform: 'ios' }),
  });
  const { token } = (await pairReply.json()) as { token: string };
  const phone = await TestClient.connect(`${daemon.url.replace(/^http/, 'ws')}/ws`, { authorization: `Bearer ${token}` });
  cleanups.push(() => phone.close());
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${daemon.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  return { daemon, token, phone, call };
}

const installed = await hasCli('claude');

describe('prompt queue end to end', () => {
  it('runs three queued prompts with autoplay on real Claude Code, never typing while a tool approval is up', async () => {
    const mock = await startMockAnthropic({ script });
    cleanups.push(() => mock.close());
    const claudeEnv = await makeCliEnv('claude', { mockUrl: mock.url });
    cleanups.push(() => claudeEnv.cleanup());
    const world = await startWorld(claudeEnv.env);
    const { phone, call, daemon } = world;
    const created = await call('POST', '/api/sessions', { cli: claudeEnv.bin, cwd: claudeEnv.projectDir, cols: 120, rows: 40 });
    expect(created.status).toBe(201);
    const sessionId = ((await created.json()) as { session: { id: string } }).session.id;
    const inputs: Array<{ at: number }> = [];
    daemon.sessions.onDidInput(({ session_id }) => session_id === sessionId && inputs.push({ at: Date.now() }));

    await until(phone, (m) => m.type === 'waiting_for_input' && m.session_id === sessionId && m.wait_type === 'awaiting_response', 60_000, 'the idle box');
    const items: QueueItem[] = [];
    for (const text of PROMPTS) items.push(((await (await call('POST', `/api/sessions/${sessionId}/queue`, { text })).json()) as { item: QueueItem }).item);
    expect(await (await call('PUT', `/api/sessions/${sessionId}/autoplay`, { enabled: true })).json()).toEqual({ enabled: true, paused_reason: null });

    const completed: ReceivedMessage[] = [];
    const isCompletion = (m: ReceivedMessage) => m.type === 'interaction_completed' && m.session_id === sessionId;
    completed.push(await until(phone, isCompletion, 60_000, 'the first interaction_completed'));
    const approval = await until(phone, (m) => m.type === 'waiting_for_input' && m.session_id === sessionId && m.wait_type !== 'awaiting_response', 90_000, 'the tool approval');
    expect([approval.wait_type, approval.tool_name]).toEqual(['tool_approval', 'Bash']);
    const approvalShownAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, APPROVAL_DELAY_MS));
    // Nothing typed while the approval was up, and the third prompt never reached the model.
    expect(inputs.filter((input) => input.at >= approvalShownAt)).toEqual([]);
    expect(JSON.stringify(mock.mainRequests().map((request) => request.body))).not.toContain(PROMPTS[2]);
    const approvedAt = Date.now();
    phone.send({ type: 'tool_approval', request_id: 'approve', session_id: sessionId, prompt_id: approval.prompt_id, response: 'yes' });
    completed.push(await until(phone, isCompletion, 60_000, 'the second interaction_completed'));
    const secondEndedAt = Date.now();
    completed.push(await until(phone, isCompletion, 60_000, 'the third interaction_completed'));
    const paused = await until(phone, (m) => m.type === 'autoplay_paused' && m.session_id === sessionId, 10_000, 'autoplay_paused');
    expect(paused.reason).toBe('queue_empty');

    const queue = (await (await call('GET', `/api/sessions/${sessionId}/queue`)).json()) as SessionQueue;
    expect(queue.items.map((item) => [item.text, item.state, item.ran_by])).toEqual(PROMPTS.map((text) => [text, 'done', 'autoplay']));
    expect(completed.map((m) => [m.interaction_id, m.status, m.item_id])).toEqual(queue.items.map((item) => [item.interaction_id, 'ok', item.id]));
    expect(queue.items.map((item) => item.id)).toEqual(items.map((item) => item.id));
    // The third prompt was typed only after the approved turn ended.
    expect(Date.parse(queue.items[2].sent_at!)).toBeGreaterThanOrEqual(Math.max(approvedAt, secondEndedAt - 1_000));
    expect(inputs).toHaveLength(3);
    // The model saw the prompts in order, and the approved tool ran.
    const userTexts = mock.mainRequests().map((request) => JSON.stringify(request.body));
    const firstSeen = PROMPTS.map((text) => userTexts.findIndex((body) => body.includes(text)));
    expect(firstSeen.every((index) => index >= 0)).toBe(true);
    expect([...firstSeen].sort((a, b) => a - b)).toEqual(firstSeen);
    expect(existsSync(join(claudeEnv.projectDir, 'queued-marker.txt'))).toBe(true);
  }, 240_000);

  it('serves an external executor: next-command, run, submit-result, and interaction:completed on a Phoenix channel', async () => {
    const world = await startWorld({ PATH: process.env.PATH ?? '/usr/bin:/bin' });
    const { call, token, daemon } = world;
    const workDir = mkdtempSync(join(tmpdir(), 'tether-e2e-executor-'));
    cleanups.push(() => rmSync(workDir, { recursive: true, force: true }));
    const created = await call('POST', '/api/sessions', { cli: 'sh', cwd: workDir });
    const sessionId = ((await created.json()) as { session: { id: string } }).session.id;
    await call('POST', `/api/sessions/${sessionId}/queue`, { text: 'echo built > build.log' });

    const socket = new Socket(`${daemon.url.replace(/^http/, 'ws')}/socket`, { transport: WebSocket, authToken: token, timeout: 5_000 });
    socket.connect();
    cleanups.push(() => socket.disconnect());
    const channel = socket.channel(`session:${sessionId}`);
    await new Promise((resolve, reject) => channel.join().receive('ok', resolve).receive('error', reject).receive('timeout', reject));
    const completed = new Promise<Record<string, unknown>>((resolve) => channel.on('interaction:completed', resolve));

    const next = await call('GET', `/api/sessions/${sessionId}/next-command`);
    expect(next.status).toBe(200);
    const command = (await next.json()) as { interaction_id: string; text: string };
    const output = execFileSync('sh', ['-c', `${command.text} && cat build.log`], { cwd: workDir, encoding: 'utf8' });
    const result = await call('POST', `/api/sessions/${sessionId}/submit-result/${command.interaction_id}`, { status: 'ok', output });
    expect(result.status).toBe(200);
    expect(await completed).toEqual({ session_id: sessionId, interaction_id: command.interaction_id, status: 'ok' });
    const queue = (await (await call('GET', `/api/sessions/${sessionId}/queue`)).json()) as SessionQueue;
    expect(queue.items.map((item) => [item.state, item.ran_by, item.output])).toEqual([['done', 'executor', 'built\n']]);
    expect((await call('GET', `/api/sessions/${sessionId}/next-command`)).status).toBe(204);
  }, 60_000);

  it('keeps the queue across a daemon restart: the items of a session that is gone are listed, not dropped', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tether-e2e-queue-restart-'));
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    const first = await startWorld(env, dataDir);
    const sessionId = ((await (await first.call('POST', '/api/sessions', { cli: 'sh', cwd: dataDir })).json()) as { session: { id: string } }).session.id;
    for (const text of ['run the tests', 'commit']) await first.call('POST', `/api/sessions/${sessionId}/queue`, { text });
    await first.daemon.stop();
    const second = await startWorld(env, dataDir);
    const { queues } = (await (await second.call('GET', '/api/queues')).json()) as { queues: SessionQueue[] };
    expect(queues.map((queue) => [queue.session_id, queue.session_exists, queue.items.map((item) => `${item.text}:${item.state}`)])).toEqual([
      [sessionId, false, ['run the tests:queued', 'commit:queued']],
    ]);
    const one = await second.call('GET', `/api/sessions/${sessionId}/queue`);
    expect(((await one.json()) as SessionQueue).items).toHaveLength(2);
    // Nothing is typed for a session that is gone, and nothing new may be queued for it.
    expect((await second.call('POST', `/api/sessions/${sessionId}/queue`, { text: 'more' })).status).toBe(404);
    const removed = await second.call('DELETE', `/api/sessions/${sessionId}/queue/${queues[0].items[0].id}`);
    expect(removed.status).toBe(200);
  }, 60_000);
});
