/**
 * PromptQueue: each session's queued prompts, its autoplay switch and its open interaction.
 * Clients add, edit, reorder, skip and remove items; a runner (autoplay, or an external
 * executor through `next-command`) takes the next one, which opens an interaction; its end
 * marks the item done or failed. Every change is saved through IQueuePersistence (rolled back
 * when the save fails) and announced as `queue_updated`; items of sessions that are gone stay.
 */
import { randomUUID } from 'node:crypto';
import { Disposable, Emitter, TetherError } from '../common/index.js';
import type { IClock } from '../common/index.js';
import { QUEUE_LIMITS } from '../common/queue.js';
import type { AutoplayPauseReason, AutoplayState, InteractionStatus, IQueuePersistence, QueueItem, QueueMessage, SessionQueue, StoredQueue } from '../common/queue.js';

/** What a client may change on a queued item: its text, its place among the queued items, or skipping it. */
export interface QueueItemPatch {
  readonly text?: string;
  /** 0-based index among the `queued` items; past the end moves it last. */
  readonly position?: number;
  /** `skipped` sets a queued item aside; `queued` puts a skipped or failed one back at the end. */
  readonly state?: 'queued' | 'skipped';
}

const OFF: AutoplayState = { enabled: false, paused_reason: null };
const FINISHED: ReadonlySet<QueueItem['state']> = new Set(['done', 'failed', 'skipped']);
/** Where each state shows in a queue's item list. */
const STATE_ORDER: Readonly<Record<QueueItem['state'], number>> = { done: 0, failed: 0, skipped: 0, sent: 1, queued: 2 };

/** Every session's prompt queue. */
export class PromptQueue extends Disposable {
  private readonly _queues = new Map<string, { items: QueueItem[]; autoplay: AutoplayState }>();
  private readonly _onMessage = this._register(new Emitter<QueueMessage>());
  /** `queue_updated`, `autoplay_paused` and `interaction_completed`, for every client. */
  readonly onMessage = this._onMessage.event;

  /**
   * @param _exists whether a session exists now (running or exited)
   * @param _persistence where queues persist; items `sent` when the daemon stopped are marked failed
   */
  constructor(
    private readonly _exists: (sessionId: string) => boolean,
    private readonly _persistence: IQueuePersistence,
    private readonly _clock: IClock,
  ) {
    super();
    for (const [sessionId, stored] of Object.entries(_persistence.load())) {
      // The daemon that ran a sent item is gone, and so is its turn; autoplay died with the session.
      const items = stored.items.map((item) => (item.state === 'sent' ? { ...item, state: 'failed' as const, finished_at: this._now() } : item));
      this._queues.set(sessionId, { items, autoplay: OFF });
    }
  }

  /** Every queue that holds items or has autoplay on, orphans included. @throws never */
  list(): SessionQueue[] {
    return [...this._queues.keys()].map((sessionId) => this._view(sessionId));
  }

  /** One session's queue. @throws TetherError SESSION_NOT_FOUND (no such session and no stored queue) */
  queue(sessionId: string): SessionQueue {
    this._known(sessionId);
    return this._view(sessionId);
  }

  /**
   * Queues `text` last. @throws TetherError SESSION_NOT_FOUND | QUEUE_FULL | BAD_MESSAGE (empty or longer
   * than QUEUE_LIMITS.textChars) | STORE_WRITE_FAILED
   */
  add(sessionId: string, text: string, queuedBy: string): QueueItem {
    if (!this._exists(sessionId)) throw new TetherError('SESSION_NOT_FOUND', `no session ${sessionId}`);
    checkText(text);
    const item: QueueItem = { id: randomUUID(), text, state: 'queued', queued_by: queuedBy, queued_at: this._now() };
    this._commit(sessionId, (queue) => {
      if (queue.items.filter((each) => each.state === 'queued').length >= QUEUE_LIMITS.queuedItems) {
        throw new TetherError('QUEUE_FULL', `${QUEUE_LIMITS.queuedItems} prompts are queued in session ${sessionId}`);
      }
      queue.items.push(item);
    });
    return item;
  }

  /**
   * Edits, moves, skips or re-queues an item.
   * @throws TetherError SESSION_NOT_FOUND | QUEUE_ITEM_NOT_FOUND | QUEUE_ITEM_LOCKED (sent or finished; only
   * skipped and failed items may be queued again) | BAD_MESSAGE (text) | STORE_WRITE_FAILED
   */
  edit(sessionId: string, itemId: string, patch: QueueItemPatch): QueueItem {
    this._known(sessionId);
    if (patch.text !== undefined) checkText(patch.text);
    return this._commit(sessionId, (queue) => {
      const index = findItem(queue.items, sessionId, itemId);
      let item = queue.items[index];
      const requeue = patch.state === 'queued' && item.state !== 'queued';
      if (item.state !== 'queued' && !(requeue && (item.state === 'skipped' || item.state === 'failed'))) {
        throw new TetherError('QUEUE_ITEM_LOCKED', `item ${itemId} is ${item.state}; only queued items can be changed`);
      }
      if (requeue) item = { id: item.id, text: item.text, state: 'queued', queued_by: item.queued_by, queued_at: item.queued_at };
      if (patch.state === 'skipped') item = { ...item, state: 'skipped', finished_at: this._now() };
      if (patch.text !== undefined) item = { ...item, text: patch.text };
      queue.items.splice(index, 1);
      const queued = queue.items.filter((each) => each.state === 'queued');
      const before = item.state === 'queued' && patch.position !== undefined ? queued[patch.position] : undefined;
      if (before !== undefined) queue.items.splice(queue.items.indexOf(before), 0, item);
      else if (requeue || patch.position !== undefined || item.state !== 'queued') queue.items.push(item);
      else queue.items.splice(index, 0, item);
      return item;
    });
  }

  /** Removes an item that is not being run. @throws TetherError SESSION_NOT_FOUND | QUEUE_ITEM_NOT_FOUND | QUEUE_ITEM_LOCKED | STORE_WRITE_FAILED */
  remove(sessionId: string, itemId: string): void {
    this._known(sessionId);
    this._commit(sessionId, (queue) => {
      const index = findItem(queue.items, sessionId, itemId);
      if (queue.items[index].state === 'sent') throw new TetherError('QUEUE_ITEM_LOCKED', `item ${itemId} is being run; wait for its result`);
      queue.items.splice(index, 1);
    });
    if (this._queues.get(sessionId)?.items.length === 0 && !this._exists(sessionId)) this._queues.delete(sessionId);
  }

  /** The next queued item, without taking it. @throws never */
  peek(sessionId: string): QueueItem | undefined {
    return this._queues.get(sessionId)?.items.find((item) => item.state === 'queued');
  }

  /** The item being run (`sent`), if any. @throws never */
  running(sessionId: string): QueueItem | undefined {
    return this._queues.get(sessionId)?.items.find((item) => item.state === 'sent');
  }

  /**
   * Takes the next queued item for `ranBy`: it becomes `sent` with a new interaction id.
   * Undefined when nothing is queued. @throws TetherError STORE_WRITE_FAILED
   */
  take(sessionId: string, ranBy: 'autoplay' | 'executor'): QueueItem | undefined {
    if (this.peek(sessionId) === undefined) return undefined;
    return this._commit(sessionId, (queue) => {
      const index = queue.items.findIndex((item) => item.state === 'queued');
      const item: QueueItem = { ...queue.items[index], state: 'sent', interaction_id: randomUUID(), ran_by: ranBy, sent_at: this._now() };
      queue.items[index] = item;
      return item;
    });
  }

  /**
   * Ends an open interaction: its item becomes `done` (ok) or `failed` (error), and clients get
   * `interaction_completed`. @throws TetherError SESSION_NOT_FOUND | INTERACTION_NOT_FOUND (unknown or already ended) | STORE_WRITE_FAILED
   */
  complete(sessionId: string, interactionId: string, status: InteractionStatus, output?: string): QueueItem {
    this._known(sessionId);
    const item = this._commit(sessionId, (queue) => {
      const index = queue.items.findIndex((each) => each.interaction_id === interactionId && each.state === 'sent');
      if (index < 0) throw new TetherError('INTERACTION_NOT_FOUND', `no open interaction ${interactionId} in session ${sessionId}`);
      const done: QueueItem = {
        ...queue.items[index],
        state: status === 'ok' ? 'done' : 'failed',
        finished_at: this._now(),
        ...(output !== undefined ? { output: output.slice(0, QUEUE_LIMITS.outputChars) } : {}),
      };
      queue.items[index] = done;
      return done;
    });
    this._onMessage.fire({ type: 'interaction_completed', session_id: sessionId, interaction_id: interactionId, status, item_id: item.id });
    return item;
  }

  /** A session's autoplay. @throws never */
  autoplay(sessionId: string): AutoplayState {
    return this._queues.get(sessionId)?.autoplay ?? OFF;
  }

  /** Sets a session's autoplay (the Autoplay engine does; it checks the session). @throws TetherError STORE_WRITE_FAILED */
  setAutoplay(sessionId: string, autoplay: AutoplayState): void {
    const current = this.autoplay(sessionId);
    if (current.enabled === autoplay.enabled && current.paused_reason === autoplay.paused_reason) return;
    this._commit(sessionId, (queue) => {
      queue.autoplay = autoplay;
    });
  }

  /** Pauses autoplay with `reason` and tells clients (`autoplay_paused`); off unless the queue is only empty. @throws never */
  pause(sessionId: string, reason: AutoplayPauseReason): void {
    const autoplay = this.autoplay(sessionId);
    if (!autoplay.enabled || autoplay.paused_reason === reason) return;
    try {
      this.setAutoplay(sessionId, { enabled: reason === 'queue_empty', paused_reason: reason });
    } catch {
      // The pause holds in memory when the disk refuses it; clients are told all the same.
      this._queues.get(sessionId)!.autoplay = { enabled: reason === 'queue_empty', paused_reason: reason };
    }
    this._onMessage.fire({ type: 'autoplay_paused', session_id: sessionId, reason });
  }

  /** @throws TetherError SESSION_NOT_FOUND */
  private _known(sessionId: string): void {
    if (!this._queues.has(sessionId) && !this._exists(sessionId)) throw new TetherError('SESSION_NOT_FOUND', `no session ${sessionId}`);
  }

  /** Applies `mutate` to a copy of the queue, saves, keeps it and announces it; on a throw nothing changes. */
  private _commit<T>(sessionId: string, mutate: (queue: { items: QueueItem[]; autoplay: AutoplayState }) => T): T {
    const previous = this._queues.get(sessionId);
    const next = { items: [...(previous?.items ?? [])], autoplay: previous?.autoplay ?? OFF };
    const result = mutate(next);
    next.items = pruneFinished(next.items);
    this._queues.set(sessionId, next);
    try {
      this._persistence.save(this._snapshot());
    } catch (err) {
      if (previous === undefined) this._queues.delete(sessionId);
      else this._queues.set(sessionId, previous);
      throw err;
    }
    this._onMessage.fire({ type: 'queue_updated', ...this._view(sessionId) });
    return result;
  }

  private _snapshot(): Record<string, StoredQueue> {
    return Object.fromEntries(this._queues);
  }

  private _view(sessionId: string): SessionQueue {
    const queue = this._queues.get(sessionId);
    // Finished items first, then the one being run, then the queued ones in run order (a stable sort).
    const items = [...(queue?.items ?? [])].sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state]);
    return { session_id: sessionId, session_exists: this._exists(sessionId), items, autoplay: queue?.autoplay ?? OFF };
  }

  private _now(): string {
    return new Date(this._clock.now()).toISOString();
  }
}

/** @throws TetherError BAD_MESSAGE */
function checkText(text: string): void {
  if (text.trim() === '') throw new TetherError('BAD_MESSAGE', 'a queued prompt needs text');
  if (text.length > QUEUE_LIMITS.textChars) throw new TetherError('BAD_MESSAGE', `a queued prompt is at most ${QUEUE_LIMITS.textChars} characters`);
}

/** @throws TetherError QUEUE_ITEM_NOT_FOUND */
function findItem(items: readonly QueueItem[], sessionId: string, itemId: string): number {
  const index = items.findIndex((item) => item.id === itemId);
  if (index < 0) throw new TetherError('QUEUE_ITEM_NOT_FOUND', `no item ${itemId} in the queue of session ${sessionId}`);
  return index;
}

/** Drops the oldest finished items past QUEUE_LIMITS.finishedItems. */
function pruneFinished(items: QueueItem[]): QueueItem[] {
  const finished = items.filter((item) => FINISHED.has(item.state));
  if (finished.length <= QUEUE_LIMITS.finishedItems) return items;
  const drop = new Set(finished.slice(0, finished.length - QUEUE_LIMITS.finishedItems));
  return items.filter((item) => !drop.has(item));
}
