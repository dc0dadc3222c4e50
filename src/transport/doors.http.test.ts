/**
 * The HTTP doors (issue 10): scopes from how a credential was minted (row 3), JSON-only
 * bodies, Origin, the admin secret before limits, limits a web page cannot spend (row 6),
 * connection caps and half-sent requests (row 8), the Host allowlist and a CSP that never
 * reflects Host (row 9), security headers on every response (row 12).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SCOPE_PRESETS } from '../common/index.js';
import { closedWithin, httpRequest, openSocket } from '../../test/support/rawHttp.js';
import { TestClient } from '../../test/support/testClient.js';
import { ADMIN_SECRET, Harness } from '../../test/support/transportHarness.js';
import { HTTP_TIMEOUTS } from './connectionLimits.js';
import { SECURITY_HEADERS } from './requestGuards.js';

let harness: Harness;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await harness?.stop();
});

async function pair(code: string, platform = 'web'): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await harness.post('/api/pair', { code, device_name: 'Browser', platform });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('row 3: scopes come from how the credential was minted', () => {
  it('a pairing code gives the phone scope whatever platform is claimed; a login code gives the dashboard', async () => {
    harness = await Harness.start();
    const claimed = await pair(harness.pairing.issue().code, 'desktop');
    expect(claimed.body.scopes).toEqual(SCOPE_PRESETS.phone);
    const devices = (token: unknown) => fetch(`${harness.url}/api/web/devices`, { headers: { authorization: `Bearer ${String(token)}` } });
    expect((await devices(claimed.body.token)).status).toBe(403);
    const login = await harness.post('/api/admin/login-code', {}, { authorization: `Bearer ${ADMIN_SECRET}` });
    const { code, expires_at } = (await login.json()) as { code: string; expires_at: string };
    expect(Date.parse(expires_at) - harness.now.value).toBe(60_000);
    const dashboard = await pair(code, 'ios');
    expect(dashboard.body.scopes).toEqual(SCOPE_PRESETS.desktop);
    expect((await devices(dashboard.body.token)).status).toBe(200);
    expect((await pair(code)).status).toBe(401);
    const full = await harness.post('/api/admin/pairing-code', { scope: 'full' }, { authorization: `Bearer ${ADMIN_SECRET}` });
    expect((await pair(((await full.json()) as { code: string }).code)).body.scopes).toEqual(SCOPE_PRESETS.full);
    const desktopCode = await harness.post('/api/admin/pairing-code', { scope: 'desktop' }, { authorization: `Bearer ${ADMIN_SECRET}` });
    expect(desktopCode.status).toBe(400);
    expect((await harness.post('/api/admin/login-code', {}, { authorization: `Bearer ${String(dashboard.body.token)}` })).status).toBe(403);
  });
});

describe('row 6: JSON bodies, Origin, and limits a web page cannot spend', () => {
  it('answers a form or text body with 415 and never counts it', async () => {
    harness = await Harness.start();
    for (let attempt = 0; attempt < 8; attempt++) {
      const response = await fetch(`${harness.url}/api/pair`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ code: 'WRONGONE', device_name: 'x' }) });
      expect(response.status).toBe(415);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    const form = await fetch(`${harness.url}/api/pair`, { method: 'POST', body: new URLSearchParams({ code: 'x' }) });
    expect(form.status).toBe(415);
    expect((await pair(harness.pairing.issue().code)).status).toBe(200);
    expect(harness.transport.failedLoginCount()).toBe(0);
  });

  it('refuses state-changing requests from another origin (403) and lets the daemon own origin and native clients in', async () => {
    harness = await Harness.start();
    const evil = await harness.post('/api/pair', { code: harness.pairing.issue().code, device_name: 'x' }, { origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(((await evil.json()) as { error: { code: string } }).error.code).toBe('ORIGIN_NOT_ALLOWED');
    const revoke = await fetch(`${harness.url}/api/web/devices/abc`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_SECRET}`, origin: 'http://localhost:1' } });
    expect(revoke.status).toBe(403);
    expect((await harness.post('/api/pair', { code: harness.pairing.issue().code, device_name: 'x' }, { origin: harness.url })).status).toBe(200);
    expect((await harness.post('/api/pair', { code: harness.pairing.issue().code, device_name: 'x' })).status).toBe(200);
  });

  it('never counts requests that present no credential, keeps limits per surface, and checks the admin secret first', async () => {
    harness = await Harness.start();
    for (let attempt = 0; attempt < 10; attempt++) expect((await fetch(`${harness.url}/api/web/devices`)).status).toBe(401);
    for (let attempt = 0; attempt < 5; attempt++) expect((await pair('WRONGONE')).status).toBe(401);
    expect((await pair('WRONGTWO')).status).toBe(429);
    // Pairing guesses lock out pairing only: tokens and the admin secret still work.
    const { token } = harness.devices.pair({ device_name: 'dash', scopes: SCOPE_PRESETS.desktop });
    expect((await fetch(`${harness.url}/api/web/devices`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    for (let attempt = 0; attempt < 6; attempt++) await fetch(`${harness.url}/api/web/devices`, { headers: { authorization: 'Bearer guess' } });
    expect((await harness.post('/api/admin/pairing-code', {}, { authorization: `Bearer ${ADMIN_SECRET}` })).status).toBe(200);
    expect(harness.transport.failedLoginCount()).toBe(10);
  });
});

describe('row 8: connection caps and requests that never finish', () => {
  it('refuses connections past the per-address and total caps with 503 TOO_MANY_CONNECTIONS', async () => {
    harness = await Harness.start({ maxConnectionsPerAddress: 3 });
    const held: Socket[] = [];
    cleanups.push(() => held.forEach((socket) => socket.destroy()));
    for (let index = 0; index < 3; index++) held.push(await openSocket(harness.transport.port));
    const refused = await closedWithin(await openSocket(harness.transport.port), 2000);
    expect(refused.received).toMatch(/^HTTP\/1\.1 503[\s\S]*TOO_MANY_CONNECTIONS/);
    held.pop()?.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await httpRequest(harness.transport.port, { path: '/healthz', headers: { host: `127.0.0.1:${harness.transport.port}`, connection: 'close' } })).status).toBe(200);
  });

  it('closes a socket with half-sent headers, and a silent one, within 30 s with the default timeouts', async () => {
    expect(HTTP_TIMEOUTS.headersTimeout + HTTP_TIMEOUTS.connectionsCheckingInterval).toBeLessThanOrEqual(30_000);
    harness = await Harness.start();
    const half = await openSocket(harness.transport.port);
    const silent = await openSocket(harness.transport.port);
    cleanups.push(() => [half, silent].forEach((socket) => socket.destroy()));
    half.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${harness.transport.port}\r\nX-Slow: `);
    const [halfClosed, silentClosed] = await Promise.all([closedWithin(half, 30_000), closedWithin(silent, 30_000)]);
    expect(halfClosed.ms).toBeLessThan(30_000);
    expect(silentClosed.ms).toBeLessThan(30_000);
  }, 40_000);
});

describe('row 9: the Host allowlist', () => {
  it('answers other Host names with 421, on routes, files and the WebSocket; the CSP never carries the Host header', async () => {
    const ui = mkdtempSync(join(tmpdir(), 'tether-ui-'));
    cleanups.push(() => rmSync(ui, { recursive: true, force: true }));
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>t</title>');
    harness = await Harness.start({ uiRoot: ui, allowedHosts: ['tether.example'] });
    const port = harness.transport.port;
    for (const path of ['/healthz', '/', '/api/web/devices']) {
      const rebound = await httpRequest(port, { path, headers: { host: `attacker.example:${port}` } });
      expect(rebound.status).toBe(421);
      expect(JSON.parse(rebound.body)).toEqual({ error: { code: 'HOST_NOT_ALLOWED', message: expect.any(String) } });
    }
    // HTTP/1.1 without Host: Node itself answers 400 (requireHostHeader).
    expect((await httpRequest(port, { path: '/healthz', headers: {} })).status).toBe(400);
    await expect(TestClient.connect(harness.wsUrl, { host: `attacker.example:${port}` })).rejects.toThrow(/421/);
    const byAddress = await httpRequest(port, { path: '/', headers: { host: `127.0.0.1:${port}` } });
    const byName = await httpRequest(port, { path: '/', headers: { host: `TETHER.example.:${port}` } });
    const byLocalhost = await httpRequest(port, { path: '/', headers: { host: `localhost:${port}` } });
    expect([byAddress.status, byName.status, byLocalhost.status]).toEqual([200, 200, 200]);
    expect(byName.headers['content-security-policy']).toBe(byAddress.headers['content-security-policy']);
    expect(byAddress.headers['content-security-policy']).toContain(`ws://tether.example:${port}`);
    expect(byAddress.headers['content-security-policy']).not.toContain('attacker');
  });
});

describe('row 12: security headers on every response', () => {
  it('sends nosniff, no-referrer, frame denial, CORP and a CSP on JSON, errors, files and refused upgrades', async () => {
    const ui = mkdtempSync(join(tmpdir(), 'tether-ui-'));
    cleanups.push(() => rmSync(ui, { recursive: true, force: true }));
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>t</title>');
    harness = await Harness.start({ uiRoot: ui });
    const port = harness.transport.port;
    const host = { host: `127.0.0.1:${port}` };
    const responses = [
      await httpRequest(port, { path: '/healthz', headers: host }),
      await httpRequest(port, { path: '/api/web/devices', headers: host }),
      await httpRequest(port, { path: '/nothing-here', headers: host }),
      await httpRequest(port, { path: '/', headers: host }),
      await httpRequest(port, { path: '/healthz', headers: { host: 'evil.example' } }),
      await httpRequest(port, { path: '/ws', headers: { ...host, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', authorization: 'Bearer wrong' } }),
    ];
    expect(responses.map((response) => response.status)).toEqual([200, 401, 404, 200, 421, 401]);
    for (const response of responses) {
      for (const name of ['x-content-type-options', 'referrer-policy', 'x-frame-options', 'cross-origin-resource-policy']) {
        expect(response.headers[name], `${name} on ${response.status}`).toBe(SECURITY_HEADERS[name]);
      }
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
  });
});
