import { describe, expect, it } from 'vitest';
import { snapshotFromText } from '../../src/common/index.js';
import { aiderParser } from './aiderParser.js';

// As aider/io.py confirm_ask draws them through prompt_toolkit: a blank row, the subject, the question.
const SHELL = "Run shell command? (Y)es/(N)o/(D)on't ask again [Yes]: ";

describe('aiderParser', () => {
  it('reads a confirm prompt at the cursor with its subject, options, keys and roles', () => {
    const screen = snapshotFromText(`> /run npm test\n\nnpm test\n${SHELL}`, { cursor: { x: SHELL.length, y: 3 } });
    const verdict = aiderParser.parse(screen, 0, { quietMs: 100 });
    expect(verdict.state).toBe('waiting');
    if (verdict.state !== 'waiting') return;
    expect(verdict.prompt.waitType).toBe('tool_approval');
    expect(verdict.prompt.content).toBe(`npm test\n${SHELL.trim()}`);
    expect(verdict.prompt.options.map((o) => [o.label, o.keys, o.role])).toEqual([
      ['Yes', 'y\r', 'approve'],
      ['No', 'n\r', 'deny'],
      ["Don't ask again", 'd\r', 'deny'],
    ]);
  });

  it('waits for output to settle and ignores full-screen programs and prompts away from the cursor', () => {
    const screen = snapshotFromText(SHELL, { cursor: { x: SHELL.length, y: 0 } });
    expect(aiderParser.parse(screen, 0, { quietMs: 5 }).state).toBe('unknown');
    expect(aiderParser.parse({ ...screen, altScreen: true }, 0).state).toBe('unknown');
    expect(aiderParser.parse(snapshotFromText(`${SHELL}\n> `, { cursor: { x: 2, y: 1 } }), 0).state).toBe('unknown');
  });
});
