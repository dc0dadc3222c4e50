/**
 * The browser tests' world: a daemon composed like `startDaemon` (sessions, devices, pairing,
 * transport, the browser UI), restartable on the same port and data dir;
 * Debian's Chromium driven by playwright-core with a fresh profile; and helpers to pair the way
 * a phone does (the URL `tether pair --json` prints) and to start real Claude Code sessions
 * against the mock Anthropic server.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext } from 'playwright-core';
import { beforeAll } from 'vitest';
import { useCleanups } from '../support/phone.js';
import { Autoplay, PromptQueue, SessionManager, systemClock } from '../../src/core/index.js';
import { QueueStore } from '../../src/store/queueStore.js';
import { DeviceStore } from '../../src/store/deviceStore.js';
import { PairingService } from '../../src/store/pairing.js';
import { startTransport, type Transport } from '../../src/transport/index.js';
import { defaultUiRoot } from '../../src/transport/index.js';
import { REPO_ROOT } from '../support/repoRoot.js';

const runFile = promisify(execFile);

/** Where Debian installs Chromium (`apt-get install chromium`). */
export const CHROMIUM_PATH = process.env.TETHER_CHROMIUM ?? '/usr/bin/chromium';

/** True when the browser tests can run here (Chromium installed). */
// On a developer machine without Chromium the browser suites skip; in CI (which installs it) they must run.
export const canRunBrowser = existsSync(CHROMIUM_PATH) || process.env.CI === 'true';

/** A running test daemon. */
export interface WebDaemon {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly adminSecret: string;
  sessions: SessionManager;
  devices: DeviceStore;
  transport: Transport;
  /** The prompt queue (in the data dir's queue.json) and its autoplay, as startDaemon wires them. */
  queue: PromptQueue;
  /** Stops sessions and the server (the data dir stays). */
  stop(): Promise<void>;
  /** Starts again after `stop` on the same port and data dir (paired tokens stay valid). */
  start(): Promise<void>;
}

/**
 * Builds dist/web when it is missing (`npm run build` normally has). Test files run in
 * parallel, so one builds under a lock directory while the others wait for index.html.
 */
export async function ensureWebBuilt(): Promise<void> {
  const index = join(defaultUiRoot(), 'index.html');
  if (existsSync(index)) return;
  const lock = join(REPO_ROOT, 'dist', '.web-build.lock');
  mkdirSync(join(REPO_ROOT, 'dist'), { recursive: true });
  let owner = false;
  try {
    mkdirSync(lock);
    owner = true;
  } catch {
    // another test file is building
  }
  if (owner) {
    try {
      await runFile(process.execPath, [join(REPO_ROOT, 'web', 'build.mjs')], { timeout: 120_000 });
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
    return;
  }
  const deadline = Date.now() + 120_000;
  while (!existsSync(index) || existsSync(lock)) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the web build');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Starts the daemon pieces with the browser UI on 127.0.0.1 (port 0 picks one). */
export async function startWebDaemon(options: { sessionEnv: NodeJS.ProcessEnv; port?: number; dataDir?: string }): Promise<WebDaemon> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tether-web-'));
  const adminSecret = randomBytes(32).toString('base64url');
  const state = { port: options.port ?? 0 } as { port: number; sessions: SessionManager; devices: DeviceStore; transport: Transport; queue: PromptQueue; autoplay: Autoplay };

  const boot = async (): Promise<void> => {
    const sessions = new SessionManager({ defaultCols: 100, defaultRows: 32, submitDelayMs: 150, env: options.sessionEnv });
    const devices = new DeviceStore(dataDir);
    const pairing = new PairingService();
    const queue = new PromptQueue((id) => sessions.list().some((session) => session.id === id), new QueueStore(dataDir), systemClock);
    const host = { sessions, onActivity: sessions.onActivity, onDidInput: sessions.onDidInput, inputDraft: (id: string) => sessions.inputDraft(id) };
    const autoplay = new Autoplay(host, queue, systemClock);
    queue.onMessage((message) => state.transport?.broadcast(message));
    const transport = await startTransport({
      host: '127.0.0.1',
      port: state.port,
      sessions,
      devices,
      pairing,
      adminSecret,
      daemonVersion: 'test',
      onPushToken: () => undefined,
      uiRoot: defaultUiRoot(),
      queues: { queue, autoplay },
    });
    state.port = transport.port;
    Object.assign(state, { sessions, devices, transport, queue, autoplay });
    const url = `http://127.0.0.1:${transport.port}`;
    const daemonFile = { pid: process.pid, host: '127.0.0.1', port: transport.port, url, admin_secret: adminSecret, version: 'test' };
    writeFileSync(join(dataDir, 'daemon.json'), JSON.stringify(daemonFile), { mode: 0o600 });
  };
  const halt = async (): Promise<void> => {
    state.autoplay.dispose();
    state.queue.dispose();
    state.sessions.dispose();
    await state.transport.close();
  };
  await boot();

  const daemon: WebDaemon = {
    get url() {
      return `http://127.0.0.1:${state.port}`;
    },
    get port() {
      return state.port;
    },
    dataDir,
    adminSecret,
    get sessions() {
      return state.sessions;
    },
    get devices() {
      return state.devices;
    },
    get transport() {
      return state.transport;
    },
    get queue() {
      return state.queue;
    },
    stop: halt,
    start: boot,
  } as WebDaemon;
  return daemon;
}

/** Removes a data dir. */
export function removeDir(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

/**
 * A pairing URL as the user gets it: `tether pair --json` against the daemon's data dir
 * (falls back to the admin endpoint it calls when the CLI is not built).
 */
export async function pairingUrl(daemon: WebDaemon): Promise<string> {
  const bin = join(REPO_ROOT, 'bin', 'tether.js');
  if (existsSync(join(REPO_ROOT, 'dist', 'src', 'cli.js'))) {
    // Asynchronously: the daemon answering the CLI lives in this process's event loop.
    const result = await runFile(process.execPath, [bin, 'pair', '--json', '--data-dir', daemon.dataDir], { encoding: 'utf8', timeout: 15_000 }).catch(() => undefined);
    if (result !== undefined) return (JSON.parse(result.stdout) as { url: string }).url;
  }
  const reply = await fetch(`${daemon.url}/api/admin/pairing-code`, { method: 'POST', headers: { authorization: `Bearer ${daemon.adminSecret}` } });
  return ((await reply.json()) as { url: string }).url;
}

/** A phone (390×844, touch, mobile) or a desktop (1280×800) browser. */
export type Viewport = 'phone' | 'desktop';

/**
 * Launches Chromium headless with a fresh profile (`--user-data-dir`, through playwright's
 * persistent context) shaped like a phone or a desktop; `cleanup` closes it and removes the profile.
 */
export async function launchBrowser(viewport: Viewport, colorScheme: 'dark' | 'light' = 'dark'): Promise<{ context: BrowserContext; cleanup: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'tether-chromium-'));
  const shape =
    viewport === 'phone'
      ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
      : { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    colorScheme,
    ...shape,
  });
  return {
    context,
    cleanup: async () => {
      await context.close().catch(() => undefined);
      removeDir(profile);
    },
  };
}

/** Where screenshots go: the README's folder with `TETHER_SCREENSHOTS=1`, else a temp dir. */
export const SCREENSHOTS = process.env.TETHER_SCREENSHOTS === '1' ? join(REPO_ROOT, 'docs', 'screenshots') : join(tmpdir(), 'tether-screenshots');

/**
 * Registers a browser suite's hooks: builds the web UI once (when Chromium can run) and, after
 * each test, runs the cleanups the test pushed, last first, best effort.
 * @returns the list a test pushes its cleanups onto
 */
export function useBrowserSuite(): Array<() => unknown> {
  const cleanups = useCleanups();
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    if (canRunBrowser) await ensureWebBuilt();
  }, 150_000);
  return cleanups;
}
