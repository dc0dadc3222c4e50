/**
 * Test doubles for the push zone's tests: an in-memory push registry, a scriptable provider,
 * an activity source, a defaulted push config, and session events with push-test defaults.
 * The clock is core's VirtualClock and the sessions are test/support/fakeSessionService.ts.
 */
import { Emitter, type IClock, type SessionEvent, type SessionInfo, type WaitingForInputEvent } from '../../src/common/index.js';
import type { ActivityReport, IPushProvider, LiveActivityUpdate, PushNotification, PushResult, PushRetraction } from '../../src/push/index.js';
import { configSchema, type PushConfig } from '../../src/store/config.js';
import type { IPushRegistry, PushRegistration, PushTokenType, RegistrationTokenType } from '../../src/store/types.js';

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
