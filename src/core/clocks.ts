/**
 * IClock implementations: the wall clock for live sessions and a virtual clock for replay,
 * whose timers run only when the replay advances it (cast time, not wall time).
 */
import type { IClock, IDisposable } from '../common/index.js';

/** Wall-clock time and Node timers. */
export const systemClock: IClock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    return { dispose: () => clearTimeout(handle) };
  },
};

interface Timer {
  readonly due: number;
  readonly order: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/** A clock that moves only when told; timers fire in due order, ties in creation order. */
export class VirtualClock implements IClock {
  private _now: number;
  private _order = 0;
  private _timers: Timer[] = [];

  constructor(startMs = 0) {
    this._now = startMs;
  }

  now(): number {
    return this._now;
  }

  setTimeout(fn: () => void, ms: number): IDisposable {
    const timer: Timer = { due: this._now + Math.max(0, ms), order: this._order++, fn, cancelled: false };
    this._timers.push(timer);
    return { dispose: () => (timer.cancelled = true) };
  }

  /** Runs every timer due at or before `ms` (including ones they schedule), then sets now to `ms`. */
  advanceTo(ms: number): void {
    for (;;) {
      this._timers = this._timers.filter((t) => !t.cancelled);
      let next: Timer | undefined;
      for (const t of this._timers) if (t.due <= ms && (!next || t.due < next.due || (t.due === next.due && t.order < next.order))) next = t;
      if (!next) break;
      next.cancelled = true;
      this._now = Math.max(this._now, next.due);
      next.fn();
    }
    this._now = Math.max(this._now, ms);
  }

  /** Runs every timer due within the next `ms` milliseconds, then sets now to now + `ms`. */
  advance(ms: number): void {
    this.advanceTo(this._now + ms);
  }

  /** How many timers are scheduled and neither fired nor cancelled (a leak check for tests and replay). */
  get pendingTimers(): number {
    return this._timers.filter((t) => !t.cancelled).length;
  }

  /** Due time of the earliest pending timer, if any. */
  nextDue(): number | undefined {
    const live = this._timers.filter((t) => !t.cancelled);
    return live.length ? Math.min(...live.map((t) => t.due)) : undefined;
  }
}
