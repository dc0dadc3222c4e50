/**
 * The tray app's decisions as pure functions of the daemon's state, so they are unit-tested
 * under Node without Electron: the tray status (idle, busy, N waiting), the tray menu (sessions
 * with waiting marks, New session…, Pair phone…, Open dashboard, Start at login, Quit), and
 * whether a new prompt deserves a native notification.
 */
import type { SessionInfo } from '../src/common/events.js';

/** What a menu item does when clicked (main.ts maps these to windows and app calls). */
export type MenuAction =
  | { readonly kind: 'open-session'; readonly sessionId: string }
  | { readonly kind: 'new-session' }
  | { readonly kind: 'pair-phone' }
  | { readonly kind: 'open-dashboard' }
  | { readonly kind: 'toggle-start-at-login' }
  | { readonly kind: 'quit' };

/** One tray menu row (a plain description; tray.ts turns it into an Electron MenuItem). */
export interface MenuEntry {
  readonly label: string;
  readonly type: 'normal' | 'separator' | 'checkbox';
  readonly enabled: boolean;
  readonly checked?: boolean;
  readonly action?: MenuAction;
}

/** The tray icon's state. */
export interface TrayStatus {
  readonly kind: 'idle' | 'busy' | 'waiting';
  /** Sessions waiting for a decision (tool, plan, question). */
  readonly waitingCount: number;
  /** Text beside the icon (macOS title) and the badge count; empty when nothing waits. */
  readonly title: string;
  readonly tooltip: string;
}

/** Wait types that need the user's decision; `awaiting_response` means the agent is idle. */
export function isDecision(waitType: string | undefined): boolean {
  return waitType === 'tool_approval' || waitType === 'plan_approval' || waitType === 'clarifying_question';
}

const WAIT_MARKS: Readonly<Record<string, string>> = {
  tool_approval: 'approval',
  plan_approval: 'plan',
  clarifying_question: 'question',
};

/** The tray status from the session list. */
export function trayStatus(sessions: readonly SessionInfo[]): TrayStatus {
  const live = sessions.filter((session) => session.status !== 'exited');
  const waitingCount = live.filter((session) => isDecision(session.waiting?.wait_type)).length;
  const busyCount = live.filter((session) => session.waiting === null).length;
  if (waitingCount > 0) {
    return { kind: 'waiting', waitingCount, title: String(waitingCount), tooltip: `Tether: ${waitingCount} waiting for you` };
  }
  if (busyCount > 0) return { kind: 'busy', waitingCount, title: '', tooltip: `Tether: ${busyCount} working` };
  return { kind: 'idle', waitingCount, title: '', tooltip: live.length === 0 ? 'Tether: no sessions' : 'Tether: idle' };
}

/** The label of one session row: a mark when it waits, its name and state. */
export function sessionLabel(session: SessionInfo): string {
  const waitType = session.waiting?.wait_type;
  if (session.status === 'exited') return `  ${session.name} (exited)`;
  if (isDecision(waitType)) return `● ${session.name} — waiting (${WAIT_MARKS[waitType!]})`;
  if (waitType === 'awaiting_response') return `  ${session.name} — idle`;
  return `  ${session.name} — working`;
}

/** Sessions shown at most; the dashboard lists the rest. */
export const MAX_MENU_SESSIONS = 12;

/** The whole tray menu. Waiting sessions come first, then the others, newest first. */
export function buildTrayMenu(state: { readonly sessions: readonly SessionInfo[]; readonly startAtLogin: boolean }): MenuEntry[] {
  const status = trayStatus(state.sessions);
  const ordered = [...state.sessions].sort((left, right) => {
    const waiting = Number(isDecision(right.waiting?.wait_type)) - Number(isDecision(left.waiting?.wait_type));
    return waiting !== 0 ? waiting : right.created_at.localeCompare(left.created_at);
  });
  const shown = ordered.slice(0, MAX_MENU_SESSIONS);
  const entries: MenuEntry[] = [{ label: status.tooltip.replace(/^Tether: /, 'Tether — '), type: 'normal', enabled: false }];
  if (shown.length === 0) entries.push({ label: '  No sessions', type: 'normal', enabled: false });
  for (const session of shown) {
    entries.push({ label: sessionLabel(session), type: 'normal', enabled: true, action: { kind: 'open-session', sessionId: session.id } });
  }
  if (ordered.length > shown.length) {
    entries.push({ label: `  ${ordered.length - shown.length} more…`, type: 'normal', enabled: true, action: { kind: 'open-dashboard' } });
  }
  const separator: MenuEntry = { label: '', type: 'separator', enabled: true };
  entries.push(
    separator,
    { label: 'New session…', type: 'normal', enabled: true, action: { kind: 'new-session' } },
    { label: 'Pair phone…', type: 'normal', enabled: true, action: { kind: 'pair-phone' } },
    { label: 'Open dashboard', type: 'normal', enabled: true, action: { kind: 'open-dashboard' } },
    separator,
    { label: 'Start at login', type: 'checkbox', enabled: true, checked: state.startAtLogin, action: { kind: 'toggle-start-at-login' } },
    { label: 'Quit Tether', type: 'normal', enabled: true, action: { kind: 'quit' } },
  );
  return entries;
}

/** What a window shows, as far as notifications care. */
export type WindowView = { readonly kind: 'dashboard' } | { readonly kind: 'session'; readonly sessionId: string } | { readonly kind: 'pairing' };

/**
 * True when a new prompt should raise a native notification: it needs a decision and no
 * visible window shows it (the dashboard shows every session's sheet; a session window its own).
 */
export function shouldNotify(prompt: { readonly session_id: string; readonly wait_type: string }, visibleWindows: readonly WindowView[]): boolean {
  if (!isDecision(prompt.wait_type)) return false;
  return !visibleWindows.some((view) => view.kind === 'dashboard' || (view.kind === 'session' && view.sessionId === prompt.session_id));
}

/** Schemes `shell.openExternal` may open: a link out of the UI is a web page, never a file, app or script. */
const EXTERNAL_SCHEMES: ReadonlySet<string> = new Set(['http:', 'https:']);

/** True when `url` may be handed to the system's opener (http and https only). */
export function isExternalUrlAllowed(url: string): boolean {
  try {
    return EXTERNAL_SCHEMES.has(new URL(url).protocol);
  } catch {
    return false;
  }
}

/** True when `url` is on the origin of `base` (the daemon's pages); false for anything unparsable. */
export function isSameOrigin(url: string, base: string): boolean {
  try {
    return new URL(url).origin === new URL(base).origin;
  } catch {
    return false;
  }
}

/** Markup characters a Linux notification server (org.freedesktop.Notifications, body markup) interprets. */
const MARKUP_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * The native notification for a prompt: title by wait type, body with the session name and the
 * prompt's first lines. On Linux the body is markup (freedesktop notification spec, "body-markup"),
 * so prompt text is escaped there: a prompt cannot make a link or hide text.
 */
export function notificationContent(
  prompt: { readonly wait_type: string; readonly tool_name?: string; readonly prompt_content: string; readonly cli_type: string },
  sessionName: string | undefined,
  platform: NodeJS.Platform,
): { title: string; body: string } {
  const title = prompt.wait_type === 'tool_approval' ? `${prompt.tool_name ?? 'A tool'} needs approval` : 'An agent is waiting for you';
  const body = `${sessionName ?? prompt.cli_type}\n${prompt.prompt_content.split('\n').slice(0, 3).join('\n')}`;
  return { title, body: platform === 'linux' ? body.replace(/[&<>"']/g, (character) => MARKUP_ESCAPES[character]) : body };
}
