/**
 * InputStateReporter: turns each session's input-box reads into `input_state` events, debounced
 * (one event per INPUT_STATE_DEBOUNCE_MS per session, carrying the latest draft), so a client
 * sees a draft typed elsewhere without an event per keystroke.
 */
import { Disposable } from '../common/index.js';
import type { IClock, IDisposable, InputBox, InputStateEvent } from '../common/index.js';

/** Quiet time after the last change before the draft is reported (ms): typing speed, not per key. */
export const INPUT_STATE_DEBOUNCE_MS = 150;

interface Pending {
  box: InputBox;
  timer: IDisposable;
}

/** Debounces input-box reads into `input_state` events. */
export class InputStateReporter extends Disposable {
  private readonly _pending = new Map<string, Pending>();

  constructor(
    private readonly _clock: IClock,
    /** The sender of the input that reached a session last (null: none yet). */
    private readonly _senderOf: (sessionId: string) => string | null,
    private readonly _fire: (event: InputStateEvent) => void,
  ) {
    super();
    this._register({ dispose: () => this._pending.forEach((pending) => pending.timer.dispose()) });
  }

  /** A session's draft or cursor changed: reported once the draft stays still for the debounce time. */
  report(sessionId: string, box: InputBox): void {
    const pending = this._pending.get(sessionId);
    pending?.timer.dispose();
    const timer = this._clock.setTimeout(() => this._flush(sessionId), INPUT_STATE_DEBOUNCE_MS);
    this._pending.set(sessionId, { box, timer });
  }

  /** Drops a session's pending report (it exited or was removed). */
  forget(sessionId: string): void {
    this._pending.get(sessionId)?.timer.dispose();
    this._pending.delete(sessionId);
  }

  private _flush(sessionId: string): void {
    const pending = this._pending.get(sessionId);
    if (pending === undefined) return;
    this._pending.delete(sessionId);
    this._fire({
      type: 'input_state',
      session_id: sessionId,
      text: pending.box.text,
      cursor_position: pending.box.cursor,
      sender_id: this._senderOf(sessionId),
      timestamp: new Date(this._clock.now()).toISOString(),
    });
  }
}
