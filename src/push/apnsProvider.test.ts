import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockApns, type MockApns } from '../../test/mock/apnsServer.js';
import type { PushRegistration } from '../store/types.js';
import { ApnsProvider } from './apnsProvider.js';
import type { PushNotification } from './types.js';

const TOKEN = 'a'.repeat(64);

function registration(token = TOKEN): PushRegistration {
  return { device_id: 'phone-1', token, token_type: 'apns', platform: 'ios', registered_at: '2026-01-01T00:00:00.000Z' };
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
  data: { type: 'waiting_for_input', session_id: 'session-1', prompt_id: 'p1', wait_type: 'tool_approval', cli_type: 'claude', tool_name: 'Bash', timestamp: '2026-01-01T00:00:00.000Z' },
};

describe('ApnsProvider', () => {
  let mock: MockApns;
  let provider: ApnsProvider;

  beforeEach(async () => {
    mock = await startMockApns();
    provider = new ApnsProvider({
      key: readFileSync(mock.keyFile, 'utf8'),
      keyId: mock.keyId,
      teamId: mock.teamId,
      bundleId: mock.bundleId,
      environment: 'sandbox',
      address: '127.0.0.1',
      port: mock.port,
      ca: mock.caPem,
      requestTimeoutMs: 500,
    });
  });

  afterEach(async () => {
    await provider.close();
    await mock.close();
  });

  it('sends an alert push with the APNs headers', async () => {
    await expect(provider.send(registration(), notification)).resolves.toEqual({ status: 'sent' });
    expect(mock.requests).toHaveLength(1);
    const request = mock.requests[0];
    expect(request.status).toBe(200);
    expect(request.path).toBe(`/3/device/${TOKEN}`);
    expect(request.headers['apns-topic']).toBe(mock.bundleId);
    expect(request.headers['apns-push-type']).toBe('alert');
    expect(request.headers['apns-priority']).toBe('10');
    expect(request.headers['apns-collapse-id']).toBe('session-1');
    expect(request.headers['apns-expiration']).toBe(String(Date.UTC(2030, 0, 1) / 1000));
    expect(request.jwt?.header).toMatchObject({ alg: 'ES256', kid: mock.keyId });
    expect(request.jwt?.claims).toMatchObject({ iss: mock.teamId });
    expect(request.payload).toMatchObject({ aps: { category: 'PERMISSION_REQUEST' }, data: { prompt_id: 'p1' } });
  });

  it('uses priority 5 for normal notifications', async () => {
    await provider.send(registration(), { ...notification, priority: 'normal' });
    expect(mock.requests[0].headers['apns-priority']).toBe('5');
  });

  it.each([
    [410, 'Unregistered', { status: 'token_removed', reason: 'Unregistered' }],
    [400, 'BadDeviceToken', { status: 'token_removed', reason: 'BadDeviceToken' }],
    [429, 'TooManyRequests', { status: 'failed', httpStatus: 429, reason: 'TooManyRequests', retryable: true }],
    [503, 'ServiceUnavailable', { status: 'failed', httpStatus: 503, reason: 'ServiceUnavailable', retryable: true }],
    // The library drops the body of a 500, so only the status is left.
    [500, 'InternalServerError', { status: 'failed', httpStatus: 500, reason: 'HTTP 500', retryable: true }],
    [400, 'DeviceTokenNotForTopic', { status: 'failed', httpStatus: 400, reason: 'DeviceTokenNotForTopic', retryable: false }],
  ])('classifies %i %s without retrying', async (status, reason, expected) => {
    mock.respondWith(TOKEN, status, reason);
    await expect(provider.send(registration(), notification)).resolves.toEqual(expected);
    expect(mock.requests).toHaveLength(1);
  });

  it('passes a 429 Retry-After on as retryAfterMs', async () => {
    mock.respondWith(TOKEN, 429, 'TooManyRequests', '120');
    await expect(provider.send(registration(), notification)).resolves.toEqual({
      status: 'failed',
      httpStatus: 429,
      reason: 'TooManyRequests',
      retryable: true,
      retryAfterMs: 120_000,
    });
  });

  it('reports a request that hangs past the timeout as retryable, then sends again', async () => {
    mock.injectFault(TOKEN, { kind: 'hang' });
    await expect(provider.send(registration(), notification)).resolves.toMatchObject({ status: 'failed', retryable: true, reason: expect.stringMatching(/timeout/) });
    await expect(provider.send(registration(), notification)).resolves.toEqual({ status: 'sent' });
  });

  it.each(['goaway', 'destroy'] as const)('reconnects after the server drops the connection (%s) mid-request', async (kind) => {
    await expect(provider.send(registration(), notification)).resolves.toEqual({ status: 'sent' });
    mock.injectFault(TOKEN, { kind });
    await expect(provider.send(registration(), notification)).resolves.toMatchObject({ status: 'failed', retryable: true });
    await expect(provider.send(registration(), notification)).resolves.toEqual({ status: 'sent' });
    expect(mock.sessionCount).toBe(2);
  });

  it('retracts with a background push naming the prompt', async () => {
    await expect(provider.retract(registration(), { session_id: 'session-1', prompt_id: 'p1', threadId: 'session-1' })).resolves.toEqual({ status: 'sent' });
    const request = mock.requests[0];
    expect(request.headers['apns-push-type']).toBe('background');
    expect(request.headers['apns-priority']).toBe('5');
    expect(request.headers['apns-topic']).toBe(mock.bundleId);
    expect(request.payload).toEqual({ aps: { 'content-available': 1 }, data: { type: 'waiting_cleared', session_id: 'session-1', prompt_id: 'p1' } });
  });

  it('sends Live Activity updates and ends to the liveactivity topic', async () => {
    const contentState = {
      status: 'waiting' as const,
      currentOperation: 'Pondering…',
      elapsedSeconds: 42,
      todoProgress: { completed: 2, total: 5 },
      approvalRequest: { toolName: 'Bash', summary: 'x'.repeat(10_000), promptId: 'p1' },
    };
    await expect(provider.sendLiveActivity(registration(), { event: 'update', contentState, timestamp: 1_800_000_000, staleDate: 1_800_000_600 })).resolves.toEqual({ status: 'sent' });
    await expect(provider.sendLiveActivity(registration(), { event: 'end', contentState: { ...contentState, status: 'exited', approvalRequest: undefined }, timestamp: 1_800_000_100, dismissalDate: 1_800_003_600 })).resolves.toEqual({ status: 'sent' });
    const [update, end] = mock.requests;
    expect(update.headers['apns-push-type']).toBe('liveactivity');
    expect(update.headers['apns-topic']).toBe(`${mock.bundleId}.push-type.liveactivity`);
    expect(update.payloadBytes).toBeLessThanOrEqual(4096);
    expect(update.payload).toMatchObject({ aps: { timestamp: 1_800_000_000, event: 'update', 'stale-date': 1_800_000_600, 'content-state': { status: 'waiting', todoProgress: { completed: 2, total: 5 } } } });
    expect((update.payload as { aps: { 'content-state': { approvalRequest: { summary: string } } } }).aps['content-state'].approvalRequest.summary).toMatch(/x…$/);
    expect(end.payload).toMatchObject({ aps: { event: 'end', 'dismissal-date': 1_800_003_600 } });
  });

  it('reports a transport failure as retryable when nothing listens', async () => {
    const port = mock.port;
    const key = readFileSync(mock.keyFile, 'utf8');
    await mock.close();
    const offline = new ApnsProvider({ key, keyId: 'K', teamId: 'T', bundleId: 'b', environment: 'sandbox', address: '127.0.0.1', port, ca: mock.caPem });
    const result = await offline.send(registration(), notification);
    await offline.close();
    expect(result).toMatchObject({ status: 'failed', retryable: true });
    mock = await startMockApns();
  });

  it('fails without retry after close', async () => {
    await provider.close();
    await expect(provider.send(registration(), notification)).resolves.toMatchObject({ status: 'failed', retryable: false });
  });
});
