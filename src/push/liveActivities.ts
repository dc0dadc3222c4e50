/**
 * Live Activities: keeps each session's Live Activity (APNs `liveactivity` pushes) in step
 * with the session. Updates go out at most once per LIVE_ACTIVITY_THROTTLE_MS while busy
 * (the latest state wins), at once on a wait or a clear; the activity ends (with a
 * dismissal date) when a turn ends (`interaction_completed`: `completed` or `error`) or the
 * session exits (`exited`, or `error` when it failed), and the session's Live Activity tokens
 * are dropped.
 */
import type { Event, IClock, IDisposable, SessionEvent, WaitingForInputEvent } from '../common/index.js';
import { Disposable } from '../common/index.js';
import type { ISessionService } from '../core/index.js';
import type { IPushRegistry, PushRegistration } from '../store/types.js';
import { CALL_TIMED_OUT, CallDeadlines } from './callDeadlines.js';
import { buildPushNotification, type PushContent } from './notification.js';
import { iosBackendActivityState } from './pushDialects.js';
import type { IPushProvider, LiveActivityContentState, LiveActivityUpdate, PushLog } from './types.js';
import type { TaskOutcome } from './taskPushes.js';

/** Busy updates are at most this frequent per session (ms). */
export const LIVE_ACTIVITY_THROTTLE_MS = 10_000;
/** An update is shown as stale this long after it was sent, if nothing newer came (ms). */
export const LIVE_ACTIVITY_STALE_MS = 5 * 60_000;
/** An ended activity stays on the lock screen this long (ms). */
export const LIVE_ACTIVITY_DISMISSAL_MS = 15 * 60_000;

/**
 * What core reports about a session as read off its screen (structurally core's
 * `SessionActivity`); fired whenever the status, busy line or todo counts change.
 */
export interface ActivityReport {
  readonly session_id: string;
  /** `busy` while the CLI works (spinner on screen); `waiting`/`exited` come from events here. */
  readonly status: 'busy' | 'waiting' | 'idle' | 'exited';
  /** The CLI's busy line (spinner text), e.g. "Running tests…". */
  readonly operation?: string;
  /** The on-screen todo list's counts, when the parser can read one. */
  readonly todo?: { readonly completed: number; readonly total: number };
}

/** A source of activity reports (core's session service `onActivity`). */
export interface ISessionActivitySource {
  readonly onActivity: Event<ActivityReport>;
}

/** What a LiveActivityUpdater needs. */
export interface LiveActivityOptions {
  readonly sessions: Pick<ISessionService, 'onEvent' | 'get'>;
  readonly activity?: ISessionActivitySource;
  /** Turn ends outside the session stream (the prompt queue's); see PushDispatcherOptions. */
  readonly interactions?: Event<TaskOutcome>;
  readonly registry: IPushRegistry;
  /** The provider that implements `sendLiveActivity` (APNs). */
  readonly provider: IPushProvider;
  readonly content: PushContent;
  readonly clock: IClock;
  readonly log: PushLog;
}

interface SessionState {
  status: LiveActivityContentState['status'];
  operation: string;
  todo: { completed: number; total: number };
  approval?: LiveActivityContentState['approvalRequest'];
  lastTimeout?: LiveActivityContentState['lastTimeout'];
  /** The live prompt's wait type (the `ios-backend` status tells an approval from a question). */
  waitType?: WaitingForInputEvent['wait_type'];
  lastSentMs?: number;
  trailing?: IDisposable;
}

/** Sends Live Activity updates for sessions that have Live Activity registrations. */
export class LiveActivityUpdater extends Disposable {
  private readonly _states = new Map<string, SessionState>();
  private readonly _inFlight = new Set<Promise<void>>();
  private readonly _deadlines: CallDeadlines;

  constructor(private readonly _options: LiveActivityOptions) {
    super();
    this._deadlines = this._register(new CallDeadlines(_options.clock));
    this._register(_options.sessions.onEvent((event) => this._onEvent(event)));
    if (_options.activity !== undefined) this._register(_options.activity.onActivity((activity) => this._onActivity(activity)));
    if (_options.interactions !== undefined) this._register(_options.interactions((outcome) => this._finish(outcome.session_id, outcome.status === 'ok' ? 'completed' : 'error')));
    this._register({
      dispose: () => {
        for (const state of this._states.values()) state.trailing?.dispose();
        this._states.clear();
      },
    });
  }

  /** Sends a session's current state at once (e.g. right after its Live Activity token registered). */
  refresh(sessionId: string): void {
    this._sendNow(sessionId, this._state(sessionId), 'update');
  }

  /** Resolves when every started send has finished. */
  async whenIdle(): Promise<void> {
    while (this._inFlight.size > 0) await Promise.all([...this._inFlight]);
  }

  private _state(sessionId: string): SessionState {
    let state = this._states.get(sessionId);
    if (state === undefined) {
      state = { status: 'busy', operation: '', todo: { completed: 0, total: 0 } };
      this._states.set(sessionId, state);
    }
    return state;
  }

  private _onActivity(activity: ActivityReport): void {
    // Waits, clears and exits arrive as session events, which send at once; only busy/idle here.
    if (activity.status === 'waiting' || activity.status === 'exited') return;
    const state = this._state(activity.session_id);
    if (activity.operation !== undefined) state.operation = activity.operation;
    if (activity.todo !== undefined) state.todo = { completed: activity.todo.completed, total: activity.todo.total };
    // A live prompt outranks the spinner: the activity keeps showing the request until it clears.
    if (state.status !== 'waiting') state.status = activity.status;
    this._throttled(activity.session_id, state);
  }

  private _onEvent(event: SessionEvent): void {
    switch (event.type) {
      case 'waiting_for_input': {
        const state = this._state(event.session_id);
        state.lastTimeout = undefined;
        state.waitType = event.wait_type;
        if (event.wait_type === 'awaiting_response') {
          state.status = 'idle';
          state.approval = undefined;
        } else {
          state.status = 'waiting';
          state.approval = this._approvalOf(event);
        }
        this._sendNow(event.session_id, state, 'update');
        break;
      }
      case 'approval_timeout': {
        // Its time ran out: still waiting (notify), or denied (the clear follows and changes nothing more).
        const state = this._state(event.session_id);
        if (state.approval === undefined || state.approval.promptId !== event.prompt_id) break;
        if (event.action === 'notified') state.approval = { ...state.approval, timedOut: true };
        else {
          state.status = 'busy';
          state.approval = undefined;
          state.lastTimeout = { promptId: event.prompt_id, action: 'denied' };
        }
        this._sendNow(event.session_id, state, 'update');
        break;
      }
      case 'waiting_cleared': {
        const state = this._state(event.session_id);
        if (state.approval !== undefined && state.approval.promptId !== event.prompt_id) break;
        if (state.approval === undefined && state.lastTimeout?.promptId === event.prompt_id) break;
        state.status = 'busy';
        state.approval = undefined;
        this._sendNow(event.session_id, state, 'update');
        break;
      }
      case 'interaction_completed':
        // The task ended (seed "Task Complete"): the activity ends with its outcome.
        this._finish(event.session_id, event.status === 'ok' ? 'completed' : 'error');
        break;
      case 'session_closed': {
        const state = this._state(event.session_id);
        state.status = this._failed(event.session_id) ? 'error' : 'exited';
        state.approval = undefined;
        state.trailing?.dispose();
        this._states.delete(event.session_id);
        this._end(event.session_id, state);
        break;
      }
      default:
        break;
    }
  }

  /** Ends a session's activity with `status` (its tokens are dropped; a new activity may register). */
  private _finish(sessionId: string, status: 'completed' | 'error'): void {
    const state = this._state(sessionId);
    state.status = status;
    state.approval = undefined;
    state.trailing?.dispose();
    this._states.delete(sessionId);
    this._end(sessionId, state);
  }

  /** True when the session exited non-zero on its own. */
  private _failed(sessionId: string): boolean {
    try {
      return this._options.sessions.get(sessionId).status === 'failed';
    } catch {
      return false;
    }
  }

  private _approvalOf(event: WaitingForInputEvent): NonNullable<LiveActivityContentState['approvalRequest']> {
    const notification = buildPushNotification(event, { content: this._options.content, nowMs: this._options.clock.now() });
    const expiresAt = event.expires_at === undefined ? NaN : Date.parse(event.expires_at);
    return {
      toolName: event.tool_name ?? notification.title,
      summary: notification.body,
      promptId: event.prompt_id,
      ...(Number.isFinite(expiresAt) ? { expiresAt: Math.floor(expiresAt / 1000) } : {}),
    };
  }

  private _registrations(sessionId: string): PushRegistration[] {
    return this._options.registry.list().filter((r) => r.token_type === 'live_activity' && r.session_id === sessionId);
  }

  /** Sends now if the last update is old enough, else once at the end of the throttle interval. */
  private _throttled(sessionId: string, state: SessionState): void {
    if (this._registrations(sessionId).length === 0) return;
    const now = this._options.clock.now();
    const since = state.lastSentMs === undefined ? Infinity : now - state.lastSentMs;
    if (since >= LIVE_ACTIVITY_THROTTLE_MS) {
      this._sendNow(sessionId, state, 'update');
      return;
    }
    state.trailing ??= this._options.clock.setTimeout(() => {
      state.trailing = undefined;
      if (this._states.get(sessionId) === state) this._sendNow(sessionId, state, 'update');
    }, LIVE_ACTIVITY_THROTTLE_MS - since);
  }

  private _sendNow(sessionId: string, state: SessionState, event: 'update' | 'end'): void {
    const registrations = this._registrations(sessionId);
    if (registrations.length === 0) return;
    state.trailing?.dispose();
    state.trailing = undefined;
    const now = this._options.clock.now();
    state.lastSentMs = now;
    const seconds = Math.floor(now / 1000);
    const contentState = this._contentState(sessionId, state);
    const update: LiveActivityUpdate = {
      event,
      contentState,
      timestamp: seconds,
      ...(event === 'end'
        ? { dismissalDate: Math.floor((now + LIVE_ACTIVITY_DISMISSAL_MS) / 1000) }
        : { staleDate: Math.floor((now + LIVE_ACTIVITY_STALE_MS) / 1000) }),
    };
    // A registration made in the ios-backend dialect gets that seed's statuses (pushDialects.ts).
    const facts = state.waitType === undefined ? {} : { waitType: state.waitType };
    const forRegistration = (registration: PushRegistration): LiveActivityUpdate =>
      registration.dialect === 'ios-backend' ? { ...update, contentState: iosBackendActivityState(contentState, facts) } : update;
    this._track(Promise.all(registrations.map((registration) => this._deliver(sessionId, registration, forRegistration(registration)))).then(() => {}));
  }

  private _end(sessionId: string, state: SessionState): void {
    const registrations = this._registrations(sessionId);
    if (registrations.length === 0) return;
    this._sendNow(sessionId, state, 'end');
    for (const registration of registrations) this._remove(registration);
  }

  private _contentState(sessionId: string, state: SessionState): LiveActivityContentState {
    let elapsedSeconds = 0;
    try {
      const created = Date.parse(this._options.sessions.get(sessionId).created_at);
      if (Number.isFinite(created)) elapsedSeconds = Math.max(0, Math.floor((this._options.clock.now() - created) / 1000));
    } catch {
      // The session is gone (end after exit): elapsed time is unknown, 0 is harmless.
    }
    return {
      status: state.status,
      currentOperation: state.operation,
      elapsedSeconds,
      todoProgress: { ...state.todo },
      ...(state.approval === undefined ? {} : { approvalRequest: state.approval }),
      ...(state.lastTimeout === undefined ? {} : { lastTimeout: state.lastTimeout }),
    };
  }

  private async _deliver(sessionId: string, registration: PushRegistration, update: LiveActivityUpdate): Promise<void> {
    const send = this._options.provider.sendLiveActivity;
    if (send === undefined) return;
    const fields = { session_id: sessionId, device_id: registration.device_id, event: update.event, status: update.contentState.status };
    try {
      const result = await this._deadlines.run(send.call(this._options.provider, registration, update), () => CALL_TIMED_OUT);
      if (result.status === 'token_removed') this._remove(registration);
      this._options.log(result.status === 'sent' ? 'debug' : 'warn', `live activity ${result.status}`, { ...fields, ...result });
    } catch (err) {
      this._options.log('error', 'live activity send threw', { ...fields, error: String(err) });
    }
  }

  private _remove(registration: PushRegistration): void {
    try {
      this._options.registry.removeToken(registration.token);
    } catch (err) {
      this._options.log('error', 'could not remove live activity token', { device_id: registration.device_id, error: String(err) });
    }
  }

  private _track(work: Promise<void>): void {
    const tracked: Promise<void> = work.finally(() => this._inFlight.delete(tracked));
    this._inFlight.add(tracked);
  }
}
