import { describe, expect, it } from 'vitest';
import { genericParser } from './genericParser.js';
import { snapshotFromText } from '../../src/common/index.js';

describe('genericParser (line-prompt CLIs such as Aider)', () => {
  it("reads Aider's confirm prompt at the cursor with its options", () => {
    const text = 'Run shell command? (Y)es/(N)o/(D)on\'t ask again [Yes]: ';
    const screen = snapshotFromText(`npm test\n${text}`, { cursor: { x: text.length, y: 1 } });
    const verdict = genericParser.parse(screen, 0, { quietMs: 100 });
    expect(verdict.state).toBe('waiting');
    if (verdict.state !== 'waiting') return;
    expect(verdict.prompt.waitType).toBe('tool_approval');
    expect(verdict.prompt.options.map((o) => [o.label, o.keys])).toEqual([
      ['Yes', 'y\r'],
      ['No', 'n\r'],
      ["Don't ask again", 'd\r'],
    ]);
  });

  it('says nothing while output still flows, on a full-screen program, or for prompt text away from the cursor', () => {
    const text = 'Continue? [y/N] ';
    expect(genericParser.parse(snapshotFromText(text, { cursor: { x: text.length, y: 0 } }), 0, { quietMs: 5 }).state).toBe('unknown');
    expect(genericParser.parse({ ...snapshotFromText(text, { cursor: { x: text.length, y: 0 } }), altScreen: true }, 0).state).toBe('unknown');
    expect(genericParser.parse(snapshotFromText(`${text}\nmore output`, { cursor: { x: 11, y: 1 } }), 0).state).toBe('unknown');
  });
});
