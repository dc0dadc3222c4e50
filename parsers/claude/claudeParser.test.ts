import { describe, expect, it } from 'vitest';
import { claudeParser } from './claudeParser.js';
import { screenDumps } from '../../test/support/screenDumps.js';
import { snapshotFromText } from '../../src/common/index.js';

const { loadScreen, screenNames } = screenDumps('claude');

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
    // A numbered list without Claude's focus pointer is plain text, not a select.
    expect(claudeParser.parse(snapshotFromText('Steps:\n  1. Yes\n  2. No\nrandom text'), 0).state).toBe('unknown');
  });

  it('classifies every dump without throwing', () => {
    for (const name of screenNames()) expect(() => claudeParser.parse(loadScreen(name), 0)).not.toThrow();
  });
});

describe('claudeParser on dialogs', () => {
  it('reads AskUserQuestion as a clarifying question with a free-text option', () => {
    for (const name of ['ask-one.120x40', 'ask-several.120x40']) {
      const verdict = verdictOf(name);
      expect(verdict.state, name).toBe('waiting');
      if (verdict.state !== 'waiting') continue;
      expect(verdict.prompt.waitType).toBe('clarifying_question');
      expect(verdict.prompt.content).toContain('Which auth method should we use?');
      expect(verdict.prompt.options.map((o) => o.label)).toEqual(['OAuth', 'API key', 'Type something.', 'Chat about this']);
      expect(verdict.prompt.options.find((o) => o.acceptsText)?.id).toBe('3');
    }
  });

  it('reads the startup dialogs with their options', () => {
    const trust = verdictOf('trust-dialog.120x40');
    expect(trust.state === 'waiting' && trust.prompt.kind).toBe('trust_folder');
    const apiKey = verdictOf('api-key-dialog.120x40');
    expect(apiKey.state === 'waiting' && apiKey.prompt.kind).toBe('api_key');
    expect(apiKey.state === 'waiting' && apiKey.prompt.options.map((o) => o.label)).toEqual(['Yes', 'No (recommended)']);
    const theme = verdictOf('onboarding-theme.120x40');
    expect(theme.state === 'waiting' && theme.prompt.kind).toBe('onboarding');
    expect(theme.state === 'waiting' && theme.prompt.options).toHaveLength(7);
  });

  it('does not mistake a dialog drawn inside the agent answer for a prompt', () => {
    const verdict = verdictOf('lookalike-answer.120x40');
    expect(verdict.state === 'waiting' && verdict.prompt.waitType).toBe('awaiting_response');
  });

  it('reads the 80x24 screens like the 120x40 ones', () => {
    for (const name of screenNames().filter((n) => n.endsWith('80x24'))) {
      const wide = verdictOf(name.replace('80x24', '120x40'));
      const narrow = verdictOf(name);
      expect(narrow.state, name).toBe(wide.state);
      if (narrow.state === 'waiting' && wide.state === 'waiting') {
        expect(narrow.prompt.waitType, name).toBe(wide.prompt.waitType);
        expect(narrow.prompt.options.map((o) => o.label), name).toEqual(wide.prompt.options.map((o) => o.label));
      }
    }
  });
});

describe('claudeParser on plan mode and typing', () => {
  it('reads the exit-plan dialog as a plan approval whose feedback row takes text', () => {
    for (const name of ['plan-approval.120x40', 'plan-approval.80x24']) {
      const verdict = verdictOf(name);
      expect(verdict.state, name).toBe('waiting');
      if (verdict.state !== 'waiting') continue;
      expect(verdict.prompt.waitType, name).toBe('plan_approval');
      expect(verdict.prompt.options[0].label).toMatch(/^Yes/);
      expect(verdict.prompt.options.find((o) => o.acceptsText)?.label).toMatch(/^Tell Claude what to change/);
    }
  });

  it('reads every idle variant (plan mode, accept edits, after a deny) as awaiting_response', () => {
    for (const name of ['idle-plan-mode.120x40', 'idle-accept-edits.120x40', 'idle-after-deny.120x40', 'idle-after-busy.120x40']) {
      const verdict = verdictOf(name);
      expect(verdict.state === 'waiting' && verdict.prompt.waitType, name).toBe('awaiting_response');
    }
  });

  it('reads the busy spinner as busy, with its activity text', () => {
    for (const name of ['busy-spinner.120x40', 'busy-spinner.80x24']) {
      const verdict = verdictOf(name);
      expect(verdict.state, name).toBe('busy');
      expect(verdict.state === 'busy' && verdict.activity, name).toMatch(/^[A-Z][a-z]+ing…$/);
    }
  });

  it('reads todo progress from the task list while busy', () => {
    const screen = snapshotFromText(
      ['✻ Running tests… (3s · ↓ 120 tokens)', '  ⎿  ☒ Write the parser', '     ☒ Add fixtures', '     ☐ Run the tests', '─'.repeat(80), '❯ ', '─'.repeat(80), '  esc to interrupt'].join('\n'),
      { title: '⠂ Claude Code' },
    );
    expect(claudeParser.parse(screen, 0)).toEqual({ state: 'busy', activity: 'Running tests…', todo: { completed: 2, total: 3 } });
  });

  it('keeps the question text stable while free text is typed, and reads the second question and the review step', () => {
    const typing = verdictOf('ask-typing.120x40');
    const before = verdictOf('ask-one.120x40');
    expect(typing.state === 'waiting' && typing.prompt.content).toBe(before.state === 'waiting' && before.prompt.content);
    const second = verdictOf('ask-several-second.120x40');
    expect(second.state === 'waiting' && second.prompt.waitType).toBe('clarifying_question');
    expect(second.state === 'waiting' && second.prompt.content).not.toBe(before.state === 'waiting' && before.prompt.content);
    const review = verdictOf('ask-review.120x40');
    expect(review.state === 'waiting' && review.prompt.waitType).toBe('clarifying_question');
  });
});
