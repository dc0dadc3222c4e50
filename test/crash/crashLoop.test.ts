/**
 * A short slice of the crash loop (the full one is `npm run crashloop`, 200 kills): the worker
 * is killed with SIGKILL 10 times while it writes, and every acknowledged write survives.
 */
import { describe, expect, it } from 'vitest';
import { transpileTree } from '../support/transpileTree.js';
import { runCrashLoop } from './crashLoop.js';

describe('kill -9 while the store is written', () => {
  it('always loads, never reads a partial file, loses nothing acknowledged (10 kills)', async () => {
    const worker = transpileTree(new URL('./crashWorker.ts', import.meta.url).pathname, 'crash-worker');
    const result = await runCrashLoop([process.execPath, worker], 10, 7);
    expect(result.failures).toEqual([]);
    expect(result.acknowledged.devices).toBeGreaterThan(0);
    expect(result.acknowledged.reports).toBeGreaterThan(0);
  }, 120_000);
});
