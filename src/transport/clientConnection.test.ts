import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { ServerMessage } from '../common/protocol.js';
import { ClientConnection, HARD_LIMIT_BYTES, HIGH_WATER_BYTES } from './clientConnection.js';
import { FakeSessionService, fakeSession } from '../../test/support/fakeSessionService.js';

/** A stand-in socket whose buffered amount the test controls. */
class FakeSocket {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  sent: Array<{ type: string; [key: string]: unknown }> = [];
  terminated = false;
  send(text: string): void {
    this.sent.push(JSON.parse(text) as { type: string });
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = WebSocket.CLOSED;
  }
}

function setup(): { socket: FakeSocket; connection: ClientConnection; sessions: FakeSessionService } {
  const sessions = new FakeSessionService();
  sessions.sessions.set('s1', fakeSession('s1'));
  const socket = new FakeSocket();
  const connection = new ClientConnection(
    socket as unknown as WebSocket,
    { deviceId: 'd', isAdmin: false },
    sessions,
    () => {},
  );
  return { socket, connection, sessions };
}

function output(seq: number): [Extract<ServerMessage, { type: 'pty_output' }>, string] {
  const event = { type: 'pty_output' as const, session_id: 's1', seq, data: `chunk ${seq}` };
  return [event, JSON.stringify(event)];
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ClientConnection backpressure', () => {
  it('drops output while congested and resyncs with a screen once drained', () => {
    vi.useFakeTimers();
    const { socket, connection } = setup();
    connection.subscribe('s1', undefined, undefined);
    socket.sent = [];
    connection.deliverOutput(...output(11));
    socket.bufferedAmount = HIGH_WATER_BYTES + 1;
    connection.deliverOutput(...output(12));
    connection.deliverOutput(...output(13));
    expect(socket.sent.map((message) => message.seq)).toEqual([11]);
    vi.advanceTimersByTime(1000);
    expect(socket.sent).toHaveLength(1);
    socket.bufferedAmount = 0;
    vi.advanceTimersByTime(1000);
    expect(socket.sent[1]).toMatchObject({ type: 'screen', session_id: 's1' });
    connection.deliverOutput(...output(14));
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

  it('does not deliver output for sessions it is not subscribed to', () => {
    const { socket, connection } = setup();
    connection.deliverOutput(...output(1));
    expect(socket.sent).toEqual([]);
  });
});
