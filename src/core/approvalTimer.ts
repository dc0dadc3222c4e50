/**
 * ApprovalTimer: the clock of decision prompts that expire. A `waiting_for_input` with
 * `expires_at` arms two timers on the session clock: the warning (`on_timeout: deny` only, a
 * lead before the expiry) and the expiry itself; the prompt's clear or the session's exit
 * disarms them. What a warning or an expiry does is the host's (SessionManager's) to say.
 */
import { Disposable } from '../common/index.js';
import type { IClock, IDisposable, SessionEvent, WaitingForInputEvent } from '../common/index.js';

/** What the timer calls back into. */
export interface ApprovalTimerHost {
  readonly clock: IClock;
  /** How long before the expiry a `deny` prompt's warning goes (ms); 0: no warning. */
  warnLeadMs(event: WaitingForInputEvent): number;
  /** The warning is due (the prompt was live when armed; the host checks it still is). */
  warn(event: WaitingForInputEvent): void;
  /** The prompt's time ran out. */
  expire(event: WaitingForInputEvent): void;
}

interface Armed {
  readonly sessionId: string;
  readonly timers: IDisposable[];
}

/** Timers of every expiring prompt, by prompt id. */
export class ApprovalTimer extends Disposable {
  private readonly _armed = new Map<string, Armed>();

  constructor(private readonly _host: ApprovalTimerHost) {
    super();
    this._register({ dispose: () => this._disarm(() => true) });
  }

  /** Prompts with a pending expiry. */
  get size(): number {
    return this._armed.size;
  }

  /** Follows the session stream: arms on an expiring prompt, disarms on its clear or the session's exit. */
  observe(event: SessionEvent): void {
    if (event.type === 'waiting_for_input') this._arm(event);
    else if (event.type === 'waiting_cleared') this._disarm((promptId) => promptId === event.prompt_id);
    else if (event.type === 'session_closed' || event.type === 'session_deleted') this._disarm((_, sessionId) => sessionId === event.session_id);
  }

  private _arm(event: WaitingForInputEvent): void {
    // A newer prompt of the session ends the older one's clock (its clear may come after).
    this._disarm((_, sessionId) => sessionId === event.session_id);
    if (event.expires_at === undefined) return;
    const clock = this._host.clock;
    const dueInMs = Math.max(0, Date.parse(event.expires_at) - clock.now());
    const timers: IDisposable[] = [];
    const lead = event.on_timeout === 'deny' ? Math.min(this._host.warnLeadMs(event), dueInMs) : 0;
    if (lead > 0) timers.push(clock.setTimeout(() => this._host.warn(event), dueInMs - lead));
    timers.push(
      clock.setTimeout(() => {
        this._armed.delete(event.prompt_id);
        this._host.expire(event);
      }, dueInMs),
    );
    this._armed.set(event.prompt_id, { sessionId: event.session_id, timers });
  }

  private _disarm(matches: (promptId: string, sessionId: string) => boolean): void {
    for (const [promptId, armed] of this._armed) {
      if (!matches(promptId, armed.sessionId)) continue;
      for (const timer of armed.timers) timer.dispose();
      this._armed.delete(promptId);
    }
  }
}
