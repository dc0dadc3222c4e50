import { describe, expect, it } from 'vitest';
import { snapshotFromText } from '../../src/common/index.js';
import type { ScreenSnapshot, Verdict } from '../../src/common/index.js';
import { cellWidth } from '../lineprompt/cursorRow.js';
import { shellParser } from './shellParser.js';

/** A screen whose cursor sits right after the last row's text (plus `gap` cells). */
function atCursor(text: string, gap = 1, opts: { cols?: number } = {}): ScreenSnapshot {
  const rows = text.split('\n');
  const last = rows.length - 1;
  return snapshotFromText(text, { ...opts, cursor: { x: cellWidth(rows[last].replace(/\s+$/, '')) + gap, y: last } });
}

const parse = (screen: ScreenSnapshot): Verdict => shellParser.parse(screen, 0);
const waitType = (verdict: Verdict) => (verdict.state === 'waiting' ? verdict.prompt.waitType : verdict.state);

describe('shellParser prompts', () => {
  it('reads a prompt back at the cursor as awaiting_response, whatever the prompt says', () => {
    for (const prompt of ['tether$', 'user@host:~/src$', '[root@box tmp]#', 'user@host ~ %', 'user@host ~>', '❯', '(venv) ~/dir (main) $', '>>>']) {
      const verdict = parse(atCursor(`${prompt} ls\na.txt  b.txt\n${prompt}`));
      expect(waitType(verdict), prompt).toBe('awaiting_response');
      if (verdict.state === 'waiting') expect(verdict.prompt.content).toBe(prompt);
    }
    // The first prompt of a session, and a prompt drawn after output without a newline.
    expect(waitType(parse(atCursor('tether$')))).toBe('awaiting_response');
    expect(waitType(parse(atCursor('tether$ printf hello\nhellotether$')))).toBe('awaiting_response');
    // A two-line prompt: an info row, then the prompt glyph.
    expect(waitType(parse(atCursor('~/src on main\n❯ ls\nx\n~/src on main\n❯')))).toBe('awaiting_response');
  });

  it('accepts a right-hand prompt at the edge of the row', () => {
    const cols = 60;
    const row = `% ${' '.repeat(cols - 2 - 12)}~/src 12:00`;
    expect(waitType(parse(snapshotFromText(row, { cols, cursor: { x: 2, y: 0 } })))).toBe('awaiting_response');
  });

  it('reads bash PS2 as a command still being typed, not a prompt', () => {
    expect(waitType(parse(atCursor('tether$ for i in 1 2\n>')))).toBe('busy');
    expect(waitType(parse(atCursor('tether$ for i in 1 2\n> do echo $i\n>')))).toBe('busy');
    expect(waitType(parse(atCursor('tether$ echo a \\\n>')))).toBe('busy');
    // PS1 `> ` after a command with no output is still a prompt.
    expect(waitType(parse(atCursor('> true\n>')))).toBe('awaiting_response');
  });

  it('reads a line prompt at the cursor as tool_approval', () => {
    const verdict = parse(atCursor('tether$ ./install.sh\nInstalling...\nContinue? [y/N]'));
    expect(waitType(verdict)).toBe('tool_approval');
    if (verdict.state !== 'waiting') return;
    expect(verdict.prompt.content).toBe('Continue? [y/N]');
    expect(verdict.prompt.options.map((o) => [o.label, o.keys, o.role])).toEqual([
      ['Yes', 'y\r', 'approve'],
      ['No', 'n\r', 'deny'],
    ]);
    const aider = parse(atCursor("tether$ ./ask\n\nnpm test\nRun shell command? (Y)es/(N)o/(D)on't ask again [Yes]:"));
    expect(waitType(aider)).toBe('tool_approval');
  });
});

describe('shellParser without a prompt', () => {
  it('is busy while a command prints or runs silently', () => {
    expect(waitType(parse(snapshotFromText('tether$ seq 100000\n99997\n99998\n', { cursor: { x: 0, y: 2 } })))).toBe('busy');
    expect(waitType(parse(snapshotFromText('tether$ sleep 5\n', { cursor: { x: 0, y: 1 } })))).toBe('busy');
    expect(waitType(parse(atCursor('tether$ make\nDownloading... 45%', 0)))).toBe('busy');
  });

  it('is busy while a command line is typed, even when it ends in a prompt glyph', () => {
    expect(waitType(parse(atCursor('tether$ ls -l', 0)))).toBe('busy');
    expect(waitType(parse(atCursor('tether$ echo a >')))).toBe('busy');
    expect(waitType(parse(atCursor('tether$ echo $')))).toBe('busy');
    expect(waitType(parse(atCursor('tether$ read -p "Continue? [y/N]')))).toBe('busy');
  });

  it('never reads prompt-shaped text that is not at the cursor', () => {
    const output = 'price: 5$\nRun shell command? (Y)es/(N)o [Yes]:\nContinue? [y/N]\nroot#';
    expect(waitType(parse(snapshotFromText(`${output}\n`, { cursor: { x: 0, y: 4 } })))).toBe('busy');
    // A long output row that wraps and happens to end in `$ `.
    const screen = snapshotFromText('x'.repeat(40) + '\nabc $', { cols: 40, cursor: { x: 6, y: 1 } });
    const wrapped = { ...screen, lines: screen.lines.map((l, i) => (i === 1 ? { ...l, isWrapped: true } : l)) };
    expect(waitType(parse(wrapped))).toBe('busy');
    // The user typed an answer after the prompt.
    expect(waitType(parse(atCursor('Continue? [y/N] y', 0)))).toBe('busy');
  });

  it('is unknown on a full-screen program, a blank screen, or text below the cursor', () => {
    expect(parse({ ...atCursor('tether$'), altScreen: true }).state).toBe('unknown');
    expect(parse(snapshotFromText('', { cursor: { x: 0, y: 0 } })).state).toBe('unknown');
    expect(parse(snapshotFromText('tether$\nstatus line', { cursor: { x: 8, y: 0 } })).state).toBe('unknown');
  });
});

describe('shellParser with an OSC 133 mark on the snapshot (shellMark)', () => {
  const withMark = (screen: ScreenSnapshot, mark: NonNullable<ScreenSnapshot['shellMark']>): ScreenSnapshot => ({ ...screen, shellMark: mark });

  it('waits at a B mark on the cursor row when the structural check finds the prompt', () => {
    const screen = snapshotFromText('➜  src git:(main) ls\nx\n➜  src git:(main)', { cursor: { x: 17, y: 2 } });
    expect(waitType(parse(screen))).toBe('busy'); // no prompt glyph: structure alone cannot tell
    // A B mark on the cursor row plus the structural check.
    expect(waitType(parse(withMark(screen, { kind: 'B', row: 2 })))).toBe('busy');
    expect(waitType(parse(withMark(atCursor('~ ❯ ls\nx\n~ ❯'), { kind: 'B', row: 2 })))).toBe('awaiting_response');
  });

  it('is busy after C (output that ends in a prompt glyph included) and while a command is typed after B', () => {
    expect(waitType(parse(withMark(atCursor('tether$ cat prices\ncost 5$'), { kind: 'C', row: 0 })))).toBe('busy');
    expect(waitType(parse(withMark(atCursor('tether$ ls', 0), { kind: 'B', row: 0 })))).toBe('busy');
    expect(waitType(parse(withMark(atCursor('tether$ echo a >'), { kind: 'B', row: 0 })))).toBe('busy');
    expect(waitType(parse(withMark(atCursor('tether$ for i in 1 2\n>'), { kind: 'B', row: 0 })))).toBe('busy');
  });

  it('still reads a line prompt while a command runs', () => {
    expect(waitType(parse(withMark(atCursor('tether$ ./confirm.sh\nContinue? [y/N]'), { kind: 'C', row: 0 })))).toBe('tool_approval');
    expect(waitType(parse(withMark(atCursor('tether$ ./confirm.sh\nContinue? [y/N]'), { kind: 'B', row: 0 })))).toBe('tool_approval');
  });

  it('falls back to structure on A and D marks', () => {
    expect(waitType(parse(withMark(atCursor('tether$ true\ntether$'), { kind: 'D', row: 1, exitCode: 0 })))).toBe('awaiting_response');
  });
});
