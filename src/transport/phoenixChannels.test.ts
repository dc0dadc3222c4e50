/**
 * Phoenix channels with the official `phoenix` npm client (unmodified; `ws` as its transport,
 * since Node 20 has no global WebSocket): join, receive, leave, a rejoin after the daemon
 * drops every socket, refused tokens, and the Phoenix names of Tether's events.
 */
import { Socket, type Channel } from 'phoenix';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { SessionEvent } from '../common/index.js';
import { ADMIN_SECRET, Harness, waitingEvent } from '../../test/support/transportHarness.js';

let harness: Harness;
let token: string;
const sockets: Socket[] = [];

beforeEach(async () => {
  harness = await Harness.start();
  token = harness.devices.pair({ device_name: 'phone', platform: 'ios' }).token;
});
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  await harness.stop();
});

/** An official client for the harness, retrying quickly. */
function connect(options: { authToken?: string; params?: Record<string, string> } = {}): Socket {
  const socket = new Socket(`ws://127.0.0.1:${harness.transport.port}/socket`, {
    transport: WebSocket,
    reconnectAfterMs: () => 50,
    rejoinAfterMs: () => 50,
    timeout: 2_000,
    ...options,
  });
  socket.connect();
  sockets.push(socket);
  return socket;
}

/** Joins `channel`; resolves with the ok reply, rejects with the error reply or a timeout. */
function join(channel: Channel): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    channel
      .join()
      .receive('ok', (response: Record<string, unknown>) => resolve(response))
      .receive('error', (response: Record<string, unknown>) => reject(Object.assign(new Error('join refused'), { response })))
      .receive('timeout', () => reject(new Error('join timed out')));
  });
}

/** The next payload of `event` on `channel`. */
function next(channel: Channel, event: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const ref = channel.on(event, (payload: Record<string, unknown>) => {
      channel.off(event, ref);
      resolve(payload);
    });
  });
}

/** A round trip on `socket` (a heartbeat and its reply): frames sent before it have arrived. */
function roundTrip(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.ping(() => resolve()));
}

describe('Phoenix channels (official client)', () => {
  it('joins sessions, receives Tether events and session_updated, with the token in authToken', async () => {
    const socket = connect({ authToken: token });
    const channel = socket.channel('sessions');
    const reply = await join(channel);
    expect(reply).toEqual({ sessions: [harness.sessions.get('s1')] });
    const waiting = next(channel, 'waiting_for_input');
    const updated = next(channel, 'session_updated');
    harness.sessions.waiting.clear();
    harness.sessions.emit(waitingEvent('s1'));
    // The core follows the waiting edge with session_updated (SessionManager).
    harness.sessions.emit({ type: 'session_updated', session: harness.sessions.get('s1') });
    expect(await waiting).toEqual(waitingEvent('s1'));
    expect(await updated).toEqual({ session: harness.sessions.get('s1') });
    const created = next(channel, 'session_created');
    await harness.sessions.create({ cli: 'codex' });
    expect(await created).toMatchObject({ type: 'session_created', session: { id: 'created-1', command: 'codex' } });
  });

  it('joins session:<id> with output, receives its pty_output and nothing after leaving', async () => {
    const socket = connect({ authToken: token });
    const channel = socket.channel('session:s1', { output: true });
    const reply = await join(channel);
    expect(reply).toEqual({ session: harness.sessions.get('s1'), screen: { seq: 10, data: '\u001b[H[screen of s1]' } });
    const output = next(channel, 'pty_output');
    harness.sessions.emit({ type: 'pty_output', session_id: 's1', seq: 11, data: 'hello' });
    expect(await output).toEqual({ type: 'pty_output', session_id: 's1', seq: 11, data: 'hello' });

    const seen: string[] = [];
    socket.onMessage((message: object) => {
      const { topic, event } = message as { topic: string; event: string };
      seen.push(`${topic} ${event}`);
    });
    channel.leave();
    // The client settles leave() locally; a heartbeat's reply proves the server has read it.
    await roundTrip(socket);
    harness.sessions.emit({ type: 'pty_output', session_id: 's1', seq: 12, data: 'after leave' });
    harness.sessions.emit(waitingEvent('s1'));
    await roundTrip(socket);
    expect(seen).toEqual(['session:s1 phx_reply', 'session:s1 phx_close', 'phoenix phx_reply', 'phoenix phx_reply']);
  });

  it('sends pty_output only to joins that asked for it', async () => {
    const socket = connect({ authToken: token });
    const quiet = socket.channel('session:s1');
    expect(await join(quiet)).toEqual({ session: harness.sessions.get('s1') });
    const received: string[] = [];
    quiet.on('pty_output', () => {
      received.push('pty_output');
    });
    const closed = next(quiet, 'session_closed');
    harness.sessions.emit({ type: 'pty_output', session_id: 's1', seq: 11, data: 'x' });
    harness.sessions.emit({ type: 'session_closed', session_id: 's1', seq: 12, exit_code: 0 });
    expect(await closed).toEqual({ type: 'session_closed', session_id: 's1', seq: 12, exit_code: 0 });
    expect(received).toEqual([]);
  });

  it('answers a join to an unknown session or topic with an error reply', async () => {
    const socket = connect({ authToken: token });
    await expect(join(socket.channel('session:nope'))).rejects.toMatchObject({ response: { code: 'SESSION_NOT_FOUND' } });
    await expect(join(socket.channel('rooms:lobby'))).rejects.toMatchObject({ response: { code: 'NOT_FOUND', reason: 'unmatched topic' } });
    await expect(join(socket.channel('session:s1', { output: 'yes' }))).rejects.toMatchObject({ response: { code: 'BAD_MESSAGE' } });
  });

  it('rejoins its channels after the daemon drops the socket', async () => {
    const socket = connect({ authToken: token });
    const channel = socket.channel('session:s1');
    let joins = 0;
    const rejoined = new Promise<void>((resolve) => {
      channel.join().receive('ok', () => {
        joins += 1;
        if (joins === 2) resolve();
      });
    });
    await expect.poll(() => joins).toBe(1);
    const errored = new Promise<void>((resolve) => channel.onError(() => resolve()));
    await harness.restart();
    await errored;
    await rejoined;
    const waiting = next(channel, 'waiting_for_input');
    harness.sessions.emit(waitingEvent('s1'));
    expect(await waiting).toMatchObject({ prompt_id: 'p1', session_id: 's1' });
  });

  it('refuses the socket for a bad token, and no join succeeds', async () => {
    const socket = connect({ authToken: 'not-a-token' });
    const refusals: string[] = [];
    socket.onError((error: unknown) => {
      refusals.push(String((error as { message?: string }).message));
    });
    const channel = socket.channel('sessions');
    const outcomes: string[] = [];
    channel
      .join()
      .receive('ok', () => outcomes.push('ok'))
      .receive('error', () => outcomes.push('error'));
    // The client retries every 50 ms; each attempt is refused before the upgrade.
    await expect.poll(() => refusals.length).toBeGreaterThanOrEqual(3);
    expect(refusals.every((message) => /401/.test(message))).toBe(true);
    expect(outcomes).toEqual([]);
    expect(channel.state).toBe('errored');
    expect(harness.transport.connectedClientCount()).toBe(0);
  });

  it('refuses a token in the URL, even a valid one', async () => {
    const socket = connect({ params: { token } });
    const refused = new Promise<string>((resolve) => {
      socket.onError((error: unknown) => resolve(String((error as { message?: string }).message)));
    });
    expect(await refused).toMatch(/400/);
  });

  it('maps interaction_completed to interaction:completed {session_id, interaction_id, status}', async () => {
    const socket = connect({ authToken: ADMIN_SECRET });
    const everyone = socket.channel('sessions');
    const own = socket.channel('session:s1');
    await join(everyone);
    await join(own);
    const onEveryone = next(everyone, 'interaction:completed');
    const onOwn = next(own, 'interaction:completed');
    const completed = { type: 'interaction_completed', session_id: 's1', seq: 40, interaction_id: 'i-7', status: 'ok', timestamp: '2026-01-01T00:00:00.000Z' };
    // The hooks issue adds this event to the core stream; the fake emits it as core will.
    harness.sessions.emit(completed as unknown as SessionEvent);
    expect(await onEveryone).toEqual({ session_id: 's1', interaction_id: 'i-7', status: 'ok' });
    expect(await onOwn).toEqual({ session_id: 's1', interaction_id: 'i-7', status: 'ok' });
  });

  it('carries transport broadcasts (push_result) on the sessions topic', async () => {
    const socket = connect({ authToken: token });
    const channel = socket.channel('sessions');
    await join(channel);
    const report = next(channel, 'push_result');
    const message = { type: 'push_result', prompt_id: 'p1', session_id: 's1', device_id: 'd1', provider: 'apns', result: { status: 'sent' }, timestamp: 't' } as const;
    harness.transport.broadcast(message);
    expect(await report).toEqual(message);
  });

  it('closes a revoked device\'s socket with 4001', async () => {
    const { device, token: revokedToken } = harness.devices.pair({ device_name: 'lost phone' });
    const socket = connect({ authToken: revokedToken });
    await join(socket.channel('sessions'));
    const closed = new Promise<number>((resolve) => {
      socket.onClose((event: unknown) => resolve((event as { code: number }).code));
    });
    harness.devices.remove(device.device_id);
    expect(harness.transport.disconnectDevice(device.device_id)).toBe(1);
    expect(await closed).toBe(4001);
  });

  it("revoking a device (DELETE /api/web/devices/:id) cuts that device's Phoenix sockets before it answers; another device's stay", async () => {
    const { device, token: lostToken } = harness.devices.pair({ device_name: 'lost phone' });
    const lost = connect({ authToken: lostToken });
    await join(lost.channel('sessions'));
    const kept = connect({ authToken: token });
    const keptChannel = kept.channel('sessions');
    await join(keptChannel);
    const closed = new Promise<number>((resolve) => lost.onClose((event: unknown) => resolve((event as { code: number }).code)));
    expect(harness.transport.connectedClientCount()).toBe(2);
    const revoked = await fetch(`${harness.url}/api/web/devices/${device.device_id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_SECRET}` } });
    expect(revoked.status).toBe(200);
    // Cut by the time the revoke answered: only the other device's socket is left.
    expect(harness.transport.connectedClientCount()).toBe(1);
    expect(await closed).toBe(4001);
    const report = next(keptChannel, 'push_result');
    const message = { type: 'push_result', prompt_id: 'p1', session_id: 's1', device_id: 'd1', provider: 'apns', result: { status: 'sent' }, timestamp: 't' } as const;
    harness.transport.broadcast(message);
    expect(await report).toEqual(message);
  });

  it('counts paired Phoenix sockets as connected clients, not the admin', async () => {
    await join(connect({ authToken: token }).channel('sessions'));
    await join(connect({ authToken: ADMIN_SECRET }).channel('sessions'));
    expect(harness.transport.connectedClientCount()).toBe(1);
  });
});
