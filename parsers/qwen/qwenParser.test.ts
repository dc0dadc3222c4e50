import { describe, expect, it } from 'vitest';
import { snapshotFromText } from '../../src/common/index.js';
import type { PromptInfo, ScreenSnapshot } from '../../src/common/index.js';
import { qwenParser } from './qwenParser.js';
import { screenDumps } from '../../test/support/screenDumps.js';

const { loadScreen } = screenDumps('qwen');

const promptOf = (screen: ScreenSnapshot): PromptInfo => {
  const verdict = qwenParser.parse(screen, 0);
  if (verdict.state !== 'waiting') throw new Error(`not waiting: ${verdict.state}`);
  return verdict.prompt;
};

describe('qwenParser on real Qwen Code 0.15.10 screens', () => {
  for (const size of ['120x40', '80x24']) {
    it(`reads the shell confirmation at ${size}`, () => {
      const prompt = promptOf(loadScreen(`shell-approval.${size}`));
      expect(prompt.waitType).toBe('tool_approval');
      expect(prompt.toolName).toBe('Shell');
      expect(prompt.content).toContain("Allow execution of: 'touch'?");
      expect(prompt.options.map((o) => [o.keys, o.label, o.role])).toEqual([
        ['1', 'Yes, allow once', 'approve'],
        ['2', "Always allow run 'touch *' commands in this project", 'approve_always'],
        ['3', "Always allow run 'touch *' commands for this user", 'approve_always'],
        ['4', 'No, suggest changes (esc)', 'deny'],
      ]);
      expect(prompt.cancelKeys).toBe('\x1b');
    });
  }

  it('reads the plan approval (plan mode exit)', () => {
    const prompt = promptOf(loadScreen('plan-approval.120x40'));
    expect(prompt.waitType).toBe('plan_approval');
    expect(prompt.content).toContain('Would you like to proceed?');
    expect(prompt.options.map((o) => o.label)).toEqual([
      'Yes, restore previous mode (default)',
      'Yes, and auto-accept edits',
      'Yes, and manually approve edits',
      'No, keep planning (esc)',
    ]);
  });

  it('reads the idle input at start and after a turn', () => {
    for (const name of ['idle-ready.120x40', 'idle-ready.80x24', 'idle-after-turn.80x24']) {
      expect(promptOf(loadScreen(name)).waitType).toBe('awaiting_response');
    }
  });

  it('recognises its banner', () => {
    expect(qwenParser.matchesBanner?.(loadScreen('idle-ready.80x24'))).toBe(true);
  });
});

const RULE = '─'.repeat(80);
const input = (above: string[], below: string[] = ['  ? for shortcuts']) =>
  snapshotFromText([...above, RULE, '>   Type your message or @path/to/file', RULE, ...below].join('\n'), { cols: 80 });

describe('qwenParser busy and negatives', () => {
  it('is busy with a spinner row, also when it wraps at 80 columns', () => {
    expect(qwenParser.parse(input(['  ⠧Why do Java developers wear glasses? Because they (2s · ↑ 6 tokens · esc to', '                                                    cancel)']), 0).state).toBe('busy');
    expect(qwenParser.parse(input(['  ⠋ Thinking... (3s · esc to cancel)']), 0).state).toBe('busy');
  });

  it('is busy while starting up (`Initializing...` under the input)', () => {
    expect(qwenParser.parse(input([], ['  ⠋ Initializing...']), 0).state).toBe('busy');
  });

  it('does not read a look-alike confirmation in the answer text as a dialog', () => {
    const screen = input(['  ✦ This is how an approval looks:', "    Allow execution of: 'rm'?", '    › 1. Yes, allow once', '      2. No, suggest changes (esc)']);
    expect(promptOf(screen).waitType).toBe('awaiting_response');
  });

  it('does not take a finished tool box above the input for a dialog', () => {
    const screen = input(['  ╭────────────────────╮', '  │ ✓  Shell touch a   │', '  ╰────────────────────╯', '  ✦ Done.']);
    expect(promptOf(screen).waitType).toBe('awaiting_response');
  });

  it('reports nothing on an empty screen', () => {
    expect(qwenParser.parse(snapshotFromText(''), 0).state).toBe('unknown');
  });
});
