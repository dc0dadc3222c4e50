/**
 * Test doubles for the push zone's tests: a manual clock, a scripted session service, an
 * in-memory push registry, a scriptable provider and a defaulted push config. Used only by
 * tests; nothing in the daemon imports it.
 */
import { Emitter, type IClock, type IDisposable, type SessionEvent, type SessionInfo, type WaitingForInputEvent } from '../common/index.js';
import { TetherError } from '../common/index.js';
import type { ISessionService } from '../core/index.js';
import { configSchema, type PushConfig } from '../store/config.js';
import type { IPushRegistry, PushRegistration, PushTokenType, RegistrationTokenType } from '../store/types.js';
import type { ActivityReport } from './liveActivities.js';
import type { IPushProvider, LiveActivityUpdate, PushNotification, PushResult, PushRetraction } from './types.js';

/** A clock that moves only through `advance`. */
export class ManualClock implements IClock {
  private _timers: Array<{ due: number; fn: () => void; cancelled: boolean }> = [];
  constructor(private _now = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this._now;
  }

  setTimeout(fn: () => void, ms: number): IDisposable {
    const timer = { due: this._now + ms, fn, cancelled: false };
    this._timers.push(timer);
    return { dispose: () => (timer.cancelled = true) };
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): void {
    const target = this._now + ms;
    for (;;) {
      const due = this._timers.filter((t) => !t.cancelled && t.due <= target).sort((a, b) => a.due - b.due)[0];
      if (due === undefined) break;
      due.cancelled = true;
      this._now = due.due;
      due.fn();
    }
    this._now = target;
    this._timers = this._timers.filter((t) => !t.cancelled);
  }

  /** Timers not yet fired or cancelled. */
  get pendingTimers(): number {
    return this._timers.filter((t) => !t.cancelled).length;
  }
}

/** A session service driven by the test: `emit` events, and `currentWaiting` follows them. */
export class FakeSessions implements Pick<ISessionService, 'onEvent' | 'currentWaiting' | 'get'> {
  private readonly _emitter = new Emitter<SessionEvent>();
  private readonly _waiting = new Map<string, WaitingForInputEvent>();
  readonly sessions = new Map<string, SessionInfo>();
  readonly onEvent = this._emitter.event;

  /** Emits an event and updates the live prompt like core does. */
  emit(event: SessionEvent): void {
    if (event.type === 'waiting_for_input') this._waiting.set(event.session_id, event);
    if (event.type === 'waiting_cleared' && this._waiting.get(event.session_id)?.prompt_id === event.prompt_id) {
      this._waiting.delete(event.session_id);
    }
    this._emitter.fire(event);
  }

  currentWaiting(sessionId: string): WaitingForInputEvent | undefined {
    return this._waiting.get(sessionId);
  }

  get(sessionId: string): SessionInfo {
    const session = this.sessions.get(sessionId);
    if (session === undefined) throw new TetherError('SESSION_NOT_FOUND', sessionId);
    return session;
  }
}

/** An in-memory IPushRegistry. */
export class MemoryRegistry implements IPushRegistry {
  registrations: PushRegistration[] = [];

  list(): PushRegistration[] {
    return [...this.registrations];
  }

  add(registration: PushRegistration): void {
    this.registrations = [...this.registrations.filter((r) => r.token !== registration.token), registration];
  }

  removeToken(token: string): void {
    this.registrations = this.registrations.filter((r) => r.token !== token);
  }
}

/** A SessionInfo with test defaults. */
export function sessionInfo(overrides: Partial<SessionInfo> = {}): SessionInfo {
  return {
    id: 'session-1',
    name: 'claude',
    cli_type: 'claude',
    command: 'claude',
    args: [],
    cwd: '/home/dev/projects/tether',
    cols: 120,
    rows: 40,
    status: 'running',
    exit_code: null,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    waiting: null,
    ...overrides,
  };
}

let seq = 0;

/** A waiting_for_input event with test defaults (a Claude Code Bash approval). */
export function waitingEvent(overrides: Partial<WaitingForInputEvent> = {}): WaitingForInputEvent {
  seq += 1;
  return {
    type: 'waiting_for_input',
    session_id: 'session-1',
    seq,
    timestamp: '2026-01-01T00:00:00.000Z',
    prompt_id: `prompt-${seq}`,
    wait_type: 'tool_approval',
    prompt_content: 'Bash command\n\n  npm install express\n  Install express\n\nDo you want to proceed?',
    options: [
      { id: '1', label: 'Yes' },
      { id: '2', label: "Yes, and don't ask again for npm install commands" },
      { id: '3', label: 'No, and tell Claude what to do differently' },
    ],
    cli_type: 'claude',
    tool_name: 'Bash',
    ...overrides,
  };
}

/** The waiting_cleared event for a prompt. */
export function clearedEvent(waiting: WaitingForInputEvent): SessionEvent {
  seq += 1;
  return { type: 'waiting_cleared', session_id: waiting.session_id, seq, timestamp: waiting.timestamp, prompt_id: waiting.prompt_id, cause: 'answered' };
}

/** A push config with every default, plus `overrides` (YAML names). */
export function pushConfig(overrides: Record<string, unknown> = {}): PushConfig {
  return configSchema.parse({ push: overrides }).push;
}

/** A registration with test defaults. */
export function registration(token: string, tokenType: RegistrationTokenType = 'apns', deviceId = 'phone-1', extra: Partial<PushRegistration> = {}): PushRegistration {
  return { device_id: deviceId, token, token_type: tokenType, platform: 'ios', registered_at: '2026-01-01T00:00:00.000Z', ...extra };
}

/**
 * Records every call and answers from a script: `results` per token (a queue, the last entry
 * repeats), `{status: 'sent'}` otherwise. `block()` holds answers until `unblock()`.
 */
export class FakeProvider implements IPushProvider {
  readonly sent: Array<{ registration: PushRegistration; notification: PushNotification; atMs: number }> = [];
  readonly retracted: Array<{ registration: PushRegistration; retraction: PushRetraction }> = [];
  readonly liveUpdates: Array<{ registration: PushRegistration; update: LiveActivityUpdate; atMs: number }> = [];
  readonly results = new Map<string, PushResult[]>();
  closed = false;

  constructor(
    readonly tokenType: PushTokenType = 'apns',
    private readonly _clock?: IClock,
  ) {}

  /** Scripts the answers for a token, in order; the last one repeats. */
  answer(token: string, ...results: PushResult[]): void {
    this.results.set(token, results);
  }

  async send(registration: PushRegistration, notification: PushNotification): Promise<PushResult> {
    this.sent.push({ registration, notification, atMs: this._clock?.now() ?? 0 });
    return this._next(registration.token);
  }

  async retract(registration: PushRegistration, retraction: PushRetraction): Promise<PushResult> {
    this.retracted.push({ registration, retraction });
    return { status: 'sent' };
  }

  async sendLiveActivity(registration: PushRegistration, update: LiveActivityUpdate): Promise<PushResult> {
    this.liveUpdates.push({ registration, update, atMs: this._clock?.now() ?? 0 });
    return this._next(registration.token);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private _next(token: string): PushResult {
    const queue = this.results.get(token);
    if (queue === undefined || queue.length === 0) return { status: 'sent' };
    return queue.length > 1 ? queue.shift()! : queue[0];
  }
}

/** A session activity source the test fires. */
export class FakeActivity {
  private readonly _emitter = new Emitter<ActivityReport>();
  readonly onActivity = this._emitter.event;

  fire(report: ActivityReport): void {
    this._emitter.fire(report);
  }
}
