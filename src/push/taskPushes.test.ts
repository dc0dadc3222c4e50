/**
 * "Task complete" / "Task failed" pushes: off by default, on per device (`task_pushes`), one per
 * turn and device beside the screen's turn-end push, suppressed by a watcher and quiet hours,
 * a failed exit counts as a failed task, and the Live Activity ends with `completed` / `error`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Emitter, type SessionEvent } from '../common/index.js';
import { VirtualClock } from '../core/index.js';
import type { DevicePreferences } from '../store/types.js';
import { FakeSessionService } from '../../test/support/fakeSessionService.js';
import { FakeProvider, MemoryRegistry, pushConfig, registration, sessionInfo, waitingEvent } from '../../test/support/pushFakes.js';
import { PushDispatcher } from './pushDispatcher.js';
import type { PushDeliveryReport } from './deliveryReport.js';
import type { TaskOutcome } from './taskPushes.js';

const START = Date.UTC(2026, 0, 1, 12);
const iso = (ms: number) => new Date(ms).toISOString();

describe('task pushes', () => {
  let clock: VirtualClock;
  let sessions: FakeSessionService;
  let registry: MemoryRegistry;
  let provider: FakeProvider;
  let dispatcher: PushDispatcher;
  let reports: PushDeliveryReport[];
  let stored: Record<string, DevicePreferences>;
  let seq: number;

  beforeEach(() => {
    clock = new VirtualClock(START);
    sessions = new FakeSessionService();
    sessions.sessions.set('session-1', sessionInfo());
    registry = new MemoryRegistry();
    registry.add(registration('a'.repeat(64), 'apns', 'phone-1'));
    registry.add(registration('b'.repeat(64), 'apns', 'phone-2'));
    provider = new FakeProvider('apns', clock);
    stored = { 'phone-1': { task_pushes: true } };
    seq = 100;
    dispatcher = new PushDispatcher({
      sessions,
      registry,
      config: pushConfig({ delay_seconds: 0 }),
      providers: [provider],
      hasConnectedClient: () => false,
      clock,
      preferences: (deviceId) => stored[deviceId],
    });
    reports = [];
    dispatcher.onDidReport((report) => reports.push(report));
  });

  afterEach(() => dispatcher.dispose());

  function completed(status: 'ok' | 'error', interaction = `session-1-i${seq}`): void {
    const event: SessionEvent = { type: 'interaction_completed', session_id: 'session-1', seq: ++seq, interaction_id: interaction, status, timestamp: iso(clock.now()) };
    sessions.emit(event);
  }

  function sentTo(deviceId: string) {
    return provider.sent.filter((entry) => entry.registration.device_id === deviceId).map((entry) => entry.notification);
  }

  it('pushes Task Complete / Task Failed only to devices that turned task pushes on', async () => {
    completed('ok', 'session-1-i1');
    await dispatcher.whenIdle();
    clock.advance(60_000);
    completed('error', 'session-1-i2');
    await dispatcher.whenIdle();
    expect(sentTo('phone-2')).toEqual([]);
    const sent = sentTo('phone-1');
    expect(sent.map((n) => [n.title, n.category, n.data.type, n.data.interaction_id])).toEqual([
      ['Task Complete', 'TASK_COMPLETE', 'task_complete', 'session-1-i1'],
      ['Task Failed', 'TASK_ERROR', 'task_error', 'session-1-i2'],
    ]);
    expect(sent[0].subtitle).toBe('Claude Code · tether');
    expect(reports.filter((r) => r.device_id === 'phone-1').map((r) => r.result.status)).toEqual(['sent', 'sent']);
  });

  it('sends one turn-end push per turn: the screen\'s idle prompt after a task push is suppressed, and the other way round', async () => {
    completed('ok');
    sessions.emit(waitingEvent({ wait_type: 'awaiting_response', after_turn: true, prompt_content: '>', options: [], timestamp: iso(clock.now()) }));
    await dispatcher.whenIdle();
    expect(sentTo('phone-1').map((n) => n.title)).toEqual(['Task Complete']);
    // phone-2 has no task pushes: it keeps the screen's push.
    expect(sentTo('phone-2').map((n) => n.category)).toEqual(['TASK_COMPLETE']);
    expect(reports.find((r) => r.device_id === 'phone-1' && r.result.status === 'suppressed')?.result).toMatchObject({ reason: 'turn_end_pushed' });

    clock.advance(60_000);
    sessions.emit(waitingEvent({ wait_type: 'awaiting_response', after_turn: true, prompt_content: '>', options: [], timestamp: iso(clock.now()) }));
    completed('ok');
    await dispatcher.whenIdle();
    expect(sentTo('phone-1').map((n) => n.title)).toEqual(['Task Complete', 'Claude Code is waiting']);
  });

  it('a failed exit is a failed task; a clean one or a kill is not; the exit after a pushed failure is not pushed again', async () => {
    sessions.sessions.set('session-1', sessionInfo({ status: 'failed', exit_code: 2 }));
    sessions.emit({ type: 'session_closed', session_id: 'session-1', seq: ++seq, exit_code: 2 });
    await dispatcher.whenIdle();
    expect(sentTo('phone-1').map((n) => [n.title, n.body, n.category])).toEqual([['Task Failed', 'Claude Code exited with code 2', 'TASK_ERROR']]);

    sessions.sessions.set('session-2', sessionInfo({ id: 'session-2', status: 'exited', exit_code: 143 }));
    sessions.emit({ type: 'session_closed', session_id: 'session-2', seq: ++seq, exit_code: 143 });
    await dispatcher.whenIdle();
    expect(sentTo('phone-1')).toHaveLength(1);

    completed('error');
    await dispatcher.whenIdle();
    expect(sentTo('phone-1')).toHaveLength(1);
  });

  it('a watcher or quiet hours suppress it, as they do prompts', async () => {
    dispatcher.reportAppState('conn-1', 'phone-2', 'active', 'session-1');
    completed('ok');
    await dispatcher.whenIdle();
    expect(sentTo('phone-1')).toEqual([]);
    expect(reports.find((r) => r.device_id === 'phone-1')?.result).toMatchObject({ status: 'suppressed', reason: 'watching: phone-2' });

    dispatcher.reportAppState('conn-1', 'phone-2', 'gone');
    stored['phone-1'] = { task_pushes: true, quiet_hours: { start: '00:00', end: '23:59', time_zone: 'UTC' } };
    clock.advance(60_000);
    completed('ok');
    await dispatcher.whenIdle();
    expect(sentTo('phone-1')).toEqual([]);
    expect(reports.at(-1)?.result).toMatchObject({ status: 'suppressed', reason: 'quiet_hours 00:00-23:59' });
  });

  it('the config turns it on for a device, and a stored preference turns it off again', async () => {
    dispatcher.dispose();
    stored = { 'phone-2': { task_pushes: false } };
    dispatcher = new PushDispatcher({
      sessions,
      registry,
      config: pushConfig({ delay_seconds: 0, devices: { 'phone-1': { task_pushes: true }, 'phone-2': { task_pushes: true } } }),
      providers: [provider],
      hasConnectedClient: () => false,
      clock,
      preferences: (deviceId) => stored[deviceId],
    });
    completed('ok');
    await dispatcher.whenIdle();
    expect(sentTo('phone-1')).toHaveLength(1);
    expect(sentTo('phone-2')).toHaveLength(0);
  });

  it('ends the session\'s Live Activity with completed or error, and drops its tokens', async () => {
    const live = registration('live-1', 'live_activity', 'phone-1', { session_id: 'session-1' });
    registry.add(live);
    completed('ok');
    await dispatcher.whenIdle();
    expect(provider.liveUpdates.map((u) => [u.update.event, u.update.contentState.status])).toEqual([['end', 'completed']]);
    expect(registry.list().some((r) => r.token === 'live-1')).toBe(false);

    registry.add(live);
    sessions.sessions.set('session-1', sessionInfo({ status: 'failed', exit_code: 1 }));
    sessions.emit({ type: 'session_closed', session_id: 'session-1', seq: ++seq, exit_code: 1 });
    await dispatcher.whenIdle();
    expect(provider.liveUpdates.map((u) => u.update.contentState.status)).toEqual(['completed', 'error']);
  });
  it('pushes a turn that ended outside the session stream (the queue: autoplay, submit-result) once, like any turn', async () => {
    dispatcher.dispose(); // only the dispatcher under test listens
    const interactions = new Emitter<TaskOutcome>();
    const queued = new PushDispatcher({
      sessions,
      registry,
      config: pushConfig({ delay_seconds: 0 }),
      providers: [provider],
      hasConnectedClient: () => false,
      clock,
      preferences: (deviceId) => stored[deviceId],
      interactions: interactions.event,
    });
    try {
      interactions.fire({ session_id: 'session-1', interaction_id: 'autoplay-1', status: 'error', timestamp: iso(clock.now()) });
      await queued.whenIdle();
      expect(sentTo('phone-1').map((n) => [n.title, n.data.interaction_id])).toEqual([['Task Failed', 'autoplay-1']]);
      expect(sentTo('phone-2')).toEqual([]);
      // The screen's idle prompt of the same turn is not pushed again to phone-1.
      sessions.emit(waitingEvent({ wait_type: 'awaiting_response', after_turn: true, prompt_content: '>', options: [], timestamp: iso(clock.now()) }));
      await queued.whenIdle();
      expect(sentTo('phone-1').map((n) => n.title)).toEqual(['Task Failed']);
    } finally {
      queued.dispose();
      interactions.dispose();
    }
  });
});
