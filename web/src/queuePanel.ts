/**
 * A session's prompt queue, shared by the phone (under the terminal) and the desktop (beside
 * it): the items with their state, ↑/↓ to reorder and ✕ to remove the queued ones, a box to
 * queue a prompt, the autoplay switch, and why autoplay paused. Changes go over REST; the
 * daemon's `queue_updated` (kept in `connection.queues`) redraws it.
 */
import type { SessionQueue } from '../../src/common/queue.js';
import type { Connection } from './connection.js';
import { h } from './dom.js';

/** What each pause reason means to the user. */
const PAUSE_TEXT: Readonly<Record<string, string>> = {
  queue_empty: 'Waiting for the next prompt: the queue is empty',
  turn_error: 'Paused: the last prompt ended in an error',
  desk_input: 'Paused: someone typed into the session',
  session_exited: 'Paused: the session exited',
  not_submitted: 'Paused: the prompt did not go in',
};
/** Labels of item states. */
const STATE_TEXT: Readonly<Record<string, string>> = { queued: 'Queued', sent: 'Running', done: 'Done', failed: 'Failed', skipped: 'Skipped' };
/** Finished items shown above the queue (the rest stay in the daemon's list). */
const FINISHED_SHOWN = 5;

/** A mounted queue panel. */
export interface QueuePanel {
  readonly element: HTMLElement;
  dispose(): void;
}

/** Mounts the queue of `sessionId`; loads it once, then follows `queue_updated`. */
export function createQueuePanel(connection: Connection, sessionId: string): QueuePanel {
  const base = `/api/sessions/${encodeURIComponent(sessionId)}`;
  const items = h('ol', { class: 'queue-items', 'aria-label': 'Queued prompts' });
  const toggle = h('input', { type: 'checkbox', role: 'switch', name: 'autoplay', 'aria-label': 'Autoplay' });
  const paused = h('p', { class: 'queue-paused', 'aria-live': 'polite' });
  const error = h('p', { class: 'error', role: 'alert' });
  const input = h('input', { type: 'text', name: 'queue-text', placeholder: 'Queue a prompt for when the agent is done…', autocomplete: 'off', 'aria-label': 'Prompt to queue' });
  const form = h(
    'form',
    {
      class: 'queue-add',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const text = input.value.trim();
        if (text === '') return;
        void act(async () => {
          await connection.api('POST', `${base}/queue`, { text });
          input.value = '';
        });
      },
    },
    input,
    h('button', { type: 'submit', class: 'primary' }, 'Queue'),
  );
  toggle.addEventListener('change', () => void act(() => connection.api('PUT', `${base}/autoplay`, { enabled: toggle.checked })));
  const element = h(
    'section',
    { class: 'queue', 'aria-label': 'Prompt queue', 'data-session': sessionId },
    h('header', {}, h('h2', {}, 'Queue'), h('label', { class: 'autoplay' }, toggle, 'Autoplay')),
    paused,
    items,
    form,
    error,
  );

  /** Runs a REST call; shows its coded error, and the daemon's broadcast redraws on success. */
  async function act(call: () => Promise<unknown>): Promise<void> {
    error.textContent = '';
    try {
      await call();
    } catch (err) {
      error.textContent = (err as Error).message;
      render();
    }
  }

  function itemRow(item: SessionQueue['items'][number], queuedIndex: number, queuedCount: number): HTMLLIElement {
    const row = h('li', { class: `queue-item ${item.state}`, 'data-item': item.id, 'data-state': item.state }, h('span', { class: 'queue-text' }, item.text), h('span', { class: `queue-state ${item.state}` }, STATE_TEXT[item.state] ?? item.state));
    if (item.state !== 'queued') return row;
    const move = (position: number) => () => void act(() => connection.api('PATCH', `${base}/queue/${item.id}`, { position }));
    row.append(
      h('span', { class: 'queue-actions' },
        h('button', { class: 'icon', 'aria-label': `Move up: ${item.text}`, disabled: queuedIndex === 0, onclick: move(queuedIndex - 1) }, '↑'),
        h('button', { class: 'icon', 'aria-label': `Move down: ${item.text}`, disabled: queuedIndex === queuedCount - 1, onclick: move(queuedIndex + 1) }, '↓'),
        h('button', { class: 'icon danger', 'aria-label': `Remove: ${item.text}`, onclick: () => void act(() => connection.api('DELETE', `${base}/queue/${item.id}`)) }, '✕'),
      ),
    );
    return row;
  }

  function render(): void {
    const queue = connection.queues.get(sessionId);
    const session = connection.sessions.get(sessionId);
    toggle.checked = queue?.autoplay.enabled ?? false;
    toggle.disabled = session?.status === 'exited' && !toggle.checked;
    const reason = queue?.autoplay.paused_reason;
    paused.textContent = reason ? (PAUSE_TEXT[reason] ?? reason) : '';
    paused.dataset.reason = reason ?? '';
    const all = queue?.items ?? [];
    const finished = all.filter((item) => item.state === 'done' || item.state === 'failed' || item.state === 'skipped').slice(-FINISHED_SHOWN);
    const running = all.filter((item) => item.state === 'sent');
    const queued = all.filter((item) => item.state === 'queued');
    items.replaceChildren(...finished.map((item) => itemRow(item, -1, 0)), ...running.map((item) => itemRow(item, -1, 0)), ...queued.map((item, index) => itemRow(item, index, queued.length)));
    if (all.length === 0) items.append(h('li', { class: 'empty' }, 'Nothing queued. Prompts added here run one after another when autoplay is on.'));
  }

  const removeListener = connection.on('change', render);
  render();
  connection.api('GET', `${base}/queue`).then(
    (queue) => {
      if (!connection.queues.has(sessionId)) connection.queues.set(sessionId, queue as SessionQueue);
      render();
    },
    (err: Error) => (error.textContent = err.message),
  );
  return { element, dispose: removeListener };
}
