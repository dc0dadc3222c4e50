/**
 * `tether run` across a daemon restart (issue 14): the attached terminal keeps its session when
 * the daemon stops and another starts; input typed after the reconnect lands, and `run` exits
 * with the agent's exit code.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon } from '../src/daemon.js';
import type { Daemon } from '../src/daemon.js';
import { configSchema } from '../src/store/config.js';
import { silentLogger } from '../src/log.js';
import { hostCommand } from './support/hostProgram.js';
import { transpileTree } from './support/transpileTree.js';
import { waitUntil } from './support/waitFor.js';

describe('tether run', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tether-run-reconnect-'));
  const daemons: Daemon[] = [];
  const start = async () => {
    const daemon = await startDaemon({ config: configSchema.parse({}), dataDir, port: 0, log: silentLogger, hostCommand: hostCommand() });
    daemons.push(daemon);
    return daemon;
  };

  afterEach(async () => {
    for (const daemon of daemons.splice(0)) await daemon.stop({ stopSessions: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reconnects to the next daemon and goes on with the same agent', async () => {
    const client = transpileTree(new URL('./support/runClient.ts', import.meta.url).pathname, 'run-client');
    const first = await start();
    const run = spawn(process.execPath, [client, dataDir, 'sh', '-c', 'echo STARTED; read line; echo "ECHO-$line"; exit 7'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let output = '';
    run.stdout.setEncoding('utf8');
    run.stdout.on('data', (chunk: string) => (output += chunk));
    const exit = new Promise<number | null>((resolve) => run.once('exit', resolve));
    await waitUntil(() => output.includes('STARTED'), 20_000, 'the agent to start');
    await first.stop();
    daemons.splice(0);
    const mark = output.length;
    await start();
    // The reconnect draws the rebuilt screen (the agent's first line is on it).
    await waitUntil(() => output.slice(mark).includes('STARTED'), 20_000, 'tether run to reconnect and redraw');
    run.stdin.write('hello\n');
    expect(await exit).toBe(7);
    expect(output).toContain('ECHO-hello');
  }, 60_000);
});
