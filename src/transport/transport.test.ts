import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCOPE_PRESETS, TetherError } from '../common/index.js';
import { FakeSessionService, fakeSession } from '../../test/support/fakeSessionService.js';
import { TestClient } from '../../test/support/testClient.js';
import { ADMIN_SECRET, Harness, waitingEvent } from '../../test/support/transportHarness.js';
import { startTransport } from './transport.js';

let harness: Harness;
beforeEach(async () => {
  harness = await Harness.start();
});
afterEach(async () => {
  await harness.stop();
});

describe('WebSocket messages', () => {
  it('greets with welcome, sessions and the live prompts', async () => {
    harness.sessions.sessions.set('s2', fakeSession('s2', { waiting: { prompt_id: 'p1', wait_type: 'tool_approval' } }));
    harness.sessions.waiting.set('s2', waitingEvent('s2'));
    const { token } = harness.devices.pair({ device_name: 'phone' });
    const client = await harness.connect(token);
    expect((await client.next()).type).toBe('welcome');
    const sessions = await client.next();
    expect(sessions).toMatchObject({ type: 'sessions', sessions: [{ id: 's1' }, { id: 's2' }] });
    expect(await client.next()).toEqual(waitingEvent('s2'));
  });

  it('answers bad frames with errors and keeps the connection', async () => {
    const client = await harness.connectDevice();
    const bad = [
      '{not json',
      JSON.stringify({ type: 'self_destruct', request_id: 'r1' }),
      JSON.stringify({ type: 'resize', session_id: 's1', cols: 'wide', rows: 24, request_id: 'r2' }),
      JSON.stringify({ type: 'send_input', session_id: 's1', text: 'x'.repeat(65_537), request_id: 'r3' }),
    ];
    for (const frame of bad) client.send(frame);
    const errors = [await client.next(), await client.next(), await client.next(), await client.next()];
    expect(errors.map((error) => error.type)).toEqual(['error', 'error', 'error', 'error']);
    expect(errors.map((error) => error.code)).toEqual(['BAD_MESSAGE', 'BAD_MESSAGE', 'BAD_MESSAGE', 'BAD_MESSAGE']);
    expect(errors.map((error) => error.request_id)).toEqual([undefined, 'r1', 'r2', 'r3']);
    expect(errors[1].message).toMatch(/unknown type/);
    expect(errors[2].message).toMatch(/resize\.cols/);
    expect(errors[3].message).toMatch(/send_input\.text/);
    client.send({ type: 'resize', session_id: 's1', cols: 90, rows: 30 });
    client.send({ type: 'resize', session_id: 's1', cols: 100, rows: 30, request_id: 'ok' });
    expect(await client.next()).toEqual({ type: 'ack', request_id: 'ok' });
    expect(harness.sessions.calls).toEqual([
      { method: 'resize', args: ['s1', 90, 30] },
      { method: 'resize', args: ['s1', 100, 30] },
    ]);
  });

  it('closes an over-large frame with 1009 and keeps serving others', async () => {
    const client = await harness.connectDevice();
    client.send('x'.repeat(600 * 1024));
    await expect(client.next()).rejects.toThrow(/closed \(1009\)/);
    const other = await harness.connectDevice();
    other.send({ type: 'unsubscribe', session_id: 's1', request_id: 'u' });
    expect(await other.next()).toEqual({ type: 'ack', request_id: 'u' });
  });

  it('sends the screen on subscribe, then live output only to subscribers', async () => {
    const subscriber = await harness.connectDevice();
    const bystander = await harness.connectDevice();
    subscriber.send({ type: 'subscribe', session_id: 's1', request_id: 'sub' });
    expect(await subscriber.next()).toEqual({
      type: 'screen',
      session_id: 's1',
      seq: 10,
      data: '\u001b[H[screen of s1]',
      request_id: 'sub',
    });
    subscriber.send({ type: 'subscribe', session_id: 's1' });
    expect((await subscriber.next()).type).toBe('screen');
    harness.sessions.emitter.fire({ type: 'pty_output', session_id: 's1', seq: 11, data: 'hello' });
    harness.sessions.emitter.fire({ ...waitingEvent('s1'), seq: 12 });
    expect(await subscriber.next()).toEqual({ type: 'pty_output', session_id: 's1', seq: 11, data: 'hello' });
    expect((await subscriber.next()).type).toBe('waiting_for_input');
    expect((await bystander.next()).type).toBe('waiting_for_input');
    expect(subscriber.unread()).toEqual([]);
    expect(bystander.unread()).toEqual([]);
    subscriber.send({ type: 'unsubscribe', session_id: 's1', request_id: 'u' });
    expect(await subscriber.next()).toEqual({ type: 'ack', request_id: 'u' });
    harness.sessions.emitter.fire({ type: 'pty_output', session_id: 's1', seq: 13, data: 'quiet' });
    harness.sessions.emitter.fire({ type: 'session_closed', session_id: 's1', seq: 14, exit_code: 0 });
    expect(await subscriber.next()).toEqual({ type: 'session_closed', session_id: 's1', seq: 14, exit_code: 0 });
  });

  it('replays history when subscribing with since, and falls back to the screen', async () => {
    harness.sessions.history.set('s1', [
      { type: 'pty_output', session_id: 's1', seq: 5, data: 'a' },
      { type: 'pty_output', session_id: 's1', seq: 6, data: 'b' },
    ]);
    const client = await harness.connectDevice();
    client.send({ type: 'subscribe', session_id: 's1', since: 5, request_id: 'r' });
    expect(await client.next()).toMatchObject({ type: 'pty_output', seq: 6, data: 'b' });
    expect(await client.next()).toEqual({ type: 'ack', request_id: 'r' });
    harness.sessions.history.delete('s1');
    client.send({ type: 'subscribe', session_id: 's1', since: 1 });
    expect((await client.next()).type).toBe('screen');
    client.send({ type: 'subscribe', session_id: 'missing', request_id: 'm' });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'SESSION_NOT_FOUND', request_id: 'm' });
  });

  it('routes tool_approval and answer, and returns their errors with request_id', async () => {
    const client = await harness.connectDevice();
    client.send({ type: 'tool_approval', session_id: 's1', prompt_id: 'p1', response: 'yes', request_id: 'a1' });
    expect(await client.next()).toEqual({ type: 'ack', request_id: 'a1' });
    expect(harness.sessions.calls[0]).toEqual({ method: 'answerApproval', args: ['s1', 'p1', 'yes', { senderId: expect.any(String) }] });
    harness.sessions.failNext.answerApproval = new TetherError('STALE_PROMPT', 'prompt p0 is gone');
    client.send({ type: 'tool_approval', session_id: 's1', prompt_id: 'p0', response: 'no', request_id: 'a2' });
    expect(await client.next()).toEqual({ type: 'error', code: 'STALE_PROMPT', message: 'prompt p0 is gone', request_id: 'a2' });
    client.send({ type: 'answer', session_id: 's1', prompt_id: 'p1', option_id: '2', request_id: 'a3' });
    expect(await client.next()).toEqual({ type: 'ack', request_id: 'a3' });
    expect(harness.sessions.calls[2]).toEqual({ method: 'answer', args: ['s1', 'p1', { optionId: '2', text: undefined }, { senderId: expect.any(String) }] });
    harness.sessions.failNext.sendInput = new Error('boom');
    client.send({ type: 'send_input', session_id: 's1', text: 'hi', request_id: 'a4' });
    expect(await client.next()).toEqual({ type: 'error', code: 'INTERNAL', message: 'boom', request_id: 'a4' });
    expect(harness.logs.some((entry) => entry.level === 'error')).toBe(true);
  });

  it('replies session_created once to the creator and broadcasts it to others', async () => {
    const creator = await harness.connectDevice(SCOPE_PRESETS.full);
    const other = await harness.connectDevice();
    creator.send({ type: 'create_session', cli: 'claude', cwd: '/tmp', request_id: 'c1' });
    expect(await creator.next()).toMatchObject({ type: 'session_created', request_id: 'c1', session: { id: 'created-1' } });
    const broadcast = await other.next();
    expect(broadcast).toMatchObject({ type: 'session_created', session: { id: 'created-1' } });
    expect(broadcast.request_id).toBeUndefined();
    creator.send({ type: 'close_session', session_id: 'created-1', request_id: 'c2' });
    expect(await creator.next()).toEqual({ type: 'ack', request_id: 'c2' });
    harness.sessions.failNext.create = new TetherError('UNKNOWN_CLI', 'no such cli');
    creator.send({ type: 'create_session', cli: 'nope', request_id: 'c3' });
    expect(await creator.next()).toMatchObject({ type: 'error', code: 'UNKNOWN_CLI', request_id: 'c3' });
  });

  it('registers push tokens for the connected device', async () => {
    const { device, token } = harness.devices.pair({ device_name: 'phone' });
    const client = await harness.connect(token);
    await client.nextOfType('sessions');
    client.send({ type: 'register_push_token', token: 'abc', token_type: 'apns', platform: 'ios', request_id: 'p' });
    expect(await client.next()).toEqual({ type: 'ack', request_id: 'p' });
    expect(harness.pushTokens).toEqual([
      { deviceId: device.device_id, registration: { token: 'abc', token_type: 'apns', platform: 'ios', dialect: 'tether' } },
    ]);
    client.send({ type: 'register_push_token', token: 'bad', token_type: 'fcm', platform: 'android', request_id: 'q' });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'INVALID_TOKEN', request_id: 'q' });
  });
});

describe('lifecycle', () => {
  it('terminates a socket that stops answering pings', async () => {
    const sessions = new FakeSessionService();
    const transport = await startTransport({
      host: '127.0.0.1',
      port: 0,
      sessions,
      devices: harness.devices,
      pairing: harness.pairing,
      adminSecret: ADMIN_SECRET,
      daemonVersion: '1',
      onPushToken() {},
      heartbeatIntervalMs: 40,
    });
    try {
      const { token } = harness.devices.pair({ device_name: 'sleepy' });
      const client = await TestClient.connect(`ws://127.0.0.1:${transport.port}/ws`, { authorization: `Bearer ${token}` });
      harness.track(client);
      await client.nextOfType('sessions');
      expect(transport.connectedClientCount()).toBe(1);
      client.socket.pause();
      await expect.poll(() => transport.connectedClientCount(), { timeout: 2000 }).toBe(0);
      client.socket.resume();
    } finally {
      await transport.close();
    }
    expect(sessions.emitter.listenerCount).toBe(0);
  });

  it('leaves no servers or sockets open after close', async () => {
    const client = await harness.connectDevice();
    await fetch(`${harness.transport.url}/healthz`);
    await harness.transport.close();
    await expect(client.next()).rejects.toThrow(/closed/);
    const open = (): string[] =>
      process.getActiveResourcesInfo().filter((name) => name === 'TCPServerWrap' || name === 'TCPSocketWrap');
    await expect.poll(open, { timeout: 2000 }).toEqual([]);
    // The harness's autoplay listens as the daemon's does; the transport must hold nothing.
    harness.autoplay.dispose();
    expect(harness.sessions.emitter.listenerCount).toBe(0);
  });
});
