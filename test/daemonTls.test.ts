/**
 * The daemon over HTTPS/WSS (`server.tls`), the web UI on the same port, and revoke closing
 * a device's open sockets at once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import type { ConnectionOptions } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import WebSocket, { type ClientOptions } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon } from '../src/daemon.js';
import { configSchema } from '../src/store/config.js';
import { silentLogger } from '../src/log.js';
import { TestClient } from './support/testClient.js';
import { REVOKED_CLOSE_CODE } from '../src/transport/transport.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca, servername: 'localhost' }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('daemon over TLS', () => {
  it('serves HTTPS and WSS with the configured certificate and advertises its DNS name', async () => {
    const dir = tempDir('tether-tls-');
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
    });
    writeFileSync(join(dir, 'cert.pem'), pems.cert);
    writeFileSync(join(dir, 'key.pem'), pems.private);
    const config = configSchema.parse({ server: { port: 0, tls: { cert_file: join(dir, 'cert.pem'), key_file: join(dir, 'key.pem') } }, push: { enabled: false } });
    const daemon = await startDaemon({ config, dataDir: tempDir('tether-tls-data-'), port: 0, log: silentLogger });
    cleanups.push(() => daemon.stop());
    expect(daemon.url).toBe(`https://localhost:${daemon.port}`);
    const health = await httpsGet(`https://127.0.0.1:${daemon.port}/healthz`, pems.cert);
    expect(health.status).toBe(200);
    const { token } = daemon.devices.pair({ device_name: 'phone' });
    // ws hands TLS options on to tls.connect; its own type lists `ca` but not `servername`.
    const tlsOptions: ClientOptions & Pick<ConnectionOptions, 'servername'> = { ca: pems.cert, servername: 'localhost' };
    const socket = new WebSocket(`wss://127.0.0.1:${daemon.port}/ws`, { ...tlsOptions, headers: { authorization: `Bearer ${token}` } });
    const first = await new Promise<string>((resolve, reject) => {
      socket.once('message', (data) => resolve(String(data)));
      socket.once('error', reject);
    });
    expect(JSON.parse(first).type).toBe('welcome');
    socket.close();
  });

  it('rejects unreadable TLS files with CONFIG_INVALID', async () => {
    const config = configSchema.parse({ server: { port: 0, tls: { cert_file: '/no/cert.pem', key_file: '/no/key.pem' } } });
    await expect(startDaemon({ config, dataDir: tempDir('tether-tls-bad-'), port: 0, log: silentLogger })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

describe('revoking a device', () => {
  it('closes its open sockets at once and refuses its token afterwards', async () => {
    const daemon = await startDaemon({ config: configSchema.parse({ push: { enabled: false } }), dataDir: tempDir('tether-revoke-'), port: 0, log: silentLogger });
    cleanups.push(() => daemon.stop());
    const { device, token } = daemon.devices.pair({ device_name: 'phone' });
    const phone = await TestClient.connect(`ws://127.0.0.1:${daemon.port}/ws`, { authorization: `Bearer ${token}` });
    cleanups.push(() => phone.close());
    await phone.nextOfType('sessions');
    daemon.devices.remove(device.device_id);
    expect(daemon.transport.disconnectDevice(device.device_id)).toBe(1);
    await new Promise((resolve) => phone.socket.once('close', resolve));
    // The socket is cut (terminate); the 4001 close frame goes out first when the kernel takes it.
    expect([REVOKED_CLOSE_CODE, 1006]).toContain(phone.closeCode);
    await expect(TestClient.connect(`ws://127.0.0.1:${daemon.port}/ws`, { authorization: `Bearer ${token}` })).rejects.toThrow(/401/);
  });

  it('serves the web UI on the daemon port', async () => {
    const daemon = await startDaemon({ config: configSchema.parse({ push: { enabled: false } }), dataDir: tempDir('tether-web-'), port: 0, log: silentLogger });
    cleanups.push(() => daemon.stop());
    const response = await fetch(`http://127.0.0.1:${daemon.port}/pair`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await response.text()).toContain('<html');
  });
});
