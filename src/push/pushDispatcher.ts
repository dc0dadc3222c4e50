/**
 * Decides when a session event becomes a push, and sends it to every registered device:
 * approvals and questions always, awaiting_response only after a finished turn. With a client
 * connected it waits `delay_seconds` and pushes only if the prompt is still live; otherwise it
 * pushes at once. Retries retryable failures while the prompt is live, removes tokens the
 * provider reports gone, logs every send, and fires `onDidPush`.
 */
import {
  Disposable,
  Emitter,
  toDisposable,
  type Event,
  type IClock,
  type IDisposable,
  type SessionEvent,
  type SessionInfo,
  type WaitingForInputEvent,
} from '../common/index.js';
import type { ISessionService } from '../core/sessionService.js';
import type { PushConfig } from '../store/config.js';
import type { IPushRegistry, PushRegistration, PushTokenType } from '../store/types.js';
import { buildPushNotification } from './notification.js';
import type { IPushProvider, PushAttempt, PushLog, PushNotification, PushResult } from './types.js';

/** Characters of a device token shown in logs: enough to tell tokens apart, useless to an attacker. */
const TOKEN_LOG_PREFIX = 8;
/**
 * Waits before resending a retryable failure (429, 5xx, network): soon, because a waiting agent
 * is urgent, then once more later. A retry happens only while the prompt is still live.
 */
export const RETRY_DELAYS_MS: readonly number[] = [5_000, 30_000];

/** What a PushDispatcher needs. */
export interface PushDispatcherOptions {
  readonly sessions: Pick<ISessionService, 'onEvent' | 'currentWaiting' | 'get'>;
  readonly registry: IPushRegistry;
  readonly config: PushConfig;
  readonly providers: readonly IPushProvider[];
  /** True while at least one client (phone or browser) is connected to the daemon. */
  readonly hasConnectedClient: () => boolean;
  readonly clock: IClock;
  readonly log?: PushLog;
}

/**
 * True when the event warrants a push: any approval or question, and awaiting_response only
 * when the agent just finished a turn (`after_turn`), never the idle prompt at session start.
 */
export function shouldPush(event: WaitingForInputEvent): boolean {
  if (event.wait_type === 'awaiting_response') return event.after_turn === true;
  return true;
}

/** Turns `waiting_for_input` events into pushes. Does nothing when push is disabled or has no providers. */
export class PushDispatcher extends Disposable {
  private readonly _onDidPush = this._register(new Emitter<PushAttempt>());
  /** One event per send attempt (per device), with its classified result. */
  readonly onDidPush: Event<PushAttempt> = this._onDidPush.event;

  private readonly _providers = new Map<PushTokenType, IPushProvider>();
  /** Delayed pushes by prompt id. */
  private readonly _pending = new Map<string, { readonly sessionId: string; readonly timer: IDisposable }>();
  private readonly _inFlight = new Set<Promise<void>>();
  private readonly _retryTimers = new Set<IDisposable>();
  private readonly _log: PushLog;

  constructor(private readonly _options: PushDispatcherOptions) {
    super();
    this._log = _options.log ?? (() => {});
    for (const provider of _options.providers) this._providers.set(provider.tokenType, provider);
    if (!_options.config.enabled || this._providers.size === 0) {
      this._log('info', 'push is off', { enabled: _options.config.enabled, providers: this._providers.size });
      return;
    }
    this._register(_options.sessions.onEvent((event) => this._onEvent(event)));
    this._register(
      toDisposable(() => {
        this._cancelWhere(() => true);
        for (const timer of this._retryTimers) timer.dispose();
        this._retryTimers.clear();
      }),
    );
  }

  /** Number of delayed pushes waiting for their timer. */
  get pendingCount(): number {
    return this._pending.size;
  }

  /** Resolves when every send started so far has finished (for shutdown and tests; scheduled retries excluded). */
  async whenIdle(): Promise<void> {
    while (this._inFlight.size > 0) await Promise.all([...this._inFlight]);
  }

  private _onEvent(event: SessionEvent): void {
    switch (event.type) {
      case 'waiting_for_input':
        this._onWaiting(event);
        break;
      case 'waiting_cleared':
        this._cancelWhere((promptId) => promptId === event.prompt_id);
        break;
      case 'session_closed':
        this._cancelWhere((_, sessionId) => sessionId === event.session_id);
        break;
      default:
        break;
    }
  }

  private _onWaiting(event: WaitingForInputEvent): void {
    if (!shouldPush(event) || this._pending.has(event.prompt_id)) return;
    // A new prompt supersedes any older delayed push of the same session.
    this._cancelWhere((_, sessionId) => sessionId === event.session_id);
    const delayMs = this._options.config.delay_seconds * 1000;
    if (delayMs === 0 || !this._options.hasConnectedClient()) {
      this._start(event);
      return;
    }
    const timer = this._options.clock.setTimeout(() => {
      this._pending.delete(event.prompt_id);
      if (!this._isLive(event)) {
        this._log('debug', 'push skipped: prompt no longer live', { session_id: event.session_id, prompt_id: event.prompt_id });
        return;
      }
      this._start(event);
    }, delayMs);
    this._pending.set(event.prompt_id, { sessionId: event.session_id, timer });
  }

  private _cancelWhere(matches: (promptId: string, sessionId: string) => boolean): void {
    for (const [promptId, pending] of this._pending) {
      if (!matches(promptId, pending.sessionId)) continue;
      pending.timer.dispose();
      this._pending.delete(promptId);
    }
  }

  private _isLive(event: WaitingForInputEvent): boolean {
    return this._options.sessions.currentWaiting(event.session_id)?.prompt_id === event.prompt_id;
  }

  private _start(event: WaitingForInputEvent): void {
    this._track(event, this._deliver(event));
  }

  /** Keeps `work` visible to `whenIdle` and turns an unexpected rejection into a log line. */
  private _track(event: WaitingForInputEvent, work: Promise<void>): void {
    const tracked: Promise<void> = work
      .catch((err: unknown) => {
        this._log('error', 'push delivery failed', { prompt_id: event.prompt_id, error: String(err) });
      })
      .finally(() => this._inFlight.delete(tracked));
    this._inFlight.add(tracked);
  }

  private async _deliver(event: WaitingForInputEvent): Promise<void> {
    const registrations = this._options.registry.list().filter((registration) => this._providers.has(registration.token_type));
    if (registrations.length === 0) {
      this._log('debug', 'push skipped: no registered devices', { prompt_id: event.prompt_id });
      return;
    }
    const notification = buildPushNotification(event, {
      content: this._options.config.content,
      session: this._sessionOf(event.session_id),
      nowMs: this._options.clock.now(),
    });
    await Promise.all(registrations.map((registration) => this._sendOne(event, registration, notification)));
  }

  private async _sendOne(
    event: WaitingForInputEvent,
    registration: PushRegistration,
    notification: PushNotification,
    attempt = 0,
  ): Promise<void> {
    const provider = this._providers.get(registration.token_type);
    if (provider === undefined) return;
    let result: PushResult;
    try {
      result = await provider.send(registration, notification);
    } catch (err) {
      result = { status: 'failed', reason: `provider threw: ${String(err)}`, retryable: false };
    }
    const fields = {
      session_id: event.session_id,
      prompt_id: event.prompt_id,
      wait_type: event.wait_type,
      device_id: registration.device_id,
      provider: registration.token_type,
      token: `${registration.token.slice(0, TOKEN_LOG_PREFIX)}…`,
      attempt,
      ...result,
    };
    if (result.status === 'sent') {
      this._log('info', 'push sent', fields);
    } else if (result.status === 'failed') {
      this._log('warn', 'push failed', fields);
      if (result.retryable && attempt < RETRY_DELAYS_MS.length) this._scheduleRetry(event, registration, notification, attempt + 1);
    } else {
      this._log('warn', 'push token removed', fields);
      try {
        this._options.registry.removeToken(registration.token);
      } catch (err) {
        this._log('error', 'could not remove push token', { ...fields, error: String(err) });
      }
    }
    this._onDidPush.fire({ prompt_id: event.prompt_id, device_id: registration.device_id, provider: registration.token_type, result });
  }

  private _scheduleRetry(event: WaitingForInputEvent, registration: PushRegistration, notification: PushNotification, attempt: number): void {
    const timer = this._options.clock.setTimeout(() => {
      this._retryTimers.delete(timer);
      const stillRegistered = this._options.registry.list().some((candidate) => candidate.token === registration.token);
      if (!this._isLive(event) || !stillRegistered) {
        this._log('debug', 'push retry skipped: prompt no longer live or token gone', { prompt_id: event.prompt_id, attempt });
        return;
      }
      this._track(event, this._sendOne(event, registration, notification, attempt));
    }, RETRY_DELAYS_MS[attempt - 1]);
    this._retryTimers.add(timer);
  }

  /** The session for subtitle and CLI name; undefined when it is already gone. */
  private _sessionOf(sessionId: string): SessionInfo | undefined {
    try {
      return this._options.sessions.get(sessionId);
    } catch {
      return undefined;
    }
  }
}
