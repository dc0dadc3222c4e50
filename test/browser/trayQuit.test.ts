/**
 * The tray's Quit with a choice under plain Node (no Electron binary here): what it asks with
 * hosted and in-process agents, and the daemon stop each answer leads to.
 */
import { describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../src/common/events.js';
import { quitPrompt, quitStopOptions } from '../../electron/quitChoice.js';

function session(id: string, status: SessionInfo['status'] = 'running'): SessionInfo {
  return {
    id,
    name: id,
    cli_type: 'claude',
    command: 'claude',
    args: [],
    cwd: '/home/ada',
    cols: 120,
    rows: 40,
    status,
    exit_code: status === 'running' ? null : 0,
    created_at: '2026-11-21T11:00:00.000Z',
    updated_at: '2026-11-21T11:00:00.000Z',
    waiting: null,
  };
}

describe('tray Quit', () => {
  it('quits at once, keeping nothing to ask about, when no agent runs', () => {
    const prompt = quitPrompt([session('a', 'exited')], true);
    expect(prompt).toBeUndefined();
    expect(quitStopOptions(prompt, undefined)).toEqual({ stopSessions: false });
  });

  it('asks to keep or stop hosted agents; keep leaves them to the next Tether, stop ends them, cancel stays', () => {
    const prompt = quitPrompt([session('a'), session('b'), session('c', 'exited')], true)!;
    expect(prompt.message).toBe('2 agents still running');
    expect(prompt.buttons).toEqual(['Keep agents running', 'Stop agents', 'Cancel']);
    expect(prompt.buttons[prompt.defaultId]).toBe('Keep agents running');
    expect(prompt.buttons[prompt.cancelId]).toBe('Cancel');
    expect(quitStopOptions(prompt, 0)).toEqual({ stopSessions: false });
    expect(quitStopOptions(prompt, 1)).toEqual({ stopSessions: true });
    expect(quitStopOptions(prompt, 2)).toBeUndefined();
    // A response outside the buttons (a closed box) is a cancel.
    expect(quitStopOptions(prompt, 7)).toBeUndefined();
  });

  it('with in-process agents offers only to stop them or cancel (they cannot outlive the app)', () => {
    const prompt = quitPrompt([session('a')], false)!;
    expect(prompt.message).toBe('Quit Tether and stop 1 agent?');
    expect(prompt.buttons).toEqual(['Quit and stop agents', 'Cancel']);
    expect(prompt.buttons[prompt.defaultId]).toBe('Cancel');
    expect(quitStopOptions(prompt, 0)).toEqual({ stopSessions: true });
    expect(quitStopOptions(prompt, prompt.cancelId)).toBeUndefined();
  });
});
