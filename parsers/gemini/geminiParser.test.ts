import { describe, expect, it } from 'vitest';
import { snapshotFromText } from '../../src/common/index.js';
import { geminiParser } from './geminiParser.js';
import { findLastBox, readRadioList } from './geminiBox.js';
import { handScreen, screenDumps } from '../../test/support/screenDumps.js';

const { loadScreen, screenNames } = screenDumps('gemini');

const verdictOf = (name: string) => geminiParser.parse(loadScreen(name), 0);
const promptOf = (name: string) => {
  const verdict = verdictOf(name);
  if (verdict.state !== 'waiting') throw new Error(`${name}: ${verdict.state}`);
  return verdict.prompt;
};
const summary = (name: string) => promptOf(name).options.map((o) => [o.keys, o.label, o.role ?? '']);

describe('geminiParser on real Gemini CLI 0.61.0 tool confirmations', () => {
  it('reads the shell confirmation with digit keys and roles, at both sizes', () => {
    for (const name of ['shell-approval.120x40', 'shell-approval.80x24']) {
      const prompt = promptOf(name);
      expect(prompt.waitType).toBe('tool_approval');
      expect(prompt.toolName).toBe('Shell');
      expect(prompt.cancelKeys).toBe('\x1b');
      expect(prompt.content.split('\n')).toEqual(['? Shell  touch created-by-tool.txt', 'touch created-by-tool.txt', 'Allow execution of [Shell]?']);
      expect(summary(name)).toEqual([
        ['1', 'Allow once', 'approve'],
        ['2', 'Allow for this session', 'approve_always'],
        ['3', 'No, suggest changes (esc)', 'deny'],
      ]);
    }
  });

  it('reads write and edit confirmations (diff inside a nested box) with the editor row unmapped', () => {
    for (const [name, tool] of [['write-approval.120x40', 'WriteFile'], ['edit-approval.80x24', 'Edit']] as const) {
      const prompt = promptOf(name);
      expect(prompt.waitType, name).toBe('tool_approval');
      expect(prompt.toolName, name).toBe(tool);
      expect(prompt.content, name).toMatch(/Apply this change\?$/);
      expect(summary(name), name).toEqual([
        ['1', 'Allow once', 'approve'],
        ['2', 'Allow for this session', 'approve_always'],
        ['3', 'Modify with external editor', ''],
        ['4', 'No, suggest changes (esc)', 'deny'],
      ]);
    }
    expect(promptOf('edit-approval.120x40').content).toContain('2 + hello tether');
  });
});

describe('geminiParser on idle and busy screens', () => {
  it('reads the empty input box as awaiting_response: when ready, after a turn, a deny, long output, in plan mode', () => {
    for (const name of screenNames().filter((n) => n.startsWith('idle-') || n.startsWith('lookalike-'))) {
      expect(promptOf(name).waitType, name).toBe('awaiting_response');
    }
  });

  it('does not report the first paint (input box without the banner above it) as ready', () => {
    const firstPaint = [
      '',
      '                                                                ? for shortcuts',
      '─'.repeat(80),
      ' Shift+Tab to accept edits',
      '▄'.repeat(80),
      ' >   Type your message or @path/to/file',
      '▀'.repeat(80),
      ' workspace (/directory)                 sandbox                 /model',
      ' /tmp/tether-gemini/project             no sandbox                Auto',
    ];
    expect(geminiParser.parse(handScreen(firstPaint), 0).state).toBe('unknown');
    const withBanner = [' ▝▜▄     Gemini CLI v0.61.0', ...firstPaint];
    expect(geminiParser.parse(handScreen(withBanner), 0).state).toBe('waiting');
  });

  it('reports a startup dialog from its first paint (alone on the screen), which already takes the answer', () => {
    const dialog = [
      ' ╭──────────────────────────────────────────────────╮',
      ' │ Do you trust the files in this folder?           │',
      ' │ ● 1. Trust folder (project)                      │',
      ' │   2. Trust parent folder (tmp)                   │',
      " │   3. Don't trust                                 │",
      ' ╰──────────────────────────────────────────────────╯',
    ];
    const first = geminiParser.parse(handScreen(dialog), 0);
    expect(first.state === 'waiting' && first.prompt.kind).toBe('trust_folder');
    const redrawn = geminiParser.parse(handScreen([' ▝▜▄     Gemini CLI v0.61.0', ...dialog]), 0);
    expect(redrawn.state === 'waiting' && redrawn.prompt.kind).toBe('trust_folder');
  });

  it('reads the spinner row as busy, even with prompt-like log lines on screen', () => {
    for (const name of ['busy.120x40', 'busy.80x24', 'busy-spinner.120x40', 'busy-spinner.80x24']) expect(verdictOf(name).state, name).toBe('busy');
  });

  it('matches the banner and never throws on any dump or junk', () => {
    expect(geminiParser.matchesBanner?.(loadScreen('idle-ready.80x24'))).toBe(true);
    expect(geminiParser.matchesBanner?.(snapshotFromText('Claude Code v2'))).toBe(false);
    for (const name of screenNames()) expect(() => geminiParser.parse(loadScreen(name), 0)).not.toThrow();
    expect(geminiParser.parse(snapshotFromText(''), 0).state).toBe('unknown');
    expect(geminiParser.parse(snapshotFromText('Steps:\n● 1. Allow once\n  2. No, suggest changes (esc)\n'), 0).state).toBe('unknown');
  });
});

describe('geminiParser on dialogs', () => {
  it('reads the plan approval, its feedback row taking text', () => {
    for (const name of ['plan-approval.120x40', 'plan-approval.80x24']) {
      const prompt = promptOf(name);
      expect(prompt.waitType, name).toBe('plan_approval');
      expect(prompt.content.split('\n')[0]).toBe('Ready to start implementation?');
      expect(prompt.content).toContain('Plan: add a greeting script');
      expect(prompt.options.map((o) => o.label)).toEqual(['Yes, automatically accept edits', 'Yes, manually accept edits', 'Type your feedback...']);
      expect(prompt.options.find((o) => o.acceptsText)?.keys).toBe('3');
    }
  });

  it('reads ask_user questions: choices with a custom-value row, descriptions left out of labels', () => {
    for (const name of ['ask-one.120x40', 'ask-several.80x24']) {
      const prompt = promptOf(name);
      expect(prompt.waitType, name).toBe('clarifying_question');
      expect(prompt.content).toMatch(/^Answer Questions\n[\s\S]*Which auth method should we use\?$/);
      expect(prompt.options.map((o) => [o.keys, o.label])).toEqual([['1', 'OAuth'], ['2', 'API key'], ['3', 'Enter a custom value']]);
      expect(prompt.options[2].acceptsText).toBe(true);
    }
    // The tab bar marks answered questions, so the second question is a new prompt.
    expect(promptOf('ask-several-second.120x40').content.split('\n')[1]).toContain('✓ Auth');
  });

  it('reads a text question (typed answer) and the review tab (Enter submits)', () => {
    const text = promptOf('ask-text.80x24');
    expect(text.waitType).toBe('clarifying_question');
    expect(text.acceptsText).toBe(true);
    expect(text.options).toEqual([]);
    expect(text.content).toBe('Answer Questions\nWhat should the service be called?');
    const review = promptOf('ask-review.120x40');
    expect(review.options).toEqual([{ id: 'submit', label: 'Submit answers', keys: '\r' }]);
    expect(review.content).toContain('Storage → SQLite');
  });

  it('reads the trust and auth startup dialogs', () => {
    for (const name of ['trust-dialog.120x40', 'trust-dialog.80x24']) {
      const prompt = promptOf(name);
      expect(prompt.kind).toBe('trust_folder');
      expect(summary(name)).toEqual([
        ['1', 'Trust folder (project)', 'approve'],
        ['2', 'Trust parent folder (tether-gemini-study)', ''],
        ['3', "Don't trust", 'deny'],
      ]);
    }
    const auth = promptOf('auth-dialog.80x24');
    expect(auth.kind).toBe('auth');
    expect(auth.options.map((o) => o.label)).toEqual(['Sign in with Google', 'Use Gemini API Key', 'Vertex AI']);
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

/** The older confirmation shape (cli-prompts.md §3.3, before PR #15296; Qwen Code keeps it). */
const OLD_SHELL = [
  ' > run the tests',
  '╭──────────────────────────────────────────────────────────────────────────────╮',
  '│ Action Required                                                       1 of 2 │',
  '│ ? Shell  npm test                                                            │',
  '│ ╭──────────╮                                                                 │',
  '│ │ npm test │                                                                 │',
  '│ ╰──────────╯                                                                 │',
  "│ Allow execution of: 'npm'?                                                   │",
  '│ ● 1. Yes, allow once                                                         │',
  '│   2. Yes, allow always ...                                                   │',
  '│   3. No, suggest changes (esc)                                               │',
  '╰──────────────────────────────────────────────────────────────────────────────╯',
];

describe('geminiParser on the older labels (hand-made screens)', () => {
  it('maps Yes, allow once / Yes, allow always / No to roles and digits', () => {
    const verdict = geminiParser.parse(handScreen(OLD_SHELL), 0);
    expect(verdict.state).toBe('waiting');
    if (verdict.state !== 'waiting') return;
    expect(verdict.prompt.waitType).toBe('tool_approval');
    expect(verdict.prompt.toolName).toBe('Shell');
    expect(verdict.prompt.options.map((o) => [o.keys, o.role])).toEqual([['1', 'approve'], ['2', 'approve_always'], ['3', 'deny']]);
    expect(verdict.prompt.content.split('\n')[0]).toMatch(/^Action Required\s+1 of 2$/);
  });

  it('reads the edit variant with "save to policy" and the editor row', () => {
    const rows = [
      ' > fix the app',
      '╭──────────────────────────────────────────────────────────╮',
      '│ ? Edit  src/app.ts: foo => bar                           │',
      '│ Apply this change?                                       │',
      '│ ● 1. Yes, allow once                                     │',
      '│   2. Yes, allow always and save to policy                │',
      '│   3. Modify with external editor                         │',
      '│   4. No, suggest changes (esc)                           │',
      '╰──────────────────────────────────────────────────────────╯',
    ];
    const verdict = geminiParser.parse(handScreen(rows, 60), 0);
    expect(verdict.state === 'waiting' && verdict.prompt.options.map((o) => o.role ?? '')).toEqual(['approve', 'approve_always', '', 'deny']);
  });

  it('joins a label Ink wrapped in a narrow box, and ignores a box with an idle input below it', () => {
    const box = findLastBox(snapshotFromText(
      [
        '╭──────────────────────────────╮',
        '│ Allow execution of [Shell]?  │',
        '│ ● 1. Allow once              │',
        '│   2. Allow this command for  │',
        '│      all future sessions     │',
        '│   3. No, suggest changes     │',
        '╰──────────────────────────────╯',
      ].join('\n'),
    ).lines);
    expect(box && readRadioList(box.rows, box.width)?.map((o) => o.label)).toEqual(['Allow once', 'Allow this command for all future sessions', 'No, suggest changes']);
    const withInput = [...OLD_SHELL, '▄'.repeat(80), ' >   Type your message or @path/to/file', '▀'.repeat(80)];
    expect(geminiParser.parse(handScreen(withInput), 0)).toMatchObject({ state: 'waiting', prompt: { waitType: 'awaiting_response' } });
  });
});
