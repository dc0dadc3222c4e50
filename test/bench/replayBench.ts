/**
 * Replay throughput as whole processes: `tether replay` of a cast of Claude-style redraws
 * against a bare @xterm/headless process (bareReplay.js) on the same file, alternating sides.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeRedrawCast } from './redrawCorpus.js';

/** Output in the replayed cast (bytes): large enough that process start-up is a small part. */
export const REPLAY_BYTES = 25e6;

const TETHER_BIN = fileURLToPath(new URL('../../../bin/tether.js', import.meta.url));
const BARE_SCRIPT = fileURLToPath(new URL('./bareReplay.js', import.meta.url));

/** CPU time (user + system, ms) of this process's waited-for children, where Linux tells it. */
function childrenCpuMs(): number {
  try {
    // /proc/self/stat after the command name: fields 16 and 17 (cutime, cstime) in clock ticks (USER_HZ = 100).
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return NaN;
  }
}

/** Runs one process to its end; returns its wall time and CPU time (ms). */
function timeProcess(args: string[]): { wallMs: number; cpuMs: number } {
  const cpuBefore = childrenCpuMs();
  const start = performance.now();
  execFileSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  return { wallMs: performance.now() - start, cpuMs: childrenCpuMs() - cpuBefore };
}

/** Result of one replay benchmark: wall and CPU times per round (ms) and the ratios of the best ones. */
export interface ReplayBenchResult {
  readonly megabytes: number;
  readonly bare: Array<{ wallMs: number; cpuMs: number }>;
  readonly replay: Array<{ wallMs: number; cpuMs: number }>;
  /** Best bare wall time over best replay wall time (1 = as fast as bare). */
  readonly ratio: number;
  /** The same over CPU time (steadier on a loaded machine). */
  readonly cpuRatio: number;
}

/** Runs `rounds` alternating rounds of both processes on one generated cast. */
export async function measureReplay(rounds: number, bytes = REPLAY_BYTES): Promise<ReplayBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tether-replay-bench-'));
  try {
    const cast = join(dir, 'redraws.cast');
    await writeRedrawCast(cast, bytes);
    const bare: Array<{ wallMs: number; cpuMs: number }> = [];
    const replay: Array<{ wallMs: number; cpuMs: number }> = [];
    for (let round = 0; round < rounds; round++) {
      bare.push(timeProcess([BARE_SCRIPT, cast]));
      replay.push(timeProcess([TETHER_BIN, 'replay', cast, '--cli', 'claude']));
    }
    const best = (runs: typeof bare, key: 'wallMs' | 'cpuMs') => Math.min(...runs.map((run) => run[key]));
    return {
      megabytes: bytes / 1e6,
      bare,
      replay,
      ratio: best(bare, 'wallMs') / best(replay, 'wallMs'),
      cpuRatio: best(bare, 'cpuMs') / best(replay, 'cpuMs'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const seconds = (runs: Array<{ wallMs: number; cpuMs: number }>) => runs.map((run) => `${(run.wallMs / 1000).toFixed(2)}/${(run.cpuMs / 1000).toFixed(2)}`).join(' ');

/** One line for the bench output. */
export function formatReplay(r: ReplayBenchResult): string {
  return `replay      ${r.megabytes.toFixed(1)} MB of redraws, wall/cpu s per run: bare ${seconds(r.bare)}   tether replay ${seconds(r.replay)}   ratio ${r.ratio.toFixed(2)} (cpu ${r.cpuRatio.toFixed(2)}) (target ≥ 0.70)`;
}

// Run directly (`node replayBench.js [rounds]`): print the measurement.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  measureReplay(Number(process.argv[2] ?? 3)).then((r) => {
    console.log(formatReplay(r));
  });
}
