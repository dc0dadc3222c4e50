/** Reading the draft and cursor of agent input boxes off the screen. */
import { describe, expect, it } from 'vitest';
import { snapshotFromText } from '../../src/common/index.js';
import { readBoxRows, readInputAtCursor } from './inputBox.js';
import { claudeParser } from '../claude/claudeParser.js';
import { screenDumps } from '../../test/support/screenDumps.js';

describe('input box readers', () => {
  it('reads the cursor row behind a prompt glyph, inside a border or not', () => {
    expect(readInputAtCursor(snapshotFromText('header\n│ > fix the tests  │', { cursor: { x: 8, y: 1 } }))).toEqual({ text: 'fix the tests', cursor: 4 });
    expect(readInputAtCursor(snapshotFromText('› add a flag', { cursor: { x: 12, y: 0 } }))).toEqual({ text: 'add a flag', cursor: 10 });
    expect(readInputAtCursor(snapshotFromText('> ', { cursor: { x: 2, y: 0 } }))).toEqual({ text: '', cursor: 0 });
  });

  it('reports nothing when the cursor is not on a prompt row', () => {
    expect(readInputAtCursor(snapshotFromText('Running tests…\nDo you want to proceed?', { cursor: { x: 3, y: 1 } }))).toBeUndefined();
  });

  it('joins a multi-line draft and maps the cursor into it', () => {
    const screen = snapshotFromText('❯ first line\n  second one\n\n────', { cursor: { x: 5, y: 1 } });
    expect(readBoxRows(screen, 0, 3)).toEqual({ text: 'first line\nsecond one', cursor: 'first line\n'.length + 3 });
  });

  it("reads Claude Code 2.1.332's draft and cursor, and nothing while a dialog replaces the box", () => {
    const { loadScreen } = screenDumps('claude');
    expect(claudeParser.readInput?.(loadScreen('2.1.332-typing.120x40'))).toEqual({ text: 'crea', cursor: 4 });
    expect(claudeParser.readInput?.(loadScreen('2.1.332-bash-approval.120x40'))).toBeUndefined();
  });
});
