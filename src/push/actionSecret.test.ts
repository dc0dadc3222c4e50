/**
 * Row 7 of issue 10, push side: every approval push carries its own single-use action secret
 * inside the payload of every provider (Web Push, APNs, FCM, Expo), minted per registration,
 * redeemable only for its session and prompt; other pushes carry none.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/index.js';
import { PushActionSecrets } from '../store/pushActionSecrets.js';
import type { PushRegistration, PushTokenType } from '../store/types.js';
import { FakeSessionService } from '../../test/support/fakeSessionService.js';
import { MemoryRegistry, pushConfig, sessionInfo, waitingEvent } from '../../test/support/pushFakes.js';
import { buildApnsPayload } from './apnsPayload.js';
import { buildExpoMessage } from './expoPayload.js';
import { buildFcmMessage } from './fcmPayload.js';
import { PushDispatcher } from './pushDispatcher.js';
import type { IPushProvider, PushNotification, PushResult } from './types.js';
import { buildWebPushMessage } from './webPushPayload.js';

class Recorder implements IPushProvider {
  readonly sent: Array<{ registration: PushRegistration; notification: PushNotification }> = [];
  constructor(readonly tokenType: PushTokenType) {}
  async send(registration: PushRegistration, notification: PushNotification): Promise<PushResult> {
    this.sent.push({ registration, notification });
    return { status: 'sent' };
  }
  async close(): Promise<void> {}
}

const TOKENS: Record<PushTokenType, string> = {
  apns: 'ab'.repeat(32),
  fcm: 'fcm-token',
  expo: 'ExponentPushToken[xyz]',
  webpush: JSON.stringify({ endpoint: 'https://push.example.net/send/abc', keys: { p256dh: 'p', auth: 'a' } }),
};

describe('per-push action secrets', () => {
  it('go into every approval push, one per registration, and into each provider payload', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const sessions = new FakeSessionService();
    sessions.sessions.set('session-1', sessionInfo());
    const registry = new MemoryRegistry();
    const providers = (Object.keys(TOKENS) as PushTokenType[]).map((type) => new Recorder(type));
    for (const provider of providers) registry.add({ device_id: `d-${provider.tokenType}`, token: TOKENS[provider.tokenType], token_type: provider.tokenType, platform: 'ios', registered_at: 'x' });
    const secrets = new PushActionSecrets({ now: () => clock.now() });
    const dispatcher = new PushDispatcher({ sessions, registry, config: pushConfig(), providers, hasConnectedClient: () => false, clock, actionSecrets: secrets });
    try {
      const approval = waitingEvent();
      sessions.emit(approval);
      const idle = waitingEvent({ wait_type: 'awaiting_response', prompt_content: '', options: [] });
      sessions.emit(idle);
      await dispatcher.whenIdle();
      const approvals = providers.flatMap((provider) => provider.sent.filter((sent) => sent.notification.data.prompt_id === approval.prompt_id));
      expect(approvals).toHaveLength(4);
      const found = approvals.map(({ notification }) => notification.data.action_secret);
      expect(new Set(found).size).toBe(4);
      for (const secret of found) expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const idlePushes = providers.flatMap((provider) => provider.sent.filter((sent) => sent.notification.data.prompt_id === idle.prompt_id));
      expect(idlePushes.every(({ notification }) => notification.data.action_secret === undefined)).toBe(true);

      for (const { registration, notification } of approvals) {
        const secret = notification.data.action_secret!;
        const carried = {
          apns: () => buildApnsPayload(notification).data.action_secret,
          fcm: () => buildFcmMessage(registration.token, notification, 'ch', clock.now()).data.action_secret,
          expo: () => (buildExpoMessage(registration.token, notification, 'ch').data as { action_secret?: string }).action_secret,
          webpush: () => buildWebPushMessage(notification, registration.device_id, 'https://push.example.net/send/abc').data.action_secret,
        }[registration.token_type as PushTokenType]();
        expect(carried, registration.token_type).toBe(secret);
      }
      const [first, second] = approvals;
      expect(secrets.redeem(String(first.notification.data.action_secret), { session_id: 'session-1', prompt_id: 'prompt-x' })).toBeUndefined();
      expect(secrets.redeem(String(second.notification.data.action_secret), { session_id: 'session-1', prompt_id: approval.prompt_id })).toMatchObject({
        device_id: second.registration.device_id,
        token: second.registration.token,
      });
      expect(secrets.redeem(String(second.notification.data.action_secret), { session_id: 'session-1', prompt_id: approval.prompt_id })).toBeUndefined();
    } finally {
      dispatcher.dispose();
    }
  });
});
