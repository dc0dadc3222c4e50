/**
 * RSS of exited sessions (issue 10, row 11): runs N real sessions that each print output
 * (by default 256 KB of numbered lines, enough to fill the scrollback) and exit, waits until all reported
 * exit, and prints the process's RSS and live heap + external memory before and after (after
 * GCs), as JSON. Every exited session is kept (`keepExited` = N), so the figures are their records'.
 * Run: `npm run build && node --expose-gc dist/test/bench/exitedRss.js [N] [BYTES]`.
 */
import { SessionManager } from '../../src/core/index.js';
import { writePatternFile } from '../support/patternOutput.js';

/** Default output per session (bytes). */
const OUTPUT_BYTES = 256 * 1024;
/** Sessions running at once, so the machine is not swamped by N PTYs together. */
const BATCH = Number(process.env.TETHER_BENCH_BATCH ?? 10);

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** RSS and the live JS heap plus buffers (MB) after a few GCs. */
async function settledMemory(): Promise<{ rssMb: number; liveMb: number }> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const usage = process.memoryUsage();
  return { rssMb: round(usage.rss / 1e6), liveMb: round((usage.heapUsed + usage.external) / 1e6) };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Runs `count` sessions to their exit; returns RSS figures (MB) and how many sessions are still listed. */
export async function measureExitedRss(count: number, outputBytes = OUTPUT_BYTES): Promise<{ sessions: number; outputBytes: number; before: { rssMb: number; liveMb: number }; after: { rssMb: number; liveMb: number }; listed: number }> {
  const pattern = writePatternFile(outputBytes);
  const manager = new SessionManager({ keepExited: count, maxRunning: BATCH });
  const before = await settledMemory();
  for (let started = 0; started < count; started += BATCH) {
    const batch = Math.min(BATCH, count - started);
    const closed = new Set<string>();
    const allClosed = new Promise<void>((resolve) => {
      const subscription = manager.onEvent((event) => {
        if (event.type !== 'session_closed') return;
        closed.add(event.session_id);
        if (closed.size === batch) {
          subscription.dispose();
          resolve();
        }
      });
    });
    for (let i = 0; i < batch; i++) await manager.create({ cli: 'cat', args: [pattern.path], cols: 120, rows: 40, cliType: 'generic' });
    await allClosed;
  }
  const after = await settledMemory();
  const listed = manager.list().length;
  manager.dispose();
  pattern.dispose();
  return { sessions: count, outputBytes, before, after, listed };
}

// Run directly: print the measurement as JSON.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  measureExitedRss(Number(process.argv[2] ?? 100), Number(process.argv[3] ?? OUTPUT_BYTES)).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
