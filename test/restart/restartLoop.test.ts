/**
 * A short slice of the restart loop (the full one is `npm run restartloop`, 50 restarts): three
 * lives, two ended with kill -9 and one stopped cleanly, while four hosted sessions print; no agent or line is lost.
 */
import { describe, expect, it } from 'vitest';
import { hostCommand } from '../support/hostProgram.js';
import { transpileTree } from '../support/transpileTree.js';
import { runRestartLoop } from './restartLoop.js';

describe('daemon restarts with four hosted sessions', () => {
  it('lose no agent, no line, and leave no host behind (2 restarts, 2 kill -9)', async () => {
    const worker = transpileTree(new URL('./restartWorker.ts', import.meta.url).pathname, 'restart-worker');
    const result = await runRestartLoop([process.execPath, worker], hostCommand()[1], 2, { seed: 3 });
    expect(result.failures).toEqual([]);
    expect(result.killed).toBe(2);
  }, 240_000);
});
