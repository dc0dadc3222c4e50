/**
 * The daemon under bad input from outside: unknown CLIs, dead PTYs, a missing cwd, answers
 * for sessions that do not exist, a corrupt config. Each gets a coded error; nothing crashes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon } from '../src/daemon.js';
import { configSchema, loadConfig } from '../src/store/config.js';
import { silentLogger } from '../src/log.js';
import { TestClient } from './support/testClient.js';
import type { ReceivedMessage } from './support/testClient.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start() {
  const dataDir = mkdtempSync(join(tmpdir(), 'tether-daemon-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const daemon = await startDaemon({ config: configSchema.parse({}), dataDir, port: 0, log: silentLogger });
  cleanups.push(() => daemon.stop());
  const file = JSON.parse(readFileSync(join(dataDir, 'daemon.json'), 'utf8')) as { admin_secret: string; port: number };
  const client = await TestClient.connect(`ws://127.0.0.1:${daemon.port}/ws`, { authorization: `Bearer ${file.admin_secret}` });
  cleanups.push(() => client.close());
  await client.nextOfType('sessions');
  return { daemon, client, dataDir };
}

async function reply(client: TestClient, requestId: string): Promise<ReceivedMessage> {
  for (;;) {
    const message = await client.next(10_000);
    if (message.request_id === requestId) return message;
  }
}

describe('daemon input handling', () => {
  it('refuses an unknown CLI and a missing cwd with coded errors', async () => {
    const { client } = await start();
    client.send({ type: 'create_session', request_id: 'a', cli: 'no-such-agent-cli' });
    expect(await reply(client, 'a')).toMatchObject({ type: 'error', code: 'UNKNOWN_CLI' });
    client.send({ type: 'create_session', request_id: 'b', cli: 'sh', cwd: '/no/such/dir' });
    expect(await reply(client, 'b')).toMatchObject({ type: 'error', code: 'SPAWN_FAILED' });
  });

  it('a rotated push token replaces the device’s older token of the same kind; other kinds stay', async () => {
    const { client, daemon } = await start();
    const register = async (requestId: string, token: string, tokenType: string) => {
      client.send({ type: 'register_push_token', request_id: requestId, token, token_type: tokenType, platform: 'ios' });
      expect(await reply(client, requestId)).toMatchObject({ type: 'ack' });
    };
    await register('r1', 'aa'.repeat(32), 'apns');
    await register('r2', 'ExponentPushToken[first]', 'expo');
    await register('r3', 'bb'.repeat(32), 'apns');
    expect(daemon.devices.list().map((registration) => registration.token).sort()).toEqual(['ExponentPushToken[first]', 'bb'.repeat(32)]);
  });

  it('reports a session exit with its code and refuses input to the dead PTY', async () => {
    const { client } = await start();
    client.send({ type: 'create_session', request_id: 'c', cli: 'sh', args: ['-c', 'exit 7'] });
    const created = await reply(client, 'c');
    const sessionId = (created.session as { id: string }).id;
    const closed = await client.nextOfType('session_closed', 10_000);
    expect(closed).toMatchObject({ session_id: sessionId, exit_code: 7 });
    client.send({ type: 'send_input', request_id: 'd', session_id: sessionId, text: 'hello' });
    expect(await reply(client, 'd')).toMatchObject({ type: 'error', code: 'SESSION_EXITED' });
    client.send({ type: 'tool_approval', request_id: 'e', session_id: 'nope', prompt_id: 'p', response: 'yes' });
    expect(await reply(client, 'e')).toMatchObject({ type: 'error', code: 'SESSION_NOT_FOUND' });
  });

  it('streams output to subscribers and keeps serving after garbage frames', async () => {
    const { client } = await start();
    client.send('{not json');
    expect((await client.nextOfType('error')).code).toBe('BAD_MESSAGE');
    client.send({ type: 'create_session', request_id: 'f', cli: 'sh', args: ['-c', 'read line; echo "got:$line"; sleep 5'] });
    const sessionId = ((await reply(client, 'f')).session as { id: string }).id;
    client.send({ type: 'subscribe', session_id: sessionId });
    client.send({ type: 'send_input', session_id: sessionId, text: 'ping' });
    let output = '';
    while (!output.includes('got:ping')) {
      const message = await client.next(10_000);
      if (message.type === 'pty_output' || message.type === 'screen') output += String(message.data);
    }
    expect(output).toContain('got:ping');
  });
});

describe('config', () => {
  it('rejects a corrupt config with CONFIG_INVALID naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tether-config-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'server:\n  port: "seventy"\n');
    expect(() => loadConfig(file)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('server.port') }));
    writeFileSync(file, 'server: [unclosed\n');
    expect(() => loadConfig(file)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(loadConfig(undefined).server).toEqual({
      host: '127.0.0.1',
      port: 7878,
      insecure_no_tls: false,
      allowed_hosts: [],
      allowed_origins: [],
      max_connections: 256,
      max_connections_per_address: 32,
    });
  });
});
