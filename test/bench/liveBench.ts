/**
 * Live ingest through real PTYs: a command printing 24 MB of Claude-style redraws, read by bare
 * node-pty + @xterm/headless, and by a session in a daemon (in this process) with no client
 * subscribed and with one phone (another process) subscribed. Each run starts the command's
 * output with a keystroke and ends when the screen has applied all of it (the daemon: its
 * `session_closed`), which is what the agent feels; the phone's own `session_closed` (all output
 * delivered) is reported beside it. Ratios are bare time over daemon time.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import xtermHeadless from '@xterm/headless';
import { PtyProcess } from '../../src/core/ptyProcess.js';
import { startDaemon } from '../../src/daemon.js';
import type { Daemon } from '../../src/daemon.js';
import { silentLogger } from '../../src/log.js';
import { configSchema } from '../../src/store/config.js';
import { defaultHostCommand } from '../../src/host/hostedSessions.js';
import { CORPUS_COLS, CORPUS_ROWS, writeRedrawBytes } from './redrawCorpus.js';

const { Terminal } = xtermHeadless as unknown as typeof import('@xterm/headless');

/** Output the command prints (bytes). */
export const LIVE_BYTES = 24e6;
const PHONE_SCRIPT = fileURLToPath(new URL('./livePhone.js', import.meta.url));

/**
 * The command: a script beside the output that waits for one line (so every side starts the clock
 * the same way), then prints the file. A script, not `sh -c`: a session of the claude type gets
 * Tether's hook arguments before its own, which the script ignores.
 */
function command(file: string): { file: string; args: string[] } {
  const script = `${file}.sh`;
  if (!existsSync(script)) {
    writeFileSync(script, `#!/bin/sh\nstty -echo; read go; exec cat '${file}'\n`);
    chmodSync(script, 0o755);
  }
  return { file: script, args: [] };
}

/** Wall time and this process's CPU time (user + system) of one run (ms). */
export interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/**
 * Starts the clock on a collected heap (when the bench runs with `--expose-gc`, as `npm run bench`
 * does): the sides share this process, so otherwise the garbage of one run (24 MB of strings,
 * a screen) is collected during the next and charged to whichever side comes next.
 */
function startTiming(): () => Timing {
  (globalThis as { gc?: () => void }).gc?.();
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 };
  };
}

async function timeBare(file: string): Promise<Timing> {
  const terminal = new Terminal({ cols: CORPUS_COLS, rows: CORPUS_ROWS, scrollback: 5000, allowProposedApi: true });
  const { file: shell, args } = command(file);
  const pty = new PtyProcess({ file: shell, args, cols: CORPUS_COLS, rows: CORPUS_ROWS, cwd: tmpdir(), env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color' } });
  pty.onData((data) => terminal.write(data));
  const exited = new Promise<void>((resolve) => pty.onExit(() => resolve()));
  const stop = startTiming();
  pty.write('\r');
  await exited;
  await new Promise<void>((resolve) => terminal.write('', resolve));
  const elapsed = stop();
  pty.dispose();
  terminal.dispose();
  return elapsed;
}

/** Pairs a phone the way a real one does (a code from the admin route, then `POST /api/pair`); returns its token. */
async function pairToken(daemon: Daemon, dataDir: string): Promise<string> {
  const admin = JSON.parse(readFileSync(join(dataDir, 'daemon.json'), 'utf8')) as { admin_secret: string; url: string };
  const codeReply = await fetch(`${admin.url}/api/admin/pairing-code`, { method: 'POST', headers: { authorization: `Bearer ${admin.admin_secret}` } });
  const { code } = (await codeReply.json()) as { code: string };
  const pairReply = await fetch(`${admin.url}/api/pair`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, device_name: 'Bench phone', platform: 'ios' }),
  });
  if (pairReply.status !== 200) throw new Error(`pairing failed: ${pairReply.status} (${daemon.url})`);
  return ((await pairReply.json()) as { token: string }).token;
}

/** What the phone reported at session_closed (characters of output, frames, resyncs), and when it had it all (ms). */
export interface PhoneReport {
  readonly bytes: number;
  readonly frames: number;
  readonly resyncs: number;
  readonly deliveredMs?: number;
}

async function timeDaemon(daemon: Daemon, file: string, phoneToken: string | undefined): Promise<{ timing: Timing; phone?: PhoneReport }> {
  const { file: shell, args } = command(file);
  const info = await daemon.sessions.create({ cli: shell, args, cols: CORPUS_COLS, rows: CORPUS_ROWS, cliType: 'claude', cwd: tmpdir() });
  const closed = new Promise<void>((resolve) => {
    const subscription = daemon.sessions.onEvent((event) => {
      if (event.type === 'session_closed' && event.session_id === info.id) {
        subscription.dispose();
        resolve();
      }
    });
  });
  let phoneDone: Promise<PhoneReport> | undefined;
  if (phoneToken !== undefined) {
    const phone = spawn(process.execPath, [PHONE_SCRIPT, `${daemon.url.replace(/^http/, 'ws')}/ws`, phoneToken, info.id], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: phone.stdout });
    const iterator = lines[Symbol.asyncIterator]();
    if ((await iterator.next()).value !== 'ready') throw new Error('the phone did not subscribe');
    phoneDone = iterator.next().then((line) => JSON.parse(String(line.value)) as PhoneReport);
  }
  const stop = startTiming();
  await daemon.sessions.sendInput(info.id, '\r', { raw: true });
  await closed;
  const timing = stop();
  const phone = phoneDone ? { ...(await phoneDone), deliveredMs: stop().wallMs } : undefined;
  daemon.sessions.remove(info.id);
  return phone ? { timing, phone } : { timing };
}

/** Timings per round of each side, the ratios of the best ones (wall, and CPU of this process), and the phone's reports. */
export interface LiveBenchResult {
  readonly megabytes: number;
  readonly bare: Timing[];
  readonly unsubscribed: Timing[];
  readonly subscribed: Timing[];
  readonly phones: PhoneReport[];
  readonly unsubscribedRatio: { wall: number; cpu: number };
  readonly subscribedRatio: { wall: number; cpu: number };
  /** No client, agents in session hosts (issue 14); the CPU is this process's only, so only wall compares. */
  readonly hosted: Timing[];
  /** In-process (no client) best wall over hosted best wall (target ≥ 0.95: the host costs at most 5 %). */
  readonly hostedRatio: number;
  /** The same over the median walls: less swayed by one lucky run on a shared machine. */
  readonly hostedMedianRatio: number;
}

function medianWall(runs: Timing[]): number {
  const walls = runs.map((run) => run.wallMs).sort((a, b) => a - b);
  const middle = walls.length >> 1;
  return walls.length % 2 === 1 ? walls[middle] : (walls[middle - 1] + walls[middle]) / 2;
}

function ratio(bare: Timing[], other: Timing[]): { wall: number; cpu: number } {
  const best = (runs: Timing[], key: keyof Timing) => Math.min(...runs.map((run) => run[key]));
  return { wall: best(bare, 'wallMs') / best(other, 'wallMs'), cpu: best(bare, 'cpuMs') / best(other, 'cpuMs') };
}

/** The sides measured in each round (all by default; a direct run may name fewer, e.g. while tuning the host). */
export type LiveSide = 'bare' | 'unsubscribed' | 'hosted' | 'subscribed';
const ALL_SIDES: readonly LiveSide[] = ['bare', 'unsubscribed', 'hosted', 'subscribed'];

/** Runs `rounds` rounds of bare, daemon without a client, hosted daemon without a client, daemon with a phone (in that order; `sides` picks some). */
export async function measureLive(rounds: number, bytes = LIVE_BYTES, sides: readonly LiveSide[] = ALL_SIDES): Promise<LiveBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tether-live-bench-'));
  const dataDir = join(dir, 'data');
  // In-process agents: the figure before session hosts (issue 14), and the bare comparisons.
  const daemon = await startDaemon({ config: configSchema.parse({ sessions: { hosted: false } }), dataDir, host: '127.0.0.1', port: 0, log: silentLogger });
  const hostCommand = defaultHostCommand();
  if (!hostCommand) throw new Error('no compiled session host beside src/host (run the bench from dist/)');
  const hostedDaemon = await startDaemon({ config: configSchema.parse({}), dataDir: join(dir, 'hosted'), host: '127.0.0.1', port: 0, log: silentLogger, hostCommand });
  try {
    const file = join(dir, 'redraws.txt');
    await writeRedrawBytes(file, bytes);
    const token = await pairToken(daemon, dataDir);
    const result = { megabytes: bytes / 1e6, bare: [] as Timing[], unsubscribed: [] as Timing[], subscribed: [] as Timing[], phones: [] as PhoneReport[], hosted: [] as Timing[] };
    for (let round = 0; round < rounds; round++) {
      if (sides.includes('bare')) result.bare.push(await timeBare(file));
      // In-process and hosted take turns going first, so neither always follows the other's run.
      const pair: LiveSide[] = round % 2 === 0 ? ['unsubscribed', 'hosted'] : ['hosted', 'unsubscribed'];
      for (const side of pair) {
        if (!sides.includes(side)) continue;
        const run = (await timeDaemon(side === 'hosted' ? hostedDaemon : daemon, file, undefined)).timing;
        (side === 'hosted' ? result.hosted : result.unsubscribed).push(run);
      }
      if (!sides.includes('subscribed')) continue;
      const subscribed = await timeDaemon(daemon, file, token);
      result.subscribed.push(subscribed.timing);
      if (subscribed.phone) result.phones.push(subscribed.phone);
    }
    return {
      ...result,
      unsubscribedRatio: ratio(result.bare, result.unsubscribed),
      subscribedRatio: ratio(result.bare, result.subscribed),
      hostedRatio: ratio(result.unsubscribed, result.hosted).wall,
      hostedMedianRatio: medianWall(result.unsubscribed) / medianWall(result.hosted),
    };
  } finally {
    await daemon.stop();
    await hostedDaemon.stop({ stopSessions: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

const seconds = (runs: Timing[]) => runs.map((run) => `${(run.wallMs / 1000).toFixed(2)}/${(run.cpuMs / 1000).toFixed(2)}`).join(' ');
const ratioText = (r: { wall: number; cpu: number }) => `${r.wall.toFixed(2)} (cpu ${r.cpu.toFixed(2)})`;

/** Lines for the bench output. */
export function formatLive(r: LiveBenchResult): string {
  const phone = r.phones.map((p) => `${(p.bytes / 1e6).toFixed(1)}M chars/${p.frames} frames/${p.resyncs} resyncs/all by ${((p.deliveredMs ?? NaN) / 1000).toFixed(2)} s`).join(', ');
  return [
    `live        ${r.megabytes.toFixed(0)} MB through a PTY, wall/cpu s per run: bare ${seconds(r.bare)}   no client ${seconds(r.unsubscribed)}   one phone ${seconds(r.subscribed)}`,
    `live        ratio no client ${ratioText(r.unsubscribedRatio)} (target ≥ 0.90)   one phone ${ratioText(r.subscribedRatio)} (target ≥ 0.70)   phone got ${phone}`,
    `live        session hosts: no client ${seconds(r.hosted)}   in-process/hosted wall ratio ${r.hostedRatio.toFixed(2)} (target ≥ 0.95), of the medians ${r.hostedMedianRatio.toFixed(2)}`,
  ].join('\n');
}

// Run directly (`node liveBench.js [rounds] [side,side…]`, e.g. `3 unsubscribed,hosted`): print the measurement.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sides = process.argv[3] ? (process.argv[3].split(',') as LiveSide[]) : ALL_SIDES;
  measureLive(Number(process.argv[2] ?? 3), LIVE_BYTES, sides).then(
    (r) => {
      console.log(formatLive(r));
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
