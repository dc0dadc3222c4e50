/**
 * The tray's Quit with a choice, as pure functions (unit-tested under Node in
 * test/browser/trayQuit.test.ts; main.ts only shows the dialog): with agents running in session
 * hosts, Quit asks whether to keep them running (the next Tether re-attaches them: issue 14) or
 * stop them (`tether daemon --stop-sessions`); with in-process agents it says they will stop; with
 * no running agent it quits at once. A quit that did not come from the menu (an update's
 * restart, the OS logging out) asks nothing and keeps hosted agents.
 */
import type { SessionInfo } from '../src/common/events.js';

/** What the user picked: quit and keep the agents, quit and stop them, or not quit. */
export type QuitChoice = 'keep' | 'stop' | 'cancel';

/** A message box (Electron's `dialog.showMessageBox` options) and the choice of each button, by index. */
export interface QuitPrompt {
  readonly message: string;
  readonly detail: string;
  readonly buttons: readonly string[];
  readonly choices: readonly QuitChoice[];
  /** Index of the button Enter picks. */
  readonly defaultId: number;
  /** Index of the button Escape (or closing the box) picks. */
  readonly cancelId: number;
}

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * The question Quit asks, or undefined when it should quit at once (no agent running).
 * @param sessions the daemon's sessions
 * @param hosted true when agents run in session hosts (config `sessions.hosted` and a host program)
 */
export function quitPrompt(sessions: readonly SessionInfo[], hosted: boolean): QuitPrompt | undefined {
  const running = sessions.filter((session) => session.status === 'running');
  if (running.length === 0) return undefined;
  const agents = plural(running.length, 'agent');
  if (!hosted) {
    return {
      message: `Quit Tether and stop ${agents}?`,
      detail: 'These agents run inside Tether and end with it.',
      buttons: ['Quit and stop agents', 'Cancel'],
      choices: ['stop', 'cancel'],
      defaultId: 1,
      cancelId: 1,
    };
  }
  return {
    message: `${agents} still running`,
    detail: 'Kept agents go on working while Tether is closed; the next start of Tether shows them again. Stopped agents end now.',
    buttons: ['Keep agents running', 'Stop agents', 'Cancel'],
    choices: ['keep', 'stop', 'cancel'],
    defaultId: 0,
    cancelId: 2,
  };
}

/**
 * The daemon's stop options for the button the user pressed (`response`, as
 * `dialog.showMessageBox` resolves it), or undefined to stay open.
 */
export function quitStopOptions(prompt: QuitPrompt | undefined, response: number | undefined): { stopSessions: boolean } | undefined {
  if (!prompt) return { stopSessions: false };
  const choice = response === undefined ? 'cancel' : (prompt.choices[response] ?? 'cancel');
  if (choice === 'cancel') return undefined;
  return { stopSessions: choice === 'stop' };
}
