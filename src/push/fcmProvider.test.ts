import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockFcm, type MockFcm } from '../../test/mock/fcmServer.js';
import type { PushRegistration } from '../store/types.js';
import { FcmProvider } from './fcmProvider.js';
import { FCM_MAX_PAYLOAD_BYTES, fcmPayloadBytes, type FcmMessage } from './fcmPayload.js';
import type { PushNotification } from './types.js';

const TOKEN = 'dXNlcjoxMjM0NTY3ODkw:APA91bH-abcdefghijklmnopqrstuvwxyz0123456789';
const NOW = Date.UTC(2026, 0, 1);

function registration(token = TOKEN): PushRegistration {
  return { device_id: 'pixel-1', token, token_type: 'fcm', platform: 'android', registered_at: '2026-01-01T00:00:00.000Z' };
}

const notification: PushNotification = {
  title: 'Permission Required',
  subtitle: 'Claude Code · tether',
  body: 'Claude Code wants to use Bash',
  category: 'PERMISSION_REQUEST',
  threadId: 'session-1',
  urgency: 'time-sensitive',
  priority: 'high',
  expiresAt: NOW + 3_600_000,
  data: { type: 'waiting_for_input', session_id: 'session-1', prompt_id: 'p1', wait_type: 'tool_approval', tool_name: 'Bash', timestamp: '2026-01-01T00:00:00.000Z' },
};

describe('FcmProvider', () => {
  let mock: MockFcm;
  let provider: FcmProvider;

  beforeEach(async () => {
    mock = await startMockFcm();
    provider = new FcmProvider({
      projectId: mock.projectId,
      endpoint: mock.endpoint,
      accessTokenProvider: async () => mock.accessToken,
      androidChannelId: 'tether_prompts',
      requestTimeoutMs: 300,
      clock: { now: () => NOW, setTimeout: (fn, ms) => { const handle = setTimeout(fn, ms); return { dispose: () => clearTimeout(handle) }; } },
    });
  });

  afterEach(async () => {
    await provider.close();
    await mock.close();
  });

  function lastMessage(): FcmMessage {
    return mock.requests[mock.requests.length - 1].body?.message as unknown as FcmMessage;
  }

  it('sends a messages:send request with the bearer token and the v1 message shape', async () => {
    await expect(provider.send(registration(), notification)).resolves.toEqual({ status: 'sent' });
    expect(mock.requests[0]).toMatchObject({ path: `/v1/projects/${mock.projectId}/messages:send`, authorization: `Bearer ${mock.accessToken}`, status: 200 });
    expect(lastMessage()).toEqual({
      token: TOKEN,
      data: {
        category: 'PERMISSION_REQUEST',
        subtitle: 'Claude Code · tether',
        type: 'waiting_for_input',
        session_id: 'session-1',
        prompt_id: 'p1',
        wait_type: 'tool_approval',
        tool_name: 'Bash',
        timestamp: '2026-01-01T00:00:00.000Z',
      },
      notification: { title: 'Permission Required', body: 'Claude Code wants to use Bash' },
      android: {
        priority: 'high',
        ttl: '3600s',
        collapse_key: 'session-1',
        notification: { click_action: 'PERMISSION_REQUEST', channel_id: 'tether_prompts', tag: 'session-1' },
      },
    });
  });

  it('retracts with a data-only message', async () => {
    await expect(provider.retract(registration(), { session_id: 'session-1', prompt_id: 'p1', threadId: 'session-1' })).resolves.toEqual({ status: 'sent' });
    expect(lastMessage()).toEqual({ token: TOKEN, data: { type: 'waiting_cleared', session_id: 'session-1', prompt_id: 'p1' }, android: { priority: 'normal' } });
  });

  it('cuts a long body at a character boundary to stay within 4096 bytes', async () => {
    await expect(provider.send(registration(), { ...notification, body: '😀'.repeat(3000) })).resolves.toEqual({ status: 'sent' });
    const message = lastMessage();
    expect(fcmPayloadBytes(message)).toBeLessThanOrEqual(FCM_MAX_PAYLOAD_BYTES);
    expect(message.notification?.body).toMatch(/^(😀)+…$/u);
  });

  it.each([
    [{ kind: 'status', status: 404 } as const, { status: 'token_removed', reason: 'UNREGISTERED' }],
    [{ kind: 'status', status: 400, errorCode: 'UNREGISTERED' } as const, { status: 'token_removed', reason: 'UNREGISTERED' }],
    [{ kind: 'status', status: 429, retryAfter: '30' } as const, { status: 'failed', httpStatus: 429, reason: 'QUOTA_EXCEEDED', retryable: true, retryAfterMs: 30_000 }],
    [{ kind: 'status', status: 503, retryAfter: 'Thu, 01 Jan 2026 00:00:10 GMT' } as const, { status: 'failed', httpStatus: 503, reason: 'UNAVAILABLE', retryable: true, retryAfterMs: 10_000 }],
    [{ kind: 'status', status: 500 } as const, { status: 'failed', httpStatus: 500, reason: 'INTERNAL', retryable: true }],
    [{ kind: 'status', status: 403 } as const, { status: 'failed', httpStatus: 403, reason: 'SENDER_ID_MISMATCH', retryable: false }],
  ])('classifies %o', async (fault, expected) => {
    mock.injectFault(TOKEN, fault);
    await expect(provider.send(registration(), notification)).resolves.toEqual(expected);
  });

  it('reports a wrong access token as a non-retryable 401', async () => {
    const stranger = new FcmProvider({ projectId: mock.projectId, endpoint: mock.endpoint, accessTokenProvider: async () => 'wrong', androidChannelId: 'c' });
    await expect(stranger.send(registration(), notification)).resolves.toMatchObject({ status: 'failed', httpStatus: 401, retryable: false });
    await stranger.close();
  });

  it('reports a failing token source as retryable', async () => {
    const broken = new FcmProvider({ projectId: 'p', endpoint: mock.endpoint, accessTokenProvider: async () => Promise.reject(new Error('oauth down')), androidChannelId: 'c' });
    await expect(broken.send(registration(), notification)).resolves.toEqual({ status: 'failed', reason: 'auth: oauth down', retryable: true });
    await broken.close();
  });

  it('times out a hanging request, then sends again', async () => {
    mock.injectFault(TOKEN, { kind: 'hang' });
    await expect(provider.send(registration(), notification)).resolves.toEqual({ status: 'failed', reason: 'timeout', retryable: true });
    await expect(provider.send(registration(), notification)).resolves.toEqual({ status: 'sent' });
  });

  it('reports a dropped connection as retryable, then sends again', async () => {
    mock.injectFault(TOKEN, { kind: 'destroy' });
    await expect(provider.send(registration(), notification)).resolves.toMatchObject({ status: 'failed', retryable: true, reason: expect.stringMatching(/^transport:/) });
    await expect(provider.send(registration(), notification)).resolves.toEqual({ status: 'sent' });
  });

  it('fails without retry after close', async () => {
    await provider.close();
    await expect(provider.send(registration(), notification)).resolves.toMatchObject({ status: 'failed', retryable: false });
  });
});
