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
  data: { type: 'waiting_for_input', session_id: 'session-1', prompt_id: 'p1', wait_type: 'tool_approval', tool_name: 'Bash', timestamp: '2026-01-01T00:00:00.000Z' },
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
