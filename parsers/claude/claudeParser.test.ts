import { describe, expect, it } from 'vitest';
import { claudeParser } from './claudeParser.js';
import { loadScreen, screenNames } from './testScreens.js';
import { snapshotFromText } from '../../src/common/index.js';

const verdictOf = (name: string) => claudeParser.parse(loadScreen(name), 0);

describe('claudeParser on real Claude Code 2.1.197 screens', () => {
  it('reads the Bash dialog as a tool approval with its options', () => {
    const verdict = verdictOf('bash-approval.120x40');
    expect(verdict.state).toBe('waiting');
    if (verdict.state !== 'waiting') return;
    expect(verdict.prompt.waitType).toBe('tool_approval');
    expect(verdict.prompt.toolName).toBe('Bash');
    expect(verdict.prompt.content).toContain('touch created-by-tool.txt');
    expect(verdict.prompt.content).toContain('Do you want to proceed?');
    expect(verdict.prompt.options.map((o) => [o.id, o.label])).toEqual([
      ['1', 'Yes'],
      ['2', 'Yes, and always allow access to project/ from this project'],
      ['3', 'No'],
    ]);
  });

  it('keeps the title and diff of an Edit dialog (dashed rules do not open a dialog)', () => {
    const verdict = verdictOf('edit-approval.120x40');
    expect(verdict.state).toBe('waiting');
    if (verdict.state !== 'waiting') return;
    expect(verdict.prompt.waitType).toBe('tool_approval');
    expect(verdict.prompt.toolName).toBe('Edit');
    expect(verdict.prompt.content.split('\n')[0]).toBe('Edit file');
    expect(verdict.prompt.content).toContain('+hello tether');
    expect(verdict.prompt.options).toHaveLength(3);
  });

  it('reads a Write/Create dialog as a tool approval', () => {
    const verdict = verdictOf('write-approval.120x40');
    expect(verdict.state).toBe('waiting');
    if (verdict.state === 'waiting') expect(verdict.prompt.waitType).toBe('tool_approval');
  });

  it('reads the idle box as awaiting_response, when first ready and after a turn', () => {
    for (const name of ['idle-ready.120x40', 'idle-after-turn.120x40']) {
      const verdict = verdictOf(name);
      expect(verdict.state, name).toBe('waiting');
      if (verdict.state === 'waiting') expect(verdict.prompt.waitType).toBe('awaiting_response');
    }
  });

  it('reads a running turn as busy, even with prompt-like text in its output', () => {
    expect(verdictOf('busy.120x40').state).toBe('busy');
  });

  it('never throws and never reports a dialog on an empty or junk screen', () => {
    expect(claudeParser.parse(snapshotFromText(''), 0).state).toBe('unknown');
    expect(claudeParser.parse(snapshotFromText('❯ 1. Yes\n  2. No\nrandom text'), 0).state).not.toBe('busy');
  });

  it('classifies every dump without throwing', () => {
    for (const name of screenNames()) expect(() => claudeParser.parse(loadScreen(name), 0)).not.toThrow();
  });
});
