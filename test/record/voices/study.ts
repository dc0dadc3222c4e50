/**
 * Shared pieces of the voices study: hook kinds and forwarder commands, the capture layout
 * (one folder per CLI, version and kind holding hooks.json, the transcript files and the
 * screen at each step), and a PTY session helper that always ends the CLI's process group.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PtyDriver, sleep } from '../ptyDriver.js';
import { childPids, killGroup } from '../processes.js';
import { makeCliEnv, type CliEnv } from '../../support/cliEnv.js';
import { REPO_ROOT } from '../../support/repoRoot.js';
import type { HookSink } from './hookSink.js';

/** How a hook reaches the sink: the CLI's own HTTP hook, a command running a forwarder, or (OpenCode) an in-process plugin or the server's event stream. */
export type HookKind = 'http' | 'node' | 'curl' | 'none' | 'plugin' | 'sse';

/** The per-session credential of the study's HTTP hooks (a real session gets a random one). */
export const STUDY_TOKEN = 'voices-study-token';

/** Source folder of the forwarders (they are not compiled: `forward.mjs`, `forward.sh`). */
export const FORWARDER_DIR = path.join(REPO_ROOT, 'test/record/voices');
/** The Node forwarder. */
export const NODE_FORWARDER = path.join(FORWARDER_DIR, 'forward.mjs');
/** The sh + curl forwarder. */
export const CURL_FORWARDER = path.join(FORWARDER_DIR, 'forward.sh');

/** The URL a hook of `kind` posts `event` to. */
export function hookUrl(sink: HookSink, kind: HookKind, event: string): string {
  return `${sink.url}/hook/${kind}/${event}`;
}

/** The shell command line of a forwarder hook (`node` or `curl` kinds). */
export function forwarderCommand(sink: HookSink, kind: 'node' | 'curl', event: string): string {
  const url = hookUrl(sink, kind, event);
  return kind === 'node' ? `${process.execPath} ${NODE_FORWARDER} ${url}` : `${CURL_FORWARDER} ${url}`;
}

/** The argv of a forwarder hook, for CLIs that take argv (exec form, no shell). */
export function forwarderArgv(sink: HookSink, kind: 'node' | 'curl', event: string): string[] {
  const url = hookUrl(sink, kind, event);
  return kind === 'node' ? [process.execPath, NODE_FORWARDER, url] : [CURL_FORWARDER, url];
}

/** Where one run's raw capture goes. */
export function captureDir(root: string, cli: string, version: string, run: string): string {
  const dir = path.join(root, cli, version, run);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Every file under `dir` (recursive), relative paths. */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((entry) => fs.statSync(path.join(dir, entry)).isFile());
}

/** Copies the files under `from` whose relative path matches `pattern` into `to`, keeping paths. */
export function copyMatching(from: string, to: string, pattern: RegExp): string[] {
  const copied: string[] = [];
  for (const file of listFiles(from)) {
    if (!pattern.test(file)) continue;
    const target = path.join(to, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(from, file), target);
    copied.push(file);
  }
  return copied;
}

/**
 * The CLI's seeded environment (its recording data, test/support/cliEnv.ts) at the study's fixed
 * HOME and project dir, with a readme in the project and the study's own files and env.
 * @throws Error when the environment cannot be built
 */
export function studyEnv(cli: string, options: { mockUrl: string; home: string; projectDir: string; release?: string; files?: Record<string, string>; env?: Record<string, string> }): Promise<CliEnv> {
  const files = Object.fromEntries(Object.entries({ 'README.md': '# demo\n', ...options.files }).map(([name, text]) => [`{project}/${name}`, text]));
  return makeCliEnv(cli, { mockUrl: options.mockUrl, home: options.home, projectDir: options.projectDir, release: options.release, patch: { files, env: options.env } });
}

/** A driven CLI plus a log of its screens. */
export class StudySession {
  private readonly screens: string[] = [];

  constructor(readonly driver: PtyDriver, private readonly outDir: string) {}

  /** Waits for `pattern`, lets the screen settle, and logs it under `name`. */
  async see(pattern: RegExp, name: string, timeoutMs = 45_000, settleMs = 800): Promise<string> {
    await this.driver.waitFor(pattern, timeoutMs);
    await this.driver.settle(settleMs);
    const text = this.driver.text();
    this.screens.push(`=== ${name} (title ${JSON.stringify(this.driver.title)})\n${text}`);
    return text;
  }

  /** Types text like a person, pauses (paste-burst CLIs read a fast Enter as a newline), then Enter. */
  async submit(text: string, pauseMs = 1200): Promise<void> {
    await this.driver.type(text, 20);
    await sleep(pauseMs);
    this.driver.write('\r');
  }

  /** Writes keys one chunk at a time. */
  async keys(...chunks: string[]): Promise<void> {
    for (const chunk of chunks) {
      this.driver.write(chunk);
      await sleep(120);
    }
  }

  /**
   * Answers every approval (`approval` on screen) with `keys` until `done` shows; the first one
   * waits `firstWaitMs` (so late notifications fire). Returns how many approvals were answered.
   * @throws Error when neither shows within `timeoutMs`.
   */
  async answerUntil(done: RegExp, approval: RegExp, keys: readonly string[], firstWaitMs = 3000, timeoutMs = 90_000): Promise<number> {
    const either = new RegExp(`(${done.source})|(${approval.source})`);
    let answered = 0;
    for (;;) {
      const text = await this.see(either, answered === 0 ? 'approval-or-done' : `approval-${answered + 1}-or-done`, timeoutMs);
      if (done.test(text.replace(/\u00a0/g, ' '))) return answered;
      if (answered === 0) await sleep(firstWaitMs);
      await this.keys(...keys);
      answered += 1;
      await sleep(800);
    }
  }

  /** Ends the CLI (its children's groups first, then the CLI) and writes the screen log. */
  async end(graceMs = 5000): Promise<void> {
    await Promise.race([this.driver.waitExit(), sleep(graceMs)]);
    this.screens.push(`=== last screen (exit ${this.driver.exitCode})\n${this.driver.text()}`);
    for (const pid of childPids(this.driver.process.pid)) killGroup(pid);
    killGroup(this.driver.process.pid);
    await this.driver.kill(1000);
    fs.writeFileSync(path.join(this.outDir, 'screens.txt'), `${this.screens.join('\n\n')}\n`);
  }
}

/** Writes the sink's calls as `hooks.json` (label, time, body). */
export function writeHookCalls(sink: HookSink, outDir: string): void {
  fs.writeFileSync(path.join(outDir, 'hooks.json'), `${JSON.stringify(sink.calls, null, 2)}\n`);
}

export { sleep };
