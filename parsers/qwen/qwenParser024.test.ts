import { describe, expect, it } from 'vitest';
import type { PromptInfo, ScreenSnapshot } from '../../src/common/index.js';
import { screenDumps } from '../../test/support/screenDumps.js';
import { qwenParser } from './qwenParser.js';
import { qwenCli } from './qwenCli.js';

const { loadScreen } = screenDumps('qwen');

const promptOf = (screen: ScreenSnapshot): PromptInfo => {
  const verdict = qwenParser.parse(screen, 0);
  if (verdict.state !== 'waiting') throw new Error(`not waiting: ${verdict.state}`);
  return verdict.prompt;
};

describe('qwenParser on Qwen Code 0.24.4 screens (no box around confirmations)', () => {
  it('reads the shell confirmation: `?` header, command, question, `›` list, waiting row under it', () => {
    for (const [name, command] of [['0.24.4-shell-approval.120x40', 'touch'], ['0.24.4-shell-rm-approval.120x40', 'rm']] as const) {
      const prompt = promptOf(loadScreen(name));
      expect(prompt.waitType).toBe('tool_approval');
      expect(prompt.toolName).toBe('Shell');
      expect(prompt.content.split('\n').at(-1)).toBe(`Allow execution of: '${command}'?`);
      expect(prompt.options.map((o) => [o.keys, o.label, o.role])).toEqual([
        ['1', 'Yes, allow once', 'approve'],
        ['2', `Always allow run '${command} *' commands in this project`, 'approve_always'],
        ['3', `Always allow run '${command} *' commands for this user`, 'approve_always'],
        ['4', 'No, suggest changes (esc)', 'deny'],
      ]);
      expect(prompt.cancelKeys).toBe('\x1b');
    }
  });

  it('reads the plan approval under `? ExitPlanMode Plan:`, the list after the plan\'s own numbered lines', () => {
    const prompt = promptOf(loadScreen('0.24.4-plan-approval.120x40'));
    expect(prompt.waitType).toBe('plan_approval');
    expect(prompt.content).toContain('1. Create marker.txt in the project root');
    expect(prompt.options.map((o) => o.label)).toEqual(['Yes, restore previous mode (default)', 'Yes, and auto-accept edits', 'Yes, and manually approve edits', 'No, keep planning (esc)']);
  });

  it('reads the folder-trust dialog whose box runs off the screen', () => {
    const prompt = promptOf(loadScreen('0.24.4-trust-0.120x40'));
    expect(prompt).toMatchObject({ waitType: 'tool_approval', kind: 'trust_folder' });
    expect(prompt.options.map((o) => [o.keys, o.role])).toEqual([['1', 'approve'], ['2', undefined], ['3', 'deny']]);
  });

  it('reads the provider picker (no auth type) as an auth question answered with arrows and Enter', () => {
    const prompt = promptOf(loadScreen('0.24.4-auth-failed.120x40'));
    expect(prompt).toMatchObject({ waitType: 'clarifying_question', kind: 'auth', content: 'Connect a Provider' });
    expect(prompt.options.map((o) => [o.label, o.keys])).toEqual([
      ['Alibaba ModelStudio', '\r'],
      ['Third-party Providers', '\x1b[B\r'],
      ['Custom Provider', '\x1b[B\x1b[B\r'],
    ]);
  });

  it('reads the idle input with the new footer, in plan mode and after answered dialogs', () => {
    for (const name of ['0.24.4-idle-ready.120x40', '0.24.4-idle-ready-2.120x40', '0.24.4-idle-plan-mode.120x40', '0.24.4-shell-after-1.120x40', '0.24.4-shell-after-esc.120x40', '0.24.4-plan-after-1.120x40']) {
      expect(promptOf(loadScreen(name)).waitType, name).toBe('awaiting_response');
    }
  });

  it('is busy while the spinner row says `esc to cancel`, even with the input drawn', () => {
    for (const name of ['0.24.4-busy.120x40', '0.24.4-busy-early.120x40']) expect(qwenParser.parse(loadScreen(name), 0).state, name).toBe('busy');
  });

  it('reads the version off the banner', () => {
    expect(qwenCli.versions?.fromScreen?.(loadScreen('0.24.4-idle-ready.120x40'))).toBe('0.24.4');
    expect(qwenCli.versions?.fromScreen?.(loadScreen('idle-ready.120x40'))).toBe('0.15.10');
  });
});
