import { describe, expect, it } from 'vitest';
import { snapshotFromText } from '../../src/common/index.js';
import type { ScreenSnapshot } from '../../src/common/index.js';
import { isStillWriting, linePromptParser, parseLinePromptText, readLinePrompt } from './linePromptParser.js';
import { cellWidth, splitAtCell } from './cursorRow.js';

/** A screen whose cursor sits right after the last row's text (plus `gap` cells). */
function atCursor(text: string, gap = 1, opts: { cols?: number; rows?: number } = {}): ScreenSnapshot {
  const rows = text.split('\n');
  const last = rows.length - 1;
  return snapshotFromText(text, { ...opts, cursor: { x: cellWidth(rows[last].replace(/\s+$/, '')) + gap, y: last } });
}

// The shapes aider/io.py confirm_ask builds (question + options + default), as prompt_toolkit draws them.
const SHELL = "Run shell command? (Y)es/(N)o/(D)on't ask again [Yes]: ";
const ADD_GROUP = "Add file to the chat? (Y)es/(N)o/(A)ll/(S)kip all/(D)on't ask again [Yes]: ";
const CREATE_NO = 'Create new file? (Y)es/(N)o [No]: ';

describe('parseLinePromptText', () => {
  it("reads Aider's (X)word groups, keys and roles", () => {
    const parsed = parseLinePromptText(ADD_GROUP)!;
    expect(parsed.shape).toBe('aider');
    expect(parsed.question).toBe('Add file to the chat?');
    expect(parsed.defaultLabel).toBe('Yes');
    expect(parsed.options.map((o) => [o.id, o.label, o.keys, o.role])).toEqual([
      ['yes', 'Yes', 'y\r', 'approve'],
      ['no', 'No', 'n\r', 'deny'],
      ['all', 'All', 'a\r', 'approve_always'],
      ['skip-all', 'Skip all', 's\r', 'deny'],
      ["don-t-ask-again", "Don't ask again", 'd\r', 'deny'],
    ]);
    expect(parseLinePromptText(CREATE_NO)?.defaultLabel).toBe('No');
  });

  it('reads the common shell shapes with their defaults', () => {
    const cases: Array<[string, string, string[], string | undefined]> = [
      ['Continue? [y/N] ', 'Continue?', ['Yes', 'No'], 'No'],
      ['Do you want to continue? [Y/n] ', 'Do you want to continue?', ['Yes', 'No'], 'Yes'],
      ['Proceed (y/n)? ', 'Proceed', ['Yes', 'No'], undefined],
      ['Is this ok [y/N]: ', 'Is this ok', ['Yes', 'No'], 'No'],
      ['Overwrite? (y/n) [n] ', 'Overwrite?', ['Yes', 'No'], 'No'],
      ['Are you sure you want to continue connecting (yes/no/[fingerprint])? ', 'Are you sure you want to continue connecting', ['Yes', 'No'], undefined],
      ['(1/1) Stage this hunk [y,n,q,a,d,e,?]? ', '(1/1) Stage this hunk', ['Yes', 'No', 'q', 'a', 'd', 'e'], undefined],
    ];
    for (const [text, question, labels, defaultLabel] of cases) {
      const parsed = parseLinePromptText(text);
      expect(parsed, text).toBeDefined();
      expect(parsed?.question, text).toBe(question);
      expect(parsed?.options.map((o) => o.label), text).toEqual(labels);
      expect(parsed?.defaultLabel, text).toBe(defaultLabel);
    }
    expect(parseLinePromptText('Delete it? (yes/no) ')?.options.map((o) => o.keys)).toEqual(['yes\r', 'no\r']);
  });

  it('ignores text that is not a yes/no list', () => {
    for (const text of ['Name [default]: ', 'Pick (a/b/c): ', 'tether$ ', '(Y)es only [Yes]: ', 'see [1/2]', '']) {
      expect(parseLinePromptText(text), text).toBeUndefined();
    }
  });
});

describe('readLinePrompt', () => {
  it("reads Aider's prompt at the cursor with its subject rows", () => {
    const prompt = readLinePrompt(atCursor(`> /run npm test\n\nnpm test\n${SHELL}`))!;
    expect(prompt.waitType).toBe('tool_approval');
    expect(prompt.content).toBe(`npm test\n${SHELL.trim()}`);
    expect(prompt.options.map((o) => o.label)).toEqual(['Yes', 'No', "Don't ask again"]);
    expect(prompt.acceptsText).toBe(false);
  });

  it('stops the subject at an earlier, answered prompt', () => {
    const prompt = readLinePrompt(atCursor(`a.py\n${ADD_GROUP}y\nb.py\n${ADD_GROUP}`))!;
    expect(prompt.content.split('\n')).toEqual(['b.py', ADD_GROUP.trim()]);
  });

  it('joins a prompt that wraps at the right edge', () => {
    const cols = 40;
    const line = ADD_GROUP.trim();
    const rows = [line.slice(0, 40), line.slice(40)];
    const screen = atCursor(rows.join('\n'), 1, { cols });
    const prompt = readLinePrompt(screen)!;
    expect(prompt.content).toBe(line);
    expect(prompt.options).toHaveLength(5);
  });

  it('does not fire when the prompt is not where the cursor is', () => {
    // Printed in scrollback, with the cursor on the next line.
    expect(readLinePrompt(snapshotFromText(`${SHELL}\nmore output\n`, { cursor: { x: 0, y: 2 } }))).toBeUndefined();
    // Cursor on the row below the prompt text (output continued with a newline).
    expect(readLinePrompt(snapshotFromText(`${SHELL}\n`, { cursor: { x: 0, y: 1 } }))).toBeUndefined();
    // Text after the cursor, or rows below it.
    expect(readLinePrompt(snapshotFromText(`Continue? [y/N] yes`, { cursor: { x: 16, y: 0 } }))).toBeUndefined();
    expect(readLinePrompt(snapshotFromText(`Continue? [y/N]\nstatus bar`, { cursor: { x: 16, y: 0 } }))).toBeUndefined();
    // The user has typed an answer: the cursor is past it.
    expect(readLinePrompt(atCursor('Continue? [y/N] y'))).toBeUndefined();
    // Cursor far right of the prompt.
    expect(readLinePrompt(snapshotFromText('Continue? [y/N]', { cursor: { x: 30, y: 0 } }))).toBeUndefined();
  });

  it('counts wide glyphs as two cells', () => {
    expect(cellWidth('確認 [y/N]')).toBe(10);
    expect(splitAtCell('確認 x', 2)).toEqual(['確', '認 x']);
    const screen = snapshotFromText('確認しますか？ [y/N]', { cursor: { x: cellWidth('確認しますか？ [y/N]') + 1, y: 0 } });
    expect(readLinePrompt(screen)?.options.map((o) => o.label)).toEqual(['Yes', 'No']);
  });
});

describe('linePromptParser', () => {
  it('says waiting for a line prompt and unknown otherwise', () => {
    expect(linePromptParser.parse(atCursor(CREATE_NO), 0).state).toBe('waiting');
    expect(linePromptParser.parse(atCursor('building...'), 0).state).toBe('unknown');
    expect(linePromptParser.parse(snapshotFromText(''), 0).state).toBe('unknown');
    expect(isStillWriting({ quietMs: 10 })).toBe(true);
    expect(isStillWriting({ quietMs: 60 })).toBe(false);
    expect(isStillWriting(undefined)).toBe(false);
  });
});
