/**
 * The per-device rate limit: at most `maxPerMinute` notifications in any rolling 60 s. The
 * excess waits in a per-device queue that holds one entry per session (a newer prompt of a
 * session replaces the queued one, like `apns-collapse-id`), released in order as the window
 * frees up. Nothing queued is dropped except by `remove` (the caller's cleared prompts).
 */
import type { IClock, IDisposable } from '../common/index.js';

/** The rate window (ms). */
export const RATE_WINDOW_MS = 60_000;

/** What the queue holds: anything tagged with its session and prompt. */
export interface QueueItem {
  readonly sessionId: string;
  readonly promptId: string;
}

/** The outcome of `submit`. */
export type SubmitOutcome<T> =
  | { readonly kind: 'send' }
  | { readonly kind: 'queued'; readonly releaseInMs: number; readonly replaced?: T };

interface DeviceState<T> {
  /** Clock times of sends in the last RATE_WINDOW_MS, oldest first. */
  sent: number[];
  /** Queued items by session id, in queue order. */
  queue: Map<string, T>;
  timer?: IDisposable;
}

/** Rate limit plus collapsing queue, per device. */
export class DeliveryQueue<T extends QueueItem> implements IDisposable {
  private readonly _devices = new Map<string, DeviceState<T>>();

  /**
   * @param _release called with each queued item once the device may send again
   */
  constructor(
    private readonly _maxPerMinute: number,
    private readonly _clock: IClock,
    private readonly _release: (deviceId: string, item: T) => void,
  ) {}

  /**
   * Asks to send `item` to `deviceId` now. `send` takes a slot (the caller sends at once);
   * `queued` keeps it (replacing that session's queued item, which is returned) for later release.
   */
  submit(deviceId: string, item: T): SubmitOutcome<T> {
    const state = this._state(deviceId);
    if (state.queue.size === 0 && this._take(state)) return { kind: 'send' };
    const replaced = state.queue.get(item.sessionId);
    state.queue.set(item.sessionId, item);
    this._arm(deviceId, state);
    return { kind: 'queued', releaseInMs: this._freeInMs(state), ...(replaced === undefined ? {} : { replaced }) };
  }

  /** Removes queued items `matches` selects (e.g. a cleared prompt); returns them with their device. */
  remove(matches: (item: T) => boolean): Array<{ deviceId: string; item: T }> {
    const removed: Array<{ deviceId: string; item: T }> = [];
    for (const [deviceId, state] of this._devices) {
      for (const [sessionId, item] of state.queue) {
        if (!matches(item)) continue;
        state.queue.delete(sessionId);
        removed.push({ deviceId, item });
      }
      if (state.queue.size === 0) {
        state.timer?.dispose();
        state.timer = undefined;
      }
    }
    return removed;
  }

  /** Items waiting, over all devices. */
  get size(): number {
    let total = 0;
    for (const state of this._devices.values()) total += state.queue.size;
    return total;
  }

  dispose(): void {
    for (const state of this._devices.values()) state.timer?.dispose();
    this._devices.clear();
  }

  private _state(deviceId: string): DeviceState<T> {
    let state = this._devices.get(deviceId);
    if (state === undefined) {
      state = { sent: [], queue: new Map() };
      this._devices.set(deviceId, state);
    }
    return state;
  }

  private _prune(state: DeviceState<T>): void {
    const now = this._clock.now();
    while (state.sent.length > 0 && now - state.sent[0] >= RATE_WINDOW_MS) state.sent.shift();
  }

  private _take(state: DeviceState<T>): boolean {
    this._prune(state);
    if (state.sent.length >= this._maxPerMinute) return false;
    state.sent.push(this._clock.now());
    return true;
  }

  /** ms until a slot frees (0 when one is free now). */
  private _freeInMs(state: DeviceState<T>): number {
    this._prune(state);
    if (state.sent.length < this._maxPerMinute) return 0;
    return Math.max(0, state.sent[0] + RATE_WINDOW_MS - this._clock.now());
  }

  private _arm(deviceId: string, state: DeviceState<T>): void {
    if (state.timer !== undefined) return;
    state.timer = this._clock.setTimeout(() => {
      state.timer = undefined;
      this._drain(deviceId, state);
    }, this._freeInMs(state));
  }

  private _drain(deviceId: string, state: DeviceState<T>): void {
    while (state.queue.size > 0 && this._take(state)) {
      const [sessionId, item] = state.queue.entries().next().value as [string, T];
      state.queue.delete(sessionId);
      this._release(deviceId, item);
    }
    if (state.queue.size > 0) this._arm(deviceId, state);
  }
}
