/**
 * A push provider that never answers (issue 10, faults): the dispatcher gives up on the call
 * after PROVIDER_CALL_TIMEOUT_MS, reports it as a retryable timeout, keeps serving other
 * devices, and neither `whenIdle` nor `dispose` waits on the hung call.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/index.js';
import { FakeSessionService } from '../../test/support/fakeSessionService.js';
import { clearedEvent, FakeProvider, MemoryRegistry, pushConfig, registration, sessionInfo, waitingEvent } from '../../test/support/pushFakes.js';
import { PROVIDER_CALL_TIMEOUT_MS } from './callDeadlines.js';
import type { PushDeliveryReport } from './deliveryReport.js';
import { PushDispatcher } from './pushDispatcher.js';
import type { PushRegistration } from '../store/types.js';
import type { LiveActivityUpdate, PushNotification, PushResult, PushRetraction } from './types.js';

const HUNG = 'h'.repeat(64);
const HEALTHY = 'g'.repeat(64);

/** Answers every call for the HUNG token with a promise that never settles. */
class HangingProvider extends FakeProvider {
  hungCalls = 0;
  override send(registration: PushRegistration, notification: PushNotification): Promise<PushResult> {
    return registration.token === HUNG ? this._hang() : super.send(registration, notification);
  }
  override retract(registration: PushRegistration, retraction: PushRetraction): Promise<PushResult> {
    return registration.token === HUNG ? this._hang() : super.retract(registration, retraction);
  }
  override sendLiveActivity(registration: PushRegistration, update: LiveActivityUpdate): Promise<PushResult> {
    return registration.token === HUNG ? this._hang() : super.sendLiveActivity(registration, update);
  }
  private _hang(): Promise<PushResult> {
    this.hungCalls++;
    return new Promise<PushResult>(() => {});
  }
}

describe('PushDispatcher with a provider that hangs forever', () => {
  let clock: VirtualClock;
  let sessions: FakeSessionService;
  let registry: MemoryRegistry;
  let provider: HangingProvider;
  let dispatcher: PushDispatcher;
  let reports: PushDeliveryReport[];

  beforeEach(() => {
    clock = new VirtualClock(Date.UTC(2026, 0, 1));
    sessions = new FakeSessionService();
    sessions.sessions.set('session-1', sessionInfo());
    registry = new MemoryRegistry();
    registry.add(registration(HUNG, 'apns', 'phone-hung'));
    registry.add(registration(HEALTHY, 'apns', 'phone-ok'));
    provider = new HangingProvider('apns', clock);
    dispatcher = new PushDispatcher({ sessions, registry, config: pushConfig(), providers: [provider], hasConnectedClient: () => false, clock, random: () => 0.5 });
    reports = [];
    dispatcher.onDidReport((report) => reports.push(report));
  });

  afterEach(() => {
    dispatcher.dispose();
    expect(clock.pendingTimers).toBe(0);
  });

  /** Lets promise callbacks run (the virtual clock does not move). */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('times the hung send out as retryable and still serves the other device', async () => {
    const event = waitingEvent();
    sessions.emit(event);
    await settle();
    expect(provider.sent.map((sent) => sent.registration.token)).toEqual([HEALTHY]);
    expect(reports.filter((report) => report.device_id === 'phone-hung')).toEqual([]);
    clock.advance(PROVIDER_CALL_TIMEOUT_MS - 1);
    await settle();
    expect(reports.filter((report) => report.device_id === 'phone-hung')).toEqual([]);
    clock.advance(1);
    await dispatcher.whenIdle();
    expect(reports.find((report) => report.device_id === 'phone-hung')).toMatchObject({ result: { status: 'retried', reason: 'timeout' } });
    // The prompt clears: the scheduled retry is dropped, the healthy push is retracted.
    sessions.emit(clearedEvent(event));
    await dispatcher.whenIdle();
    expect(provider.retracted.map((retracted) => retracted.registration.token)).toEqual([HEALTHY]);
  });

  it('does not let whenIdle or dispose wait on a hung call', async () => {
    sessions.emit(waitingEvent());
    await settle();
    expect(provider.hungCalls).toBe(1);
    const idle = dispatcher.whenIdle();
    dispatcher.dispose();
    await idle;
  });

  it('times out a hung Live Activity update', async () => {
    registry.add(registration(HUNG, 'live_activity', 'phone-hung', { session_id: 'session-1' }));
    dispatcher.liveActivities?.refresh('session-1');
    await settle();
    expect(provider.hungCalls).toBe(1);
    clock.advance(PROVIDER_CALL_TIMEOUT_MS);
    await dispatcher.whenIdle();
  });

  it('answers a test push with a timeout for the hung device', async () => {
    const testing = dispatcher.sendTest();
    await settle();
    clock.advance(PROVIDER_CALL_TIMEOUT_MS);
    const results = await testing;
    expect(results.map((report) => [report.device_id, report.result.status, 'reason' in report.result ? report.result.reason : undefined])).toEqual(
      expect.arrayContaining([
        ['phone-ok', 'sent', undefined],
        ['phone-hung', 'failed', 'timeout'],
      ]),
    );
  });
});
