/**
 * Hooks go only to the CLI's own program: Tether's hook arguments (`--settings …`) and secret
 * are given to a program it knows as that CLI (by its command name or its npm package), never to
 * a stand-in or script that only borrows the CLI's parser (`cliType`), which would choke on them.
 * Real PTYs running a small script that prints its arguments and whether it holds a hook secret.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionManager } from './sessionManager.js';
import { waitUntil } from '../../test/support/waitFor.js';

const managers: SessionManager[] = [];
const dirs: string[] = [];
afterEach(() => {
  managers.splice(0).forEach((manager) => manager.dispose());
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

/** A script at `<tmp>/bin/<name>` that prints `args:<argv> token:<set|unset>` and waits. */
function argsScript(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tether-hooktarget-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'bin'));
  const file = join(dir, 'bin', name);
  writeFileSync(file, '#!/bin/sh\nt=unset; [ -n "$TETHER_HOOK_TOKEN" ] && t=set\necho "args:$* token:$t"\nsleep 30\n');
  chmodSync(file, 0o755);
  return file;
}

async function firstLine(file: string): Promise<string> {
  const sessions = new SessionManager({ voiceEndpoint: () => ({ baseUrl: 'http://127.0.0.1:9', forwarder: [process.execPath, '/nonexistent/tether-hook.mjs'] }) });
  managers.push(sessions);
  let output = '';
  sessions.onEvent((event) => {
    if (event.type === 'pty_output') output += event.data;
  });
  await sessions.create({ cli: file, args: ['--model', 'opus'], cliType: 'claude', cols: 200, rows: 10 });
  let line = '';
  await waitUntil(() => {
    line = /args:[^\r\n]*token:\w+/.exec(output)?.[0] ?? '';
    return line !== '';
  }, 10_000, 'the script to print its arguments');
  return line;
}

describe('hook injection target', () => {
  it('gives a program named like the CLI its hook arguments and secret, before the user\'s arguments', async () => {
    const line = await firstLine(argsScript('claude'));
    expect(line).toMatch(/^args:--settings \S+\/claude-settings\.json .*--model opus token:set$/);
  });

  it('gives a stand-in that only borrows the CLI\'s parser nothing: its arguments are the user\'s', async () => {
    expect(await firstLine(argsScript('play-cast'))).toBe('args:--model opus token:unset');
  });
});
