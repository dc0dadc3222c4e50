/**
 * The desktop dashboard: a sidebar with the sessions and "New session", an interactive
 * terminal for the selected one (resizes follow the pane) with its prompt queue, the shared
 * approval sheet, and three panels: "Pair phone" (QR code with its countdown), "Devices" (list
 * with Revoke) and "Saved queues" (prompts queued for sessions that are gone, with Remove).
 */
import { openApprovalSheet, type ApprovalSheet } from './approvalSheet.js';
import type { CliSummary, Connection } from './connection.js';
import { h, needsDecision } from './dom.js';
import type { SessionQueue } from '../../src/common/queue.js';
import { createQueuePanel, type QueuePanel } from './queuePanel.js';
import { renderSessionList } from './sessionList.js';
import { createTerminalView, type TerminalView } from './terminalView.js';


interface DeviceSummary {
  readonly device_id: string;
  readonly device_name: string;
  readonly platform?: string;
  readonly paired_at: string;
  readonly last_seen?: string;
  readonly current: boolean;
}

/** Mounts the dashboard into `root`; `token` authenticates the `/api/web/*` calls. */
export function mountDesktop(root: HTMLElement, connection: Connection, token: string, onSignedOut: () => void): void {
  const api = async (method: string, path: string): Promise<any> => {
    const response = await fetch(path, { method, headers: { authorization: `Bearer ${token}` } });
    const body = await response.json();
    if (!response.ok) throw new Error(body?.error?.message ?? `HTTP ${response.status}`);
    return body;
  };
  const banner = h('div', { class: 'banner offline', role: 'alert', hidden: true }, 'Offline — reconnecting…');
  const list = h('ul', { class: 'session-list', 'aria-label': 'Sessions' });
  const pane = h('section', { class: 'desktop-pane' });
  const panel = h('aside', { class: 'desktop-panel', hidden: true });
  const sheetHost = h('div', { class: 'sheet-host' });
  const sidebar = h(
    'nav',
    { class: 'sidebar' },
    h('div', { class: 'sidebar-title' }, h('h1', {}, 'Tether')),
    h('button', { class: 'primary', onclick: () => showNewSession() }, '+ New session'),
    list,
    h(
      'div',
      { class: 'sidebar-footer' },
      h('button', { onclick: () => void showPairing() }, 'Pair phone'),
      h('button', { onclick: () => void showDevices() }, 'Devices'),
      h('button', { class: 'wide', onclick: () => void showSavedQueues() }, 'Saved queues'),
    ),
  );
  root.replaceChildren(banner, h('div', { class: 'desktop' }, sidebar, pane, panel), sheetHost);
  root.className = 'desktop-root';

  let selected: string | undefined;
  let terminal: TerminalView | undefined;
  let queue: QueuePanel | undefined;
  let sheet: ApprovalSheet | undefined;
  let countdown: number | undefined;
  const dismissed = new Set<string>();

  function select(sessionId: string): void {
    if (selected !== sessionId) {
      terminal?.dispose();
      queue?.dispose();
      selected = sessionId;
      terminal = createTerminalView(connection, sessionId, { interactive: true });
      queue = createQueuePanel(connection, sessionId);
      pane.replaceChildren(terminal.element, queue.element);
      terminal.focus();
    }
    const waiting = connection.waiting.get(sessionId);
    if (waiting) dismissed.delete(waiting.prompt_id);
    render();
  }

  function closePanel(): void {
    if (countdown !== undefined) clearInterval(countdown);
    countdown = undefined;
    panel.hidden = true;
    panel.replaceChildren();
  }

  function openPanel(title: string, ...content: Node[]): void {
    closePanel();
    panel.hidden = false;
    panel.append(h('header', {}, h('h2', {}, title), h('button', { class: 'close', 'aria-label': 'Close', onclick: closePanel }, '×')), ...content);
  }

  /** The "New session" choices: each CLI the daemon can start by name, as its first command. */
  function cliChoices(clis: readonly CliSummary[]): HTMLOptionElement[] {
    return clis.filter((cli) => cli.commands.length > 0).map((cli) => h('option', { value: cli.commands[0] }, `${cli.display_name} (${cli.commands[0]})`));
  }

  function showNewSession(): void {
    const cli = h('select', { name: 'cli', 'aria-label': 'CLI' }, ...cliChoices(connection.clis));
    // Opened before the daemon's welcome arrived (the tray's `?panel=new`): fill it in then.
    if (cli.options.length === 0) {
      const removeListener = connection.on('change', () => {
        if (connection.clis.length === 0) return;
        removeListener();
        if (cli.options.length === 0) cli.append(...cliChoices(connection.clis));
      });
    }
    const folder = h('input', { type: 'text', name: 'cwd', placeholder: 'Folder (absolute path; empty for home)', 'aria-label': 'Folder', autocomplete: 'off' });
    const error = h('p', { class: 'error', role: 'alert' });
    const form = h(
      'form',
      {
        class: 'new-session',
        onsubmit: async (event: Event) => {
          event.preventDefault();
          error.textContent = '';
          try {
            const reply = await connection.request({ type: 'create_session', cli: cli.value, ...(folder.value.trim() ? { cwd: folder.value.trim() } : {}) });
            closePanel();
            select((reply.session as { id: string }).id);
          } catch (err) {
            error.textContent = (err as Error).message;
          }
        },
      },
      h('label', {}, 'CLI', cli),
      h('label', {}, 'Folder', folder),
      h('button', { type: 'submit', class: 'primary' }, 'Start'),
      error,
    );
    openPanel('New session', form);
    folder.focus();
  }

  async function showPairing(): Promise<void> {
    const reply = (await api('POST', '/api/web/pairing-code')) as { code: string; url: string; expires_at: string; qr_svg: string };
    const timer = h('p', { class: 'countdown', 'aria-live': 'polite' });
    const image = h('img', { class: 'qr', alt: `QR code for ${reply.url}`, src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(reply.qr_svg)}` });
    openPanel('Pair a phone', h('p', {}, 'Scan with the phone camera, or open the link on the phone.'), image, h('p', { class: 'code' }, reply.code), h('p', { class: 'link' }, reply.url), timer);
    const expires = Date.parse(reply.expires_at);
    const tick = (): void => {
      const left = Math.max(0, Math.round((expires - Date.now()) / 1000));
      timer.textContent = left > 0 ? `Expires in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}` : 'Expired — open the panel again for a new code';
      if (left === 0) image.classList.add('expired');
    };
    tick();
    countdown = window.setInterval(tick, 1000);
  }

  async function showDevices(): Promise<void> {
    const { devices } = (await api('GET', '/api/web/devices')) as { devices: DeviceSummary[] };
    const rows = devices.map((device) =>
      h(
        'li',
        { class: 'device', 'data-device': device.device_id },
        h('span', { class: 'device-name' }, device.device_name),
        h('span', { class: 'device-meta' }, `${device.platform ?? 'unknown'} · paired ${new Date(device.paired_at).toLocaleString()}`),
        device.current
          ? h('span', { class: 'badge idle' }, 'This dashboard')
          : h('button', { class: 'danger', 'aria-label': `Revoke ${device.device_name}`, onclick: async () => { await api('DELETE', `/api/web/devices/${device.device_id}`); await showDevices(); } }, 'Revoke'),
      ),
    );
    openPanel('Devices', h('ul', { class: 'device-list' }, ...rows));
  }

  /** Queues the daemon kept for sessions that no longer exist (after a restart): read, and remove items. */
  async function showSavedQueues(): Promise<void> {
    const { queues } = (await connection.api('GET', '/api/queues')) as { queues: SessionQueue[] };
    const saved = queues.filter((queue) => !queue.session_exists && queue.items.length > 0);
    const remove = (sessionId: string, itemId: string) => async () => {
      await connection.api('DELETE', `/api/sessions/${encodeURIComponent(sessionId)}/queue/${itemId}`);
      await showSavedQueues();
    };
    const groups = saved.map((queue) =>
      h(
        'li',
        { class: 'saved-queue', 'data-session': queue.session_id },
        h('span', { class: 'device-meta' }, `Session ${queue.session_id.slice(0, 8)} (ended)`),
        h('ol', { class: 'queue-items' }, ...queue.items.map((item) =>
          h('li', { class: `queue-item ${item.state}`, 'data-item': item.id, 'data-state': item.state },
            h('span', { class: 'queue-text' }, item.text),
            h('span', { class: `queue-state ${item.state}` }, item.state),
            h('span', { class: 'queue-actions' }, h('button', { class: 'icon danger', 'aria-label': `Remove: ${item.text}`, onclick: remove(queue.session_id, item.id) }, '✕')),
          ),
        )),
      ),
    );
    openPanel('Saved queues', saved.length === 0 ? h('p', { class: 'hint' }, 'No prompts are kept for ended sessions.') : h('ul', { class: 'device-list' }, ...groups));
  }

  function maybeOpenSheet(): void {
    if (sheet !== undefined) return;
    const candidates = [...connection.waiting.values()].filter((event) => needsDecision(event.wait_type) && !dismissed.has(event.prompt_id));
    const event = candidates.find((candidate) => candidate.session_id === selected) ?? candidates[0];
    if (event === undefined) return;
    sheet = openApprovalSheet(sheetHost, connection, event, () => {
      if (connection.waiting.get(event.session_id)?.prompt_id === event.prompt_id) dismissed.add(event.prompt_id);
      sheet = undefined;
      queueMicrotask(render);
    });
  }

  function render(): void {
    renderSessionList(list, connection, selected, select);
    if (selected === undefined) {
      const first = connection.sessions.keys().next();
      if (!first.done && pane.childElementCount === 0) pane.append(h('p', { class: 'hint' }, 'Pick a session, or start one with “New session”.'));
      if (first.done && pane.childElementCount === 0) pane.append(h('p', { class: 'hint' }, 'No sessions yet. Start one with “New session”.'));
    }
    maybeOpenSheet();
  }

  // The tray app opens windows on one session (`?session=`) or a panel (`?panel=new|pair|devices`).
  const params = new URLSearchParams(location.search);
  let wanted = params.get('session') ?? undefined;
  const panelName = params.get('panel');
  connection.on('change', () => {
    if (wanted !== undefined && connection.sessions.has(wanted)) {
      const sessionId = wanted;
      wanted = undefined;
      select(sessionId);
    }
    render();
  });
  connection.on('status', (status) => {
    banner.hidden = status === 'online' || status === 'connecting';
    if (status === 'unauthorized') onSignedOut();
  });
  if (panelName === 'new') showNewSession();
  else if (panelName === 'pair') void showPairing();
  else if (panelName === 'devices') void showDevices();
  else if (panelName === 'queues') void showSavedQueues();
  render();
}
