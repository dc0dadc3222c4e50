/**
 * The session list shared by both views: one row per session with its name, CLI, project and
 * a live badge (busy, waiting by type, idle, exited). Rows are buttons (≥ 44 px) that call
 * `onOpen`; the list re-renders from the connection's state on every change.
 */
import type { Connection } from './connection.js';
import { h, projectName, sessionBadge } from './dom.js';

/** Renders the list into `list` (replacing its content). */
export function renderSessionList(list: HTMLElement, connection: Connection, selected: string | undefined, onOpen: (sessionId: string) => void): void {
  const rows = [...connection.sessions.values()].reverse().map((session) => {
    const badge = sessionBadge(session);
    return h(
      'li',
      {},
      h(
        'button',
        {
          class: `session-row${session.id === selected ? ' selected' : ''}`,
          'data-session': session.id,
          'data-state': badge.kind,
          'aria-current': session.id === selected ? 'true' : undefined,
          onclick: () => onOpen(session.id),
        },
        h('span', { class: 'session-name' }, session.name),
        h('span', { class: 'session-meta' }, `${session.cli_type} · ${projectName(session.cwd)}`),
        h('span', { class: `badge ${badge.kind}` }, badge.label),
      ),
    );
  });
  list.replaceChildren(...rows);
  if (rows.length === 0) list.append(h('li', { class: 'empty' }, 'No sessions yet. Start one on your computer with `tether run claude`.'));
}
