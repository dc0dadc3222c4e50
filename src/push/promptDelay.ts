/**
 * The `delay_seconds` timers: with a client connected a prompt's push waits this long, and is
 * cancelled if the prompt clears, a newer prompt of the session arrives, or the session closes.
 */
import type { IClock, IDisposable } from '../common/index.js';

/** Delayed pushes by prompt id. */
export class PromptDelay implements IDisposable {
  private readonly _pending = new Map<string, { readonly sessionId: string; readonly timer: IDisposable }>();

  constructor(private readonly _clock: IClock) {}

  /** Delayed pushes waiting for their timer. */
  get size(): number {
    return this._pending.size;
  }

  has(promptId: string): boolean {
    return this._pending.has(promptId);
  }

  /** Runs `fire` after `delayMs` (ms) unless cancelled first. */
  schedule(promptId: string, sessionId: string, delayMs: number, fire: () => void): void {
    const timer = this._clock.setTimeout(() => {
      this._pending.delete(promptId);
      fire();
    }, delayMs);
    this._pending.set(promptId, { sessionId, timer });
  }

  /** Cancels the delayed pushes `matches` selects. */
  cancel(matches: (promptId: string, sessionId: string) => boolean): void {
    for (const [promptId, pending] of this._pending) {
      if (!matches(promptId, pending.sessionId)) continue;
      pending.timer.dispose();
      this._pending.delete(promptId);
    }
  }

  dispose(): void {
    this.cancel(() => true);
  }
}
