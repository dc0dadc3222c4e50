/**
 * The phone PWA's foreground proof and push re-registration (issue 11 §2; seed
 * `mobile-notifications-and-tool-approval.md` §10.4 "Re-register token when app becomes active",
 * §10.6 "If app is active and user is in session, suppress notifications"), in Debian's Chromium
 * with Playwright's fake clock. While the page is visible with a session open it repeats
 * `app_state {state: "active", session_id}` well inside the daemon's 30 s proof window; hidden,
 * it reports `background` once and nothing more; shown again, it reports `active` and registers
 * its push subscription again. The browser has no push service offline, so the subscription the
 * service worker registration returns is a stand-in (endpoint and keys); everything else is the
 * real app against a real daemon.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { WATCH_WINDOW_MS } from '../../src/push/index.js';
import { canRunBrowser, launchBrowser, pairingUrl, removeDir, startWebDaemon, useBrowserSuite } from './harness.js';

const cleanups = useBrowserSuite();
const ENDPOINT = 'https://push.example.net/send/phone-1';

/** Makes `document.visibilityState` follow `window.__visibility` and stands in a push subscription. */
function stubs(endpoint: string): void {
  const w = window as unknown as { __visibility: string };
  w.__visibility = 'visible';
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => w.__visibility });
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => w.__visibility !== 'visible' });
  const subscription = { endpoint, toJSON: () => ({ endpoint, keys: { p256dh: 'BPk', auth: 'q1w' } }) };
  const registration = { pushManager: { getSubscription: async () => subscription, subscribe: async () => subscription } };
  navigator.serviceWorker.getRegistration = async () => registration as unknown as ServiceWorkerRegistration;
}

async function setVisibility(page: Page, state: 'visible' | 'hidden'): Promise<void> {
  await page.evaluate((value) => {
    (window as unknown as { __visibility: string }).__visibility = value;
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
}

describe.skipIf(!canRunBrowser)('phone PWA: foreground proof and push re-registration', { timeout: 120_000 }, () => {
  it('repeats app_state active while visible, stops while hidden, and re-registers its subscription when shown', async () => {
    const daemon = await startWebDaemon({ sessionEnv: process.env });
    cleanups.push(() => removeDir(daemon.dataDir));
    cleanups.push(() => daemon.stop());
    const session = await daemon.sessions.create({ cli: 'bash', name: 'watched', cols: 100, rows: 32 });
    const { context, cleanup } = await launchBrowser('phone');
    cleanups.push(cleanup);
    await context.grantPermissions(['notifications']);
    const page = context.pages()[0] ?? (await context.newPage());
    await page.addInitScript(stubs, ENDPOINT);
    const sent: Array<Record<string, unknown>> = [];
    page.on('websocket', (socket) => socket.on('framesent', ({ payload }) => sent.push(JSON.parse(String(payload)) as Record<string, unknown>)));
    await page.clock.install();
    await page.goto(await pairingUrl(daemon));
    await page.waitForFunction(() => (window as any).tether?.connection?.status === 'online', undefined, { timeout: 15_000 });

    const registrations = () => sent.filter((m) => m.type === 'register_push_token');
    const active = () => sent.filter((m) => m.type === 'app_state' && m.state === 'active' && m.session_id === session.id);
    // Online: the subscription is registered (the browser may have rotated it).
    await expect.poll(registrations).toHaveLength(1);
    expect(registrations()[0]).toMatchObject({ token_type: 'webpush', platform: 'web' });
    expect(JSON.parse(String(registrations()[0].token))).toMatchObject({ endpoint: ENDPOINT });

    await page.locator(`.session-row[data-session="${session.id}"]`).tap();
    await expect.poll(() => active().length).toBe(1);
    // Watching for twice the proof window: the proof is renewed before it lapses each time.
    for (let elapsed = 0; elapsed < 2 * WATCH_WINDOW_MS; elapsed += WATCH_WINDOW_MS / 2) await page.clock.runFor(WATCH_WINDOW_MS / 2);
    expect(active().length).toBeGreaterThanOrEqual(5);

    await setVisibility(page, 'hidden');
    await expect.poll(() => sent.filter((m) => m.type === 'app_state' && m.state === 'background').length).toBe(1);
    const whileHidden = active().length;
    await page.clock.runFor(2 * WATCH_WINDOW_MS);
    expect(active().length).toBe(whileHidden);

    await setVisibility(page, 'visible');
    await expect.poll(() => active().length).toBe(whileHidden + 1);
    await expect.poll(registrations).toHaveLength(2);
    expect(registrations()[1].token).toBe(registrations()[0].token);
  });
});
