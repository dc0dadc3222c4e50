/**
 * The Phoenix V2 framing as a raw socket sees it (what the official client never sends:
 * malformed frames, binary, unknown events), the upgrade's refusals, and the output path of a
 * congested socket.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { SessionEvent } from '../common/index.js';
import { HIGH_WATER_BYTES } from './clientConnection.js';
import { PhoenixConnection } from './phoenixConnection.js';
import { phoenixDeliveries } from './phoenixEvents.js';
import { FakeSessionService, fakeSession } from '../../test/support/fakeSessionService.js';
import { Harness } from '../../test/support/transportHarness.js';

type Frame = [string | null, string | null, string, string, Record<string, unknown>];

let harness: Harness;
let token: string;
beforeEach(async () => {
  harness = await Harness.start();
  token = harness.devices.pair({ device_name: 'phone' }).token;
});
afterEach(async () => {
  await harness.stop();
});

/** The subprotocol entry phoenix.js sends for `authToken`. */
function tokenProtocol(value: string): string {
  return `base64url.bearer.phx.${Buffer.from(value).toString('base64').replace(/=/g, '')}`;
}

/** A raw socket speaking V2 frames, collecting what the server sends. */
async function rawSocket(): Promise<{ socket: WebSocket; frames: Frame[]; nextFrame(): Promise<Frame> }> {
  const socket = new WebSocket(`ws://127.0.0.1:${harness.transport.port}/socket/websocket?vsn=2.0.0`, ['phoenix', tokenProtocol(token)]);
  const frames: Frame[] = [];
  const waiters: Array<(frame: Frame) => void> = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Frame;
    const waiter = waiters.shift();
    if (waiter !== undefined) waiter(frame);
    else frames.push(frame);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  expect(socket.protocol).toBe('phoenix');
  return {
    socket,
    frames,
    nextFrame: () => {
      const queued = frames.shift();
      return queued !== undefined ? Promise.resolve(queued) : new Promise((resolve) => waiters.push(resolve));
    },
  };
}

/** The HTTP status an upgrade is refused with. */
function refusal(path: string, protocols: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${harness.transport.port}${path}`, protocols);
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => reject(new Error('the upgrade was accepted')));
    socket.on('error', () => undefined);
  });
}

describe('Phoenix V2 framing', () => {
  it('answers heartbeats, malformed frames and frames no channel takes', async () => {
    const { socket, nextFrame } = await rawSocket();
    socket.send(JSON.stringify([null, '1', 'phoenix', 'heartbeat', {}]));
    expect(await nextFrame()).toEqual([null, '1', 'phoenix', 'phx_reply', { status: 'ok', response: {} }]);
    socket.send('not json');
    expect(await nextFrame()).toEqual([null, null, 'phoenix', 'phx_error', { code: 'BAD_MESSAGE', reason: 'malformed JSON' }]);
    socket.send(JSON.stringify(['1', '2', 'sessions', 'phx_join', 'not an object']));
    expect(await nextFrame()).toMatchObject(['1', '2', 'sessions', 'phx_reply', { status: 'error', response: { code: 'BAD_MESSAGE' } }]);
    socket.send(JSON.stringify([null, '3', 'sessions', 'new_msg', {}]));
    expect(await nextFrame()).toEqual([null, '3', 'sessions', 'phx_reply', { status: 'error', response: { code: 'NOT_FOUND', reason: 'unmatched topic' } }]);
    socket.send(JSON.stringify(['4', '4', 'sessions', 'phx_join', {}]));
    expect(await nextFrame()).toEqual(['4', '4', 'sessions', 'phx_reply', { status: 'ok', response: { sessions: [fakeSession('s1')] } }]);
    socket.send(JSON.stringify(['4', '5', 'sessions', 'send_input', { text: 'rm -rf /' }]));
    expect(await nextFrame()).toMatchObject(['4', '5', 'sessions', 'phx_reply', { status: 'error', response: { code: 'BAD_MESSAGE' } }]);
    socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await nextFrame()).toMatchObject([null, null, 'phoenix', 'phx_error', { code: 'BAD_MESSAGE' }]);
    // No ref, no reply: the next frame is the heartbeat's.
    socket.send(JSON.stringify(['4', null, 'sessions', 'typing', {}]));
    socket.send(JSON.stringify([null, '6', 'phoenix', 'heartbeat', {}]));
    expect(await nextFrame()).toEqual([null, '6', 'phoenix', 'phx_reply', { status: 'ok', response: {} }]);
    expect(harness.sessions.calls).toEqual([]);
    socket.close();
  });

  it('refuses upgrades without a token, with a token in the URL, or with another vsn', async () => {
    expect(await refusal('/socket/websocket?vsn=2.0.0', ['phoenix'])).toBe(401);
    expect(await refusal('/socket/websocket?vsn=2.0.0', ['phoenix', tokenProtocol('wrong')])).toBe(401);
    expect(await refusal(`/socket/websocket?vsn=2.0.0&token=${token}`, ['phoenix'])).toBe(400);
    expect(await refusal('/socket/websocket?vsn=1.0.0', ['phoenix', tokenProtocol(token)])).toBe(400);
    expect(await refusal('/socket/websocket', ['phoenix', tokenProtocol(token)])).toBe(400);
    expect(await refusal('/socket/longpoll?vsn=2.0.0', ['phoenix', tokenProtocol(token)])).toBe(404);
  });
});

/** A socket stand-in whose buffered amount the test sets. */
class FakeSocket {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  readonly sent: Frame[] = [];
  send(text: string): void {
    this.sent.push(JSON.parse(text) as Frame);
  }
  close(): void {
    this.readyState = WebSocket.CLOSED;
  }
  terminate(): void {
    this.readyState = WebSocket.CLOSED;
  }
}

describe('Phoenix output on a congested socket', () => {
  it('skips pty_output above the high-water mark, then resyncs with a resync screen and drops output it covers', () => {
    const sessions = new FakeSessionService();
    sessions.sessions.set('s1', fakeSession('s1'));
    const socket = new FakeSocket();
    const connection = new PhoenixConnection(socket as unknown as WebSocket, { deviceId: 'd1', isAdmin: false }, sessions, () => undefined);
    connection.handleText(JSON.stringify(['1', '1', 'session:s1', 'phx_join', { output: true }]));
    socket.sent.length = 0;
    const output = (seq: number) => {
      const event: SessionEvent = { type: 'pty_output', session_id: 's1', seq, data: `chunk ${seq}` };
      for (const delivery of phoenixDeliveries(event, () => undefined)) connection.deliver(delivery);
    };
    socket.bufferedAmount = HIGH_WATER_BYTES + 1;
    output(5);
    expect(socket.sent).toEqual([]);
    socket.bufferedAmount = 0;
    // The fake's screen reflects seq 10: output up to 10 is in it, output after it follows.
    output(9);
    output(11);
    expect(socket.sent).toEqual([
      ['1', null, 'session:s1', 'resync', { type: 'resync', session_id: 's1', seq: 10, data: '\u001b[H[screen of s1]' }],
      ['1', null, 'session:s1', 'pty_output', { type: 'pty_output', session_id: 's1', seq: 11, data: 'chunk 11' }],
    ]);
  });

  it('follows a join screen with the output it has not parsed yet, and sends none of it twice', () => {
    const sessions = new FakeSessionService();
    sessions.sessions.set('s1', fakeSession('s1'));
    // The fake's screen holds seq 10; 11 and 12 are still being parsed.
    const chunk = (seq: number): SessionEvent => ({ type: 'pty_output', session_id: 's1', seq, data: `chunk ${seq}` });
    sessions.history.set('s1', [chunk(9), chunk(10), chunk(11), chunk(12)]);
    const socket = new FakeSocket();
    const connection = new PhoenixConnection(socket as unknown as WebSocket, { deviceId: 'd1', isAdmin: false }, sessions, () => undefined);
    connection.handleText(JSON.stringify(['1', '1', 'session:s1', 'phx_join', { output: true }]));
    for (const seq of [12, 13]) for (const delivery of phoenixDeliveries(chunk(seq), () => undefined)) connection.deliver(delivery);
    expect(socket.sent.map((frame) => [frame[3], (frame[4] as { seq?: number }).seq])).toEqual([
      ['phx_reply', undefined],
      ['pty_output', 11],
      ['pty_output', 12],
      ['pty_output', 13],
    ]);
  });

  it('crashes the channel with phx_error when the stale session is gone', () => {
    const sessions = new FakeSessionService();
    sessions.sessions.set('s1', fakeSession('s1'));
    const socket = new FakeSocket();
    const connection = new PhoenixConnection(socket as unknown as WebSocket, { deviceId: 'd1', isAdmin: false }, sessions, () => undefined);
    connection.handleText(JSON.stringify(['1', '1', 'session:s1', 'phx_join', { output: true }]));
    socket.sent.length = 0;
    const output = { topic: 'session:s1', event: 'pty_output', payload: { seq: 12 }, output: true as const };
    socket.bufferedAmount = HIGH_WATER_BYTES + 1;
    connection.deliver(output);
    socket.bufferedAmount = 0;
    sessions.sessions.delete('s1');
    connection.deliver(output);
    expect(socket.sent).toEqual([['1', '1', 'session:s1', 'phx_error', { code: 'SESSION_NOT_FOUND', reason: 'no session s1' }]]);
    expect(connection.topics).toEqual([]);
  });
});
