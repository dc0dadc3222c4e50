/**
 * Agents outlive the daemon (issue 14): restarts the daemon N times (half SIGKILL, half a clean
 * SIGTERM stop) while four hosted sessions print numbered lines in different shapes, and checks
 * after every restart that all four are back and running, that each rebuilt screen holds every
 * line from before the last one the killed daemon received through the newest (no gap, no
 * duplicate: the ring and the checkpoint cover the restart), and at the end that the daemon's
 * memory stayed flat (memoryCheck.ts), that the data dir did not grow, and that `--stop-sessions`
 * leaves no host process, zombie or file behind.
 * Run: `npm run restartloop [-- N] [--probe]` (default 50), or `node dist/test/restart/restartLoop.js N`;
 * `--probe` prints every life's memory and each host's after a full collection (hosts then run
 * with an inspector on loopback, so only in this test).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostPaths, processAlive, readHostRecords } from '../../src/host/hostFiles.js';
import { hostMemory } from './hostMemory.js';
import type { HostMemory } from './hostMemory.js';
import { hostVerdict, liveBytes, memoryVerdict } from './memoryCheck.js';
import type { LifeMemory } from './memoryCheck.js';

/** What the loop found. */
export interface RestartLoopResult {
  readonly restarts: number;
  readonly killed: number;
  /** The worker daemon's memory right after each start, after a full collection. */
  readonly memory: LifeMemory[];
  /** The data dir's total size at each life (bytes; with `probe`, without the host logs). */
  readonly dataDirBytes: number[];
  /** With `probe`: each host's memory after a full collection, at each life (hosts in a fixed order). */
  readonly hostMemory: HostMemory[][];
  /** Lives that came back with fewer than the four sessions, or with one not running. */
  readonly sessionsLost: number;
  /** Rebuilt screens with a gap, a duplicate or a broken character, or that missed the killed daemon's last line. */
  readonly screensBroken: number;
  /** One line per broken promise; empty when every agent and every line survived. */
  readonly failures: string[];
}

interface Life {
  sessions: Map<string, { letter: string; status: string; min: number; max: number; gapFree: boolean }>;
  seen: Map<string, number>;
  memory: LifeMemory;
}

/** Starts a worker life and resolves once it is ready (or stopped, in `stop` mode). */
function live(worker: readonly string[], dataDir: string, hostMain: string, mode: string, probe: boolean): Promise<{ life: Life; child: ReturnType<typeof spawn> }> {
  const env = probe ? { ...process.env, TETHER_RESTART_INSPECT_HOSTS: '1' } : process.env;
  const child = spawn(worker[0], [...worker.slice(1), dataDir, hostMain, mode], { stdio: ['ignore', 'pipe', 'inherit'], detached: true, env });
  const life: Life = { sessions: new Map(), seen: new Map(), memory: { rss: 0, heapUsed: 0, arrayBuffers: 0 } };
  let buffer = '';
  return new Promise((resolvePromise, reject) => {
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const [kind, ...rest] = line.split(' ');
        if (kind === 'session') life.sessions.set(rest[0], { letter: rest[1], status: rest[2], min: Number(rest[3]), max: Number(rest[4]), gapFree: rest[5] === '1' });
        else if (kind === 'seen') life.seen.set(rest[0], Number(rest[1]));
        else if (kind === 'mem') life.memory = { rss: Number(rest[0]), heapUsed: Number(rest[1]), arrayBuffers: Number(rest[2]) };
        else if (kind === 'ready' || kind === 'stopped') resolvePromise({ life, child });
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
  });
}

/** True when `pid` runs and is not a zombie. */
function running(pid: number): boolean {
  if (!processAlive(pid)) return false;
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Total size of the files under `dir` (bytes), host logs left out when `skipLogs` (the probe's inspector writes there at every life). */
function treeBytes(dir: string, skipLogs: boolean): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (skipLogs && entry.name.endsWith('.log')) continue;
    try {
      total += entry.isDirectory() ? treeBytes(path, skipLogs) : statSync(path).size;
    } catch {
      // Removed meanwhile.
    }
  }
  return total;
}

/** What the loop is run with. */
export interface RestartLoopOptions {
  readonly seed?: number;
  /** Reads each host's memory after a full collection at every life (hosts get a loopback inspector). */
  readonly probe?: boolean;
}

/**
 * Runs the loop: `restarts` + 1 lives in `run` mode (even rounds end with kill -9, odd ones with
 * SIGTERM), then one in `stop` mode.
 * @param worker `[node, restartWorker.js]` (the loop adds `--expose-gc`)
 * @param hostMain the session host program's JavaScript
 */
export async function runRestartLoop(worker: readonly string[], hostMain: string, restarts: number, options: RestartLoopOptions = {}): Promise<RestartLoopResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tether-restartloop-'));
  const command = [worker[0], '--expose-gc', ...worker.slice(1)];
  const probe = options.probe === true;
  const failures: string[] = [];
  const memory: LifeMemory[] = [];
  const dataDirBytes: number[] = [];
  const hostMemories: HostMemory[][] = [];
  let random = options.seed ?? 1;
  const next = () => ((random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  let previous: Life | undefined;
  let ids: string[] = [];
  let killed = 0;
  let sessionsLost = 0;
  let screensBroken = 0;
  try {
    for (let round = 0; round <= restarts; round++) {
      const { life, child } = await live(command, dataDir, hostMain, 'run', probe);
      memory.push(life.memory);
      if (life.memory.rss === 0) failures.push(`round ${round}: the worker reported no memory`);
      dataDirBytes.push(treeBytes(dataDir, probe));
      if (round === 0) ids = [...life.sessions.keys()].sort();
      const got = [...life.sessions.keys()].sort();
      const missing = ids.filter((id) => !got.includes(id)).length;
      if (ids.length !== 4 || got.join() !== ids.join()) failures.push(`round ${round}: sessions ${got.join()} instead of ${ids.join()}`);
      sessionsLost += ids.length !== 4 ? 4 - got.length : missing;
      for (const [id, session] of life.sessions) {
        if (session.status !== 'running') {
          failures.push(`round ${round}: session ${session.letter} is ${session.status}`);
          sessionsLost++;
        }
        let broken = false;
        if (!session.gapFree) {
          failures.push(`round ${round}: session ${session.letter}'s rebuilt screen has a gap or a duplicate`);
          broken = true;
        }
        const last = previous?.seen.get(id);
        if (last !== undefined && !(session.min <= last + 1 && session.max >= last)) {
          failures.push(`round ${round}: session ${session.letter} shows ${session.min}..${session.max}, the killed daemon had received up to ${last}`);
          broken = true;
        }
        if (broken) screensBroken++;
      }
      if (probe) {
        const records = readHostRecords(join(dataDir, 'hosts')).sort((a, b) => a.record.id.localeCompare(b.record.id));
        hostMemories.push(await Promise.all(records.map(({ record }) => hostMemory(hostPaths(join(dataDir, 'hosts'), record.id).log))));
        printLife(round, life.memory, dataDirBytes.at(-1)!, hostMemories.at(-1)!);
      }
      await new Promise((resolveWait) => setTimeout(resolveWait, 200 + next() * 600));
      const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
      if (round % 2 === 0) {
        process.kill(-child.pid!, 'SIGKILL');
        killed++;
      } else {
        child.kill('SIGTERM');
      }
      await exited;
      previous = life;
    }
    const hosts = readHostRecords(join(dataDir, 'hosts')).map(({ record }) => record.pid);
    await live(command, dataDir, hostMain, 'stop', probe);
    await new Promise((resolveWait) => setTimeout(resolveWait, 500));
    const left = hosts.filter(running);
    if (left.length > 0) failures.push(`host processes left after --stop-sessions: ${left.join()}`);
    const files = readdirSync(join(dataDir, 'hosts'));
    if (files.length > 0) failures.push(`files left in hosts/: ${files.join()}`);
  } finally {
    for (const { record } of readHostRecords(join(dataDir, 'hosts'))) if (processAlive(record.pid)) process.kill(record.pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
  failures.push(...memoryVerdict(memory, dataDirBytes), ...hostVerdict(hostMemories));
  return { restarts, killed, memory, dataDirBytes, hostMemory: hostMemories, sessionsLost, screensBroken, failures };
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

/** One `--probe` line: the daemon's memory, the data dir's size and each host's memory. */
function printLife(round: number, life: LifeMemory, dirBytes: number, hosts: readonly HostMemory[]): void {
  const hostText = hosts.map((host) => `${mb(host.heapUsed)}/${mb(host.arrayBuffers)}/${mb(host.rss)}`).join(' ');
  console.log(`life ${round + 1}: daemon rss ${mb(life.rss)} heap ${mb(life.heapUsed)} buffers ${mb(life.arrayBuffers)} MB; data dir ${dirBytes} B; hosts heap/buffers/rss MB ${hostText}`);
}

/** Min, median and max of `values`, in MB. */
function spread(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${mb(sorted[0])} / ${mb(sorted[sorted.length >> 1])} / ${mb(sorted.at(-1)!)}`;
}

// Run directly: `node dist/test/restart/restartLoop.js [N] [--probe]`.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const restarts = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 50);
  const here = fileURLToPath(new URL('.', import.meta.url));
  const hostMain = resolve(here, '../../src/host/hostMain.js');
  runRestartLoop([process.execPath, join(here, 'restartWorker.js')], hostMain, restarts, { probe: args.includes('--probe') }).then(
    (result) => {
      const lives = result.memory;
      const window = (values: readonly LifeMemory[], pick: (life: LifeMemory) => number) => mb(values.map(pick).sort((a, b) => a - b)[values.length >> 1]);
      console.log(`restart loop: ${result.restarts + 1} daemon lives with 4 sessions, each ended by kill -9 (${result.killed}) or SIGTERM (${result.restarts + 1 - result.killed}), then one --stop-sessions life`);
      console.log(`daemon after start and GC, min / median / max MB: rss ${spread(lives.map((life) => life.rss))}; live (heap + buffers) ${spread(lives.map(liveBytes))}`);
      console.log(`medians, lives 2-6 → last 5 (MB): rss ${window(lives.slice(1, 6), (life) => life.rss)} → ${window(lives.slice(-5), (life) => life.rss)}; live ${window(lives.slice(1, 6), liveBytes)} → ${window(lives.slice(-5), liveBytes)}; data dir ${result.dataDirBytes[1] ?? '-'} → ${result.dataDirBytes.at(-1)} B`);
      if (result.hostMemory.length > 1) {
        const first = result.hostMemory[1].map((host) => mb(host.heapUsed + host.arrayBuffers)).join(' ');
        const last = result.hostMemory.at(-1)!.map((host) => mb(host.heapUsed + host.arrayBuffers)).join(' ');
        console.log(`hosts' live memory after GC, life 2 → last (MB): ${first} → ${last}`);
      }
      console.log(`sessions lost ${result.sessionsLost}, screens with a line lost or doubled ${result.screensBroken}`);
      console.log(result.failures.length === 0 ? 'no agent lost, no line lost or doubled, no host left, memory flat' : result.failures.join('\n'));
      process.exit(result.failures.length === 0 ? 0 : 1);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
