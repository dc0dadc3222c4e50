/**
 * Typed text through a live session (real PTY) when typing must stop: a stand-in CLI draws a
 * recorded Claude Code 2.1.332 idle box (parsers/claude/testdata) and then either never echoes
 * what it reads, or replaces its box with a Bash dialog on the first key. sendInput is refused
 * with a coded error, the submit key is never written, and the prompt on screen is reported again.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionEvent, WaitingForInputEvent } from '../common/index.js';
import { SessionManager } from './sessionManager.js';
import { REPO_ROOT } from '../../test/support/repoRoot.js';
import { nextEvent } from '../../test/support/waitFor.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).reverse().forEach((cleanup) => cleanup()));

/** Rows of a screen dump (its `# …` header dropped). */
function dumpRows(name: string): string[] {
  return readFileSync(join(REPO_ROOT, 'parsers', 'claude', 'testdata', `${name}.screen.txt`), 'utf8').split('\n').slice(1, 41);
}

/**
 * A stand-in CLI: draws `rows` in raw mode without echo, logs every byte it reads to `log`
 * (hex), and on the first byte read draws `onKey` when given.
 */
function standIn(dir: string, rows: string[], onKey: string[] | undefined, log: string): string {
  const script = join(dir, 'cli.cjs');
  const draw = (screen: string[]) => `process.stdout.write('\\x1b]0;✳ Claude Code\\x07\\x1b[2J\\x1b[H' + ${JSON.stringify(screen.join('\r\n'))});`;
  writeFileSync(
    script,
    [
      "const fs = require('node:fs');",
      'process.stdin.setRawMode(true);',
      draw(rows),
      'let drawn = false;',
      `process.stdin.on('data', (d) => { fs.appendFileSync(${JSON.stringify(log)}, d.toString('hex')); ${onKey ? `if (!drawn) { drawn = true; ${draw(onKey)} }` : ''} });`,
    ].join('\n'),
  );
  return script;
}

async function start(onKey?: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'tether-typed-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'keys.log');
  writeFileSync(log, '');
  const sessions = new SessionManager({ env: {} });
  cleanups.push(() => sessions.dispose());
  const isIdle = (e: SessionEvent) => e.type === 'waiting_for_input' && e.wait_type === 'awaiting_response';
  const idle = nextEvent(sessions.onEvent, isIdle, 15_000, 'the idle box');
  const info = await sessions.create({ cli: process.execPath, args: [standIn(dir, dumpRows('2.1.332-manual-idle.120x40'), onKey, log)], cliType: 'claude', cols: 120, rows: 40 });
  const first = (await idle) as WaitingForInputEvent;
  const keys = () => Buffer.from(readFileSync(log, 'utf8'), 'hex').toString('utf8');
  return { sessions, id: info.id, first, keys, isIdle };
}

describe('typed text a live session refuses to submit', () => {
  it('is not submitted when it never shows (INPUT_NOT_ECHOED), and the idle box is reported again', async () => {
    const { sessions, id, first, keys, isIdle } = await start();
    const again = nextEvent(sessions.onEvent, (e) => isIdle(e) && (e as WaitingForInputEvent).prompt_id !== first.prompt_id, 30_000, 'the idle box again');
    await expect(sessions.sendInput(id, 'add tests for the parser')).rejects.toMatchObject({ code: 'INPUT_NOT_ECHOED' });
    expect((await again).type).toBe('waiting_for_input');
    expect(keys()).toBe('add tests for the parser');
  }, 45_000);

  it('is not submitted into a dialog that replaced the box under it (PROMPT_CHANGED), and the dialog is reported', async () => {
    const { sessions, id, keys } = await start(dumpRows('2.1.332-bash-approval.120x40'));
    const dialog = nextEvent(sessions.onEvent, (e) => e.type === 'waiting_for_input' && e.wait_type === 'tool_approval', 15_000, 'the Bash dialog');
    await expect(sessions.sendInput(id, 'add tests for the parser')).rejects.toMatchObject({ code: 'PROMPT_CHANGED' });
    expect(((await dialog) as WaitingForInputEvent).tool_name).toBe('Bash');
    expect(keys()).toBe('add tests for the parser');
  }, 30_000);
});
