/**
 * Turns `waiting_for_input` events into pushes and reports what became of each one. Applies
 * the rules in order: which waits push (pushRules), `delay_seconds` with a client connected,
 * suppression on proof of a watcher, per-device preferences, the per-device rate limit
 * (deliveryQueue), then sends with retries (retryPolicy) and retracts on `waiting_cleared`.
 */
import { Disposable, Emitter, type ApprovalExpiringEvent, type ApprovalTimeoutEvent, type Event, type SessionEvent, type SessionInfo, type WaitingForInputEvent } from '../common/index.js';
import { BadgeKeeper } from './badgeKeeper.js';
import type { PushDeliveryResult } from '../common/protocol.js';
import type { PushRegistration } from '../store/types.js';
import { deliveryResultOf, logDeliveryReport, type PushDeliveryReport } from './deliveryReport.js';
import { buildTestPush } from './testPush.js';
import { DeliveryQueue } from './deliveryQueue.js';
import { hasTokenRemovals } from './expoProvider.js';
import { LiveActivityUpdater } from './liveActivities.js';
import { buildPushNotification } from './notification.js';
import { mergePreferences, preferenceSuppression, PresenceTracker, shouldPush } from './pushRules.js';
import { isRetryableFailure, nextRetryDelayMs } from './retryPolicy.js';
import { DeliveryTracker } from './deliveryTracker.js';
import { CALL_TIMED_OUT } from './callDeadlines.js';
import type { PushDispatcherOptions, QueuedPush } from './dispatcherTypes.js';
import { PromptDelay } from './promptDelay.js';
import { buildTaskNotification, isTurnEndPrompt, taskSubject, TurnEndLedger, type PushSubject, type TaskOutcome } from './taskPushes.js';
import { removeTokenSafely, retractSafely, sendSafely, setBadgeSafely } from './providerCalls.js';
import { notificationForDialect, retractionForDialect } from './pushDialects.js';
import type { IPushProvider, PushAttempt, PushLog, PushNotification, PushResult, TetherPushNotification } from './types.js';

export { shouldPush } from './pushRules.js';
export type { PushDispatcherOptions } from './dispatcherTypes.js';

/** Turns `waiting_for_input` events into pushes. Does nothing when push is disabled or has no providers. */
export class PushDispatcher extends Disposable {
  private readonly _onDidPush = this._register(new Emitter<PushAttempt>());
  /** One event per provider answer (per registration and attempt). */
  readonly onDidPush: Event<PushAttempt> = this._onDidPush.event;
  private readonly _onDidReport = this._register(new Emitter<PushDeliveryReport>());
  /** Every delivery result: sent, suppressed, queued, retried, failed, token_removed. */
  readonly onDidReport: Event<PushDeliveryReport> = this._onDidReport.event;
  /** `app_state` reports; the daemon feeds it from paired (never admin) connections. */
  readonly presence: PresenceTracker;
  /** Live Activity updates, when a provider can send them. */
  readonly liveActivities: LiveActivityUpdater | undefined;

  private readonly _providers = new Map<string, IPushProvider>();
  private readonly _delay: PromptDelay;
  /** Prompts held back because someone watches their session; rechecked when the proof lapses. */
  private readonly _watched = new Map<string, WaitingForInputEvent>();
  private readonly _queue: DeliveryQueue<QueuedPush>;
  private readonly _tracker: DeliveryTracker;
  private readonly _log: PushLog;
  private readonly _active: boolean;
  private readonly _badges: BadgeKeeper;
  /** One turn-end push per session, device and turn (taskPushes.ts). */
  private readonly _turnEnds = new TurnEndLedger();

  constructor(private _options: PushDispatcherOptions) {
    super();
    this._log = _options.log ?? (() => {});
    this._badges = new BadgeKeeper(_options.sessions);
    this.presence = new PresenceTracker(_options.clock);
    this._delay = this._register(new PromptDelay(_options.clock));
    for (const provider of _options.providers) this._providers.set(provider.tokenType, provider);
    this._queue = this._register(new DeliveryQueue<QueuedPush>(_options.config.max_per_minute, _options.clock, (deviceId, item) => this._release(deviceId, item)));
    this._tracker = this._register(new DeliveryTracker(_options.clock, this._log));
    this._active = _options.config.enabled && this._providers.size > 0;
    const liveProvider = _options.providers.find((provider) => provider.sendLiveActivity !== undefined);
    this.liveActivities =
      this._active && liveProvider !== undefined
        ? this._register(
            new LiveActivityUpdater({ ..._options, provider: liveProvider, content: _options.config.content, log: this._log }),
          )
        : undefined;
    if (!this._active) {
      this._log('info', 'push is off', { enabled: _options.config.enabled, providers: this._providers.size });
      return;
    }
    this._register(_options.sessions.onEvent((event) => this._onEvent(event)));
    if (_options.interactions !== undefined) this._register(_options.interactions((outcome) => this._onTask(outcome)));
    for (const provider of _options.providers.filter(hasTokenRemovals)) {
      this._register(provider.onTokenRemoved(({ token, reason }) => removeTokenSafely(this._options.registry, token, reason, this._log)));
    }
  }

  /**
   * Applies a reloaded `push` section: delay, content, retry window and device preferences
   * (quiet hours) hold for the next prompt. `enabled`, the providers and `max_per_minute` are
   * read at start only (the config watcher reports them as needing a restart).
   */
  configure(config: PushDispatcherOptions['config']): void {
    this._options = { ...this._options, config };
  }

  /**
   * Records a client's `app_state` (the daemon calls it for paired connections only). When a
   * client stops watching (`background`, `gone`), prompts held back for it are rechecked at once.
   */
  reportAppState(connectionId: string, deviceId: string, state: 'active' | 'background' | 'gone', sessionId?: string): void {
    this.presence.report(connectionId, deviceId, state, sessionId);
    if (state === 'active') return;
    for (const [promptId, event] of this._watched) {
      this._delay.cancel((pending) => pending === promptId);
      this._recheck(event);
    }
  }

  /** Number of delayed pushes waiting for their timer. */
  get pendingCount(): number {
    return this._delay.size;
  }

  /** Number of pushes held back by the rate limit. */
  get queuedCount(): number {
    return this._queue.size;
  }

  /** Resolves when every send started so far has finished (scheduled retries excluded). */
  async whenIdle(): Promise<void> {
    await this._tracker.whenIdle();
    await this.liveActivities?.whenIdle();
    await this._tracker.whenIdle();
  }

  /**
   * Sends a test notification to every registration (of `deviceId` when given), bypassing the
   * rules; one attempt each, no retry. Resolves with one report per registration.
   */
  async sendTest(deviceId?: string): Promise<PushDeliveryReport[]> {
    const { event, notification } = buildTestPush(this._options.clock.now());
    const reports: PushDeliveryReport[] = [];
    const targets = this._alertRegistrations().filter((r) => deviceId === undefined || r.device_id === deviceId);
    await Promise.all(
      targets.map(async (registration) => {
        const result = await this._tracker.deadlines.run(sendSafely(this._providers.get(registration.token_type), registration, this._wire(event, notification, registration)), () => CALL_TIMED_OUT);
        reports.push(this._handleResult(event, registration, result, 0));
      }),
    );
    return reports;
  }

  private _onEvent(event: SessionEvent): void {
    if (event.type === 'waiting_for_input') this._onWaiting(event);
    else if (event.type === 'waiting_cleared') this._onCleared(event.session_id, (promptId) => promptId === event.prompt_id, 'prompt_cleared', event.cause);
    else if (event.type === 'session_closed') {
      this._onCleared(event.session_id, () => true, 'session_closed', 'session_exited');
      // Exiting non-zero on its own (not by Tether's kill) is a failed task.
      if (this._sessionOf(event.session_id)?.status === 'failed') this._onTask({ session_id: event.session_id, interaction_id: `${event.session_id}-exit`, status: 'error', timestamp: new Date(this._options.clock.now()).toISOString() });
    } else if (event.type === 'interaction_completed') this._onTask(event);
    else if (event.type === 'session_deleted') (this._clearBadges(), this._turnEnds.forget(event.session_id));
    else if (event.type === 'approval_expiring') this._onStage(event, 'warning');
    else if (event.type === 'approval_timeout' && event.action === 'notified') this._onStage(event, 'reminder');
  }

  /** The warning before a `deny` expiry, or the reminder after a `notify` one: the live prompt is pushed again. */
  private _onStage(event: ApprovalExpiringEvent | ApprovalTimeoutEvent, stage: 'warning' | 'reminder'): void {
    const live = this._options.sessions.currentWaiting(event.session_id);
    if (live === undefined || live.prompt_id !== event.prompt_id || !shouldPush(live)) return;
    this._start(live, stage);
  }

  /** Once no decision prompt is left, clears the badge of every registration that shows one. */
  private _clearBadges(): void {
    for (const registration of this._badges.takeStale()) {
      this._tracker.track(this._tracker.deadlines.run(setBadgeSafely(this._providers.get(registration.token_type), registration, 0, this._log), () => undefined));
    }
  }

  private _onWaiting(event: WaitingForInputEvent): void {
    if (!shouldPush(event) || this._delay.has(event.prompt_id)) return;
    // A new prompt supersedes any older delayed push of the same session.
    this._delay.cancel((_, sessionId) => sessionId === event.session_id);
    const delayMs = this._options.config.delay_seconds * 1000;
    if (delayMs === 0 || !this._options.hasConnectedClient()) return this._start(event);
    this._delay.schedule(event.prompt_id, event.session_id, delayMs, () => {
      if (this._isLive(event)) this._start(event);
      else this._log('debug', 'push skipped: prompt no longer live', { session_id: event.session_id, prompt_id: event.prompt_id });
    });
  }

  private _onCleared(sessionId: string, matches: (promptId: string) => boolean, reason: string, cause: string): void {
    this._delay.cancel((promptId, pendingSession) => pendingSession === sessionId && matches(promptId));
    for (const [promptId, event] of this._watched) if (event.session_id === sessionId && matches(promptId)) this._watched.delete(promptId);
    for (const { deviceId, item } of this._queue.remove((queued) => queued.sessionId === sessionId && matches(queued.promptId))) {
      for (const registration of item.registrations) this._report(item.event, registration, { status: 'suppressed', reason }, deviceId);
    }
    for (const { event, registration } of this._tracker.cancelRetries(sessionId, matches)) {
      this._report(event, registration, { status: 'suppressed', reason });
    }
    const badge = this._badges.count();
    for (const { promptId, registration } of this._tracker.takeDelivered(sessionId, matches)) {
      const retraction = retractSafely(this._providers.get(registration.token_type), registration, retractionForDialect({ session_id: sessionId, prompt_id: promptId, threadId: sessionId, cause, badge }, registration.dialect), this._log);
      this._tracker.track(this._tracker.deadlines.run(retraction, () => this._log('warn', 'push retraction timed out', { session_id: sessionId, prompt_id: promptId, device_id: registration.device_id })));
    }
    this._clearBadges();
  }

  private _isLive(event: WaitingForInputEvent): boolean {
    return this._options.sessions.currentWaiting(event.session_id)?.prompt_id === event.prompt_id;
  }

  /** The session for subtitle and CLI name; undefined when it is already gone. */
  private _sessionOf(sessionId: string): SessionInfo | undefined {
    try {
      return this._options.sessions.get(sessionId);
    } catch {
      return undefined;
    }
  }

  private _alertRegistrations(): PushRegistration[] {
    return this._options.registry.list().filter((registration) => this._providers.has(registration.token_type));
  }

  /**
   * The prompt is due: apply watcher, preference and rate rules, then send or queue per device.
   * `stage` marks a later push of the same prompt (warning, reminder): a watcher suppresses it for good.
   */
  private _start(event: WaitingForInputEvent, stage?: 'warning' | 'reminder'): void {
    const registrations = this._alertRegistrations();
    if (registrations.length === 0) {
      this._log('debug', 'push skipped: no registered devices', { prompt_id: event.prompt_id });
      return;
    }
    const watch = this.presence.watchOf(event.session_id);
    if (watch !== undefined && stage !== undefined) {
      for (const registration of registrations) this._report(event, registration, { status: 'suppressed', reason: `watching: ${watch.deviceId}` });
      return;
    }
    if (watch !== undefined) {
      // Reported once; the push still goes out if the prompt outlives the proof.
      if (!this._watched.has(event.prompt_id)) {
        for (const registration of registrations) this._report(event, registration, { status: 'suppressed', reason: `watching: ${watch.deviceId}` });
      }
      this._watched.set(event.prompt_id, event);
      this._delay.schedule(event.prompt_id, event.session_id, watch.expiresInMs, () => this._recheck(event));
      return;
    }
    this._watched.delete(event.prompt_id);
    const session = this._sessionOf(event.session_id);
    const nowMs = this._options.clock.now();
    const notification = buildPushNotification(event, { content: this._options.config.content, session, nowMs, badge: this._badges.count(), ...(stage ? { stage } : {}) });
    const byDevice = new Map<string, PushRegistration[]>();
    for (const registration of registrations) byDevice.set(registration.device_id, [...(byDevice.get(registration.device_id) ?? []), registration]);
    for (const [deviceId, deviceRegistrations] of byDevice) {
      const preferences = mergePreferences(this._options.config.devices[deviceId], this._options.preferences?.(deviceId));
      const suppressed = preferenceSuppression(preferences, event.wait_type, nowMs) ?? this._turnEndDuplicate(event, preferences.task_pushes, deviceId, nowMs);
      if (suppressed !== undefined) {
        for (const registration of deviceRegistrations) this._report(event, registration, { status: 'suppressed', reason: suppressed });
        continue;
      }
      const item: QueuedPush = { sessionId: event.session_id, promptId: event.prompt_id, event, notification, registrations: deviceRegistrations };
      const outcome = this._queue.submit(deviceId, item);
      if (outcome.kind === 'send') {
        for (const registration of deviceRegistrations) this._tracker.track(this._sendOne(event, registration, notification, 0, nowMs));
        continue;
      }
      for (const registration of deviceRegistrations) {
        this._report(event, registration, { status: 'queued', reason: 'rate_limited', retry_in_ms: outcome.releaseInMs });
      }
      for (const registration of outcome.replaced?.registrations ?? []) {
        this._report(outcome.replaced!.event, registration, { status: 'suppressed', reason: `collapsed: replaced by ${event.prompt_id}` });
      }
    }
  }

  /** Why the screen's turn-end push is a duplicate for a device with task pushes on (a task push of this turn went), or undefined. */
  private _turnEndDuplicate(event: WaitingForInputEvent, taskPushes: boolean | undefined, deviceId: string, nowMs: number): string | undefined {
    if (taskPushes !== true || !isTurnEndPrompt(event) || this._turnEnds.claim(event.session_id, deviceId, nowMs)) return undefined;
    return 'turn_end_pushed';
  }

  /**
   * A turn ended (or the session failed): "Task complete" / "Task failed" to each device that
   * turned `task_pushes` on, under the same rules as prompts (watcher, quiet hours), one per
   * turn and device. Sent once, not retried or retracted: it is news, not a question.
   */
  private _onTask(outcome: TaskOutcome): void {
    const subject = taskSubject(outcome);
    const registrations = this._alertRegistrations();
    if (registrations.length === 0) return;
    const watch = this.presence.watchOf(outcome.session_id);
    const nowMs = this._options.clock.now();
    const notification = buildTaskNotification(outcome, { session: this._sessionOf(outcome.session_id), nowMs });
    for (const deviceId of new Set(registrations.map((registration) => registration.device_id))) {
      const deviceRegistrations = registrations.filter((registration) => registration.device_id === deviceId);
      const preferences = mergePreferences(this._options.config.devices[deviceId], this._options.preferences?.(deviceId));
      if (preferences.task_pushes !== true) continue;
      const suppressed =
        (watch !== undefined ? `watching: ${watch.deviceId}` : preferenceSuppression(preferences, 'awaiting_response', nowMs)) ??
        (this._turnEnds.claim(outcome.session_id, deviceId, nowMs) ? undefined : 'turn_end_pushed');
      for (const registration of deviceRegistrations) {
        if (suppressed !== undefined) {
          this._report(subject, registration, { status: 'suppressed', reason: suppressed });
          continue;
        }
        const send = this._tracker.deadlines.run(sendSafely(this._providers.get(registration.token_type), registration, this._wire(undefined, notification, registration)), () => CALL_TIMED_OUT);
        this._tracker.track(send.then((result) => void this._handleResult(subject, registration, result, 0)));
      }
    }
  }

  /** A watched prompt's proof lapsed (or its watcher left): push it if it is still live. */
  private _recheck(event: WaitingForInputEvent): void {
    if (this._isLive(event)) this._start(event);
    else this._watched.delete(event.prompt_id);
  }

  /** A queued push got its slot. */
  private _release(deviceId: string, item: QueuedPush): void {
    if (!this._isLive(item.event)) {
      for (const registration of item.registrations) this._report(item.event, registration, { status: 'suppressed', reason: 'prompt_cleared' }, deviceId);
      return;
    }
    const current = new Set(this._options.registry.list().map((registration) => registration.token));
    const nowMs = this._options.clock.now();
    for (const registration of item.registrations) {
      if (current.has(registration.token)) this._tracker.track(this._sendOne(item.event, registration, item.notification, 0, nowMs));
    }
  }

  private async _sendOne(
    event: WaitingForInputEvent,
    registration: PushRegistration,
    notification: TetherPushNotification,
    attempt: number,
    firstAttemptMs: number,
  ): Promise<void> {
    const result = await this._tracker.deadlines.run(sendSafely(this._providers.get(registration.token_type), registration, this._wire(event, notification, registration)), () => CALL_TIMED_OUT);
    if (result.status === 'sent') {
      this._tracker.delivered(event.session_id, event.prompt_id, registration);
      if (this._providers.get(registration.token_type)?.setBadge !== undefined) this._badges.delivered(registration, notification.badge);
    }
    if (result.status === 'failed' && isRetryableFailure(result) && this._isLive(event)) {
      const now = this._options.clock.now();
      const windowMs = this._options.config.retry_window_seconds * 1000;
      const delay = nextRetryDelayMs(attempt + 1, result.retryAfterMs, now, firstAttemptMs, windowMs, this._options.random ?? Math.random);
      if (delay !== undefined) {
        this._onDidPush.fire({ prompt_id: event.prompt_id, device_id: registration.device_id, provider: registration.token_type as PushAttempt['provider'], result });
        this._report(event, registration, { ...deliveryResultOf(result, attempt), status: 'retried', retry_in_ms: delay }, undefined, result);
        this._tracker.scheduleRetry(event, registration, delay, () => {
          if (!this._isLive(event)) return this._report(event, registration, { status: 'suppressed', reason: 'prompt_cleared' });
          if (!this._options.registry.list().some((candidate) => candidate.token === registration.token)) return;
          this._tracker.track(this._sendOne(event, registration, notification, attempt + 1, firstAttemptMs));
        });
        return;
      }
    }
    this._handleResult(event, registration, result, attempt);
  }

  /**
   * What one registration is sent: the notification with its action secret, in the payload of
   * the registration's dialect (pushDialects.ts).
   */
  private _wire(event: WaitingForInputEvent | undefined, notification: TetherPushNotification, registration: PushRegistration): PushNotification {
    const withSecret = this._withActionSecret(notification, registration);
    // Web Push is read by Tether's own service worker, whatever registered it.
    if (registration.dialect === undefined || registration.token_type === 'webpush') return withSecret;
    const session = this._sessionOf(notification.data.session_id);
    return notificationForDialect(withSecret, registration.dialect, { ...(event === undefined ? {} : { event }), ...(session === undefined ? {} : { session }), content: this._options.config.content });
  }

  /**
   * An approval push with a fresh action secret for this registration in its data (each send
   * its own, so a secret read from one device's payload answers nothing for another).
   */
  private _withActionSecret(notification: TetherPushNotification, registration: PushRegistration): TetherPushNotification {
    const secrets = this._options.actionSecrets;
    if (secrets === undefined || notification.category !== 'PERMISSION_REQUEST') return notification;
    const { session_id, prompt_id } = notification.data;
    const action_secret = secrets.issue({ device_id: registration.device_id, token: registration.token, session_id, prompt_id });
    return { ...notification, data: { ...notification.data, action_secret } };
  }

  /** Fires onDidPush, removes dead tokens, and reports a final provider answer. */
  private _handleResult(event: PushSubject, registration: PushRegistration, result: PushResult, attempt: number): PushDeliveryReport {
    this._onDidPush.fire({ prompt_id: event.prompt_id, device_id: registration.device_id, provider: registration.token_type as PushAttempt['provider'], result });
    if (result.status === 'token_removed') removeTokenSafely(this._options.registry, registration.token, result.reason, this._log);
    return this._report(event, registration, deliveryResultOf(result, attempt), undefined, result);
  }

  /** Logs a result and fires it as a report. */
  private _report(
    event: PushSubject,
    registration: PushRegistration,
    result: PushDeliveryResult,
    deviceId = registration.device_id,
    raw?: PushResult,
  ): PushDeliveryReport {
    const report: PushDeliveryReport = {
      prompt_id: event.prompt_id,
      session_id: event.session_id,
      device_id: deviceId,
      provider: registration.token_type,
      result,
      timestamp: new Date(this._options.clock.now()).toISOString(),
    };
    const retryAfterMs = raw?.status === 'failed' ? raw.retryAfterMs : undefined;
    logDeliveryReport(this._log, report, { waitType: event.wait_type, token: registration.token, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
    this._onDidReport.fire(report);
    return report;
  }
}
