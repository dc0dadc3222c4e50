/**
 * Agents outlive the daemon (issue 14): restarts the daemon N times (half SIGKILL, half a clean
 * SIGTERM stop) while four hosted sessions print numbered lines in different shapes, and checks
 * after every restart that all four are back and running, that each rebuilt screen holds every
 * line from before the last one the killed daemon received through the newest (no gap, no
 * duplicate: the ring and the checkpoint cover the restart), and at the end that the daemon's
 * memory stayed flat and that `--stop-sessions` leaves no host process, zombie or file behind.
 * Run: `npm run restartloop [-- N]` (default 50), or `node dist/test/restart/restartLoop.js N`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processAlive, readHostRecords } from '../../src/host/hostFiles.js';

/** What the loop found. */
export interface RestartLoopResult {
  readonly restarts: number;
  readonly killed: number;
  /** The worker daemon's RSS right after each start (bytes). */
  readonly rss: number[];
  /** One line per broken promise; empty when every agent and every line survived. */
  readonly failures: string[];
}

interface Life {
  sessions: Map<string, { letter: string; status: string; min: number; max: number; gapFree: boolean }>;
  seen: Map<string, number>;
  rss: number;
}

/** Starts a worker life and resolves once it is ready (or stopped, in `stop` mode). */
function live(worker: readonly string[], dataDir: string, hostMain: string, mode: string): Promise<{ life: Life; child: ReturnType<typeof spawn> }> {
  const child = spawn(worker[0], [...worker.slice(1), dataDir, hostMain, mode], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  const life: Life = { sessions: new Map(), seen: new Map(), rss: 0 };
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
        else if (kind === 'mem') life.rss = Number(rest[0]);
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

/**
 * Runs the loop.
 * @param worker `[node, restartWorker.js]`
 * @param hostMain the session host program's JavaScript
 */
export async function runRestartLoop(worker: readonly string[], hostMain: string, restarts: number, seed = 1): Promise<RestartLoopResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tether-restartloop-'));
  const failures: string[] = [];
  const rss: number[] = [];
  let random = seed;
  const next = () => ((random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  let previous: Life | undefined;
  let ids: string[] = [];
  let killed = 0;
  try {
    for (let round = 0; round <= restarts; round++) {
      const { life, child } = await live(worker, dataDir, hostMain, 'run');
      rss.push(life.rss);
      if (round === 0) ids = [...life.sessions.keys()];
      const got = [...life.sessions.keys()].sort();
      if (ids.length !== 4 || got.join() !== [...ids].sort().join()) failures.push(`round ${round}: sessions ${got.join()} instead of ${ids.join()}`);
      for (const [id, session] of life.sessions) {
        if (session.status !== 'running') failures.push(`round ${round}: session ${session.letter} is ${session.status}`);
        if (!session.gapFree) failures.push(`round ${round}: session ${session.letter}'s rebuilt screen has a gap or a duplicate`);
        const last = previous?.seen.get(id);
        if (last !== undefined && !(session.min <= last + 1 && session.max >= last)) {
          failures.push(`round ${round}: session ${session.letter} shows ${session.min}..${session.max}, the killed daemon had received up to ${last}`);
        }
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
    await live(worker, dataDir, hostMain, 'stop');
    await new Promise((resolveWait) => setTimeout(resolveWait, 500));
    const left = hosts.filter(running);
    if (left.length > 0) failures.push(`host processes left after --stop-sessions: ${left.join()}`);
    const files = readdirSync(join(dataDir, 'hosts'));
    if (files.length > 0) failures.push(`files left in hosts/: ${files.join()}`);
  } finally {
    for (const { record } of readHostRecords(join(dataDir, 'hosts'))) if (processAlive(record.pid)) process.kill(record.pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
  const head = rss.slice(1, 6);
  const tail = rss.slice(-5);
  const average = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  if (rss.length > 10 && average(tail) > average(head) * 1.25) failures.push(`daemon RSS grew: ${(average(head) / 1e6).toFixed(0)} MB → ${(average(tail) / 1e6).toFixed(0)} MB`);
  return { restarts, killed, rss, failures };
}

// Run directly: `node dist/test/restart/restartLoop.js [N]`.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const restarts = Number(process.argv[2] ?? 50);
  const here = fileURLToPath(new URL('.', import.meta.url));
  const hostMain = resolve(here, '../../src/host/hostMain.js');
  runRestartLoop([process.execPath, '--expose-gc', join(here, 'restartWorker.js')], hostMain, restarts).then(
    (result) => {
      const mb = (bytes: number) => (bytes / 1e6).toFixed(0);
      console.log(`restart loop: ${result.restarts} restarts (${result.killed} kill -9, ${result.restarts - result.killed + 1} clean), 4 sessions`);
      const average = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
      console.log(`daemon RSS after start (MB): first ${mb(result.rss[0])}, min ${mb(Math.min(...result.rss))}, max ${mb(Math.max(...result.rss))}, last ${mb(result.rss.at(-1)!)}; lives 2-6 ${mb(average(result.rss.slice(1, 6)))}, last 5 ${mb(average(result.rss.slice(-5)))}`);
      console.log(result.failures.length === 0 ? 'no agent lost, no line lost or doubled, no host left' : result.failures.join('\n'));
      process.exit(result.failures.length === 0 ? 0 : 1);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
