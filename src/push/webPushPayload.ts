/**
 * The JSON a Tether service worker receives through Web Push: what it needs to show the
 * notification (`showNotification(title, {body, tag, actions, data})`), to post an action's
 * choice back, and to close a notification whose prompt was answered elsewhere. Kept small
 * enough that the aes128gcm record stays within 3 KB.
 * Sources: RFC 8291 §4 and RFC 8188 §2 (record overhead), RFC 8030 §7.2 (push services accept
 * at least 4096 bytes), WHATWG Notifications API (NotificationAction), docs/push.md (action ids).
 */
import { BugError } from '../common/index.js';
import { fitToBytes } from './text.js';
import type { PushCategory, PushNotification, PushRetraction } from './types.js';

/** Tether's budget for the encrypted body (below the 4096 bytes every push service must accept). */
export const WEBPUSH_MAX_ENCRYPTED_BYTES = 3072;
/**
 * aes128gcm overhead of a single record: header salt (16) + rs (4) + idlen (1) + keyid (the
 * 65-byte sender public key), the padding delimiter (1) and the AEAD tag (16).
 */
export const AES128GCM_OVERHEAD_BYTES = 16 + 4 + 1 + 65 + 1 + 16;
/** Plaintext budget: what is left after encryption overhead. */
export const WEBPUSH_MAX_PLAINTEXT_BYTES = WEBPUSH_MAX_ENCRYPTED_BYTES - AES128GCM_OVERHEAD_BYTES;

/** One notification button; `action` is the contract with docs/push.md, `response` what it answers. */
export interface WebPushAction {
  readonly action: 'ALLOW' | 'ALLOW_SESSION' | 'DENY';
  readonly title: string;
  /** The `tool_approval` response the service worker posts back for this button. */
  readonly response: 'yes' | 'yes_always' | 'no';
}

/** The buttons of each category (only PERMISSION_REQUEST has any, as for APNs). */
const ACTIONS: Readonly<Record<PushCategory, readonly WebPushAction[]>> = {
  PERMISSION_REQUEST: [
    { action: 'ALLOW', title: 'Allow', response: 'yes' },
    { action: 'ALLOW_SESSION', title: 'Allow for Session', response: 'yes_always' },
    { action: 'DENY', title: 'Deny', response: 'no' },
  ],
  PLAN_APPROVAL: [],
  QUESTION_ASKED: [],
  TASK_COMPLETE: [],
  TASK_ERROR: [],
  APPROVAL_REQUEST: [],
};

/** The alert message. */
export interface WebPushAlertMessage {
  readonly type: 'waiting_for_input';
  readonly title: string;
  readonly subtitle: string;
  readonly body: string;
  readonly category: PushCategory;
  /** Notification tag: one visible notification per session (a newer prompt replaces it). */
  readonly tag: string;
  /** Keep it on screen until acted on (approvals). */
  readonly requireInteraction: boolean;
  /** Browsers show `Notification.maxActions` of these (often 2); the rest stay in the app. */
  readonly actions: readonly WebPushAction[];
  /**
   * The app's data (with `action_secret` on approvals: the single-use secret that authenticates
   * `POST /api/push/action {action_secret, session_id, prompt_id, action, device_token}`) plus
   * the device it went to and `device_token` (the subscription endpoint).
   */
  readonly data: PushNotification['data'] & { readonly device_id: string; readonly device_token: string };
}

/** The retraction message: close notifications whose `data.prompt_id` matches. */
export interface WebPushRetractMessage {
  readonly type: 'waiting_cleared';
  readonly session_id: string;
  readonly prompt_id: string;
  readonly tag: string;
}

/** Bytes of a message's JSON (UTF-8). */
export function webPushPlaintextBytes(message: WebPushAlertMessage | WebPushRetractMessage): number {
  return Buffer.byteLength(JSON.stringify(message), 'utf8');
}

/**
 * Builds the alert message, cutting the body, then the subtitle, then the title (at character
 * boundaries) so the plaintext fits `WEBPUSH_MAX_PLAINTEXT_BYTES`.
 * @param deviceId the registration's device
 * @param deviceToken the subscription's endpoint, posted back with the choice (and the action secret)
 * @throws BugError when the message is too big even with empty texts
 */
export function buildWebPushMessage(notification: PushNotification, deviceId: string, deviceToken: string): WebPushAlertMessage {
  const build = (title: string, subtitle: string, body: string): WebPushAlertMessage => ({
    type: 'waiting_for_input',
    title,
    subtitle,
    body,
    category: notification.category,
    tag: notification.threadId,
    requireInteraction: notification.urgency === 'time-sensitive',
    actions: ACTIONS[notification.category],
    data: { ...notification.data, device_id: deviceId, device_token: deviceToken },
  });
  let texts = { title: notification.title, subtitle: notification.subtitle, body: notification.body };
  let message = build(texts.title, texts.subtitle, texts.body);
  for (const field of ['body', 'subtitle', 'title'] as const) {
    if (webPushPlaintextBytes(message) <= WEBPUSH_MAX_PLAINTEXT_BYTES) return message;
    const current = texts;
    const fitted = fitToBytes(current[field], WEBPUSH_MAX_PLAINTEXT_BYTES, (candidate) => {
      const next = { ...current, [field]: candidate };
      return webPushPlaintextBytes(build(next.title, next.subtitle, next.body));
    });
    texts = { ...current, [field]: fitted };
    message = build(texts.title, texts.subtitle, texts.body);
  }
  if (webPushPlaintextBytes(message) > WEBPUSH_MAX_PLAINTEXT_BYTES) {
    throw new BugError(`Web Push payload is ${webPushPlaintextBytes(message)} bytes with empty texts`);
  }
  return message;
}

/** Builds the retraction the service worker handles with `registration.getNotifications()` + `close()`. */
export function buildWebPushRetractMessage(retraction: PushRetraction): WebPushRetractMessage {
  return { type: 'waiting_cleared', session_id: retraction.session_id, prompt_id: retraction.prompt_id, tag: retraction.threadId };
}
