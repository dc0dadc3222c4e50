/**
 * Issue 10's doors on a whole daemon: no bind beyond loopback without TLS unless opted out by
 * name (row 1), the pairing and login codes out of argv and logs (rows 1 and 5), the session
 * cap and removal of exited sessions on the wire (row 11), the data dir and secret file modes,
 * and log lines that client text cannot forge (rows 10 and 12).
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startupText } from '../src/cli/daemonCommand.js';
import { openCommand } from '../src/cli/openCommand.js';
import { devicesCommand, listDevices } from '../src/cli/devicesCommand.js';
import { startDaemon } from '../src/daemon.js';
import { createLogger, type Logger } from '../src/log.js';
import { configSchema } from '../src/store/config.js';
import { TestClient } from './support/testClient.js';
import type { ReceivedMessage } from './support/testClient.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A logger into memory, through the daemon's real line format. */
function memoryLog(): { log: Logger; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { log: createLogger({ stream, quiet: false }), text: () => text };
}

async function reply(client: TestClient, requestId: string): Promise<ReceivedMessage> {
  for (;;) {
    const message = await client.next(10_000);
    if (message.request_id === requestId) return message;
  }
}

describe('row 1: no clear-text bind beyond loopback', () => {
  it('refuses 0.0.0.0 without TLS; the named opt-out starts it and warns on every start', async () => {
    const config = configSchema.parse({ push: { enabled: false } });
    await expect(startDaemon({ config, dataDir: tempDir('tether-bind-'), host: '0.0.0.0', port: 0, log: () => undefined })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/--insecure-no-tls/),
    });
    for (const options of [{ insecureNoTls: true }, { config: configSchema.parse({ push: { enabled: false }, server: { insecure_no_tls: true } }) }]) {
      const { log, text } = memoryLog();
      const dataDir = tempDir('tether-bind-');
      const daemon = await startDaemon({ config, dataDir, host: '0.0.0.0', port: 0, log, ...options });
      cleanups.push(() => daemon.stop());
      expect(text()).toMatch(/WARN listening beyond loopback WITHOUT TLS/);
      expect(await startupText(daemon, dataDir, { qr: false, terminal: true })).toMatch(/WARNING: listening beyond loopback WITHOUT TLS/);
    }
  });
});

describe('rows 1 and 5: codes stay out of argv and logs', () => {
  it('prints no pairing code where stdout is not a terminal, and logs none while devices pair', async () => {
    const { log, text } = memoryLog();
    const dataDir = tempDir('tether-codes-');
    const daemon = await startDaemon({ config: configSchema.parse({ push: { enabled: false } }), dataDir, port: 0, log });
    cleanups.push(() => daemon.stop());
    const banner = await startupText(daemon, dataDir, { qr: true, terminal: false });
    expect(banner).not.toMatch(/code=|[A-HJ-NP-Z2-9]{8}\b/);
    const { admin_secret } = JSON.parse(readFileSync(join(dataDir, 'daemon.json'), 'utf8')) as { admin_secret: string };
    const minted = (await (await fetch(`${daemon.url}/api/admin/pairing-code`, { method: 'POST', headers: { authorization: `Bearer ${admin_secret}` } })).json()) as { code: string };
    const paired = await fetch(`${daemon.url}/api/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: minted.code, device_name: 'phone' }) });
    expect(paired.status).toBe(200);
    await fetch(`${daemon.url}/api/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: minted.code, device_name: 'again' }) });
    expect(text()).toMatch(/device paired/);
    expect(text()).toMatch(/failed login/);
    expect(text()).not.toContain(minted.code);
    expect(text()).not.toContain(admin_secret);
  });

  it('tether open hands the browser an owner-only launcher file: no code in argv, single use, 60 s', async () => {
    const { log, text } = memoryLog();
    const dataDir = tempDir('tether-open-');
    const daemon = await startDaemon({ config: configSchema.parse({ push: { enabled: false } }), dataDir, port: 0, log });
    cleanups.push(() => daemon.stop());
    const opened: string[] = [];
    await openCommand({ dataDir }, (url) => opened.push(url));
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatch(/^file:\/\//);
    expect(opened[0]).not.toMatch(/code|#/);
    const page = fileURLToPath(opened[0]);
    expect(statSync(page).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'login')).mode & 0o777).toBe(0o700);
    const code = /#code=([A-Z2-9]{8})/.exec(readFileSync(page, 'utf8'))?.[1];
    expect(code).toBeDefined();
    const redeem = () => fetch(`${daemon.url}/api/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, device_name: 'Desktop dashboard', platform: 'desktop' }) });
    const first = (await (await redeem()).json()) as { scopes: string[] };
    expect(first.scopes).toContain('devices');
    expect((await redeem()).status).toBe(401);
    expect(text()).not.toContain(code!);
    expect(readdirSync(join(dataDir, 'login'))).toHaveLength(1);
  });
});

describe('row 11: the session cap and removing exited sessions, on the wire', () => {
  it('answers one session too many with SESSION_LIMIT, and close_session on an exited one removes it for everyone', async () => {
    const dataDir = tempDir('tether-cap-');
    const daemon = await startDaemon({ config: configSchema.parse({ push: { enabled: false }, sessions: { max_running: 1 } }), dataDir, port: 0, log: () => undefined });
    cleanups.push(() => daemon.stop());
    const { admin_secret } = JSON.parse(readFileSync(join(dataDir, 'daemon.json'), 'utf8')) as { admin_secret: string };
    const client = await TestClient.connect(`ws://127.0.0.1:${daemon.port}/ws`, { authorization: `Bearer ${admin_secret}` });
    cleanups.push(() => client.close());
    await client.nextOfType('sessions');
    client.send({ type: 'create_session', request_id: 'a', cli: 'sh', args: ['-c', 'sleep 30'] });
    const running = ((await reply(client, 'a')).session as { id: string }).id;
    client.send({ type: 'create_session', request_id: 'b', cli: 'sh', args: ['-c', 'exit 3'] });
    expect(await reply(client, 'b')).toMatchObject({ type: 'error', code: 'SESSION_LIMIT' });
    client.send({ type: 'close_session', request_id: 'c', session_id: running });
    await reply(client, 'c');
    expect(await client.nextOfType('session_closed', 10_000)).toMatchObject({ session_id: running });
    client.send({ type: 'close_session', request_id: 'd', session_id: running });
    expect(await client.nextOfType('session_removed')).toEqual({ type: 'session_removed', session_id: running });
    expect(daemon.sessions.list()).toEqual([]);
  });
});

describe('row 12: secret files and the data dir', () => {
  it.skipIf(process.platform === 'win32')('tightens a loose data dir to 0700 and names secret files others can read', async () => {
    const dataDir = tempDir('tether-modes-');
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'vapid.json'), '{}');
    chmodSync(join(dataDir, 'vapid.json'), 0o644);
    const configPath = join(tempDir('tether-config-'), 'config.yaml');
    writeFileSync(configPath, 'push:\n  enabled: false\n');
    chmodSync(configPath, 0o664);
    const { log, text } = memoryLog();
    const daemon = await startDaemon({ config: configSchema.parse({ push: { enabled: false } }), dataDir, port: 0, log, configFile: configPath });
    cleanups.push(() => daemon.stop());
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(text()).toMatch(/WARN data dir was open to other users; tightened to 0700 .* was=755/);
    expect(text()).toContain(`secret file is readable by other users; run chmod 600 on it path=${join(dataDir, 'vapid.json')} mode=644`);
    expect(text()).toContain(`path=${configPath} mode=664`);
    expect(text()).not.toContain('devices.json');
  });
});

describe('row 10: client text in the log', () => {
  it('cannot start a forged line or reach the terminal: newlines, ESC and bidi controls are escaped', async () => {
    const { log, text } = memoryLog();
    log('info', 'device paired', { device_name: 'Pixel\n2026-01-01T00:00:00.000Z INFO admin secret reset\u001b[2J\u202e', nested: { name: 'a\nb' } });
    expect(text().trim().split('\n')).toHaveLength(1);
    expect(text()).toContain('device_name=Pixel\\u000a2026-01-01T00:00:00.000Z INFO admin secret reset\\u001b[2J\\u202e');
    expect(text()).toContain('nested={"name":"a\\nb"}');
  });

  it('tether devices lists and revokes through the daemon', async () => {
    const dataDir = tempDir('tether-devices-');
    const daemon = await startDaemon({ config: configSchema.parse({ push: { enabled: false } }), dataDir, port: 0, log: () => undefined });
    cleanups.push(() => daemon.stop());
    const { device } = daemon.devices.pair({ device_name: 'Pixel', platform: 'android' });
    expect(await listDevices(dataDir)).toEqual([expect.objectContaining({ device_id: device.device_id, scopes: ['view', 'answer', 'input', 'start'] })]);
    const write = process.stdout.write.bind(process.stdout);
    const printed: string[] = [];
    process.stdout.write = ((chunk: string) => printed.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      expect(await devicesCommand(undefined, undefined, { dataDir })).toBe(0);
      expect(await devicesCommand('revoke', device.device_id, { dataDir })).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(printed[0]).toMatch(new RegExp(`^${device.device_id}  Pixel  \\(android, phone: view answer input start; never expires\\)`));
    expect(daemon.devices.get(device.device_id)).toBeUndefined();
    await expect(devicesCommand('revoke', device.device_id, { dataDir })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
