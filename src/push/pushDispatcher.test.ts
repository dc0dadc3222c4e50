import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PushRegistration, PushTokenType } from '../store/types.js';
import { PushDispatcher } from './pushDispatcher.js';
import { VirtualClock } from '../core/index.js';
import { FakeSessionService } from '../../test/support/fakeSessionService.js';
import { clearedEvent, MemoryRegistry, pushConfig, sessionInfo, waitingEvent } from '../../test/support/pushFakes.js';
import type { IPushProvider, PushAttempt, PushNotification, PushResult } from './types.js';

/** Records sends and answers with a scripted result per token. */
class RecordingProvider implements IPushProvider {
  readonly sent: Array<{ registration: PushRegistration; notification: PushNotification }> = [];
  readonly results = new Map<string, PushResult>();
  closed = false;
  constructor(readonly tokenType: PushTokenType = 'apns') {}

  async send(registration: PushRegistration, notification: PushNotification): Promise<PushResult> {
    this.sent.push({ registration, notification });
    return this.results.get(registration.token) ?? { status: 'sent' };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}


function registration(token: string, tokenType: PushTokenType = 'apns', deviceId = 'phone-1'): PushRegistration {
  return { device_id: deviceId, token, token_type: tokenType, platform: 'ios', registered_at: '2026-01-01T00:00:00.000Z' };
}

describe('PushDispatcher rules', () => {
  let clock: VirtualClock;
  let sessions: FakeSessionService;
  let registry: MemoryRegistry;
  let provider: RecordingProvider;
  let connected: boolean;
  let dispatcher: PushDispatcher;
  let attempts: PushAttempt[];
  let logs: Array<{ level: string; message: string; fields?: Readonly<Record<string, unknown>> }>;

  function start(config: Record<string, unknown> = {}, providers: IPushProvider[] = [provider]): void {
    dispatcher = new PushDispatcher({
      sessions,
      registry,
      config: pushConfig(config),
      random: () => 0.5,
      providers,
      hasConnectedClient: () => connected,
      clock,
      log: (level, message, fields) => logs.push({ level, message, fields }),
    });
    dispatcher.onDidPush((attempt) => attempts.push(attempt));
  }

  /** Advances the clock in 500 ms steps, letting sends settle between steps. */
  async function run(ms: number): Promise<void> {
    for (let elapsed = 0; elapsed < ms; elapsed += 500) {
      clock.advance(Math.min(500, ms - elapsed));
      await dispatcher.whenIdle();
    }
  }

  beforeEach(() => {
    clock = new VirtualClock(Date.UTC(2026, 0, 1));
    sessions = new FakeSessionService();
    sessions.sessions.set('session-1', sessionInfo());
    registry = new MemoryRegistry();
    registry.add(registration('a'.repeat(64)));
    provider = new RecordingProvider();
    connected = false;
    attempts = [];
    logs = [];
  });

  afterEach(() => {
    dispatcher.dispose();
    expect(clock.pendingTimers).toBe(0);
  });

  it('pushes at once when no client is connected', async () => {
    start();
    const event = waitingEvent();
    sessions.emit(event);
    await dispatcher.whenIdle();
    expect(provider.sent).toHaveLength(1);
    expect(provider.sent[0].notification.data.prompt_id).toBe(event.prompt_id);
    expect(attempts).toEqual([{ prompt_id: event.prompt_id, device_id: 'phone-1', provider: 'apns', result: { status: 'sent' } }]);
    expect(logs.find((l) => l.message === 'push sent')?.fields).toMatchObject({ prompt_id: event.prompt_id, token: 'aaaaaaaa…' });
  });

  it('with a client connected, waits the delay and pushes if the prompt is still live', async () => {
    connected = true;
    start();
    sessions.emit(waitingEvent());
    clock.advance(2_999);
    await dispatcher.whenIdle();
    expect(provider.sent).toHaveLength(0);
    clock.advance(1);
    await dispatcher.whenIdle();
    expect(provider.sent).toHaveLength(1);
  });

  it('with a client connected, cancels the push when the prompt clears before the delay', async () => {
    connected = true;
    start();
    const event = waitingEvent();
    sessions.emit(event);
    clock.advance(1_000);
    sessions.emit(clearedEvent(event));
    expect(dispatcher.pendingCount).toBe(0);
    clock.advance(10_000);
    await dispatcher.whenIdle();
    expect(provider.sent).toHaveLength(0);
  });

  it('skips a delayed push whose prompt is no longer live even without a clear event', async () => {
    connected = true;
    start();
    const event = waitingEvent();
    sessions.emit(event);
    sessions.emit(waitingEvent({ session_id: 'session-1', wait_type: 'awaiting_response' }));
    clock.advance(3_000);
    await dispatcher.whenIdle();
    expect(provider.sent).toHaveLength(0);
  });

  it('honours a custom delay', async () => {
    connected = true;
    start({ delay_seconds: 10 });
    sessions.emit(waitingEvent());
    clock.advance(9_000);
    expect(provider.sent).toHaveLength(0);
    clock.advance(1_000);
    await dispatcher.whenIdle();
    expect(provider.sent).toHaveLength(1);
  });

  it('pushes awaiting_response only after a turn, never at session start', async () => {
    start();
    sessions.emit(waitingEvent({ wait_type: 'awaiting_response', tool_name: undefined }));
    sessions.emit(waitingEvent({ wait_type: 'awaiting_response', tool_name: undefined, after_turn: false }));
    await dispatcher.whenIdle();
    expect(provider.sent).toHaveLength(0);
    sessions.emit(waitingEvent({ wait_type: 'awaiting_response', tool_name: undefined, after_turn: true }));
    await dispatcher.whenIdle();
    expect(provider.sent.map((s) => s.notification.category)).toEqual(['TASK_COMPLETE']);
  });

  it('pushes plan approvals and questions', async () => {
    start();
    sessions.emit(waitingEvent({ wait_type: 'plan_approval' }));
    sessions.emit(waitingEvent({ wait_type: 'clarifying_question' }));
    await dispatcher.whenIdle();
    expect(provider.sent.map((s) => s.notification.category)).toEqual(['PLAN_APPROVAL', 'QUESTION_ASKED']);
  });

  it('sends to every registration whose provider exists', async () => {
    registry.add(registration('b'.repeat(64), 'apns', 'phone-2'));
    registry.add(registration('fcm-token-'.repeat(5), 'fcm', 'android-1'));
    start();
    sessions.emit(waitingEvent());
    await dispatcher.whenIdle();
    expect(provider.sent.map((s) => s.registration.device_id).sort()).toEqual(['phone-1', 'phone-2']);
  });

  it('removes a token the provider reports gone and logs failures', async () => {
    registry.add(registration('b'.repeat(64), 'apns', 'phone-2'));
    provider.results.set('a'.repeat(64), { status: 'token_removed', reason: 'Unregistered' });
    provider.results.set('b'.repeat(64), { status: 'failed', httpStatus: 429, reason: 'TooManyRequests', retryable: true });
    start();
    sessions.emit(waitingEvent());
    await dispatcher.whenIdle();
    expect(registry.list().map((r) => r.token)).toEqual(['b'.repeat(64)]);
    expect(logs.map((l) => l.message)).toEqual(expect.arrayContaining(['push token_removed', 'push retried']));
    expect(attempts.map((a) => a.result.status).sort()).toEqual(['failed', 'token_removed']);
  });

  it('retries a retryable failure with backoff while the prompt is live, within the window', async () => {
    provider.results.set('a'.repeat(64), { status: 'failed', httpStatus: 503, reason: 'ServiceUnavailable', retryable: true });
    start({ retry_window_seconds: 10 });
    sessions.emit(waitingEvent());
    await dispatcher.whenIdle();
    expect(provider.sent).toHaveLength(1);
    clock.advance(1_500); // 2 s step, equal jitter at 0.5
    await dispatcher.whenIdle();
    expect(provider.sent).toHaveLength(2);
    await run(60_000);
    // 1.5 s, +3 s, +5 s would pass 10 s, so the last try is pulled in to the window's end.
    expect(provider.sent).toHaveLength(4);
    expect(logs.filter((l) => l.message === 'push retried').map((l) => l.fields?.attempt)).toEqual([0, 1, 2]);
    expect(logs.filter((l) => l.message === 'push failed').map((l) => l.fields?.attempt)).toEqual([3]);
  });

  it('does not retry once the prompt is answered, nor a non-retryable failure', async () => {
    provider.results.set('a'.repeat(64), { status: 'failed', httpStatus: 429, reason: 'TooManyRequests', retryable: true });
    start();
    const event = waitingEvent();
    sessions.emit(event);
    await dispatcher.whenIdle();
    sessions.emit(clearedEvent(event));
    clock.advance(600_000);
    await dispatcher.whenIdle();
    expect(provider.sent).toHaveLength(1);

    provider.results.set('a'.repeat(64), { status: 'failed', httpStatus: 400, reason: 'BadTopic', retryable: false });
    sessions.emit(waitingEvent());
    await dispatcher.whenIdle();
    clock.advance(600_000);
    await dispatcher.whenIdle();
    expect(provider.sent).toHaveLength(2);
  });

  it('turns a provider that throws into a logged failure', async () => {
    const throwing: IPushProvider = { tokenType: 'apns', send: () => Promise.reject(new Error('boom')), close: async () => {} };
    start({}, [throwing]);
    sessions.emit(waitingEvent());
    await dispatcher.whenIdle();
    expect(attempts[0].result).toMatchObject({ status: 'failed', retryable: false });
  });

  it('does nothing when disabled or without providers', async () => {
    start({ enabled: false });
    sessions.emit(waitingEvent());
    await dispatcher.whenIdle();
    dispatcher.dispose();
    start({}, []);
    sessions.emit(waitingEvent());
    await dispatcher.whenIdle();
    expect(provider.sent).toHaveLength(0);
    expect(logs.filter((l) => l.message === 'push is off')).toHaveLength(2);
  });

  it('cancels pending pushes on dispose and on session close', async () => {
    connected = true;
    start();
    sessions.emit(waitingEvent());
    sessions.emit({ type: 'session_closed', session_id: 'session-1', seq: 99, exit_code: 0 });
    expect(dispatcher.pendingCount).toBe(0);
    sessions.emit(waitingEvent({ session_id: 'session-2' }));
    expect(dispatcher.pendingCount).toBe(1);
    dispatcher.dispose();
    expect(dispatcher.pendingCount).toBe(0);
    clock.advance(5_000);
    expect(provider.sent).toHaveLength(0);
  });
});
