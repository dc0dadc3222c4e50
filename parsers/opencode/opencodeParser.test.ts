import { describe, expect, it } from 'vitest';
import { snapshotFromText } from '../../src/common/index.js';
import type { PromptInfo, ScreenSnapshot } from '../../src/common/index.js';
import { opencodeParser } from './opencodeParser.js';
import { buttonKeys, readButtonRow } from './opencodeButtons.js';
import { screenDumps, withTitle } from '../../test/support/screenDumps.js';

const { loadScreen } = screenDumps('opencode');

const promptOf = (screen: ScreenSnapshot): PromptInfo => {
  const verdict = opencodeParser.parse(screen, 0);
  if (verdict.state !== 'waiting') throw new Error(`not waiting: ${verdict.state}`);
  return verdict.prompt;
};
const summary = (prompt: PromptInfo) => prompt.options.map((o) => [o.label, o.keys, o.role ?? '']);

describe('opencodeParser on real OpenCode 1.18.33 screens', () => {
  for (const size of ['120x40', '80x24']) {
    it(`reads the bash permission's buttons and keys at ${size}`, () => {
      const prompt = promptOf(loadScreen(`bash-permission.${size}`));
      expect(prompt.waitType).toBe('tool_approval');
      expect(prompt.toolName).toBe('bash');
      expect(prompt.content).toBe('Permission required\n# Shell command\n$ touch marker.txt');
      expect(summary(prompt)).toEqual([
        ['Allow once', '\r', 'approve'],
        ['Allow always', '\x1b[C\r\r', 'approve_always'],
        ['Reject', '\x1b', 'deny'],
      ]);
      expect(prompt.cancelKeys).toBe('\x1b');
    });
  }

  it('reads the Allow always confirm stage (Confirm focused first)', () => {
    const prompt = promptOf(loadScreen('always-confirm.80x24'));
    expect(prompt.kind).toBe('always_confirm');
    expect(prompt.content).toContain('- touch *');
    expect(summary(prompt)).toEqual([
      ['Confirm', '\r', 'approve_always'],
      ['Cancel', '\x1b', ''],
    ]);
  });

  it('reads the question tool: numbered options, digits select, the free-text row', () => {
    const prompt = promptOf(loadScreen('question.120x40'));
    expect(prompt.waitType).toBe('clarifying_question');
    expect(prompt.content).toBe('Which database should I use?');
    expect(prompt.options.map((o) => [o.keys, o.label, o.acceptsText ?? false])).toEqual([
      ['1', 'SQLite', false],
      ['2', 'Postgres', false],
      ['3', 'Type your own answer', true],
    ]);
  });

  it('is busy while the status row says esc interrupt', () => {
    expect(opencodeParser.parse(loadScreen('busy.120x40'), 0).state).toBe('busy');
  });

  it('reads the idle panel after a turn and on the home view once the title is set', () => {
    expect(promptOf(loadScreen('idle-after-turn.120x40')).waitType).toBe('awaiting_response');
    for (const name of ['idle-home.120x40', 'idle-home.80x24']) expect(promptOf(loadScreen(name)).waitType).toBe('awaiting_response');
  });

  it('reads the home view with a tip under its hint row (every start after the first session)', () => {
    expect(promptOf(loadScreen('idle-home-tip.120x40')).waitType).toBe('awaiting_response');
    expect(opencodeParser.parse(withTitle(loadScreen('idle-home-tip.120x40'), ''), 0).state).toBe('unknown');
  });

  it('does not report the splash (same panel, no title yet) as idle', () => {
    expect(opencodeParser.parse(withTitle(loadScreen('idle-home.120x40'), ''), 0).state).toBe('unknown');
  });

  it('recognises its banner by the title', () => {
    expect(opencodeParser.matchesBanner?.(loadScreen('idle-home.80x24'))).toBe(true);
    expect(opencodeParser.matchesBanner?.(snapshotFromText('$ ls\nfile.txt'))).toBe(false);
  });
});

describe('opencodeParser negatives', () => {
  it('ignores a drawn permission panel in the answer text above the input panel', () => {
    const screen = snapshotFromText(
      [
        '     ┃  △ Permission required',
        '     ┃    # Shell command',
        '     ┃   Allow once   Allow always   Reject      ⇆ select  enter confirm',
        '     Nothing is waiting for you.',
        '',
        '  ┃',
        '  ┃  Build · Mock Model Mock',
        '  ╹▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀',
        '   /tmp/project                              ctrl+p commands',
      ].join('\n'),
      { cols: 80, title: 'OC | session' },
    );
    expect(promptOf(screen).waitType).toBe('awaiting_response');
  });

  it('stays busy when streamed text says "Permission required? Allow once"', () => {
    const screen = snapshotFromText(
      [
        '     Step 3: Permission required? Allow once / Reject … checking',
        '  ┃',
        '  ┃  Build · Mock Model Mock',
        '  ╹▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀',
        '   ■■■■⬝⬝⬝⬝  esc interrupt                     ctrl+p commands',
      ].join('\n'),
      { cols: 80, title: 'OC | session' },
    );
    expect(opencodeParser.parse(screen, 0).state).toBe('busy');
  });

  it('does not read a home hint row with another panel under it as the idle home view', () => {
    const screen = snapshotFromText(
      [
        '       ┃  Ask anything… "Fix broken tests"',
        '       ┃  Build · Mock Model Mock',
        '       ╹▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀',
        '                          tab agents  ctrl+p commands',
        '',
        '  ┃  Select model',
        '',
        '  /tmp/project                                  1.18.33',
      ].join('\n'),
      { cols: 80, title: 'OpenCode' },
    );
    expect(opencodeParser.parse(screen, 0).state).toBe('unknown');
  });

  it('reports nothing on an empty or foreign screen', () => {
    expect(opencodeParser.parse(snapshotFromText(''), 0).state).toBe('unknown');
    expect(opencodeParser.parse(snapshotFromText('$ echo hi\nhi\n$'), 0).state).toBe('unknown');
  });
});

describe('button keys', () => {
  const lines = [{ text: '  ┃   Allow once   Allow always   Reject     ctrl+f fullscreen  ⇆ select  enter confirm', isWrapped: false }];

  it('moves from the focused button with arrows, then Enter', () => {
    const row = readButtonRow(lines, 0, /⇆ select/u)!;
    expect(row.labels).toEqual(['Allow once', 'Allow always', 'Reject']);
    expect(buttonKeys({ ...row, focused: 1 }, 0, false)).toBe('\x1b[D\r');
    expect(buttonKeys({ ...row, focused: 1 }, 1, true)).toBe('\r\r');
    expect(buttonKeys({ ...row, focused: 0 }, 2, false)).toBe('\x1b');
  });

  it('takes the focus from a highlighted span when the snapshot has one', () => {
    const highlighted = [{ ...lines[0], highlights: [{ start: 18, end: 32 }] }];
    const row = readButtonRow(highlighted, 0, /⇆ select/u)!;
    expect(row.focused).toBe(1);
  });
});
