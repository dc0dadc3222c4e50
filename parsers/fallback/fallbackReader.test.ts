import { describe, expect, it } from 'vitest';
import { snapshotFromText } from '../../src/common/index.js';
import type { PromptInfo } from '../../src/common/index.js';
import { screenDumps } from '../../test/support/screenDumps.js';
import { readFallbackPrompt } from './fallbackReader.js';

const labels = (prompt: PromptInfo | undefined) => prompt?.options.map((o) => [o.id, o.label, o.keys, o.role]);

describe('fallbackReader on other CLIs\' real dialogs (no CLI knowledge)', () => {
  it('reads a Codex command approval: numbered `›` list, digit keys, roles from the words', () => {
    const prompt = readFallbackPrompt(screenDumps('codex').loadScreen('exec-approval.120x40'));
    expect(prompt?.waitType).toBe('tool_approval');
    expect(prompt?.confidence).toBe('low');
    expect(prompt?.content).toContain('Would you like to run the following command?');
    expect(prompt?.options.map((o) => [o.keys, o.role])).toEqual([
      ['1', 'approve'],
      ['2', 'approve_always'],
      ['3', 'deny'],
    ]);
  });

  it('reads a Gemini tool confirmation inside its box at 80x24', () => {
    const prompt = readFallbackPrompt(screenDumps('gemini').loadScreen('shell-approval.80x24'));
    expect(prompt?.waitType).toBe('tool_approval');
    expect(labels(prompt)).toEqual([
      ['1', 'Allow once', '1', 'approve'],
      ['2', 'Allow for this session', '2', 'approve_always'],
      ['3', 'No, suggest changes (esc)', '3', 'deny'],
    ]);
  });

  it('reads a plan approval as plan_approval (Qwen, list after the plan\'s own numbered lines)', () => {
    const prompt = readFallbackPrompt(screenDumps('qwen').loadScreen('plan-approval.120x40'));
    expect(prompt?.waitType).toBe('plan_approval');
    expect(prompt?.options.map((o) => o.label)).toEqual([
      'Yes, restore previous mode (default)',
      'Yes, and auto-accept edits',
      'Yes, and manually approve edits',
      'No, keep planning (esc)',
    ]);
  });

  it('reads Claude\'s question list across its separator rule, description rows left out', () => {
    const prompt = readFallbackPrompt(screenDumps('claude').loadScreen('ask-one.120x40'));
    expect(prompt?.waitType).toBe('clarifying_question');
    expect(prompt?.options.map((o) => o.label)).toEqual(['OAuth', 'API key', 'Type something.', 'Chat about this']);
  });

  it('answers an unnumbered list with arrows from the focused row, by label', () => {
    const screen = snapshotFromText(['  Detected a custom API key', '', '  Do you want to use this API key?', '', '    Yes', '  ❯ No (recommended)', '', '  Enter to confirm · Esc to cancel'].join('\n'), {
      cols: 80,
      rows: 12,
      cursor: { x: 2, y: 5 },
    });
    const prompt = readFallbackPrompt(screen);
    expect(prompt?.waitType).toBe('tool_approval');
    expect(labels(prompt)).toEqual([
      ['yes', 'Yes', '\x1b[A\r', 'approve'],
      ['no-recommended', 'No (recommended)', '\r', 'deny'],
    ]);
  });

  it('reads option items with description rows separated by blank rows (a provider picker)', () => {
    const screen = snapshotFromText(
      ['  │ Connect a Provider', '  │', '  │ › Alibaba ModelStudio', '  │   Official recommended setup', '  │', '  │   Third-party Providers', '  │   Choose a built-in provider', '  │', '  │   Custom Provider', '  │   Manually connect a local server'].join('\n'),
      { cols: 80, rows: 14, cursor: { x: 0, y: 13 } },
    );
    expect(readFallbackPrompt(screen)?.options.map((o) => o.label)).toEqual(['Alibaba ModelStudio', 'Third-party Providers', 'Custom Provider']);
  });

  it('reads a y/n question at the cursor', () => {
    const screen = snapshotFromText('Overwrite config.yaml? [y/N] ', { cols: 80, rows: 5, cursor: { x: 29, y: 0 } });
    expect(readFallbackPrompt(screen)?.options.map((o) => o.label)).toEqual(['Yes', 'No']);
  });
});

describe('fallbackReader negatives', () => {
  it('sees nothing on idle boxes, busy screens and look-alike answers of every CLI', () => {
    for (const cli of ['claude', 'codex', 'gemini', 'qwen', 'opencode']) {
      const dumps = screenDumps(cli);
      for (const name of dumps.screenNames().filter((n) => /^(idle|busy|lookalike|loading)/.test(n))) {
        expect(readFallbackPrompt(dumps.loadScreen(name)), `${cli}/${name}`).toBeUndefined();
      }
    }
  });

  it('sees nothing while a busy row is up, even with a list on screen', () => {
    const screen = snapshotFromText(['Pick one:', '› 1. Yes', '  2. No', '', '✻ Pondering… (3s · esc to interrupt)'].join('\n'), { cols: 80, rows: 8, cursor: { x: 0, y: 7 } });
    expect(readFallbackPrompt(screen)).toBeUndefined();
  });

  it('takes a list without a focused row, or with text below it, for output', () => {
    const markdown = snapshotFromText(['Steps:', '1. Build', '2. Test', '3. Ship'].join('\n'), { cols: 80, rows: 6, cursor: { x: 0, y: 5 } });
    expect(readFallbackPrompt(markdown)).toBeUndefined();
    const followed = snapshotFromText(['› 1. Yes', '  2. No', 'a', 'b', 'c', 'd', 'e'].join('\n'), { cols: 80, rows: 9, cursor: { x: 0, y: 8 } });
    expect(readFallbackPrompt(followed)).toBeUndefined();
  });

  it('takes a prompt glyph with the cursor in its text for an input line, not a list', () => {
    const composer = snapshotFromText(['› Ask Codex to do anything', '', '  ? for shortcuts'].join('\n'), { cols: 80, rows: 5, cursor: { x: 2, y: 0 } });
    expect(readFallbackPrompt(composer)).toBeUndefined();
  });
});
