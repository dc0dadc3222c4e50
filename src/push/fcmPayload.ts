/**
 * The FCM HTTP v1 `message` for a notification or a retraction, kept within FCM's 4096-byte
 * payload limit, and the classification of FCM's answers into `PushResult`s.
 * Sources: Firebase, "REST Resource: projects.messages" (Message, AndroidConfig,
 * AndroidNotification), "About FCM messages" (4096-byte payload limit) and "ErrorCode"
 * (UNREGISTERED, INVALID_ARGUMENT, QUOTA_EXCEEDED, UNAVAILABLE, INTERNAL).
 */
import { BugError } from '../common/index.js';
import { httpFailure } from './providerHttp.js';
import { fitToBytes, stringValues } from './text.js';
import type { PushNotification, PushResult, PushRetraction } from './types.js';

/** FCM's limit for `data` plus `notification`, in bytes of UTF-8 JSON. */
export const FCM_MAX_PAYLOAD_BYTES = 4096;

/** The `message` object of `messages:send`. */
export interface FcmMessage {
  readonly token: string;
  /** FCM requires every data value to be a string. */
  readonly data: Readonly<Record<string, string>>;
  readonly notification?: { readonly title: string; readonly body: string };
  readonly android: {
    readonly priority: 'high' | 'normal';
    /** Duration in seconds with an `s` suffix, e.g. "3600s". */
    readonly ttl?: string;
    readonly collapse_key?: string;
    readonly notification?: { readonly click_action: string; readonly channel_id: string; readonly tag: string };
  };
}

/** Bytes FCM counts against its limit: `data` and `notification` serialised. */
export function fcmPayloadBytes(message: Pick<FcmMessage, 'data' | 'notification'>): number {
  return Buffer.byteLength(JSON.stringify({ data: message.data, notification: message.notification }), 'utf8');
}

/**
 * Builds the alert message: `notification {title, body}`, the app's `data` as strings (plus
 * `category` and `subtitle`, which FCM has no field for), and `android.notification` with
 * `click_action` = the category (the app's intent filter) and the configured channel. Cuts the
 * body, then the subtitle, then the title (at character boundaries) to fit 4096 bytes.
 * @param nowMs current time (epoch ms), for the TTL left until `notification.expiresAt`
 * @throws BugError when the message is too big even with empty texts
 */
export function buildFcmMessage(token: string, notification: PushNotification, channelId: string, nowMs: number): FcmMessage {
  const base: Record<string, string> = { category: notification.category };
  for (const [key, value] of Object.entries(notification.data)) if (value !== undefined) base[key] = String(value);
  const build = (title: string, subtitle: string, body: string): FcmMessage => ({
    token,
    data: { ...base, subtitle },
    notification: { title, body },
    android: {
      priority: notification.priority,
      ttl: `${Math.max(0, Math.floor((notification.expiresAt - nowMs) / 1000))}s`,
      collapse_key: notification.threadId,
      notification: { click_action: notification.category, channel_id: channelId, tag: notification.threadId },
    },
  });
  let texts = { title: notification.title, subtitle: notification.subtitle, body: notification.body };
  let message = build(texts.title, texts.subtitle, texts.body);
  for (const field of ['body', 'subtitle', 'title'] as const) {
    if (fcmPayloadBytes(message) <= FCM_MAX_PAYLOAD_BYTES) return message;
    const current = texts;
    const fitted = fitToBytes(current[field], FCM_MAX_PAYLOAD_BYTES, (candidate) => {
      const next = { ...current, [field]: candidate };
      return fcmPayloadBytes(build(next.title, next.subtitle, next.body));
    });
    texts = { ...current, [field]: fitted };
    message = build(texts.title, texts.subtitle, texts.body);
  }
  if (fcmPayloadBytes(message) > FCM_MAX_PAYLOAD_BYTES) throw new BugError(`FCM payload is ${fcmPayloadBytes(message)} bytes with empty texts`);
  return message;
}

/**
 * Builds the data-only message that tells the app to cancel the prompt's notification
 * (`data {type: "waiting_cleared", session_id, prompt_id}`, normal priority like APNs' 5).
 */
export function buildFcmRetractMessage(token: string, retraction: PushRetraction): FcmMessage {
  return {
    token,
    data: { ...stringValues(retraction.aliases), type: 'waiting_cleared', session_id: retraction.session_id, prompt_id: retraction.prompt_id },
    android: { priority: 'normal' },
  };
}

/** FCM's error body (google.rpc.Status with FcmError details). */
interface FcmErrorBody {
  readonly error?: {
    readonly status?: string;
    readonly message?: string;
    readonly details?: ReadonlyArray<{ readonly '@type'?: string; readonly errorCode?: string }>;
  };
}

/**
 * Maps an FCM answer to a result by status and FCM `errorCode`, never by message text.
 * - 200: sent.
 * - `UNREGISTERED` (404) or any 404: the token is gone → token_removed.
 * - 429 (`QUOTA_EXCEEDED`) and 5xx (`UNAVAILABLE`, `INTERNAL`): retryable, with Retry-After.
 * - anything else (400 `INVALID_ARGUMENT`, 401, 403 `SENDER_ID_MISMATCH`): not retryable as is.
 * @param retryAfterMs the answer's Retry-After, already parsed
 */
export function classifyFcmAnswer(status: number, body: string, retryAfterMs: number | undefined): PushResult {
  if (status >= 200 && status < 300) return { status: 'sent' };
  let parsed: FcmErrorBody = {};
  try {
    parsed = JSON.parse(body) as FcmErrorBody;
  } catch {
    // A proxy's HTML page or an empty body: the status alone decides.
  }
  const errorCode = parsed.error?.details?.find((detail) => detail.errorCode !== undefined)?.errorCode;
  const reason = errorCode ?? parsed.error?.status ?? `HTTP ${status}`;
  if (errorCode === 'UNREGISTERED' || status === 404) return { status: 'token_removed', reason };
  return httpFailure(status, reason, retryAfterMs);
}
