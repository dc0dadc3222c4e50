/**
 * The dispatcher end to end: events in, real ApnsProvider (from createPushProviders and the
 * YAML-shaped config), HTTP/2 + TLS to the local APNs mock, JWT checked by the mock.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockApns, type MockApns } from '../../test/mock/apnsServer.js';
import { configSchema } from '../store/config.js';
import type { PushRegistration } from '../store/types.js';
import { createPushProviders } from './createPushProviders.js';
import { PushDispatcher } from './pushDispatcher.js';
import { VirtualClock } from '../core/index.js';
import { FakeSessionService } from '../../test/support/fakeSessionService.js';
import { clearedEvent, MemoryRegistry, sessionInfo, waitingEvent } from '../../test/support/pushFakes.js';
import type { IPushProvider, PushAttempt } from './types.js';

const TOKEN = 'ab'.repeat(32);
const GONE_TOKEN = 'cd'.repeat(32);

function registration(token: string, deviceId: string): PushRegistration {
  return { device_id: deviceId, token, token_type: 'apns', platform: 'ios', environment: 'sandbox', registered_at: '2026-01-01T00:00:00.000Z' };
}

describe('PushDispatcher → ApnsProvider → mock APNs', () => {
  let mock: MockApns;
  let providers: IPushProvider[];
  let clock: VirtualClock;
  let sessions: FakeSessionService;
  let registry: MemoryRegistry;
  let connected: boolean;
  let dispatcher: PushDispatcher;
  let attempts: PushAttempt[];

  beforeEach(async () => {
    mock = await startMockApns({ bundleId: 'dev.tether.app' });
    const config = configSchema.parse({
      push: {
        apns: { key_file: mock.keyFile, key_id: mock.keyId, team_id: mock.teamId, bundle_id: 'dev.tether.app', address: '127.0.0.1', port: mock.port, ca_file: mock.caFile },
      },
    });
    providers = createPushProviders(config.push);
    clock = new VirtualClock(Date.now());
    sessions = new FakeSessionService();
    sessions.sessions.set('session-1', sessionInfo());
    registry = new MemoryRegistry();
    registry.add(registration(TOKEN, 'phone-1'));
    connected = false;
    attempts = [];
    dispatcher = new PushDispatcher({ sessions, registry, config: config.push, providers, hasConnectedClient: () => connected, clock });
    dispatcher.onDidPush((attempt) => attempts.push(attempt));
  });

  afterEach(async () => {
    dispatcher.dispose();
    await Promise.all(providers.map((provider) => provider.close()));
    await mock.close();
  });

  afterAll(async () => {
    // Handles are released by libuv a few turns after close() resolves; wait for that, bounded.
    const network = () => process.getActiveResourcesInfo().filter((name) => /TCP|TLS|Http2/i.test(name));
    for (let attempt = 0; attempt < 50 && network().length > 0; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(network()).toEqual([]);
  });

  it('delivers a tool approval with a valid JWT, topic, push type and payload', async () => {
    const event = waitingEvent();
    sessions.emit(event);
    await dispatcher.whenIdle();
    expect(attempts).toEqual([{ prompt_id: event.prompt_id, device_id: 'phone-1', provider: 'apns', result: { status: 'sent' } }]);
    expect(mock.requests).toHaveLength(1);
    const request = mock.requests[0];
    expect(request.status).toBe(200);
    expect(request.path).toBe(`/3/device/${TOKEN}`);
    expect(request.jwt?.header).toMatchObject({ alg: 'ES256', kid: mock.keyId });
    expect(request.jwt?.claims).toMatchObject({ iss: mock.teamId });
    expect(request.headers).toMatchObject({ 'apns-topic': 'dev.tether.app', 'apns-push-type': 'alert', 'apns-priority': '10', 'apns-collapse-id': 'session-1' });
    expect(Number(request.headers['apns-expiration'])).toBe(Math.floor(clock.now() / 1000) + 3600);
    expect(request.payload).toEqual({
      aps: {
        alert: { title: 'Permission Required', subtitle: 'Claude Code · tether', body: 'Claude Code wants to use Bash' },
        sound: 'default',
        category: 'PERMISSION_REQUEST',
        'thread-id': 'session-1',
        'mutable-content': 1,
        'interruption-level': 'time-sensitive',
        // One live prompt across sessions.
        badge: 1,
      },
      data: { type: 'waiting_for_input', session_id: 'session-1', prompt_id: event.prompt_id, wait_type: 'tool_approval', cli_type: 'claude', tool_name: 'Bash', timestamp: event.timestamp },
    });
  });

  it('with a client connected: cleared before the delay sends nothing; still live sends', async () => {
    connected = true;
    const answered = waitingEvent();
    sessions.emit(answered);
    clock.advance(2_000);
    sessions.emit(clearedEvent(answered));
    clock.advance(5_000);
    await dispatcher.whenIdle();
    expect(mock.requests).toHaveLength(0);

    const ignored = waitingEvent({ wait_type: 'plan_approval', tool_name: undefined });
    sessions.emit(ignored);
    clock.advance(2_999);
    await dispatcher.whenIdle();
    expect(mock.requests).toHaveLength(0);
    clock.advance(1);
    await dispatcher.whenIdle();
    expect(mock.requests.map((r) => (r.payload as { data: { prompt_id: string } }).data.prompt_id)).toEqual([ignored.prompt_id]);
  });

  it('sends nothing for awaiting_response at session start', async () => {
    sessions.emit(waitingEvent({ wait_type: 'awaiting_response', tool_name: undefined }));
    await dispatcher.whenIdle();
    expect(mock.requests).toHaveLength(0);
  });

  it('removes a token APNs answers 410 Unregistered, keeps the others', async () => {
    registry.add(registration(GONE_TOKEN, 'phone-2'));
    mock.respondWith(GONE_TOKEN, 410, 'Unregistered');
    sessions.emit(waitingEvent());
    await dispatcher.whenIdle();
    expect(registry.list().map((r) => r.token)).toEqual([TOKEN]);
    expect(attempts.find((a) => a.device_id === 'phone-2')?.result).toEqual({ status: 'token_removed', reason: 'Unregistered' });
    expect(mock.requests.map((r) => r.status).sort()).toEqual([200, 410]);
  });
});
