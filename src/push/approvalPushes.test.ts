/**
 * The push side of the approval lifecycle: `expires_at` in the data and as the delivery
 * deadline of a `deny` prompt, the badge (live decision prompts across sessions) and its
 * clearing push, the warning before a `deny` expiry, the reminder after a `notify` one, the
 * retraction that says why the prompt ended, and the Live Activity on expiry.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApprovalTimeoutEvent, WaitingForInputEvent } from '../common/index.js';
import type { PushRegistration, PushTokenType } from '../store/types.js';
import { PushDispatcher } from './pushDispatcher.js';
import { LiveActivityUpdater } from './liveActivities.js';
import { VirtualClock } from '../core/index.js';
import { FakeSessionService } from '../../test/support/fakeSessionService.js';
import { MemoryRegistry, pushConfig, sessionInfo, waitingEvent } from '../../test/support/pushFakes.js';
import type { IPushProvider, LiveActivityUpdate, PushNotification, PushResult, PushRetraction } from './types.js';

/** Records alerts, retractions, badge pushes and Live Activity updates. */
class RecordingProvider implements IPushProvider {
  readonly sent: PushNotification[] = [];
  readonly retracted: PushRetraction[] = [];
  readonly badges: Array<{ token: string; badge: number }> = [];
  readonly live: LiveActivityUpdate[] = [];
  readonly tokenType: PushTokenType = 'apns';

  async send(_registration: PushRegistration, notification: PushNotification): Promise<PushResult> {
    this.sent.push(notification);
    return { status: 'sent' };
  }
  async retract(_registration: PushRegistration, retraction: PushRetraction): Promise<PushResult> {
    this.retracted.push(retraction);
    return { status: 'sent' };
  }
  async setBadge(registration: PushRegistration, badge: number): Promise<PushResult> {
    this.badges.push({ token: registration.token, badge });
    return { status: 'sent' };
  }
  async sendLiveActivity(_registration: PushRegistration, update: LiveActivityUpdate): Promise<PushResult> {
    this.live.push(update);
    return { status: 'sent' };
  }
  async close(): Promise<void> {}
}

const START = Date.UTC(2026, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();

describe('approval lifecycle pushes', () => {
  let clock: VirtualClock;
  let sessions: FakeSessionService;
  let registry: MemoryRegistry;
  let provider: RecordingProvider;
  let dispatcher: PushDispatcher;
  let seq: number;

  beforeEach(() => {
    clock = new VirtualClock(START);
    sessions = new FakeSessionService();
    sessions.sessions.set('session-1', sessionInfo());
    sessions.sessions.set('session-2', sessionInfo({ id: 'session-2' }));
    registry = new MemoryRegistry();
    registry.add({ device_id: 'phone-1', token: 'a'.repeat(64), token_type: 'apns', platform: 'ios', registered_at: iso(START) });
    provider = new RecordingProvider();
    seq = 1000;
    dispatcher = new PushDispatcher({ sessions, registry, config: pushConfig({ delay_seconds: 0 }), providers: [provider], hasConnectedClient: () => false, clock, activity: sessions });
  });

  afterEach(() => dispatcher.dispose());

  function prompt(sessionId: string, onTimeout?: 'deny' | 'notify'): WaitingForInputEvent {
    const event = waitingEvent({
      session_id: sessionId,
      timestamp: iso(clock.now()),
      ...(onTimeout ? { expires_at: iso(clock.now() + 60_000), on_timeout: onTimeout } : {}),
    });
    sessions.emit(event);
    return event;
  }

  function clear(event: WaitingForInputEvent, cause: 'answered' | 'timed_out' = 'answered'): void {
    sessions.emit({ type: 'waiting_cleared', session_id: event.session_id, seq: ++seq, timestamp: iso(clock.now()), prompt_id: event.prompt_id, cause });
  }

  function timeout(event: WaitingForInputEvent, action: ApprovalTimeoutEvent['action']): void {
    sessions.emit({ type: 'approval_timeout', session_id: event.session_id, seq: ++seq, timestamp: iso(clock.now()), prompt_id: event.prompt_id, wait_type: event.wait_type, action });
  }

  it('puts expires_at in the data and stops delivery of a deny prompt at its expiry; notify prompts keep the hour', async () => {
    const deny = prompt('session-1', 'deny');
    const notify = prompt('session-2', 'notify');
    await dispatcher.whenIdle();
    const [denied, notified] = provider.sent;
    expect(denied.data).toMatchObject({ prompt_id: deny.prompt_id, expires_at: deny.expires_at, on_timeout: 'deny' });
    expect(denied.expiresAt).toBe(Date.parse(deny.expires_at!));
    expect(notified.data).toMatchObject({ prompt_id: notify.prompt_id, expires_at: notify.expires_at, on_timeout: 'notify' });
    expect(notified.expiresAt).toBe(START + 60 * 60_000);
  });

  it('counts live decision prompts across sessions in the badge, and clears it with a push when the last one clears', async () => {
    const first = prompt('session-1');
    await dispatcher.whenIdle();
    const second = prompt('session-2');
    await dispatcher.whenIdle();
    expect(provider.sent.map((n) => n.badge)).toEqual([1, 2]);
    clear(first);
    await dispatcher.whenIdle();
    expect(provider.retracted.at(-1)).toMatchObject({ prompt_id: first.prompt_id, cause: 'answered', badge: 1 });
    expect(provider.badges).toEqual([]);
    clear(second, 'timed_out');
    await dispatcher.whenIdle();
    expect(provider.retracted.at(-1)).toMatchObject({ prompt_id: second.prompt_id, cause: 'timed_out', badge: 0 });
    expect(provider.badges).toEqual([{ token: 'a'.repeat(64), badge: 0 }]);
    // Nothing is left to clear: no second badge push.
    sessions.emit({ type: 'session_deleted', session_id: 'session-2' });
    await dispatcher.whenIdle();
    expect(provider.badges).toHaveLength(1);
  });

  it('does not count the idle box in the badge', async () => {
    sessions.emit(waitingEvent({ session_id: 'session-2', wait_type: 'awaiting_response', after_turn: true, tool_name: undefined }));
    prompt('session-1');
    await dispatcher.whenIdle();
    expect(provider.sent.map((n) => [n.category, n.badge])).toEqual([
      ['TASK_COMPLETE', 0],
      ['PERMISSION_REQUEST', 1],
    ]);
  });

  it('pushes the warning before a deny expiry, and the reminder after a notify expiry, only while the prompt is live', async () => {
    const deny = prompt('session-1', 'deny');
    await dispatcher.whenIdle();
    clock.advance(45_000);
    sessions.emit({ type: 'approval_expiring', session_id: 'session-1', seq: ++seq, timestamp: iso(clock.now()), prompt_id: deny.prompt_id, wait_type: 'tool_approval', expires_at: deny.expires_at! });
    await dispatcher.whenIdle();
    expect(provider.sent.at(-1)).toMatchObject({ title: 'Denied in 15 s: Permission Required', category: 'PERMISSION_REQUEST' });
    expect(provider.sent.at(-1)?.data).toMatchObject({ prompt_id: deny.prompt_id, stage: 'warning' });

    const notify = prompt('session-2', 'notify');
    await dispatcher.whenIdle();
    clock.advance(60_000);
    timeout(notify, 'notified');
    await dispatcher.whenIdle();
    expect(provider.sent.at(-1)).toMatchObject({ title: 'Still waiting: Permission Required' });
    expect(provider.sent.at(-1)?.data).toMatchObject({ prompt_id: notify.prompt_id, stage: 'reminder' });

    const count = provider.sent.length;
    clear(notify);
    timeout(notify, 'notified');
    timeout(deny, 'denied');
    await dispatcher.whenIdle();
    expect(provider.sent).toHaveLength(count);
  });

  it('suppresses the warning for a client watching the session', async () => {
    const deny = prompt('session-1', 'deny');
    await dispatcher.whenIdle();
    const reports: string[] = [];
    dispatcher.onDidReport((report) => reports.push(`${report.result.status} ${report.result.reason ?? ''}`));
    dispatcher.reportAppState('c1', 'phone-1', 'active', 'session-1');
    sessions.emit({ type: 'approval_expiring', session_id: 'session-1', seq: ++seq, timestamp: iso(clock.now()), prompt_id: deny.prompt_id, wait_type: 'tool_approval', expires_at: deny.expires_at! });
    await dispatcher.whenIdle();
    expect(provider.sent).toHaveLength(1);
    expect(reports).toEqual(['suppressed watching: phone-1']);
  });

  it('updates the Live Activity on expiry: a countdown while it waits, timed out (notify) or denied (deny)', async () => {
    const updater = dispatcher.liveActivities as LiveActivityUpdater;
    registry.add({ device_id: 'phone-1', token: 'b'.repeat(64), token_type: 'live_activity', session_id: 'session-1', platform: 'ios', registered_at: iso(START) });
    registry.add({ device_id: 'phone-1', token: 'c'.repeat(64), token_type: 'live_activity', session_id: 'session-2', platform: 'ios', registered_at: iso(START) });
    const deny = prompt('session-1', 'deny');
    const notify = prompt('session-2', 'notify');
    await updater.whenIdle();
    expect(provider.live.map((u) => u.contentState.approvalRequest?.expiresAt)).toEqual([Date.parse(deny.expires_at!) / 1000, Date.parse(notify.expires_at!) / 1000]);
    timeout(notify, 'notified');
    timeout(deny, 'denied');
    clear(deny, 'timed_out');
    await updater.whenIdle();
    const [notified, denied, ...rest] = provider.live.slice(2);
    expect(notified.contentState).toMatchObject({ status: 'waiting', approvalRequest: { promptId: notify.prompt_id, timedOut: true } });
    expect(denied.contentState).toMatchObject({ status: 'busy', lastTimeout: { promptId: deny.prompt_id, action: 'denied' } });
    expect(denied.contentState.approvalRequest).toBeUndefined();
    // The clear after a deny changes nothing the activity shows: no second update.
    expect(rest).toEqual([]);
  });
});

