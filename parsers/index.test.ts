import { describe, expect, it } from 'vitest';
import { CLI_ID_PATTERN, snapshotFromText } from '../src/common/index.js';
import { CLIS, cliCatalog, detectCliFromCommand, detectCliFromScreen, getCli, getParser, isCliType, submitDelayFor } from './index.js';

describe('the CLI registry', () => {
  it('lists each CLI once, with a well-formed id that its parser carries', () => {
    const ids = CLIS.map((cli) => cli.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const cli of CLIS) {
      expect(cli.id).toMatch(CLI_ID_PATTERN);
      expect(cli.parser.cli).toBe(cli.id);
      expect(cli.displayName).not.toBe('');
    }
    const commands = CLIS.flatMap((cli) => cli.commands);
    expect(new Set(commands).size).toBe(commands.length);
  });

  it('maps command names to CLIs, Aider to its own descriptor', () => {
    expect(detectCliFromCommand('claude')).toBe('claude');
    expect(detectCliFromCommand('/opt/bin/Claude.exe')).toBe('claude');
    expect(detectCliFromCommand('C:\\tools\\codex')).toBe('codex');
    expect(detectCliFromCommand('/usr/bin/zsh')).toBe('shell');
    expect(detectCliFromCommand('aider')).toBe('aider');
    expect(detectCliFromCommand('vim')).toBeUndefined();
  });

  it('knows ids, falls back to generic, and keeps the longer submit pause', () => {
    expect(isCliType('qwen')).toBe(true);
    expect(isCliType('aider')).toBe(true);
    expect(isCliType('auto')).toBe(false);
    expect(getCli('nope').id).toBe('generic');
    expect(getParser('aider').cli).toBe('aider');
    expect(submitDelayFor('gemini', 150)).toBe(1000);
    expect(submitDelayFor('qwen', 1500)).toBe(1500);
    expect(submitDelayFor('claude', 150)).toBe(150);
  });

  it('detects a shell prompt when no banner matches', () => {
    expect(detectCliFromScreen(snapshotFromText('$ ', { cursor: { x: 2, y: 0 } }))).toBe('shell');
    expect(detectCliFromScreen(snapshotFromText('loading', { cursor: { x: 7, y: 0 } }))).toBeUndefined();
  });

  it('gives clients every CLI with its name and the commands that start it', () => {
    const catalog = cliCatalog();
    expect(catalog.map((cli) => cli.id)).toEqual(CLIS.map((cli) => cli.id));
    expect(catalog.find((cli) => cli.id === 'claude')).toEqual({ id: 'claude', display_name: 'Claude Code', commands: ['claude', 'claude.exe'] });
    expect(catalog.find((cli) => cli.id === 'generic')?.commands).toEqual([]);
  });
});
