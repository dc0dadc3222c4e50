/**
 * The prompt queue in Debian's Chromium, against a real Claude Code 2.1.197 session on the mock
 * Anthropic server: on the phone (390×844, touch) queue three prompts under the terminal,
 * move one up, remove one, switch autoplay on and watch both run in order and the pause reason
 * appear; then the desktop dashboard shows the same queue, and after a daemon restart keeps it
 * under "Saved queues" (the session is gone). The phone's view is the README's
 * queue screenshot (`TETHER_SCREENSHOTS=1`).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { requestLoginLink } from '../../src/loginLink.js';
import { startMockAnthropic } from '../mock/anthropicServer.js';
import { makeCliEnv } from '../support/cliEnv.js';
import { REPO_ROOT } from '../support/repoRoot.js';
import { canRunBrowser, launchBrowser, pairingUrl, removeDir, SCREENSHOTS, startWebDaemon, useBrowserSuite } from './harness.js';

// `TETHER_SCREENSHOTS=1` refreshes the README's screenshots (see harness.ts).
const cleanups = useBrowserSuite();

const PROMPTS = ['Run the unit tests', 'Fix the failing test', 'Commit with a short message'];

/** The queue's rows as "text:state", in the order shown. */
async function rows(page: Page): Promise<string[]> {
  return page.locator('.queue .queue-item').evaluateAll((items) => items.map((item) => `${item.querySelector('.queue-text')?.textContent}:${item.getAttribute('data-state')}`));
}

describe.skipIf(!canRunBrowser)('prompt queue in Chromium', { timeout: 180_000 }, () => {
  it('queues, reorders and removes prompts on the phone, runs them with autoplay, and shows the same queue on the desktop', async () => {
    const mock = await startMockAnthropic({ script: (state) => ({ text: `Done: ${state.lastUserText.toLowerCase()}.` }) });
    cleanups.push(() => mock.close());
    const claudeEnv = await makeCliEnv('claude', { mockUrl: mock.url });
    cleanups.push(() => claudeEnv.cleanup());
    const binDir = join(REPO_ROOT, 'node_modules', '.bin');
    const daemon = await startWebDaemon({ sessionEnv: { ...claudeEnv.env, PATH: `${binDir}:${claudeEnv.env.PATH}` } });
    cleanups.push(() => removeDir(daemon.dataDir));
    cleanups.push(() => daemon.stop());
    const { context, cleanup } = await launchBrowser('phone');
    cleanups.push(cleanup);
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(await pairingUrl(daemon));
    await page.waitForFunction(() => (window as any).tether?.connection?.status === 'online', undefined, { timeout: 15_000 });

    const session = await daemon.sessions.create({ cli: 'claude', cwd: claudeEnv.projectDir, cols: 100, rows: 32 });
    const row = page.locator(`.session-row[data-session="${session.id}"]`);
    await row.locator('.badge.idle').waitFor({ timeout: 40_000 });
    await row.tap();
    const queue = page.locator('.queue');
    await queue.waitFor();
    await expect(page.locator('.queue .empty').textContent()).resolves.toContain('Nothing queued');

    for (const text of PROMPTS) {
      await page.getByLabel('Prompt to queue').fill(text);
      await page.getByRole('button', { name: 'Queue', exact: true }).tap();
      await page.locator('.queue-item', { hasText: text }).waitFor();
    }
    expect(await rows(page)).toEqual(PROMPTS.map((text) => `${text}:queued`));
    await page.getByRole('button', { name: `Move up: ${PROMPTS[2]}` }).tap();
    await expect.poll(() => rows(page)).toEqual([`${PROMPTS[0]}:queued`, `${PROMPTS[2]}:queued`, `${PROMPTS[1]}:queued`]);
    await page.getByRole('button', { name: `Remove: ${PROMPTS[1]}` }).tap();
    await expect.poll(() => rows(page)).toEqual([`${PROMPTS[0]}:queued`, `${PROMPTS[2]}:queued`]);

    await page.getByRole('switch', { name: 'Autoplay' }).tap();
    await page.locator('.queue-paused[data-reason="queue_empty"]').waitFor({ timeout: 90_000 });
    expect(await rows(page)).toEqual([`${PROMPTS[0]}:done`, `${PROMPTS[2]}:done`]);
    expect(await page.locator('.queue-paused').textContent()).toContain('the queue is empty');
    const sent = mock.mainRequests().map((request) => JSON.stringify(request.body));
    expect(sent.findIndex((body) => body.includes(PROMPTS[0]))).toBeLessThan(sent.findIndex((body) => body.includes(PROMPTS[2])));
    expect(sent.some((body) => body.includes(PROMPTS[1]))).toBe(false);

    // Autoplay off, one more queued: it waits.
    await page.getByRole('switch', { name: 'Autoplay' }).tap();
    await expect.poll(() => daemon.queue.autoplay(session.id).enabled).toBe(false);
    await page.getByLabel('Prompt to queue').fill('Push the branch');
    await page.getByRole('button', { name: 'Queue', exact: true }).tap();
    await page.locator('.queue-item[data-state="queued"]', { hasText: 'Push the branch' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'phone-queue.png') });

    // The desktop dashboard shows the same queue beside the terminal.
    const desktop = await launchBrowser('desktop');
    cleanups.push(desktop.cleanup);
    const dashboard = desktop.context.pages()[0] ?? (await desktop.context.newPage());
    await dashboard.goto((await requestLoginLink({ url: daemon.url, admin_secret: daemon.adminSecret })).url);
    await dashboard.waitForFunction(() => (window as any).tether?.connection?.status === 'online', undefined, { timeout: 15_000 });
    await dashboard.locator(`.session-row[data-session="${session.id}"]`).click();
    await expect.poll(() => rows(dashboard)).toEqual([`${PROMPTS[0]}:done`, `${PROMPTS[2]}:done`, 'Push the branch:queued']);
    expect(await dashboard.getByRole('switch', { name: 'Autoplay' }).isChecked()).toBe(false);

    // After a daemon restart the session is gone; its queue is kept under "Saved queues".
    await daemon.stop();
    await daemon.start();
    await dashboard.waitForFunction(() => (window as any).tether?.connection?.status === 'online', undefined, { timeout: 30_000 });
    await dashboard.getByRole('button', { name: 'Saved queues' }).click();
    const saved = dashboard.locator(`.saved-queue[data-session="${session.id}"]`);
    await saved.waitFor();
    expect(await saved.locator('.queue-text').allTextContents()).toEqual([PROMPTS[0], PROMPTS[2], 'Push the branch']);
    await saved.getByRole('button', { name: 'Remove: Push the branch' }).click();
    await expect.poll(() => saved.locator('.queue-text').allTextContents()).toEqual([PROMPTS[0], PROMPTS[2]]);
  });
});
