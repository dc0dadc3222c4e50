import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startMockExpo, type MockExpo } from '../../test/mock/expoServer.js';
import type { PushRegistration } from '../store/types.js';
import { EXPO_MAX_PAYLOAD_BYTES } from './expoPayload.js';
import { ExpoProvider, hasTokenRemovals, type TokenRemoval } from './expoProvider.js';
import { VirtualClock } from '../core/index.js';
import type { PushNotification } from './types.js';

const TOKEN = 'ExponentPushToken[aaaaaaaaaaaaaaaaaaaaaa]';
const OTHER = 'ExponentPushToken[bbbbbbbbbbbbbbbbbbbbbb]';
const RECEIPT_DELAY_MS = 15 * 60 * 1000;

function registration(token = TOKEN): PushRegistration {
  return { device_id: 'phone-1', token, token_type: 'expo', platform: 'ios', registered_at: '2026-01-01T00:00:00.000Z' };
}

const notification: PushNotification = {
  title: 'Permission Required',
  subtitle: 'Claude Code · tether',
  body: 'Claude Code wants to use Bash',
  category: 'PERMISSION_REQUEST',
  threadId: 'session-1',
  urgency: 'time-sensitive',
  priority: 'high',
  expiresAt: Date.UTC(2030, 0, 1),
  data: { type: 'waiting_for_input', session_id: 'session-1', prompt_id: 'p1', wait_type: 'tool_approval', tool_name: 'Bash', timestamp: '2026-01-01T00:00:00.000Z' },
};

describe('ExpoProvider', () => {
  let mock: MockExpo;
  let clock: VirtualClock;
  let provider: ExpoProvider;
  let removed: TokenRemoval[];

  beforeEach(async () => {
    mock = await startMockExpo({ accessToken: 'expo-secret' });
    clock = new VirtualClock(Date.UTC(2026, 0, 1));
    provider = new ExpoProvider({ baseUrl: mock.baseUrl, accessToken: 'expo-secret', clock, requestTimeoutMs: 300, rateLimitRetryMs: 1 });
    removed = [];
    provider.onTokenRemoved((removal) => removed.push(removal));
  });

  afterEach(async () => {
    await provider.close();
    await mock.close();
  });

  const sendRequests = () => mock.requests.filter((request) => request.path === '/--/api/v2/push/send');
  const receiptRequests = () => mock.requests.filter((request) => request.path === '/--/api/v2/push/getReceipts');

  it('sends the sends of one tick in one request, with the access token and the message shape', async () => {
    const results = await Promise.all([provider.send(registration(), notification), provider.send(registration(OTHER), notification)]);
    expect(results).toEqual([{ status: 'sent' }, { status: 'sent' }]);
    expect(sendRequests()).toHaveLength(1);
    expect(sendRequests()[0].headers.authorization).toBe('Bearer expo-secret');
    const [first] = sendRequests()[0].body as Array<Record<string, unknown>>;
    expect(first).toEqual({
      to: TOKEN,
      title: 'Permission Required',
      subtitle: 'Claude Code · tether',
      body: 'Claude Code wants to use Bash',
      data: { ...notification.data, category: 'PERMISSION_REQUEST' },
      categoryId: 'PERMISSION_REQUEST',
      sound: 'default',
      priority: 'high',
      interruptionLevel: 'time-sensitive',
      channelId: 'tether_prompts',
      mutableContent: true,
      expiration: Date.UTC(2030, 0, 1) / 1000,
    });
    expect(hasTokenRemovals(provider)).toBe(true);
  });

  it('cuts more than 100 messages into chunks', async () => {
    const tokens = Array.from({ length: 150 }, (_, index) => `ExponentPushToken[t${index}]`);
    const results = await Promise.all(tokens.map((token) => provider.send(registration(token), notification)));
    expect(results.every((result) => result.status === 'sent')).toBe(true);
    expect(sendRequests().map((request) => (request.body as unknown[]).length)).toEqual([100, 50]);
  });

  it('retracts with a data-only content-available message', async () => {
    await expect(provider.retract(registration(), { session_id: 'session-1', prompt_id: 'p1', threadId: 'session-1' })).resolves.toEqual({ status: 'sent' });
    expect((sendRequests()[0].body as unknown[])[0]).toEqual({ to: TOKEN, data: { type: 'waiting_cleared', session_id: 'session-1', prompt_id: 'p1' }, priority: 'normal', _contentAvailable: true });
  });

  it('keeps a long body within 4096 bytes', async () => {
    await expect(provider.send(registration(), { ...notification, body: 'ü'.repeat(5000) })).resolves.toEqual({ status: 'sent' });
    const message = (sendRequests()[0].body as Array<{ body: string }>)[0];
    expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThanOrEqual(EXPO_MAX_PAYLOAD_BYTES);
    expect(message.body).toMatch(/^ü+…$/);
  });

  it('maps a DeviceNotRegistered ticket to token_removed', async () => {
    mock.ticketError(TOKEN, 'DeviceNotRegistered');
    await expect(provider.send(registration(), notification)).resolves.toEqual({ status: 'token_removed', reason: 'DeviceNotRegistered' });
    expect(clock.pendingTimers).toBe(0);
  });

  it('fetches receipts after the delay and reports DeviceNotRegistered through onTokenRemoved', async () => {
    mock.receiptError(TOKEN, 'DeviceNotRegistered');
    await Promise.all([provider.send(registration(), notification), provider.send(registration(OTHER), notification)]);
    clock.advance(RECEIPT_DELAY_MS - 1);
    expect(receiptRequests()).toHaveLength(0);
    clock.advance(1);
    await vi.waitFor(() => expect(removed).toEqual([{ token: TOKEN, reason: 'DeviceNotRegistered' }]));
    expect((receiptRequests()[0].body as { ids: string[] }).ids).toHaveLength(2);
  });

  it('asks again for receipts that are not ready, at most three rounds', async () => {
    mock.holdReceipts(true);
    await provider.send(registration(), notification);
    for (let round = 1; round <= 3; round += 1) {
      clock.advance(RECEIPT_DELAY_MS);
      await vi.waitFor(() => expect(receiptRequests()).toHaveLength(round));
      await vi.waitFor(() => expect(clock.pendingTimers).toBe(round < 3 ? 1 : 0));
    }
  });

  it('reports a 429 after the SDK retries as retryable with Retry-After', async () => {
    mock.injectFault({ kind: 'status', status: 429, retryAfter: '20' }, 3);
    await expect(provider.send(registration(), notification)).resolves.toEqual({ status: 'failed', httpStatus: 429, reason: 'TOO_MANY_REQUESTS', retryable: true, retryAfterMs: 20_000 });
    expect(sendRequests()).toHaveLength(3);
  });

  it('reports a 500 as retryable', async () => {
    mock.injectFault({ kind: 'status', status: 500 });
    await expect(provider.send(registration(), notification)).resolves.toEqual({ status: 'failed', httpStatus: 500, reason: 'INTERNAL_SERVER_ERROR', retryable: true });
  });

  it('times out a hanging request, then sends again', async () => {
    mock.injectFault({ kind: 'hang' });
    await expect(provider.send(registration(), notification)).resolves.toEqual({ status: 'failed', reason: 'timeout', retryable: true });
    await expect(provider.send(registration(), notification)).resolves.toEqual({ status: 'sent' });
  });

  it('reports a dropped connection as retryable, then sends again', async () => {
    mock.injectFault({ kind: 'destroy' });
    await expect(provider.send(registration(), notification)).resolves.toMatchObject({ status: 'failed', retryable: true, reason: expect.stringMatching(/^transport:/) });
    await expect(provider.send(registration(), notification)).resolves.toEqual({ status: 'sent' });
  });

  it('cancels receipt checks on close and fails later sends without retry', async () => {
    await provider.send(registration(), notification);
    expect(clock.pendingTimers).toBe(1);
    await provider.close();
    expect(clock.pendingTimers).toBe(0);
    await expect(provider.send(registration(), notification)).resolves.toMatchObject({ status: 'failed', retryable: false });
  });
});
