/**
 * The Claude Code parser on real 2.1.332 screens (testdata/2.1.332-*.screen.txt, from the issue 13
 * study): four-option tool approvals, pointer lists without numbers, footer-only choices, the
 * auto-mode screens, the changed startup dialogs, and the idle box's readiness cue.
 */
import { describe, expect, it } from 'vitest';
import { claudeParser, readClaudeInput } from './claudeParser.js';
import { handScreen, screenDumps } from '../../test/support/screenDumps.js';
import type { PromptInfo, Verdict } from '../../src/common/index.js';

const { loadScreen } = screenDumps('claude');
const verdictOf = (name: string): Verdict => claudeParser.parse(loadScreen(`2.1.332-${name}`), 0);
const DOWN = '\x1b[B';
const UP = '\x1b[A';

function promptOf(name: string): PromptInfo {
  const verdict = verdictOf(name);
  if (verdict.state !== 'waiting') throw new Error(`${name}: ${verdict.state}`);
  return verdict.prompt;
}

/** Each option as [label, keys, role]. */
const choices = (prompt: PromptInfo) => prompt.options.map((o) => [o.label, o.keys, o.role]);

describe('claudeParser on Claude Code 2.1.332 tool approvals', () => {
  it('reads the four-option Bash approval with roles; switching to auto mode has none', () => {
    const prompt = promptOf('bash-approval.120x40');
    expect(prompt.waitType).toBe('tool_approval');
    expect(prompt.toolName).toBe('Bash');
    expect(choices(prompt)).toEqual([
      ['Yes', '1', 'approve'],
      ['Yes, and always allow access to /tmp/tether-fixture/project from this project', '2', 'approve_always'],
      ['Yes, and switch to auto mode · auto mode handles these prompts for you', '3', undefined],
      ['No', '4', 'deny'],
    ]);
    // The command between the dashed rules is the prompt; the Tip: hint row is not.
    expect(prompt.content).toContain('touch created-by-tool.txt');
    expect(prompt.content).not.toMatch(/^Tip:/mu);
    expect(prompt.content.split('\n').at(-1)).toBe('Do you want to proceed?');
  });

  it('gives the npm rule and the accept-edits row the always role', () => {
    expect(promptOf('bash-npm-approval.120x40').options.map((o) => o.role)).toEqual(['approve', 'approve_always', undefined, 'deny']);
    const edit = promptOf('edit-approval.120x40');
    expect(edit.toolName).toBe('Edit');
    expect(edit.options.map((o) => o.role)).toEqual(['approve', 'approve_always', 'deny']);
    expect(promptOf('write-approval.120x40').toolName).toBe('Write');
  });

  it('reads the ask-rule prompt in auto mode as a numbered approval', () => {
    const prompt = promptOf('auto-ask-rule-0.120x40');
    expect(prompt.toolName).toBe('Bash');
    expect(prompt.content).toContain('overrides auto mode');
    expect(choices(prompt)).toEqual([
      ['Yes', '1', 'approve'],
      ['Yes, and don’t ask again for: sh', '2', 'approve_always'],
      ['No', '3', 'deny'],
    ]);
  });

  it('answers the unnumbered No / Yes prompt with arrows from the focused row, never digits', () => {
    const noFocused = promptOf('auto-stay-0.120x40');
    expect(noFocused.waitType).toBe('tool_approval');
    expect(noFocused.toolName).toBe('Bash');
    expect(noFocused.content).toContain('so this one needs your approval');
    expect(choices(noFocused)).toEqual([
      ['No', '\r', 'deny'],
      ['Yes', `${DOWN}\r`, 'approve'],
    ]);
    // The same prompt after ↓: the keys follow the focus on screen.
    expect(choices(promptOf('auto-stay-prompt-down.120x40'))).toEqual([
      ['No', `${UP}\r`, 'deny'],
      ['Yes', '\r', 'approve'],
    ]);
    expect(noFocused.options.map((o) => o.id)).toEqual(promptOf('auto-stay-prompt-down.120x40').options.map((o) => o.id));
  });
});

describe('claudeParser on the 2.1.332 auto-mode screens', () => {
  it('offers the footer-only choices of "Auto mode can\'t check actions" as options with keys and roles', () => {
    for (const size of ['120x40', '80x24']) {
      const prompt = promptOf(`auto-risky-0.${size}`);
      expect(prompt.waitType, size).toBe('tool_approval');
      expect(prompt.kind, size).toBe('auto_mode_unavailable');
      expect(prompt.content.split('\n')[0], size).toBe("Auto mode can't check actions in this session");
      expect(choices(prompt), size).toEqual([
        ['stay in auto mode', '\r', 'approve'],
        ['leave for accept edits mode and stop', '\x1b[Z', undefined],
        ['cancel', '\x1b', 'deny'],
      ]);
      expect(prompt.cancelKeys).toBe('\x1b');
    }
  });

  it('is not waiting on a call blocked by auto mode: the idle box with its second footer row', () => {
    const verdict = verdictOf('auto-flagged-0.120x40');
    expect(verdict.state === 'waiting' && verdict.prompt.waitType).toBe('awaiting_response');
  });
});

describe('claudeParser on the 2.1.332 startup dialogs', () => {
  it('reads the fullscreen offer as a question with digit keys', () => {
    const prompt = promptOf('start-fullscreen-offer.120x40');
    expect(prompt.waitType).toBe('clarifying_question');
    expect(prompt.kind).toBe('fullscreen_offer');
    expect(choices(prompt)).toEqual([
      ['Yes, try it', '1', undefined],
      ['Not now', '2', undefined],
    ]);
  });

  it('answers the unnumbered auto-mode default nudge with arrows and Enter', () => {
    const prompt = promptOf('auto-default-nudge.120x40');
    expect(prompt.waitType).toBe('clarifying_question');
    expect(prompt.kind).toBe('default_mode');
    expect(prompt.content.split('\n')[0]).toBe('Make auto mode your default permission mode?');
    expect(prompt.options.map((o) => [o.label, o.keys])).toEqual([
      ['Yes, set auto mode as my default permission mode', '\r'],
      ['No, keep manual mode', `${DOWN}\r`],
    ]);
    expect(promptOf('auto-default-nudge-down.120x40').options.map((o) => o.keys)).toEqual([`${UP}\r`, '\r']);
  });

  it('reads the unnumbered trust and API-key dialogs with the focus where it is drawn', () => {
    const trust = promptOf('trust-0.120x40');
    expect(trust.kind).toBe('trust_folder');
    expect(choices(trust)).toEqual([
      ['No, exit', '\r', 'deny'],
      ['Yes, I trust this folder', `${DOWN}\r`, 'approve'],
    ]);
    expect(promptOf('trust-down-1.120x40').options.map((o) => o.keys)).toEqual([`${UP}\r`, '\r']);
    const apiKey = promptOf('apikey-0.120x40');
    expect(apiKey.kind).toBe('api_key');
    expect(choices(apiKey)).toEqual([
      ['Yes', `${UP}\r`, 'approve'],
      ['No (recommended)', '\r', 'deny'],
    ]);
  });

  it('reads the unnumbered theme picker without its check mark, and the security notes', () => {
    const theme = promptOf('onboarding-0.120x40');
    expect(theme.kind).toBe('onboarding');
    expect(theme.options).toHaveLength(7);
    expect(theme.options.slice(0, 3).map((o) => [o.label, o.keys])).toEqual([
      ['Auto (match terminal)', '\r'],
      ['Dark mode', `${DOWN}\r`],
      ['Light mode', `${DOWN}${DOWN}\r`],
    ]);
    const notes = promptOf('security-notes.120x40');
    expect(notes.waitType).toBe('clarifying_question');
    expect(notes.kind).toBe('onboarding');
    expect(notes.options).toEqual([{ id: 'continue', label: 'continue', keys: '\r' }]);
  });

  it('reports nothing on the "Unable to connect" screen', () => {
    expect(verdictOf('unable-to-connect.120x40').state).toBe('unknown');
  });
});

describe('claudeParser: when the 2.1.332 input box takes input', () => {
  it('waits for the hints in the footer: the first frame has only the bare mode', () => {
    expect(verdictOf('box-first-frame.120x40').state).toBe('unknown');
    expect(verdictOf('box-first-frame-manual.120x40').state).toBe('unknown');
    for (const name of ['auto-idle-ready.120x40', 'auto-idle-ready.80x24', 'manual-idle.120x40']) {
      const verdict = verdictOf(name);
      expect(verdict.state === 'waiting' && verdict.prompt.waitType, name).toBe('awaiting_response');
    }
  });

  it('still reads a box with typed text (which also drops the hints) as awaiting_response', () => {
    const verdict = verdictOf('typing.120x40');
    expect(verdict.state === 'waiting' && verdict.prompt.waitType).toBe('awaiting_response');
  });

  it('does not wait for hints a narrow footer has no room for', () => {
    const rule = '─'.repeat(50);
    const screen = handScreen(['', rule, '❯', rule, '  ⏵⏵ auto mode on'], 50, '✳ Claude Code');
    expect(claudeParser.parse(screen, 0).state).toBe('waiting');
    const wide = handScreen(['', '─'.repeat(80), '❯', '─'.repeat(80), '  ⏵⏵ auto mode on'], 80, '✳ Claude Code');
    expect(claudeParser.parse(wide, 0).state).toBe('unknown');
  });
});

describe('claudeParser: a message just submitted', () => {
  const rule = '─'.repeat(80);
  const box = [rule, '❯', rule, '  ? for shortcuts · ← for agents'];

  it('is busy while the user\'s message is the last thing above the box (no reply drawn yet)', () => {
    const sent = handScreen(['', '❯ Please create a marker file named created-by-tool.txt now, then', '  stop', '', ...box], 80, '✳ Claude Code');
    expect(claudeParser.parse(sent, 0).state).toBe('busy');
  });

  it('is idle again once anything of the turn is drawn under the message', () => {
    for (const after of [['● Marker noted.'], ['  ⎿  Interrupted · What should Claude do instead?']]) {
      const screen = handScreen(['', '❯ create the marker file', ...after, '', ...box], 80, '✳ Claude Code');
      const verdict = claudeParser.parse(screen, 0);
      expect(verdict.state === 'waiting' && verdict.prompt.waitType, after[0]).toBe('awaiting_response');
    }
  });
});

describe('readClaudeInput', () => {
  it('reads the draft of the live box, empty or typed, and nothing while a dialog replaces it', () => {
    expect(readClaudeInput(loadScreen('2.1.332-typing.120x40'))).toBe('crea');
    expect(readClaudeInput(loadScreen('2.1.332-auto-idle-ready.120x40'))).toBe('');
    expect(readClaudeInput(loadScreen('2.1.332-bash-approval.120x40'))).toBeUndefined();
    expect(readClaudeInput(loadScreen('2.1.332-auto-risky-0.120x40'))).toBeUndefined();
    expect(readClaudeInput(loadScreen('busy.120x40'))).toBe('');
  });

  it('joins a draft that wraps or holds a newline', () => {
    const rule = '─'.repeat(60);
    const screen = handScreen(['', rule, '❯ Please create a marker file named created-by-tool.txt now,', '  then stop', rule, '  ⏵⏵ auto mode on (shift+tab to cycle)'], 60);
    expect(readClaudeInput(screen)).toBe('Please create a marker file named created-by-tool.txt now,\nthen stop');
    expect(claudeParser.parse(screen, 0).state).toBe('waiting');
    // An Enter read as a newline (text sent before the prompt took over) leaves an empty last line.
    const newline = handScreen(['', rule, '❯ Please create a marker file', '', rule, '  ⏵⏵ auto mode on (shift+tab to cycle)'], 60);
    expect(readClaudeInput(newline)).toBe('Please create a marker file\n');
  });
});

describe('claudeParser: pointer lists are read only where a dialog draws them', () => {
  it('does not take a two-row message echoed in the history for a list above a footer-only dialog', () => {
    const rule = '─'.repeat(80);
    const screen = handScreen(
      ['❯ first line of my message', '  second line of it', '', '● Bash(curl -fsSL http://127.0.0.1:9/x.sh | sh)', '  ⎿  Waiting…', '', rule, '  Auto mode can\'t check actions in this session', '', '  Enter to stay in auto mode · Esc to cancel'],
      80,
      '✳ Claude Code',
    );
    const verdict = claudeParser.parse(screen, 0);
    expect(verdict.state === 'waiting' && verdict.prompt.options.map((o) => o.label)).toEqual(['stay in auto mode', 'cancel']);
  });

  it('does not take a multi-line draft in the idle box for a list', () => {
    const rule = '─'.repeat(80);
    const screen = handScreen(['', rule, '❯ yes do it', '  no wait', rule, '  ? for shortcuts'], 80, '✳ Claude Code');
    const verdict = claudeParser.parse(screen, 0);
    expect(verdict.state === 'waiting' && verdict.prompt.waitType).toBe('awaiting_response');
  });

  it('does not read a footer-like line in model text above the idle box as choices', () => {
    const rule = '─'.repeat(80);
    const screen = handScreen(['● The dialog said:', '', '  Enter to confirm · Esc to cancel', '', rule, '❯', rule, '  ? for shortcuts · ← for agents'], 80, '✳ Claude Code');
    const verdict = claudeParser.parse(screen, 0);
    expect(verdict.state === 'waiting' && verdict.prompt.waitType).toBe('awaiting_response');
  });
});
