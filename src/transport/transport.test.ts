import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TetherError, type WaitingForInputEvent } from '../common/index.js';
import { DeviceStore } from '../store/deviceStore.js';
import { PairingService } from '../store/pairing.js';
import { FakeSessionService, fakeSession } from './fakeSessionService.js';
import { TestClient } from './testClient.js';
import { startTransport, type PushTokenRegistration, type Transport } from './transport.js';

const ADMIN_SECRET = 'admin-secret-for-tests';

interface Harness {
  transport: Transport;
  sessions: FakeSessionService;
  devices: DeviceStore;
  pairing: PairingService;
  pushTokens: Array<{ deviceId: string; registration: PushTokenRegistration }>;
  logs: Array<{ level: string; message: string }>;
  wsUrl: string;
  now: { value: number };
}

let harness: Harness;
let dataDir: string;
const clients: TestClient[] = [];

async function connect(token: string, via: 'header' | 'query' = 'header'): Promise<TestClient> {
  const client =
    via === 'header'
      ? await TestClient.connect(harness.wsUrl, { authorization: `Bearer ${token}` })
      : await TestClient.connect(`${harness.wsUrl}?token=${encodeURIComponent(token)}`);
  clients.push(client);
  return client;
}

/** Connects a freshly paired device and reads past welcome + sessions. */
async function connectDevice(): Promise<TestClient> {
  const { token } = harness.devices.pair({ device_name: 'phone' });
  const client = await connect(token);
  await client.nextOfType('sessions');
  return client;
}

function waitingEvent(sessionId: string): WaitingForInputEvent {
  return {
    type: 'waiting_for_input',
    session_id: sessionId,
    seq: 3,
    timestamp: '2026-01-01T00:00:00.000Z',
    prompt_id: 'p1',
    wait_type: 'tool_approval',
    prompt_content: 'Run ls?',
    options: [{ id: '1', label: 'Yes' }],
    cli_type: 'claude',
  };
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${harness.transport.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tether-transport-'));
  const sessions = new FakeSessionService();
  sessions.sessions.set('s1', fakeSession('s1'));
  const devices = new DeviceStore(dataDir);
  const now = { value: 1_000_000 };
  const pairing = new PairingService({ now: () => now.value });
  const pushTokens: Harness['pushTokens'] = [];
  const logs: Harness['logs'] = [];
  const transport = await startTransport({
    host: '127.0.0.1',
    port: 0,
    sessions,
    devices,
    pairing,
    adminSecret: ADMIN_SECRET,
    daemonVersion: '9.9.9',
    onPushToken(deviceId, registration) {
      if (registration.token === 'bad') throw new TetherError('INVALID_TOKEN', 'token has the wrong format');
      pushTokens.push({ deviceId, registration });
    },
    log: (level, message) => logs.push({ level, message }),
    now: () => now.value,
  });
  harness = { transport, sessions, devices, pairing, pushTokens, logs, now, wsUrl: `ws://127.0.0.1:${transport.port}/ws` };
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await harness.transport.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('HTTP', () => {
  it('answers /healthz', async () => {
    const response = await fetch(`${harness.transport.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, version: '9.9.9' });
    expect(harness.transport.url).toBe(`http://127.0.0.1:${harness.transport.port}`);
  });

  it('issues pairing codes to the admin only', async () => {
    expect((await post('/api/admin/pairing-code', {})).status).toBe(401);
    expect((await post('/api/admin/pairing-code', {}, { authorization: 'Bearer wrong' })).status).toBe(401);
    const response = await post('/api/admin/pairing-code', {}, { authorization: `Bearer ${ADMIN_SECRET}` });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { code: string; url: string; expires_at: string };
    expect(body.url).toBe(`http://127.0.0.1:${harness.transport.port}/pair#code=${body.code}`);
    expect(Date.parse(body.expires_at)).toBe(harness.now.value + 5 * 60_000);
  });

  it('pairs with a valid code once and the token opens /ws', async () => {
    const { code } = harness.pairing.issue();
    const response = await post('/api/pair', { code, device_name: 'Pixel', platform: 'android' });
    expect(response.status).toBe(200);
    const { device_id, token } = (await response.json()) as { device_id: string; token: string };
    expect(harness.devices.get(device_id)?.device_name).toBe('Pixel');
    const client = await connect(token);
    expect(await client.next()).toMatchObject({ type: 'welcome', protocol_version: 1, device_id });
    const again = await post('/api/pair', { code, device_name: 'Pixel' });
    expect(again.status).toBe(401);
    expect(await again.json()).toEqual({ error: { code: 'PAIRING_REJECTED', message: expect.any(String) } });
  });

  it('rejects expired codes', async () => {
    const { code } = harness.pairing.issue();
    harness.now.value += 5 * 60_000;
    expect((await post('/api/pair', { code, device_name: 'x' })).status).toBe(401);
  });

  it('rate limits after five failures a minute', async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await post('/api/pair', { code: 'WRONGONE', device_name: 'x' })).status).toBe(401);
    }
    const { code } = harness.pairing.issue();
    const limited = await post('/api/pair', { code, device_name: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    harness.now.value += 60_001;
    expect((await post('/api/pair', { code, device_name: 'x' })).status).toBe(200);
  });

  it('rejects non-JSON and oversize bodies with 400 BAD_MESSAGE', async () => {
    const notJson = await post('/api/pair', 'not json');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe('BAD_MESSAGE');
    const huge = await post('/api/pair', { code: 'x', device_name: 'y'.repeat(20_000) });
    expect(huge.status).toBe(400);
    expect((await post('/api/pair', { code: 'x' })).status).toBe(400);
  });

  it('answers unknown routes with 404', async () => {
    expect((await fetch(`${harness.transport.url}/nope`)).status).toBe(404);
  });
});

describe('WebSocket auth', () => {
  it('answers 401 before the upgrade without a valid token', async () => {
    await expect(TestClient.connect(harness.wsUrl)).rejects.toThrow(/401/);
    await expect(TestClient.connect(harness.wsUrl, { authorization: 'Bearer nope' })).rejects.toThrow(/401/);
    await expect(TestClient.connect(`${harness.wsUrl}?token=nope`)).rejects.toThrow(/401/);
    await expect(TestClient.connect(`ws://127.0.0.1:${harness.transport.port}/other`)).rejects.toThrow(/404/);
  });

  it('accepts a device token in the header or the query, and the admin secret', async () => {
    const { device, token } = harness.devices.pair({ device_name: 'phone' });
    const byHeader = await connect(token, 'header');
    expect(await byHeader.next()).toMatchObject({ type: 'welcome', device_id: device.device_id, daemon_version: '9.9.9' });
    const byQuery = await connect(token, 'query');
    expect(await byQuery.next()).toMatchObject({ type: 'welcome', device_id: device.device_id });
    const admin = await connect(ADMIN_SECRET, 'query');
    expect(await admin.next()).toMatchObject({ type: 'welcome', device_id: 'local' });
    expect(harness.transport.connectedClientCount()).toBe(2);
    await byQuery.close();
    await expect.poll(() => harness.transport.connectedClientCount()).toBe(1);
  });
});

describe('WebSocket messages', () => {
  it('greets with welcome, sessions and the live prompts', async () => {
    harness.sessions.sessions.set('s2', fakeSession('s2', { waiting: { prompt_id: 'p1', wait_type: 'tool_approval' } }));
    harness.sessions.waiting.set('s2', waitingEvent('s2'));
    const { token } = harness.devices.pair({ device_name: 'phone' });
    const client = await connect(token);
    expect((await client.next()).type).toBe('welcome');
    const sessions = await client.next();
    expect(sessions).toMatchObject({ type: 'sessions', sessions: [{ id: 's1' }, { id: 's2' }] });
    expect(await client.next()).toEqual(waitingEvent('s2'));
  });

  it('answers bad frames with errors and keeps the connection', async () => {
    const client = await connectDevice();
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
    const client = await connectDevice();
    client.send('x'.repeat(600 * 1024));
    await expect(client.next()).rejects.toThrow(/closed \(1009\)/);
    const other = await connectDevice();
    other.send({ type: 'unsubscribe', session_id: 's1', request_id: 'u' });
    expect(await other.next()).toEqual({ type: 'ack', request_id: 'u' });
  });

  it('sends the screen on subscribe, then live output only to subscribers', async () => {
    const subscriber = await connectDevice();
    const bystander = await connectDevice();
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
    const client = await connectDevice();
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
    const client = await connectDevice();
    client.send({ type: 'tool_approval', session_id: 's1', prompt_id: 'p1', response: 'yes', request_id: 'a1' });
    expect(await client.next()).toEqual({ type: 'ack', request_id: 'a1' });
    expect(harness.sessions.calls[0]).toEqual({ method: 'answerApproval', args: ['s1', 'p1', 'yes'] });
    harness.sessions.failNext.answerApproval = new TetherError('STALE_PROMPT', 'prompt p0 is gone');
    client.send({ type: 'tool_approval', session_id: 's1', prompt_id: 'p0', response: 'no', request_id: 'a2' });
    expect(await client.next()).toEqual({ type: 'error', code: 'STALE_PROMPT', message: 'prompt p0 is gone', request_id: 'a2' });
    client.send({ type: 'answer', session_id: 's1', prompt_id: 'p1', option_id: '2', request_id: 'a3' });
    expect(await client.next()).toEqual({ type: 'ack', request_id: 'a3' });
    expect(harness.sessions.calls[2]).toEqual({ method: 'answer', args: ['s1', 'p1', { optionId: '2', text: undefined }] });
    harness.sessions.failNext.sendInput = new Error('boom');
    client.send({ type: 'send_input', session_id: 's1', text: 'hi', request_id: 'a4' });
    expect(await client.next()).toEqual({ type: 'error', code: 'INTERNAL', message: 'boom', request_id: 'a4' });
    expect(harness.logs.some((entry) => entry.level === 'error')).toBe(true);
  });

  it('replies session_created once to the creator and broadcasts it to others', async () => {
    const creator = await connectDevice();
    const other = await connectDevice();
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
    const client = await connect(token);
    await client.nextOfType('sessions');
    client.send({ type: 'register_push_token', token: 'abc', token_type: 'apns', platform: 'ios', request_id: 'p' });
    expect(await client.next()).toEqual({ type: 'ack', request_id: 'p' });
    expect(harness.pushTokens).toEqual([
      { deviceId: device.device_id, registration: { token: 'abc', token_type: 'apns', platform: 'ios' } },
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
      const client = await TestClient.connect(`ws://127.0.0.1:${transport.port}/ws?token=${token}`);
      clients.push(client);
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
    const client = await connectDevice();
    await fetch(`${harness.transport.url}/healthz`);
    await harness.transport.close();
    await expect(client.next()).rejects.toThrow(/closed/);
    const open = (): string[] =>
      process.getActiveResourcesInfo().filter((name) => name === 'TCPServerWrap' || name === 'TCPSocketWrap');
    await expect.poll(open, { timeout: 2000 }).toEqual([]);
    expect(harness.sessions.emitter.listenerCount).toBe(0);
  });
});
