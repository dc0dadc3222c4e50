/**
 * RSS per idle session: opens N real sessions (node-pty + headless screen + pipeline) that
 * draw a recorded screen and then sit idle, and reports the daemon process's RSS growth.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionManager } from '../../src/core/index.js';
import { loadFixtures } from './fixtureSet.js';
import type { Fixture } from './fixtureSet.js';

/** Settling time after the sessions drew their screens (ms). */
const SETTLE_MS = 1500;

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Opens `count` idle sessions and returns the RSS growth (MB). */
export async function measureIdleRss(fixtures: Fixture[], count: number): Promise<{ sessions: number; totalMb: number; perSessionMb: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'tether-bench-'));
  const screenFile = join(dir, 'screen.txt');
  const sample = fixtures.find((f) => f.name.includes('approve')) ?? fixtures[0];
  writeFileSync(screenFile, sample ? sample.cast.events.filter((e) => e[1] === 'o').map((e) => e[2]).join('') : 'idle\n');
  const manager = new SessionManager();
  gc();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const before = process.memoryUsage().rss;
  for (let i = 0; i < count; i++) {
    await manager.create({ cli: '/bin/sh', args: ['-c', `cat '${screenFile}'; exec sleep 600`], cwd: dir, cols: 120, rows: 40, cliType: 'claude' });
  }
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  gc();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const after = process.memoryUsage().rss;
  manager.dispose();
  rmSync(dir, { recursive: true, force: true });
  const totalMb = (after - before) / 1e6;
  return { sessions: count, totalMb, perSessionMb: totalMb / count };
}

// Run directly (`node --expose-gc rssBench.js N`): print the measurement as JSON.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  measureIdleRss(loadFixtures(), Number(process.argv[2] ?? 10)).then(
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
