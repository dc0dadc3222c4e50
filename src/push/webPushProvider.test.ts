import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockWebPush, type MockWebPush } from '../../test/mock/webPushServer.js';
import { TetherError } from '../common/index.js';
import type { PushRegistration } from '../store/types.js';
import { loadOrCreateVapidKeys, VAPID_FILE } from './vapidKeys.js';
import { WEBPUSH_MAX_ENCRYPTED_BYTES, type WebPushAlertMessage } from './webPushPayload.js';
import { WebPushProvider } from './webPushProvider.js';
import type { PushNotification } from './types.js';

const directory = mkdtempSync(join(tmpdir(), 'tether-webpush-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const notification: PushNotification = {
  title: 'Permission Required',
  subtitle: 'Claude Code · tether',
  body: 'Claude Code wants to use Bash',
  category: 'PERMISSION_REQUEST',
  threadId: 'session-1',
  urgency: 'time-sensitive',
  priority: 'high',
  expiresAt: Date.now() + 3_600_000,
  data: { type: 'waiting_for_input', session_id: 'session-1', prompt_id: 'p1', wait_type: 'tool_approval', tool_name: 'Bash', timestamp: '2026-01-01T00:00:00.000Z' },
};

describe('loadOrCreateVapidKeys', () => {
  it('creates vapid.json (0600) on first start and reuses it', () => {
    const dataDir = join(directory, 'first');
    const created = loadOrCreateVapidKeys(dataDir);
    expect(Buffer.from(created.publicKey, 'base64url')).toHaveLength(65);
    expect(statSync(join(dataDir, VAPID_FILE)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateVapidKeys(dataDir)).toEqual(created);
    expect(JSON.parse(readFileSync(join(dataDir, VAPID_FILE), 'utf8'))).toEqual(created);
  });

  it('refuses a corrupt or mismatched file with CONFIG_INVALID instead of replacing it', () => {
    const dataDir = join(directory, 'corrupt');
    const keys = loadOrCreateVapidKeys(dataDir);
    const other = loadOrCreateVapidKeys(join(directory, 'other'));
    for (const content of ['{', JSON.stringify({ publicKey: keys.publicKey, privateKey: other.privateKey })]) {
      writeFileSync(join(dataDir, VAPID_FILE), content);
      expect(() => loadOrCreateVapidKeys(dataDir)).toThrow(TetherError);
      expect(readFileSync(join(dataDir, VAPID_FILE), 'utf8')).toBe(content);
    }
  });
});

describe('WebPushProvider', () => {
  let mock: MockWebPush;
  let provider: WebPushProvider;
  let subscription: { id: string; token: string };

  function registration(token = subscription.token): PushRegistration {
    return { device_id: 'browser-1', token, token_type: 'webpush', platform: 'web', registered_at: '2026-01-01T00:00:00.000Z' };
  }

  beforeEach(async () => {
    mock = await startMockWebPush();
    subscription = mock.subscribe();
    provider = new WebPushProvider({
      vapidKeys: loadOrCreateVapidKeys(join(directory, 'provider')),
      subject: 'mailto:tether@localhost',
      requestTimeoutMs: 300,
      testCa: mock.caPem,
    });
  });

  afterEach(async () => {
    await provider.close();
    await mock.close();
  });

  it('sends an encrypted, VAPID-signed alert the service worker can act on', async () => {
    await expect(provider.send(registration(), notification)).resolves.toEqual({ status: 'sent' });
    const push = mock.pushes[0];
    expect(push.status).toBe(201);
    expect(push.claims).toMatchObject({ aud: mock.origin, sub: 'mailto:tether@localhost' });
    expect(push.headers).toMatchObject({ 'content-encoding': 'aes128gcm', urgency: 'high' });
    expect(Number(push.headers.ttl)).toBeGreaterThan(3500);
    expect(String(push.headers.topic)).toMatch(/^[\w-]{32}$/);
    const message = JSON.parse(push.plaintext ?? '') as WebPushAlertMessage;
    expect(message).toMatchObject({ type: 'waiting_for_input', title: 'Permission Required', tag: 'session-1', requireInteraction: true, data: { prompt_id: 'p1', session_id: 'session-1', device_id: 'browser-1', device_token: JSON.parse(subscription.token).endpoint } });
    expect(message.actions).toEqual([
      { action: 'ALLOW', title: 'Allow', response: 'yes' },
      { action: 'ALLOW_SESSION', title: 'Allow for Session', response: 'yes_always' },
      { action: 'DENY', title: 'Deny', response: 'no' },
    ]);
    expect(provider.publicKey).toBe(String(push.headers.authorization).split('k=')[1]);
  });

  it('retracts with a waiting_cleared message', async () => {
    await expect(provider.retract(registration(), { session_id: 'session-1', prompt_id: 'p1', threadId: 'session-1' })).resolves.toEqual({ status: 'sent' });
    expect(JSON.parse(mock.pushes[0].plaintext ?? '')).toEqual({ type: 'waiting_cleared', session_id: 'session-1', prompt_id: 'p1', tag: 'session-1' });
  });

  it('keeps a long body within 3 KB after encryption, cut at a character boundary', async () => {
    await expect(provider.send(registration(), { ...notification, body: '👩‍💻'.repeat(2000) })).resolves.toEqual({ status: 'sent' });
    expect(mock.pushes[0].bodyBytes).toBeLessThanOrEqual(WEBPUSH_MAX_ENCRYPTED_BYTES);
    expect((JSON.parse(mock.pushes[0].plaintext ?? '') as WebPushAlertMessage).body).toMatch(/^(👩‍💻)+…$/u);
  });

  it.each([
    [{ kind: 'status', status: 410 } as const, { status: 'token_removed', reason: 'HTTP 410' }],
    [{ kind: 'status', status: 404 } as const, { status: 'token_removed', reason: 'HTTP 404' }],
    [{ kind: 'status', status: 429, retryAfter: '60' } as const, { status: 'failed', httpStatus: 429, reason: 'HTTP 429', retryable: true, retryAfterMs: 60_000 }],
    [{ kind: 'status', status: 500 } as const, { status: 'failed', httpStatus: 500, reason: 'HTTP 500', retryable: true }],
    [{ kind: 'status', status: 413 } as const, { status: 'failed', httpStatus: 413, reason: 'HTTP 413', retryable: false }],
  ])('classifies %o', async (fault, expected) => {
    mock.injectFault(subscription.id, fault);
    await expect(provider.send(registration(), notification)).resolves.toEqual(expected);
  });

  it('times out a hanging request, then sends again', async () => {
    mock.injectFault(subscription.id, { kind: 'hang' });
    await expect(provider.send(registration(), notification)).resolves.toEqual({ status: 'failed', reason: 'timeout', retryable: true });
    await expect(provider.send(registration(), notification)).resolves.toEqual({ status: 'sent' });
  });

  it('reports a dropped connection as retryable, then sends again', async () => {
    mock.injectFault(subscription.id, { kind: 'destroy' });
    await expect(provider.send(registration(), notification)).resolves.toMatchObject({ status: 'failed', retryable: true, reason: expect.stringMatching(/^transport:/) });
    await expect(provider.send(registration(), notification)).resolves.toEqual({ status: 'sent' });
  });

  it('removes a token that is no subscription and refuses a plain-http endpoint', async () => {
    await expect(provider.send(registration('not json'), notification)).resolves.toEqual({ status: 'token_removed', reason: 'InvalidSubscription' });
    const insecure = JSON.stringify({ endpoint: 'http://127.0.0.1:1/push/x', keys: JSON.parse(subscription.token).keys });
    await expect(provider.send(registration(insecure), notification)).resolves.toMatchObject({ status: 'failed', retryable: false });
    expect(mock.pushes).toHaveLength(0);
  });

  it('fails without retry after close', async () => {
    await provider.close();
    await expect(provider.send(registration(), notification)).resolves.toMatchObject({ status: 'failed', retryable: false });
  });
});
