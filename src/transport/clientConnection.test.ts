import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { ClientConnection, HARD_LIMIT_BYTES, HIGH_WATER_BYTES, OUTPUT_INTERVAL_MS } from './clientConnection.js';
import { encodeOutputData, MAX_FRAME_DATA_BYTES } from './outputQueue.js';
import { FakeSessionService, fakeSession } from '../../test/support/fakeSessionService.js';

/** A stand-in socket whose buffered amount the test controls. */
class FakeSocket {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  sent: Array<{ type: string; [key: string]: unknown }> = [];
  terminated = false;
  send(data: string | Buffer, options: { binary: boolean }): void {
    expect(options.binary).toBe(false);
    this.sent.push(JSON.parse(String(data)) as { type: string });
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = WebSocket.CLOSED;
  }
}

function setup(): { socket: FakeSocket; connection: ClientConnection; sessions: FakeSessionService } {
  const sessions = new FakeSessionService();
  sessions.sessions.set('s1', fakeSession('s1'));
  sessions.sessions.set('s2', fakeSession('s2'));
  const socket = new FakeSocket();
  const connection = new ClientConnection(
    socket as unknown as WebSocket,
    { deviceId: 'd', isAdmin: false },
    sessions,
    () => {},
  );
  return { socket, connection, sessions };
}

function output(connection: ClientConnection, seq: number, data = `chunk ${seq}`, sessionId = 's1'): void {
  connection.queueOutput(sessionId, seq, encodeOutputData(data));
}

/** What the fake-timer tests fake: the flush timers and the clock they are planned with. */
const FAKE_TIMERS = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'performance'] as const;

/** Lets the end-of-tick flush run. */
const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe('ClientConnection output', () => {
  it('sends the output of one tick as one frame per session, with the last seq', async () => {
    const { socket, connection } = setup();
    connection.subscribe('s1', undefined, undefined);
    connection.subscribe('s2', undefined, undefined);
    socket.sent = [];
    output(connection, 11, '\x1b[31mred\x1b[0m "quoted" \\ ');
    output(connection, 1, 'other', 's2');
    output(connection, 12, 'emoji \ud83d');
    output(connection, 13, '\ude00 ✻\r\n');
    expect(socket.sent).toEqual([]);
    await nextTick();
    expect(socket.sent).toEqual([
      { type: 'pty_output', session_id: 's1', seq: 13, data: '\x1b[31mred\x1b[0m "quoted" \\ emoji 😀 ✻\r\n' },
      { type: 'pty_output', session_id: 's2', seq: 1, data: 'other' },
    ]);
    connection.dispose();
  });

  it('sends a stream at most every OUTPUT_INTERVAL_MS, and output after a pause at once', () => {
    vi.useFakeTimers({ toFake: [...FAKE_TIMERS] });
    const { socket, connection } = setup();
    connection.subscribe('s1', undefined, undefined);
    socket.sent = [];
    output(connection, 11);
    vi.advanceTimersToNextTimer();
    expect(socket.sent.map((message) => message.seq)).toEqual([11]);
    output(connection, 12);
    vi.advanceTimersByTime(OUTPUT_INTERVAL_MS / 2);
    output(connection, 13);
    expect(socket.sent).toHaveLength(1);
    vi.advanceTimersByTime(OUTPUT_INTERVAL_MS / 2);
    expect(socket.sent.map((message) => message.seq)).toEqual([11, 13]);
    expect(socket.sent[1].data).toBe('chunk 12chunk 13');
    vi.advanceTimersByTime(OUTPUT_INTERVAL_MS * 3);
    output(connection, 14);
    vi.advanceTimersToNextTimer();
    expect(socket.sent.map((message) => message.seq)).toEqual([11, 13, 14]);
    expect(performance.now()).toBeLessThan(OUTPUT_INTERVAL_MS * 5);
    connection.dispose();
  });

  it('sends queued output before any later message, so order is kept', () => {
    const { socket, connection } = setup();
    connection.subscribe('s1', undefined, undefined);
    socket.sent = [];
    output(connection, 11);
    connection.send({ type: 'ack', request_id: 'a' });
    expect(socket.sent.map((message) => message.type)).toEqual(['pty_output', 'ack']);
    connection.dispose();
  });

  it('sends a frame at once when it reaches its size bound', () => {
    const { socket, connection } = setup();
    connection.subscribe('s1', undefined, undefined);
    socket.sent = [];
    const half = 'x'.repeat(MAX_FRAME_DATA_BYTES / 2);
    output(connection, 11, half);
    expect(socket.sent).toEqual([]);
    output(connection, 12, half);
    expect(socket.sent).toEqual([{ type: 'pty_output', session_id: 's1', seq: 12, data: half + half }]);
    connection.dispose();
  });

  it('drops queued output of a session it subscribes to again (the screen covers it)', async () => {
    const { socket, connection } = setup();
    connection.subscribe('s1', undefined, undefined);
    output(connection, 9);
    connection.subscribe('s1', undefined, 'again');
    await nextTick();
    expect(socket.sent.map((message) => message.type)).toEqual(['screen', 'screen']);
    connection.dispose();
  });

  it('follows a screen with the output the screen has not parsed yet', async () => {
    const { socket, connection, sessions } = setup();
    sessions.history.set('s1', [
      { type: 'pty_output', session_id: 's1', seq: 10, data: 'parsed' },
      { type: 'waiting_cleared', session_id: 's1', seq: 11, timestamp: 't', prompt_id: 'p', cause: 'input' },
      { type: 'pty_output', session_id: 's1', seq: 12, data: 'not yet' },
    ]);
    connection.subscribe('s1', undefined, 'sub');
    output(connection, 13, ' live');
    await nextTick();
    expect(socket.sent).toEqual([
      { type: 'screen', session_id: 's1', seq: 10, data: '\u001b[H[screen of s1]', request_id: 'sub' },
      { type: 'pty_output', session_id: 's1', seq: 13, data: 'not yet live' },
    ]);
    connection.dispose();
  });

  it('does not queue output for sessions it is not subscribed to, nor after unsubscribe', async () => {
    const { socket, connection } = setup();
    expect(connection.wantsOutput('s1')).toBe(false);
    output(connection, 1);
    connection.subscribe('s1', undefined, undefined);
    output(connection, 11);
    connection.unsubscribe('s1');
    await nextTick();
    expect(socket.sent.map((message) => message.type)).toEqual(['screen']);
  });
});

describe('ClientConnection backpressure', () => {
  it('drops output while congested and sends a resync (screen and seq) once drained', () => {
    vi.useFakeTimers({ toFake: [...FAKE_TIMERS] });
    const { socket, connection } = setup();
    connection.subscribe('s1', undefined, undefined);
    socket.sent = [];
    output(connection, 11);
    vi.runOnlyPendingTimers();
    socket.bufferedAmount = HIGH_WATER_BYTES + 1;
    output(connection, 12);
    output(connection, 13);
    expect(connection.wantsOutput('s1')).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(socket.sent.map((message) => message.seq)).toEqual([11]);
    socket.bufferedAmount = 0;
    vi.advanceTimersByTime(1000);
    expect(socket.sent[1]).toEqual({ type: 'resync', session_id: 's1', seq: 10, data: '\u001b[H[screen of s1]' });
    output(connection, 14);
    vi.runOnlyPendingTimers();
    expect(socket.sent[2]).toMatchObject({ type: 'pty_output', seq: 14 });
    expect(vi.getTimerCount()).toBe(0);
    connection.dispose();
  });

  it('terminates a socket that stops reading entirely', () => {
    const { socket, connection } = setup();
    socket.bufferedAmount = HARD_LIMIT_BYTES + 1;
    connection.send({ type: 'ack', request_id: 'a' });
    expect(socket.terminated).toBe(true);
    connection.send({ type: 'ack', request_id: 'b' });
    expect(socket.sent).toHaveLength(1);
  });
});
