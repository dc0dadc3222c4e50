/**
 * The phone view: the session list with live badges, a read-only terminal per session with
 * its key bar and message box, the approval sheet that opens by itself when a session needs a
 * decision, the offline banner, and the "Notify me" button for Web Push.
 */
import { openApprovalSheet, type ApprovalSheet } from './approvalSheet.js';
import type { Connection } from './connection.js';
import { h, needsDecision, projectName } from './dom.js';
import { enablePush, pushSupport, refreshPushRegistration, registerServiceWorker } from './push.js';
import { createQueuePanel, type QueuePanel } from './queuePanel.js';
import { renderSessionList } from './sessionList.js';
import { createTerminalView, type TerminalView } from './terminalView.js';

/**
 * How often a visible phone repeats `app_state active`: the daemon takes a report as proof
 * that the user watches the session for 30 s, so 15 s keeps it from lapsing.
 */
const APP_STATE_REPEAT_MS = 15_000;

const PUSH_MESSAGES: Readonly<Record<string, string>> = {
  ready: 'Notifications on',
  insecure: 'Notifications need HTTPS (see README: Apps)',
  unsupported: 'This browser cannot receive notifications',
  'no-key': 'The daemon has no Web Push key configured',
  denied: 'Notifications are blocked in the browser settings',
};

/** Mounts the phone view into `root`. `onSignedOut` runs when the token stops working. */
export function mountPhone(root: HTMLElement, connection: Connection, onSignedOut: () => void): void {
  const banner = h('div', { class: 'banner offline', role: 'alert', hidden: true }, 'Offline — reconnecting…');
  const pushButton = h('button', { class: 'header-button', onclick: () => void turnOnPush() }, 'Notify me');
  const back = h('button', { class: 'header-button back', hidden: true, 'aria-label': 'Back to sessions', onclick: () => showList() }, '‹ Sessions');
  const title = h('h1', {}, 'Tether');
  const list = h('ul', { class: 'session-list', 'aria-label': 'Sessions' });
  const main = h('main', { class: 'phone-main' }, list);
  const sheetHost = h('div', { class: 'sheet-host' });
  root.replaceChildren(h('header', { class: 'app-header' }, back, title, pushButton), banner, main, sheetHost);
  root.className = 'phone';

  let openSession: string | undefined;
  let terminal: TerminalView | undefined;
  let queue: QueuePanel | undefined;
  let sheet: ApprovalSheet | undefined;
  const dismissed = new Set<string>();

  async function turnOnPush(): Promise<void> {
    const result = await enablePush(connection);
    pushButton.textContent = PUSH_MESSAGES[result] ?? result;
    pushButton.disabled = result === 'ready';
  }
  if (pushSupport() !== 'ready') pushButton.hidden = true;
  void registerServiceWorker();

  function showList(): void {
    terminal?.dispose();
    terminal = undefined;
    queue?.dispose();
    queue = undefined;
    openSession = undefined;
    back.hidden = true;
    title.textContent = 'Tether';
    main.replaceChildren(list);
    reportState();
    render();
  }

  function showSession(sessionId: string): void {
    const waiting = connection.waiting.get(sessionId);
    if (waiting && needsDecision(waiting.wait_type)) dismissed.delete(waiting.prompt_id);
    if (openSession !== sessionId) {
      terminal?.dispose();
      queue?.dispose();
      openSession = sessionId;
      terminal = createTerminalView(connection, sessionId, { interactive: false });
      queue = createQueuePanel(connection, sessionId);
      const session = connection.sessions.get(sessionId);
      title.textContent = session ? `${session.name} · ${projectName(session.cwd)}` : sessionId;
      back.hidden = false;
      // The queue sits under the session's terminal.
      main.replaceChildren(terminal.element, queue.element);
      reportState();
    }
    render();
  }

  function reportState(): void {
    const state = document.visibilityState === 'visible' ? 'active' : 'background';
    connection.send({ type: 'app_state', state, ...(state === 'active' && openSession ? { session_id: openSession } : {}) });
  }

  function maybeOpenSheet(): void {
    if (sheet !== undefined) return;
    const candidates = [...connection.waiting.values()].filter((event) => needsDecision(event.wait_type) && !dismissed.has(event.prompt_id));
    const event = candidates.find((candidate) => candidate.session_id === openSession) ?? candidates[0];
    if (event === undefined) return;
    const opened = openApprovalSheet(sheetHost, connection, event, () => {
      if (connection.waiting.get(event.session_id)?.prompt_id === event.prompt_id) dismissed.add(event.prompt_id);
      sheet = undefined;
      queueMicrotask(render);
    });
    sheet = opened;
  }

  function render(): void {
    renderSessionList(list, connection, openSession, showSession);
    maybeOpenSheet();
  }

  connection.on('change', render);
  connection.on('status', (status) => {
    banner.hidden = status === 'online' || status === 'connecting';
    if (status === 'unauthorized') onSignedOut();
    else if (status === 'online') {
      reportState();
      void refreshPushRegistration(connection);
    }
  });
  document.addEventListener('visibilitychange', () => {
    reportState();
    if (document.visibilityState === 'visible') void refreshPushRegistration(connection);
  });
  // While the page is visible the proof is renewed before it lapses.
  window.setInterval(() => {
    if (document.visibilityState === 'visible') reportState();
  }, APP_STATE_REPEAT_MS);
  render();
}
