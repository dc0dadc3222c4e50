/**
 * The prompt queue over REST: who may call, the queue's life (add, reorder, skip, remove),
 * autoplay switching, the external executor's next-command / submit-result with
 * `interaction:completed` on a Phoenix channel (official client), and bad input answered
 * with coded errors that lose nothing.
 */
import { Socket } from 'phoenix';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { fakeSession } from '../../test/support/fakeSessionService.js';
import { Harness } from '../../test/support/transportHarness.js';
import type { QueueItem, SessionQueue } from '../common/queue.js';

let harness: Harness;
let token: string;
let deviceId: string;
beforeEach(async () => {
  harness = await Harness.start();
  const paired = harness.devices.pair({ device_name: 'phone', platform: 'ios' });
  token = paired.token;
  deviceId = paired.device.device_id;
});
afterEach(async () => {
  await harness.stop();
});

async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}
async function add(text: string, sessionId = 's1'): Promise<QueueItem> {
  const response = await harness.call('POST', `/api/sessions/${sessionId}/queue`, { token, body: { text } });
  expect(response.status).toBe(201);
  return ((await response.json()) as { item: QueueItem }).item;
}
async function queueOf(sessionId = 's1'): Promise<SessionQueue> {
  return (await (await harness.call('GET', `/api/sessions/${sessionId}/queue`, { token })).json()) as SessionQueue;
}
const texts = (queue: SessionQueue) => queue.items.map((item) => `${item.text}:${item.state}`);

describe('REST prompt queue', () => {
  it('refuses callers without a device token', async () => {
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/api/queues'],
      ['GET', '/api/sessions/s1/queue'],
      ['POST', '/api/sessions/s1/queue', { text: 'hi' }],
      ['PATCH', '/api/sessions/s1/queue/i1', { position: 0 }],
      ['DELETE', '/api/sessions/s1/queue/i1'],
      ['PUT', '/api/sessions/s1/autoplay', { enabled: true }],
      ['GET', '/api/sessions/s1/next-command'],
      ['POST', '/api/sessions/s1/submit-result/x1', { status: 'ok' }],
    ];
    for (const [method, path, body] of routes) {
      // Past the failed-guess rate limit's window each time: this test is about the 401.
      harness.now.value += 61_000;
      const response = await harness.call(method, path, { body, token: 'not-a-token' });
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(await errorCode(response)).toBe('UNAUTHORIZED');
    }
    expect(harness.queue.list()).toEqual([]);
  });

  it('adds, reorders, skips and removes prompts; each change reaches /ws clients as queue_updated', async () => {
    const client = await harness.connectDevice();
    const first = await add('run the tests');
    expect(first).toMatchObject({ text: 'run the tests', state: 'queued', queued_by: deviceId });
    expect((await client.nextOfType('queue_updated')) as unknown).toMatchObject({ session_id: 's1', items: [{ id: first.id }] });
    const second = await add('commit');
    const moved = await harness.call('PATCH', `/api/sessions/s1/queue/${second.id}`, { token, body: { position: 0 } });
    expect(moved.status).toBe(200);
    expect(texts(await queueOf())).toEqual(['commit:queued', 'run the tests:queued']);
    await harness.call('PATCH', `/api/sessions/s1/queue/${first.id}`, { token, body: { state: 'skipped' } });
    expect(texts(await queueOf())).toEqual(['run the tests:skipped', 'commit:queued']);
    const removed = await harness.call('DELETE', `/api/sessions/s1/queue/${first.id}`, { token });
    expect(await removed.json()).toEqual({ removed: first.id });
    const list = (await (await harness.call('GET', '/api/queues', { token })).json()) as { queues: SessionQueue[] };
    expect(list.queues.map((queue) => [queue.session_id, texts(queue)])).toEqual([['s1', ['commit:queued']]]);
  });

  it('gives an external executor the next prompt, then 204, and broadcasts its result as interaction:completed on Phoenix', async () => {
    await add('npm test');
    await add('git commit -am wip');
    const socket = new Socket(`ws://127.0.0.1:${harness.transport.port}/socket`, { transport: WebSocket, authToken: token, timeout: 2_000 });
    socket.connect();
    try {
      const channel = socket.channel('session:s1');
      await new Promise((resolve, reject) => channel.join().receive('ok', resolve).receive('error', reject).receive('timeout', reject));
      const completed = new Promise<Record<string, unknown>>((resolve) => channel.on('interaction:completed', resolve));
      const taken = await harness.call('GET', '/api/sessions/s1/next-command', { token });
      expect(taken.status).toBe(200);
      const command = (await taken.json()) as { interaction_id: string; item_id: string; text: string };
      expect(command.text).toBe('npm test');
      // One at a time: the second waits for the first's result.
      expect((await harness.call('GET', '/api/sessions/s1/next-command', { token })).status).toBe(204);
      const result = await harness.call('POST', `/api/sessions/s1/submit-result/${command.interaction_id}`, { token, body: { status: 'ok', output: '42 passed' } });
      expect(result.status).toBe(200);
      expect(await completed).toEqual({ session_id: 's1', interaction_id: command.interaction_id, status: 'ok' });
      expect(texts(await queueOf())).toEqual(['npm test:done', 'git commit -am wip:queued']);
      expect((await queueOf()).items[0].output).toBe('42 passed');
    } finally {
      socket.disconnect();
    }
  });

  it('switches autoplay on and off; on at the idle prompt it types the first prompt at once', async () => {
    harness.sessions.emit({ ...idlePrompt('s1') });
    await add('run the tests');
    const on = await harness.call('PUT', '/api/sessions/s1/autoplay', { token, body: { enabled: true } });
    expect(await on.json()).toEqual({ enabled: true, paused_reason: null });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(harness.sessions.calls.filter((call) => call.method === 'sendInput').map((call) => call.args[1])).toEqual(['run the tests']);
    const off = await harness.call('PUT', '/api/sessions/s1/autoplay', { token, body: { enabled: false } });
    expect(await off.json()).toEqual({ enabled: false, paused_reason: null });
  });

  it('answers bad input with coded errors and loses nothing', async () => {
    const kept = await add('keep me');
    const before = await queueOf();
    // A 1 MB prompt: the body (over 16 KiB) is refused before it is read.
    const huge = await harness.call('POST', '/api/sessions/s1/queue', { token, body: { text: 'x'.repeat(1024 * 1024) } });
    expect([huge.status, await errorCode(huge)]).toEqual([400, 'BAD_MESSAGE']);
    const long = await harness.call('POST', '/api/sessions/s1/queue', { token, body: { text: 'x'.repeat(9_000) } });
    expect([long.status, await errorCode(long)]).toEqual([400, 'BAD_MESSAGE']);
    const unknown = await harness.call('POST', '/api/sessions/nope/queue', { token, body: { text: 'hi' } });
    expect([unknown.status, await errorCode(unknown)]).toEqual([404, 'SESSION_NOT_FOUND']);
    const interaction = await harness.call('POST', '/api/sessions/s1/submit-result/not-an-interaction', { token, body: { status: 'ok' } });
    expect([interaction.status, await errorCode(interaction)]).toEqual([404, 'INTERACTION_NOT_FOUND']);
    const stale = await harness.call('PATCH', '/api/sessions/s1/queue/stale-item-id', { token, body: { position: 0 } });
    expect([stale.status, await errorCode(stale)]).toEqual([404, 'QUEUE_ITEM_NOT_FOUND']);
    const empty = await harness.call('PATCH', `/api/sessions/s1/queue/${kept.id}`, { token, body: {} });
    expect([empty.status, await errorCode(empty)]).toEqual([400, 'BAD_MESSAGE']);
    harness.sessions.sessions.set('gone', fakeSession('gone', { status: 'exited', exit_code: 0 }));
    const exited = await harness.call('PUT', '/api/sessions/gone/autoplay', { token, body: { enabled: true } });
    expect([exited.status, await errorCode(exited)]).toEqual([409, 'SESSION_EXITED']);
    expect(await queueOf()).toEqual(before);
    expect(harness.queue.autoplay('gone').enabled).toBe(false);
  });
});

function idlePrompt(sessionId: string) {
  return {
    type: 'waiting_for_input' as const,
    session_id: sessionId,
    seq: 1,
    timestamp: new Date().toISOString(),
    prompt_id: `${sessionId}-p1`,
    wait_type: 'awaiting_response' as const,
    prompt_content: '',
    options: [],
    cli_type: 'claude' as const,
  };
}
