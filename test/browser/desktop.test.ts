/**
 * The desktop dashboard in Debian's Chromium at 1280×800: log in with a one-time link (what
 * `tether open` prints), create a session with "New session", type into its terminal and see
 * the output, open the pairing panel (QR and countdown), and revoke a paired phone.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestLoginLink } from '../../src/loginLink.js';
import { contentSecurityPolicy } from '../../src/transport/uiFiles.js';
import { TestClient } from '../support/testClient.js';
import { canRunBrowser, launchBrowser, removeDir, SCREENSHOTS, startWebDaemon, useBrowserSuite } from './harness.js';

// `TETHER_SCREENSHOTS=1` refreshes the README's screenshots (see harness.ts).
const cleanups = useBrowserSuite();

describe('browser UI files', () => {
  it('sends a CSP without inline scripts', () => {
    const policy = contentSecurityPolicy(['ws://127.0.0.1:7878', 'wss://127.0.0.1:7878']);
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(policy).toContain('ws://127.0.0.1:7878');
    expect(contentSecurityPolicy(['ws://evil.com; script-src *'])).not.toContain('evil');
  });
});

describe.skipIf(!canRunBrowser)('desktop dashboard in Chromium', { timeout: 120_000 }, () => {
  it('logs in from a login link, starts a session, types into it, pairs and revokes a device', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tether-desktop-home-'));
    cleanups.push(() => removeDir(home));
    const daemon = await startWebDaemon({ sessionEnv: { ...process.env, HOME: home, PS1: '$ ' } });
    cleanups.push(() => removeDir(daemon.dataDir));
    cleanups.push(() => daemon.stop());

    // Static responses carry the CSP; the app shell has no inline script.
    const shell = await fetch(`${daemon.url}/desktop`);
    expect(shell.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await shell.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect((await fetch(`${daemon.url}/manifest.webmanifest`)).headers.get('content-type')).toContain('manifest');
    expect((await fetch(`${daemon.url}/sw.js`)).status).toBe(200);
    expect((await fetch(`${daemon.url}/../package.json`)).status).toBe(404);

    // A phone paired over HTTP, connected, to be revoked later.
    const code = (await (await fetch(`${daemon.url}/api/admin/pairing-code`, { method: 'POST', headers: { authorization: `Bearer ${daemon.adminSecret}` } })).json()) as { code: string };
    const paired = (await (await fetch(`${daemon.url}/api/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: code.code, device_name: 'Ada’s phone', platform: 'ios' }) })).json()) as { token: string; device_id: string };
    const phone = await TestClient.connect(`ws://127.0.0.1:${daemon.port}/ws`, { authorization: `Bearer ${paired.token}` });
    cleanups.push(() => phone.close());
    // Phones may not manage devices.
    expect((await fetch(`${daemon.url}/api/web/devices`, { headers: { authorization: `Bearer ${paired.token}` } })).status).toBe(403);

    const { context, cleanup } = await launchBrowser('desktop', 'light');
    cleanups.push(cleanup);
    const page = context.pages()[0] ?? (await context.newPage());
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    const link = await requestLoginLink({ url: daemon.url, admin_secret: daemon.adminSecret });
    expect(link.url).toMatch(/\/desktop#code=/);
    await page.goto(link.url);
    await page.waitForFunction(() => (window as any).tether?.connection?.status === 'online', undefined, { timeout: 15_000 });

    await page.getByRole('button', { name: '+ New session' }).click();
    await page.locator('select[name=cli]').selectOption('bash');
    await page.locator('input[name=cwd]').fill(home);
    await page.getByRole('button', { name: 'Start' }).click();
    const rows = page.locator('.desktop-pane .xterm-rows');
    await rows.waitFor({ timeout: 10_000 });
    await page.locator('.session-row .badge.idle').waitFor({ timeout: 15_000 });
    await page.locator('.desktop-pane .xterm').click();
    await page.keyboard.type('echo hello-from-$((6*7))');
    await page.keyboard.press('Enter');
    await expect.poll(() => rows.textContent(), { timeout: 10_000 }).toContain('hello-from-42');
    // The terminal was fitted to the pane and the session followed.
    const session = daemon.sessions.list()[0];
    expect(session.cols).not.toBe(100);

    await page.getByRole('button', { name: 'Pair phone' }).click();
    await page.locator('.desktop-panel img.qr').waitFor();
    expect(await page.locator('.desktop-panel .countdown').textContent()).toMatch(/Expires in [45]:\d\d/);
    expect(await page.locator('.desktop-panel .link').textContent()).toMatch(/\/pair#code=[A-Z2-9]{8}$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-dashboard.png') });

    await page.getByRole('button', { name: 'Devices' }).click();
    const phoneRow = page.locator(`.device[data-device="${paired.device_id}"]`);
    await phoneRow.waitFor();
    expect(await page.locator('.device', { hasText: 'This dashboard' }).count()).toBe(1);
    await phoneRow.getByRole('button', { name: /Revoke/ }).click();
    await phoneRow.waitFor({ state: 'detached' });
    expect(daemon.devices.get(paired.device_id)).toBeUndefined();
    // The revoked token no longer opens a socket.
    await expect(TestClient.connect(`ws://127.0.0.1:${daemon.port}/ws`, { authorization: `Bearer ${paired.token}` })).rejects.toThrow();
    // Once the daemon wires onRevoke to the transport, the open socket closes at once too.
    if (typeof (daemon.transport as unknown as { disconnectDevice?: unknown }).disconnectDevice === 'function') {
      await expect.poll(() => phone.closeCode, { timeout: 5_000 }).toBeDefined();
    }
    expect(violations).toEqual([]);
  });
});
