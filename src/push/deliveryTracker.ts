/**
 * Book-keeping for sends in progress: in-flight promises (for `whenIdle` and shutdown), retry
 * timers per prompt (cancelled when the prompt clears), and which registrations got each
 * prompt's push (so `waiting_cleared` can retract exactly those).
 */
import type { IClock, IDisposable, WaitingForInputEvent } from '../common/index.js';
import type { PushRegistration } from '../store/types.js';
import type { PushLog } from './types.js';
import { CallDeadlines } from './callDeadlines.js';

/** Prompts remembered for retraction; the oldest are forgotten past this. */
const MAX_DELIVERED_PROMPTS = 1000;

interface ScheduledRetry {
  readonly event: WaitingForInputEvent;
  readonly registration: PushRegistration;
  readonly timer: IDisposable;
}

/** In-flight sends, scheduled retries and delivered pushes. */
export class DeliveryTracker implements IDisposable {
  private readonly _inFlight = new Set<Promise<void>>();
  private readonly _retries = new Set<ScheduledRetry>();
  /** prompt id → its session and the registrations that accepted its push. */
  private readonly _delivered = new Map<string, { sessionId: string; registrations: PushRegistration[] }>();
  private _disposed = false;
  /** Deadlines of provider calls, so a provider that never answers cannot hold a send forever. */
  readonly deadlines: CallDeadlines;

  constructor(
    private readonly _clock: IClock,
    private readonly _log: PushLog,
  ) {
    this.deadlines = new CallDeadlines(_clock);
  }

  /** Keeps `work` visible to `whenIdle` and turns an unexpected rejection into a log line. */
  track(work: Promise<void>): void {
    const tracked: Promise<void> = work
      .catch((err: unknown) => this._log('error', 'push delivery failed', { error: String(err) }))
      .finally(() => this._inFlight.delete(tracked));
    this._inFlight.add(tracked);
  }

  /** Resolves when every tracked send has finished (including sends started meanwhile). */
  async whenIdle(): Promise<void> {
    while (this._inFlight.size > 0) await Promise.all([...this._inFlight]);
  }

  /** Runs `fire` after `delayMs` unless the prompt's retries are cancelled first; nothing once disposed (a call timed out by dispose). */
  scheduleRetry(event: WaitingForInputEvent, registration: PushRegistration, delayMs: number, fire: () => void): void {
    if (this._disposed) return;
    const retry: ScheduledRetry = {
      event,
      registration,
      timer: this._clock.setTimeout(() => {
        this._retries.delete(retry);
        fire();
      }, delayMs),
    };
    this._retries.add(retry);
  }

  /** Cancels the scheduled retries of matching prompts of a session; returns what was cancelled. */
  cancelRetries(sessionId: string, matches: (promptId: string) => boolean): ScheduledRetry[] {
    const cancelled = [...this._retries].filter((retry) => retry.event.session_id === sessionId && matches(retry.event.prompt_id));
    for (const retry of cancelled) {
      retry.timer.dispose();
      this._retries.delete(retry);
    }
    return cancelled;
  }

  /** Records that `registration` accepted the push of a prompt. */
  delivered(sessionId: string, promptId: string, registration: PushRegistration): void {
    const entry = this._delivered.get(promptId) ?? { sessionId, registrations: [] };
    if (!entry.registrations.some((existing) => existing.token === registration.token)) entry.registrations.push(registration);
    this._delivered.set(promptId, entry);
    if (this._delivered.size > MAX_DELIVERED_PROMPTS) this._delivered.delete(this._delivered.keys().next().value as string);
  }

  /** Forgets and returns the delivered pushes of matching prompts of a session. */
  takeDelivered(sessionId: string, matches: (promptId: string) => boolean): Array<{ promptId: string; registration: PushRegistration }> {
    const taken: Array<{ promptId: string; registration: PushRegistration }> = [];
    for (const [promptId, entry] of this._delivered) {
      if (entry.sessionId !== sessionId || !matches(promptId)) continue;
      this._delivered.delete(promptId);
      for (const registration of entry.registrations) taken.push({ promptId, registration });
    }
    return taken;
  }

  dispose(): void {
    this._disposed = true;
    this.deadlines.dispose();
    for (const retry of this._retries) retry.timer.dispose();
    this._retries.clear();
    this._delivered.clear();
  }
}
