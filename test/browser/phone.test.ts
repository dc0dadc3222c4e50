/**
 * The phone view in Debian's Chromium at 390×844 with touch, against real Claude Code 2.1.197
 * sessions on the mock Anthropic server: pair from the `tether pair --json` URL, reach a tool
 * approval, tap Approve (sheet closes, waiting_cleared, the file exists), Deny, answer a
 * question by tapping an option, reconnect after a daemon restart, and "already answered".
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startMockAnthropic } from '../mock/anthropicServer.js';
import { askScenario, bashScenario, planScenario } from '../mock/scenarios.js';
import type { MockScript } from '../mock/scenarios.js';
import { makeCliEnv } from '../support/cliEnv.js';
import { REPO_ROOT } from '../support/repoRoot.js';
import { waitUntil } from '../support/waitFor.js';
import { TestClient } from '../support/testClient.js';
import { canRunBrowser, launchBrowser, pairingUrl, removeDir, SCREENSHOTS, startWebDaemon, type WebDaemon, useBrowserSuite } from './harness.js';

// `TETHER_SCREENSHOTS=1` refreshes the README's screenshots (see harness.ts).
const cleanups = useBrowserSuite();

interface PhoneWorld {
  daemon: WebDaemon;
  page: Page;
  projectDir: string;
  mock: Awaited<ReturnType<typeof startMockAnthropic>>;
}

/** Mock server, seeded HOME, daemon with the web UI, a phone paired through the QR URL. */
async function phoneWorld(script: MockScript, onboarding: 'skip' | 'show' = 'skip'): Promise<PhoneWorld> {
  const mock = await startMockAnthropic({ script });
  cleanups.push(() => mock.close());
  const claudeEnv = await makeCliEnv('claude', { mockUrl: mock.url, ...(onboarding === 'show' ? { variant: 'onboarding' } : {}) });
  cleanups.push(() => claudeEnv.cleanup());
  const binDir = join(REPO_ROOT, 'node_modules', '.bin');
  const daemon = await startWebDaemon({ sessionEnv: { ...claudeEnv.env, PATH: `${binDir}:${claudeEnv.env.PATH}` } });
  cleanups.push(() => removeDir(daemon.dataDir));
  cleanups.push(() => daemon.stop());
  const { context, cleanup } = await launchBrowser('phone');
  cleanups.push(cleanup);
  const page = context.pages()[0] ?? (await context.newPage());
  const url = await pairingUrl(daemon);
  expect(url).toMatch(/\/pair#code=[A-Z2-9]{8}$/);
  await page.goto(url);
  await page.waitForFunction(() => (window as any).tether?.connection?.status === 'online', undefined, { timeout: 15_000 });
  expect(new URL(page.url()).hash).toBe('');
  await page.evaluate(() => {
    const w = window as any;
    w.received = [];
    w.tether.connection.on('message', (m: unknown) => w.received.push(m));
  });
  return { daemon, page, projectDir: claudeEnv.projectDir, mock };
}

/** Starts Claude in the project, opens it on the phone and sends a message from the message box. */
async function startClaudeAndAsk(world: PhoneWorld, text: string, args: string[] = []): Promise<void> {
  const session = await world.daemon.sessions.create({ cli: 'claude', args, cwd: world.projectDir, cols: 100, rows: 32 });
  const row = world.page.locator(`.session-row[data-session="${session.id}"]`);
  await row.locator('.badge.idle').waitFor({ timeout: 40_000 });
  await row.tap();
  await world.page.locator('.xterm-rows').waitFor();
  await world.page.locator('.message-box input').fill(text);
  await world.page.locator('.message-box button[type=submit]').tap();
}

async function received(page: Page, predicate: string): Promise<void> {
  await page.waitForFunction(`(window.received || []).some((m) => ${predicate})`, undefined, { timeout: 10_000 });
}

describe.skipIf(!canRunBrowser)('phone view in Chromium', { timeout: 150_000 }, () => {
  it('pairs from the QR URL, shows a real Claude tool approval, approves it with one tap', async () => {
    const world = await phoneWorld(bashScenario('touch created-by-tool.txt', 'Create the marker file'));
    const { page } = world;
    await startClaudeAndAsk(world, 'create the marker file');
    const sheet = page.locator('.sheet');
    await sheet.waitFor({ timeout: 40_000 });
    await expect.poll(() => sheet.locator('h2').textContent()).toBe('Allow Bash?');
    expect(await sheet.locator('.sheet-meta').textContent()).toMatch(/^claude · /);
    expect(await sheet.locator('.sheet-prompt').textContent()).toContain('touch created-by-tool.txt');
    const approve = sheet.locator('button[data-answer="yes"]');
    const box = await approve.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    await page.screenshot({ path: join(SCREENSHOTS, 'phone-approval-sheet.png') });
    const promptId = await sheet.getAttribute('data-prompt');
    await approve.tap();
    await sheet.waitFor({ state: 'detached', timeout: 10_000 });
    await received(page, `m.type === 'waiting_cleared' && m.prompt_id === ${JSON.stringify(promptId)}`);
    await waitUntil(() => existsSync(join(world.projectDir, 'created-by-tool.txt')), 30_000, 'the marker file');
  });

  it('denies from the sheet: the tool does not run', async () => {
    const world = await phoneWorld(bashScenario('touch created-by-tool.txt', 'Create the marker file'));
    const { page } = world;
    await startClaudeAndAsk(world, 'create the marker file');
    const sheet = page.locator('.sheet');
    await sheet.waitFor({ timeout: 40_000 });
    const promptId = await sheet.getAttribute('data-prompt');
    await sheet.locator('button[data-answer="no"]').tap();
    await sheet.waitFor({ state: 'detached', timeout: 10_000 });
    await received(page, `m.type === 'waiting_cleared' && m.prompt_id === ${JSON.stringify(promptId)}`);
    // After a denial Claude hands the prompt back: the badge goes idle and no tool ran.
    await page.locator('.back').tap();
    await page.locator('.session-row .badge.idle').waitFor({ timeout: 30_000 });
    const results = world.mock.mainRequests().flatMap((r) => (r.body.messages as any[]).flatMap((m) => (Array.isArray(m.content) ? m.content : []))).filter((c) => c.type === 'tool_result');
    expect(results.every((c) => c.is_error === true)).toBe(true);
    expect(existsSync(join(world.projectDir, 'created-by-tool.txt'))).toBe(false);
  });

  it('answers a clarifying question by tapping an option label', async () => {
    const world = await phoneWorld(askScenario());
    const { page } = world;
    await world.daemon.sessions.create({ cli: 'bash', cwd: world.projectDir, name: 'shell · build', cols: 100, rows: 32 });
    await startClaudeAndAsk(world, 'set up auth');
    const sheet = page.locator('.sheet');
    await sheet.waitFor({ timeout: 40_000 });
    expect(await sheet.locator('h2').textContent()).toBe('Question');
    const option = sheet.locator('button[data-option]', { hasText: 'OAuth' });
    await option.waitFor();
    // The list behind the sheet, with its waiting badge, for the README.
    await sheet.locator('.sheet-later').tap();
    await page.locator('.back').tap();
    await page.locator('.session-row .badge.waiting').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'phone-session-list.png') });
    await page.locator('.session-row[data-state="waiting"]').tap();
    await sheet.waitFor();
    const promptId = await sheet.getAttribute('data-prompt');
    await sheet.locator('button[data-option]', { hasText: 'OAuth' }).tap();
    await sheet.waitFor({ state: 'detached', timeout: 10_000 });
    await received(page, `m.type === 'waiting_cleared' && m.prompt_id === ${JSON.stringify(promptId)}`);
    await waitUntil(
      () => JSON.stringify(world.mock.mainRequests().map((r) => r.body.messages)).includes('OAuth'),
      30_000,
      'the answer reaching the model',
    );
  });

  it("gives a plan's \"Tell Claude what to change\" a text field, and the feedback reaches the model", async () => {
    const world = await phoneWorld(planScenario());
    const { page } = world;
    await startClaudeAndAsk(world, 'plan a greeting script', ['--permission-mode', 'plan']);
    const sheet = page.locator('.sheet');
    await sheet.waitFor({ timeout: 40_000 });
    expect(await sheet.locator('h2').textContent()).toBe('Approve the plan?');
    const changeButton = sheet.locator('button[data-option]', { hasText: 'Tell Claude what to change' });
    await changeButton.waitFor({ timeout: 40_000 });
    const change = await changeButton.getAttribute('data-option');
    const form = sheet.locator('form.sheet-text');
    expect(await form.getAttribute('data-option')).toBe(change);
    const promptId = await sheet.getAttribute('data-prompt');
    await form.locator('input').fill('use zsh instead');
    await form.locator('button[type=submit]').tap();
    await sheet.waitFor({ state: 'detached', timeout: 10_000 });
    await received(page, `m.type === 'waiting_cleared' && m.prompt_id === ${JSON.stringify(promptId)}`);
    await waitUntil(
      () => JSON.stringify(world.mock.mainRequests().map((r) => r.body.messages)).includes('use zsh instead'),
      30_000,
      'the feedback reaching the model',
    );
  });

  it("shows Claude's theme dialog with its options and no text field", async () => {
    const world = await phoneWorld(bashScenario('true'), 'show');
    const { page } = world;
    await world.daemon.sessions.create({ cli: 'claude', cwd: world.projectDir, cols: 100, rows: 32 });
    const sheet = page.locator('.sheet');
    await sheet.waitFor({ timeout: 40_000 });
    expect(await sheet.locator('h2').textContent()).toBe('Question');
    await sheet.locator('button[data-option]', { hasText: 'Dark mode' }).first().waitFor();
    expect(await sheet.locator('form.sheet-text').count()).toBe(0);
    expect(await sheet.locator('input').count()).toBe(0);
  });

  it('shows the offline banner while the daemon restarts, then reconnects by itself', async () => {
    const world = await phoneWorld(bashScenario('true'));
    const { page, daemon } = world;
    // The PWA's service worker is live (127.0.0.1 is a secure context); without a VAPID key the
    // "Notify me" button says so instead of failing.
    const worker = await page.evaluate(() => navigator.serviceWorker.ready.then((registration) => registration.active?.scriptURL));
    expect(worker).toMatch(/\/sw\.js$/);
    await page.getByRole('button', { name: 'Notify me' }).tap();
    await page.getByRole('button', { name: /no Web Push key|Notifications on/ }).waitFor();
    await daemon.sessions.create({ cli: 'bash', cwd: world.projectDir, name: 'before restart' });
    await page.locator('.session-row', { hasText: 'before restart' }).waitFor();
    await daemon.stop();
    await page.locator('.banner.offline').waitFor({ state: 'visible', timeout: 10_000 });
    await daemon.start();
    await daemon.sessions.create({ cli: 'bash', cwd: world.projectDir, name: 'after restart' });
    await page.locator('.session-row', { hasText: 'after restart' }).waitFor({ timeout: 20_000 });
    await page.locator('.banner.offline').waitFor({ state: 'hidden' });
    expect(await page.locator('.session-row', { hasText: 'before restart' }).count()).toBe(0);
  });

  it('shows "Already answered" when the prompt was answered elsewhere first', async () => {
    const world = await phoneWorld(bashScenario('touch created-by-tool.txt', 'Create the marker file'));
    const { page, daemon } = world;
    // Hold back waiting_cleared from the phone, as a slow network would.
    let holdCleared = false;
    await page.routeWebSocket(/\/ws/, (socket) => {
      const server = socket.connectToServer();
      server.onMessage((frame) => {
        if (typeof frame === 'string' && frame.includes('"waiting_cleared"') && holdCleared) return;
        socket.send(frame);
      });
    });
    await page.reload();
    await page.waitForFunction(() => (window as any).tether?.connection?.status === 'online', undefined, { timeout: 15_000 });
    await startClaudeAndAsk(world, 'create the marker file');
    const sheet = page.locator('.sheet');
    await sheet.waitFor({ timeout: 40_000 });
    const promptId = (await sheet.getAttribute('data-prompt'))!;
    const sessionId = (await sheet.getAttribute('data-session'))!;
    holdCleared = true;
    const desktop = await TestClient.connect(`ws://127.0.0.1:${daemon.port}/ws`, { authorization: `Bearer ${daemon.adminSecret}` });
    try {
      desktop.send({ type: 'tool_approval', request_id: 'first', session_id: sessionId, prompt_id: promptId, response: 'yes' });
      await waitUntil(() => desktop.received.some((m) => m.type === 'ack' && m.request_id === 'first'), 10_000, 'the first answer');
    } finally {
      await desktop.close();
    }
    await sheet.locator('button[data-answer="yes"]').tap();
    await sheet.locator('.sheet-status', { hasText: 'Already answered' }).waitFor({ timeout: 10_000 });
    holdCleared = false;
    await sheet.waitFor({ state: 'detached', timeout: 10_000 });
  });
});
