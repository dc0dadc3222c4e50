import { describe, expect, it } from 'vitest';
import { codexParser } from './codexParser.js';
import { screenDumps } from '../../test/support/screenDumps.js';
import { snapshotFromText } from '../../src/common/index.js';
import type { PromptInfo } from '../../src/common/index.js';

const { loadScreen, screenNames } = screenDumps('codex');

const verdictOf = (name: string) => codexParser.parse(loadScreen(name), 0);

function promptOf(name: string): PromptInfo {
  const verdict = verdictOf(name);
  expect(verdict.state, name).toBe('waiting');
  if (verdict.state !== 'waiting') throw new Error(`${name} is not waiting`);
  return verdict.prompt;
}

const SIZES = ['120x40', '80x24'];

describe('codexParser on real Codex 0.169.0 approvals', () => {
  it('reads the command approval with keys and roles from the (x) hints', () => {
    for (const size of SIZES) {
      const prompt = promptOf(`exec-approval.${size}`);
      expect(prompt.waitType).toBe('tool_approval');
      expect(prompt.toolName).toBe('exec_command');
      expect(prompt.content.split('\n')[0]).toBe('Would you like to run the following command?');
      expect(prompt.content).toContain('$ touch created-by-tool.txt');
      expect(prompt.options.map((o) => [o.id, o.label, o.keys, o.role])).toEqual([
        ['1', 'Yes, proceed', 'y', 'approve'],
        ['2', "Yes, and don't ask again for commands that start with `touch created-by-tool.txt`", 'p', 'approve_always'],
        ['3', 'No, and tell Codex what to do differently', '\x1b', 'deny'],
      ]);
      expect(prompt.cancelKeys).toBe('\x1b');
    }
  });

  it('reads the apply_patch approval, whose always row is (a)', () => {
    for (const size of SIZES) {
      const prompt = promptOf(`patch-approval.${size}`);
      expect(prompt.waitType).toBe('tool_approval');
      expect(prompt.toolName).toBe('apply_patch');
      expect(prompt.content).toContain('Destination: /tmp/tether-fixture/home/greeting.txt');
      expect(prompt.options.map((o) => [o.keys, o.role])).toEqual([
        ['y', 'approve'],
        ['a', 'approve_always'],
        ['\x1b', 'deny'],
      ]);
    }
  });

  it('keeps the prefix-rule approval stable across sizes', () => {
    const wide = promptOf('exec-prefix-approval.120x40');
    const narrow = promptOf('exec-prefix-approval.80x24');
    expect(narrow.content).toBe(wide.content);
    expect(narrow.options).toEqual(wide.options);
  });
});

describe('codexParser on plan mode and questions', () => {
  it('reads "Implement this plan?" as a plan approval with digit keys, descriptions dropped', () => {
    for (const size of SIZES) {
      const prompt = promptOf(`plan-approval.${size}`);
      expect(prompt.waitType).toBe('plan_approval');
      expect(prompt.content).toBe('Implement this plan?');
      expect(prompt.options.map((o) => [o.label, o.keys])).toEqual([
        ['Yes, implement this plan', '1'],
        ['Yes, clear context and implement', '2'],
        ['No, stay in Plan mode', '3'],
      ]);
    }
  });

  it('reads request_user_input as a clarifying question', () => {
    for (const size of SIZES) {
      const prompt = promptOf(`question.${size}`);
      expect(prompt.waitType).toBe('clarifying_question');
      expect(prompt.content).toBe('Question 1/1 (1 unanswered)\nWhich auth method should we use?');
      expect(prompt.options.map((o) => o.label)).toEqual(['OAuth (Recommended)', 'API key', 'None of the above']);
      // Digits pick and submit; "None of the above" takes notes: arrow down to it, Tab, then the text.
      expect(prompt.options.map((o) => o.keys)).toEqual(['1', '2', '\x1b[B\x1b[B\t']);
      expect(prompt.options.map((o) => o.acceptsText === true)).toEqual([false, false, true]);
      expect(prompt.acceptsText).toBe(true);
    }
  });

  it('reads the model-migration dialog as a startup question', () => {
    for (const size of SIZES) {
      const prompt = promptOf(`model-migration.${size}`);
      expect(prompt.kind).toBe('model_migration');
      expect(prompt.content.split('\n')[0]).toBe('Meet GPT-6 Sol');
      expect(prompt.options.map((o) => o.label)).toEqual(['Try new model', 'Use existing model']);
    }
  });
});

describe('codexParser on idle and busy screens', () => {
  it('reads every composer as awaiting_response', () => {
    const idle = screenNames().filter((name) => name.startsWith('idle-') || name.startsWith('lookalike-'));
    expect(idle.length).toBeGreaterThanOrEqual(10);
    for (const name of idle) expect(promptOf(name).waitType, name).toBe('awaiting_response');
  });

  it('does not report the composer while the session still loads (only "? for shortcuts" below it)', () => {
    for (const size of SIZES) expect(verdictOf(`loading.${size}`).state, size).toBe('unknown');
  });

  it('reads a running turn as busy: the Working row, or the title spinner while text streams', () => {
    for (const name of screenNames().filter((n) => n.startsWith('busy'))) expect(verdictOf(name).state, name).toBe('busy');
  });

  it('never reads the agent answer text as a dialog', () => {
    for (const size of SIZES) expect(promptOf(`lookalike-answer.${size}`).waitType).toBe('awaiting_response');
    const diff = ['› show me', '', '• Here is the diff:', '  -Q: Is it fast? A: yes', '  +Q: Is it fast? A: very', '', '› Ask Codex to do anything', '', '  GPT-5.5 default · /tmp'].join('\n');
    const verdict = codexParser.parse(snapshotFromText(diff), 0);
    expect(verdict.state === 'waiting' && verdict.prompt.waitType).toBe('awaiting_response');
  });

  it('never throws and reports nothing on empty or junk screens', () => {
    expect(codexParser.parse(snapshotFromText(''), 0).state).toBe('unknown');
    expect(codexParser.parse(snapshotFromText('Steps:\n  1. Yes\n  2. No\nrandom text'), 0).state).toBe('unknown');
    // A list without the pointer is text, not a select.
    expect(codexParser.parse(snapshotFromText('  Would you like to run it?\n\n  1. Yes, proceed (y)\n  2. No (esc)\n\n  Press enter'), 0).state).toBe('unknown');
    for (const name of screenNames()) expect(() => codexParser.parse(loadScreen(name), 0)).not.toThrow();
  });

  it('recognises the banner for --cli auto', () => {
    expect(codexParser.matchesBanner?.(loadScreen('idle-ready.120x40'))).toBe(true);
    expect(codexParser.matchesBanner?.(snapshotFromText('Claude Code v2'))).toBe(false);
  });
});
