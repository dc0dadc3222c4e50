/**
 * Deadlines for calls into push providers. Providers time out their own HTTP requests
 * (DEFAULT_REQUEST_TIMEOUT_MS), but a library stuck below that (a wedged HTTP/2 session, a
 * promise never settled) would hold a send, and `whenIdle` at shutdown, forever. Each call
 * is raced against a timer on the dispatcher's clock; disposing settles what is still open.
 */
import type { IClock, IDisposable } from '../common/index.js';
import type { PushResult } from './types.js';

/** Longest a provider call may take before the dispatcher gives up on it (ms): three request timeouts. */
export const PROVIDER_CALL_TIMEOUT_MS = 30_000;

/** A provider call that passed its deadline: failed like a request timeout, so it is retried. */
export const CALL_TIMED_OUT: PushResult = { status: 'failed', reason: 'timeout', retryable: true };

/** Races promises against timers it owns. */
export class CallDeadlines implements IDisposable {
  private readonly _open = new Map<IDisposable, () => void>();

  /**
   * @param _clock schedules the deadlines
   * @param _timeoutMs how long a call may take (ms)
   */
  constructor(
    private readonly _clock: IClock,
    private readonly _timeoutMs = PROVIDER_CALL_TIMEOUT_MS,
  ) {}

  /** Calls still open. */
  get size(): number {
    return this._open.size;
  }

  /** Settles with `call`, or with `onTimeout()` once the deadline passes (or this is disposed) first. Never rejects unless `call` does. */
  run<T>(call: Promise<T>, onTimeout: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (settle: () => void) => {
        if (settled) return;
        settled = true;
        timer.dispose();
        this._open.delete(timer);
        settle();
      };
      const timer = this._clock.setTimeout(() => finish(() => resolve(onTimeout())), this._timeoutMs);
      this._open.set(timer, () => finish(() => resolve(onTimeout())));
      call.then(
        (value) => finish(() => resolve(value)),
        (err: unknown) => finish(() => reject(err)),
      );
    });
  }

  /** Times out every open call now and cancels its timer. */
  dispose(): void {
    for (const expire of [...this._open.values()]) expire();
  }
}
