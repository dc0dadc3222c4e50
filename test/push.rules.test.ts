/**
 * Every push rule on a fake clock: suppression only on proof of a watcher, the per-device rate
 * limit with its collapsing queue, retry with backoff/Retry-After inside the window, retraction
 * on clear, quiet hours and wait-type switches, privacy, delivery reports and their history,
 * Live Activity throttling and end, and the test push. Providers are fakes (test/support/pushFakes.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PushHistory, type PushDeliveryReport } from '../src/push/deliveryReport.js';
import { LIVE_ACTIVITY_DISMISSAL_MS } from '../src/push/liveActivities.js';
import { PushDispatcher } from '../src/push/pushDispatcher.js';
import { isInQuietHours } from '../src/push/pushRules.js';
import { backoffDelayMs, nextRetryDelayMs } from '../src/push/retryPolicy.js';
import {
  clearedEvent,
  FakeActivity,
  FakeProvider,
  MemoryRegistry,
  pushConfig,
  registration,
  sessionInfo,
  waitingEvent,
} from './support/pushFakes.js';
import { FakeSessionService } from './support/fakeSessionService.js';
import { VirtualClock } from '../src/core/index.js';
import type { DevicePreferences } from '../src/store/types.js';

const PHONE = 'a'.repeat(64);
const TABLET = 'b'.repeat(64);
const LIVE = 'c'.repeat(64);
/** 2026-01-01 23:00 UTC. */
const LATE_EVENING = Date.UTC(2026, 0, 1, 23, 0);

let clock: VirtualClock;
let sessions: FakeSessionService;
let registry: MemoryRegistry;
let provider: FakeProvider;
let activity: FakeActivity;
let dispatcher: PushDispatcher;
let reports: PushDeliveryReport[];
let connected: boolean;
let stored: Map<string, DevicePreferences>;

function start(config: Record<string, unknown> = {}): void {
  dispatcher = new PushDispatcher({
    sessions,
    registry,
    config: pushConfig(config),
    providers: [provider],
    hasConnectedClient: () => connected,
    clock,
    random: () => 0.5,
    preferences: (deviceId) => stored.get(deviceId),
    activity,
  });
  dispatcher.onDidReport((report) => reports.push(report));
}

/** Advances the clock in steps, letting sends settle between steps. */
async function run(ms: number, step = 250): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += step) {
    clock.advance(Math.min(step, ms - elapsed));
    await dispatcher.whenIdle();
  }
}

function statuses(promptId?: string): string[] {
  return reports.filter((r) => promptId === undefined || r.prompt_id === promptId).map((r) => r.result.status);
}

beforeEach(() => {
  clock = new VirtualClock(Date.UTC(2026, 0, 1, 12, 0));
  sessions = new FakeSessionService();
  for (const id of ['session-1', 'session-2', 'session-3', 'session-4']) sessions.sessions.set(id, sessionInfo({ id }));
  registry = new MemoryRegistry();
  registry.add(registration(PHONE, 'apns', 'phone-1'));
  provider = new FakeProvider('apns', clock);
  activity = new FakeActivity();
  reports = [];
  connected = false;
  stored = new Map();
});

afterEach(() => {
  dispatcher.dispose();
  expect(clock.pendingTimers).toBe(0);
});

describe('suppress only on proof that the user is looking at that session', () => {
  it('an active report for the session under 30 s old suppresses, with the reason', async () => {
    start();
    dispatcher.presence.report('c1', 'phone-1', 'active', 'session-1');
    clock.advance(29_999);
    sessions.emit(waitingEvent());
    await dispatcher.whenIdle();
    expect(provider.sent).toHaveLength(0);
    expect(reports[0].result).toEqual({ status: 'suppressed', reason: 'watching: phone-1' });
  });

  it('a report 30 s old, for another session, without a session, or background is no proof', async () => {
    start();
    dispatcher.presence.report('c1', 'phone-1', 'active', 'session-1');
    clock.advance(30_000);
    sessions.emit(waitingEvent());
    dispatcher.presence.report('c2', 'phone-1', 'active', 'session-2');
    dispatcher.presence.report('c3', 'phone-1', 'active');
    sessions.emit(waitingEvent({ session_id: 'session-3' }));
    dispatcher.presence.report('c4', 'phone-1', 'active', 'session-4');
    dispatcher.presence.report('c4', 'phone-1', 'background');
    sessions.emit(waitingEvent({ session_id: 'session-4' }));
    await dispatcher.whenIdle();
    expect(provider.sent.map((s) => s.notification.data.session_id)).toEqual(['session-1', 'session-3', 'session-4']);
  });

  it('a prompt still live when the proof lapses is pushed then (suppressed is reported once)', async () => {
    start();
    dispatcher.reportAppState('c1', 'phone-1', 'active', 'session-1');
    sessions.emit(waitingEvent());
    await run(20_000);
    dispatcher.reportAppState('c1', 'phone-1', 'active', 'session-1'); // the app repeats it while on screen
    await run(29_750);
    expect(provider.sent).toHaveLength(0);
    await run(250);
    expect(statuses()).toEqual(['suppressed', 'sent']);
    expect(provider.sent[0].atMs - clock.now()).toBe(0);
  });

  it('going to the background pushes a held-back prompt at once; a cleared one never', async () => {
    start();
    dispatcher.reportAppState('c1', 'phone-1', 'active', 'session-1');
    dispatcher.reportAppState('c1', 'phone-1', 'active', 'session-2');
    sessions.emit(waitingEvent({ session_id: 'session-1' }));
    await run(5_000);
    dispatcher.reportAppState('c1', 'phone-1', 'background');
    await dispatcher.whenIdle();
    expect(provider.sent.map((s) => s.notification.data.session_id)).toEqual(['session-1']);
    dispatcher.reportAppState('c2', 'phone-1', 'active', 'session-2');
    const cleared = waitingEvent({ session_id: 'session-2' });
    sessions.emit(cleared);
    sessions.emit(clearedEvent(cleared));
    await run(60_000);
    expect(provider.sent).toHaveLength(1);
  });

  it('a closed connection stops counting at once', async () => {
    start();
    dispatcher.presence.report('c1', 'phone-1', 'active', 'session-1');
    dispatcher.presence.report('c1', 'phone-1', 'gone');
    sessions.emit(waitingEvent());
    await dispatcher.whenIdle();
    expect(statuses()).toEqual(['sent']);
  });
});

describe('rate limit: max_per_minute per device, queued and collapsed per session, never dropped', () => {
  it('queues the excess and sends it when the minute frees up', async () => {
    registry.add(registration(TABLET, 'apns', 'tablet'));
    start({ max_per_minute: 2 });
    for (const session of ['session-1', 'session-2', 'session-3']) sessions.emit(waitingEvent({ session_id: session }));
    await dispatcher.whenIdle();
    const phoneSends = () => provider.sent.filter((s) => s.registration.device_id === 'phone-1');
    expect(phoneSends()).toHaveLength(2);
    expect(reports.filter((r) => r.result.status === 'queued')).toEqual([
      expect.objectContaining({ device_id: 'phone-1', session_id: 'session-3', result: { status: 'queued', reason: 'rate_limited', retry_in_ms: 60_000 } }),
      expect.objectContaining({ device_id: 'tablet', session_id: 'session-3' }),
    ]);
    await run(59_750);
    expect(phoneSends()).toHaveLength(2);
    await run(250);
    expect(phoneSends().map((s) => s.notification.data.session_id)).toEqual(['session-1', 'session-2', 'session-3']);
    expect(phoneSends()[2].atMs - phoneSends()[0].atMs).toBe(60_000);
  });

  it('a newer prompt of a queued session replaces it (reported as collapsed)', async () => {
    start({ max_per_minute: 1 });
    sessions.emit(waitingEvent({ session_id: 'session-1' }));
    const older = waitingEvent({ session_id: 'session-2' });
    sessions.emit(older);
    const newer = waitingEvent({ session_id: 'session-2', wait_type: 'clarifying_question' });
    sessions.emit(newer);
    await run(60_000);
    expect(provider.sent.map((s) => s.notification.data.prompt_id)).toEqual([expect.any(String), newer.prompt_id]);
    expect(reports.find((r) => r.prompt_id === older.prompt_id && r.result.status === 'suppressed')?.result.reason).toBe(`collapsed: replaced by ${newer.prompt_id}`);
    expect(provider.sent[1].notification.threadId).toBe('session-2');
  });

  it('a queued prompt that clears is dropped with a suppressed result', async () => {
    start({ max_per_minute: 1 });
    sessions.emit(waitingEvent({ session_id: 'session-1' }));
    const queued = waitingEvent({ session_id: 'session-2' });
    sessions.emit(queued);
    sessions.emit(clearedEvent(queued));
    await run(60_000);
    expect(provider.sent).toHaveLength(1);
    expect(reports.filter((r) => r.prompt_id === queued.prompt_id).map((r) => r.result)).toEqual([
      { status: 'queued', reason: 'rate_limited', retry_in_ms: 60_000 },
      { status: 'suppressed', reason: 'prompt_cleared' },
    ]);
  });
});

describe('retry with backoff and jitter on 429, 5xx and timeouts, within retry_window_seconds', () => {
  it('backs off exponentially with jitter, capped, and honours Retry-After', () => {
    expect([1, 2, 3, 6, 10].map((retry) => backoffDelayMs(retry, undefined, () => 0.5))).toEqual([1_500, 3_000, 6_000, 45_000, 45_000]);
    expect(backoffDelayMs(1, undefined, () => 0)).toBe(1_000);
    expect(backoffDelayMs(1, undefined, () => 0.999)).toBe(1_999);
    expect(backoffDelayMs(1, 20_000, () => 0.5)).toBe(20_000);
    expect(nextRetryDelayMs(5, undefined, 290_000, 0, 300_000, () => 0.5)).toBe(10_000);
    expect(nextRetryDelayMs(5, 30_000, 290_000, 0, 300_000, () => 0.5)).toBeUndefined();
    expect(nextRetryDelayMs(5, undefined, 300_000, 0, 300_000, () => 0.5)).toBeUndefined();
  });

  it('waits for Retry-After on 429, then delivers', async () => {
    provider.answer(PHONE, { status: 'failed', httpStatus: 429, reason: 'TooManyRequests', retryable: true, retryAfterMs: 20_000 }, { status: 'sent' });
    start();
    sessions.emit(waitingEvent());
    await dispatcher.whenIdle();
    await run(19_750);
    expect(provider.sent).toHaveLength(1);
    await run(250);
    expect(provider.sent).toHaveLength(2);
    expect(reports.map((r) => r.result)).toEqual([
      { status: 'retried', reason: 'TooManyRequests', http_status: 429, attempt: 0, retry_in_ms: 20_000 },
      { status: 'sent', attempt: 1 },
    ]);
  });

  it('a provider down for 4 min 50 s (5xx, then timeouts) still delivers a live prompt', async () => {
    provider.answer(PHONE, { status: 'failed', httpStatus: 503, reason: 'ServiceUnavailable', retryable: true });
    start();
    sessions.emit(waitingEvent());
    await run(200_000, 1_000);
    provider.answer(PHONE, { status: 'failed', reason: 'timeout', retryable: true });
    await run(90_000, 1_000);
    provider.answer(PHONE, { status: 'sent' });
    await run(20_000, 1_000);
    expect(statuses().at(-1)).toBe('sent');
    expect(provider.sent.at(-1)!.atMs - provider.sent[0].atMs).toBeLessThanOrEqual(300_000);
    expect(statuses().filter((s) => s === 'retried').length).toBeGreaterThan(5);
  });

  it('gives up with failed at the end of the window', async () => {
    provider.answer(PHONE, { status: 'failed', httpStatus: 500, reason: 'InternalServerError', retryable: true });
    start({ retry_window_seconds: 60 });
    sessions.emit(waitingEvent());
    await run(120_000, 1_000);
    expect(reports.at(-1)?.result).toMatchObject({ status: 'failed', http_status: 500 });
    expect(provider.sent.at(-1)!.atMs - provider.sent[0].atMs).toBe(60_000);
  });

  it('never retries a 4xx other than 429, even when the provider calls it retryable', async () => {
    provider.answer(PHONE, { status: 'failed', httpStatus: 403, reason: 'ExpiredProviderToken', retryable: true });
    start();
    sessions.emit(waitingEvent());
    await run(10_000);
    expect(provider.sent).toHaveLength(1);
    expect(reports.map((r) => r.result.status)).toEqual(['failed']);
  });

  it('stops retrying when the prompt clears, reporting why', async () => {
    provider.answer(PHONE, { status: 'failed', httpStatus: 502, reason: 'BadGateway', retryable: true });
    start();
    const event = waitingEvent();
    sessions.emit(event);
    await dispatcher.whenIdle();
    sessions.emit(clearedEvent(event));
    await run(10_000);
    expect(provider.sent).toHaveLength(1);
    expect(reports.at(-1)?.result).toEqual({ status: 'suppressed', reason: 'prompt_cleared' });
  });
});

describe('retract on clear', () => {
  it('retracts from every registration that got the push, and only those', async () => {
    registry.add(registration(TABLET, 'apns', 'tablet'));
    provider.answer(TABLET, { status: 'failed', httpStatus: 400, reason: 'BadTopic', retryable: false });
    start();
    const event = waitingEvent();
    sessions.emit(event);
    await dispatcher.whenIdle();
    sessions.emit(clearedEvent(event));
    await dispatcher.whenIdle();
    expect(provider.retracted).toEqual([
      // The cause travels with the retraction, and the badge of the prompts left (none).
      { registration: expect.objectContaining({ token: PHONE }), retraction: { session_id: 'session-1', prompt_id: event.prompt_id, threadId: 'session-1', cause: 'answered', badge: 0 } },
    ]);
    sessions.emit(clearedEvent(event));
    await dispatcher.whenIdle();
    expect(provider.retracted).toHaveLength(1);
  });
});

describe('quiet hours and per-wait-type switches per device', () => {
  it('quiet hours wrap midnight and follow the time zone', () => {
    expect(isInQuietHours({ start: '22:00', end: '07:00', time_zone: 'UTC' }, LATE_EVENING)).toBe(true);
    expect(isInQuietHours({ start: '22:00', end: '07:00', time_zone: 'UTC' }, Date.UTC(2026, 0, 1, 7, 0))).toBe(false);
    expect(isInQuietHours({ start: '22:00', end: '07:00', time_zone: 'Asia/Tokyo' }, LATE_EVENING)).toBe(false); // 08:00 in Tokyo
    expect(isInQuietHours({ start: '09:00', end: '17:00', time_zone: 'UTC' }, Date.UTC(2026, 0, 1, 12))).toBe(true);
    expect(isInQuietHours({ start: '09:00', end: '09:00', time_zone: 'UTC' }, Date.UTC(2026, 0, 1, 9))).toBe(false);
  });

  it('a device in its quiet hours (config) gets nothing; the other device does', async () => {
    clock = new VirtualClock(LATE_EVENING);
    provider = new FakeProvider('apns', clock);
    registry.add(registration(TABLET, 'apns', 'tablet'));
    start({ devices: { 'phone-1': { quiet_hours: { start: '22:00', end: '07:00', time_zone: 'UTC' } } } });
    sessions.emit(waitingEvent());
    await dispatcher.whenIdle();
    expect(provider.sent.map((s) => s.registration.device_id)).toEqual(['tablet']);
    expect(reports.find((r) => r.device_id === 'phone-1')?.result).toEqual({ status: 'suppressed', reason: 'quiet_hours 22:00-07:00' });
  });

  it('a wait type switched off (device/preferences) is suppressed; stored preferences override the config', async () => {
    stored.set('phone-1', { wait_types: { clarifying_question: false }, quiet_hours: null });
    start({ devices: { 'phone-1': { quiet_hours: { start: '00:00', end: '23:59', time_zone: 'UTC' }, wait_types: { plan_approval: false } } } });
    sessions.emit(waitingEvent({ wait_type: 'clarifying_question' }));
    sessions.emit(waitingEvent({ session_id: 'session-2', wait_type: 'plan_approval' }));
    sessions.emit(waitingEvent({ session_id: 'session-3', wait_type: 'tool_approval' }));
    await dispatcher.whenIdle();
    expect(provider.sent.map((s) => s.notification.data.wait_type)).toEqual(['tool_approval']);
    expect(reports.filter((r) => r.result.status === 'suppressed').map((r) => r.result.reason)).toEqual([
      'wait_type_off: clarifying_question',
      'wait_type_off: plan_approval',
    ]);
  });
});

describe('privacy: push.content', () => {
  it('minimal (the default) sends no command text; full sends a summary', async () => {
    start();
    sessions.emit(waitingEvent());
    await dispatcher.whenIdle();
    expect(JSON.stringify(provider.sent[0].notification)).not.toContain('npm install');
    dispatcher.dispose();
    start({ content: 'full' });
    sessions.emit(waitingEvent({ session_id: 'session-2' }));
    await dispatcher.whenIdle();
    expect(provider.sent[1].notification.body).toContain('npm install express');
  });
});

describe('delivery report', () => {
  it('reports token_removed and removes the token', async () => {
    provider.answer(PHONE, { status: 'token_removed', reason: 'Unregistered' });
    start();
    sessions.emit(waitingEvent());
    await dispatcher.whenIdle();
    expect(reports[0]).toMatchObject({ device_id: 'phone-1', provider: 'apns', session_id: 'session-1', result: { status: 'token_removed', reason: 'Unregistered' } });
    expect(registry.list()).toEqual([]);
  });

  it('keeps a bounded history in push-history.jsonl', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tether-history-'));
    try {
      const path = join(dir, 'push-history.jsonl');
      const history = new PushHistory(path, 3);
      const report = (n: number): PushDeliveryReport => ({ prompt_id: `p${n}`, device_id: 'd', provider: 'apns', result: { status: 'sent' }, timestamp: 't' });
      for (let n = 1; n <= 7; n += 1) history.append(report(n));
      expect(history.recent().map((r) => r.prompt_id)).toEqual(['p5', 'p6', 'p7']);
      expect(readFileSync(path, 'utf8').trim().split('\n').length).toBeLessThanOrEqual(6);
      expect(new PushHistory(path, 3).recent().map((r) => r.prompt_id)).toEqual(['p5', 'p6', 'p7']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('push test sends one attempt per registration of the device, bypassing the rules', async () => {
    registry.add(registration(TABLET, 'apns', 'tablet'));
    stored.set('phone-1', { wait_types: { awaiting_response: false } });
    start();
    const results = await dispatcher.sendTest('phone-1');
    expect(results).toEqual([expect.objectContaining({ device_id: 'phone-1', provider: 'apns', result: { status: 'sent', attempt: 0 } })]);
    expect(provider.sent[0].notification.title).toBe('Tether test notification');
  });
});

describe('Live Activities', () => {
  beforeEach(() => registry.add(registration(LIVE, 'live_activity', 'phone-1', { session_id: 'session-1' })));

  it('throttles busy updates to one per 10 s (latest state wins)', async () => {
    start();
    activity.fire({ session_id: 'session-1', status: 'busy', operation: 'Reading files…' });
    await dispatcher.whenIdle();
    activity.fire({ session_id: 'session-1', status: 'busy', operation: 'Running tests…', todo: { completed: 1, total: 4 } });
    await run(5_000);
    activity.fire({ session_id: 'session-1', status: 'busy', operation: 'Writing code…', todo: { completed: 2, total: 4 } });
    activity.fire({ session_id: 'session-2', status: 'busy', operation: 'no activity registered' });
    await run(4_750);
    expect(provider.liveUpdates).toHaveLength(1);
    await run(250);
    expect(provider.liveUpdates).toHaveLength(2);
    expect(provider.liveUpdates[1].atMs - provider.liveUpdates[0].atMs).toBe(10_000);
    expect(provider.liveUpdates[1].update).toMatchObject({
      event: 'update',
      contentState: { status: 'busy', currentOperation: 'Writing code…', todoProgress: { completed: 2, total: 4 } },
    });
  });

  it('updates at once on a wait (with approvalRequest) and on a clear', async () => {
    start();
    activity.fire({ session_id: 'session-1', status: 'busy', operation: 'Thinking…' });
    const event = waitingEvent();
    sessions.emit(event);
    await dispatcher.whenIdle();
    sessions.emit(clearedEvent(event));
    await dispatcher.whenIdle();
    expect(provider.liveUpdates.map((u) => u.update.contentState.status)).toEqual(['busy', 'waiting', 'busy']);
    expect(provider.liveUpdates[1].update.contentState.approvalRequest).toEqual({ toolName: 'Bash', summary: 'Claude Code wants to use Bash', promptId: event.prompt_id });
    expect(provider.liveUpdates[2].update.contentState.approvalRequest).toBeUndefined();
    expect(provider.liveUpdates[1].update.staleDate).toBeGreaterThan(provider.liveUpdates[1].update.timestamp);
  });

  it('ends the activity when the session exits, with a dismissal date, and drops its tokens', async () => {
    start();
    sessions.emit({ type: 'session_closed', session_id: 'session-1', seq: 9, exit_code: 0 });
    await dispatcher.whenIdle();
    expect(provider.liveUpdates).toHaveLength(1);
    const end = provider.liveUpdates[0].update;
    expect(end.event).toBe('end');
    expect(end.contentState.status).toBe('exited');
    expect(end.dismissalDate).toBe(Math.floor((clock.now() + LIVE_ACTIVITY_DISMISSAL_MS) / 1000));
    expect(registry.list().map((r) => r.token)).toEqual([PHONE]);
  });

  it('sends the current state at once when asked (a token just registered)', async () => {
    start();
    activity.fire({ session_id: 'session-2', status: 'busy', operation: 'Compiling…', todo: { completed: 3, total: 5 } });
    registry.add(registration('d'.repeat(64), 'live_activity', 'phone-1', { session_id: 'session-2' }));
    dispatcher.liveActivities?.refresh('session-2');
    await dispatcher.whenIdle();
    expect(provider.liveUpdates.map((u) => u.update.contentState)).toEqual([
      expect.objectContaining({ status: 'busy', currentOperation: 'Compiling…', todoProgress: { completed: 3, total: 5 } }),
    ]);
  });

  it('never sends alert pushes to a Live Activity token', async () => {
    start();
    sessions.emit(waitingEvent());
    await dispatcher.whenIdle();
    expect(provider.sent.map((s) => s.registration.token)).toEqual([PHONE]);
  });
});
