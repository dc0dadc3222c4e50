/**
 * The APNs JSON payload for a notification: the `aps` dictionary plus Tether's `data`, kept
 * under Apple's 4096-byte limit by cutting the body, then the subtitle, then the title.
 * Source: Apple, "Generating a remote notification" (aps keys) and "Sending notification
 * requests to APNs" (maximum payload size 4 KB for regular remote notifications).
 */
import { BugError } from '../common/index.js';
import { fitToBytes } from './text.js';
import type { PushCategory, PushData, PushNotification, PushUrgency } from './types.js';

/** Apple's limit for a regular (non-VoIP) remote notification payload, in bytes of UTF-8 JSON. */
export const APNS_MAX_PAYLOAD_BYTES = 4096;

/** The `aps.alert` dictionary. */
export interface ApnsAlert {
  readonly title: string;
  readonly subtitle: string;
  readonly body: string;
}

/** The JSON body of an APNs request. */
export interface ApnsPayload {
  readonly aps: {
    readonly alert: ApnsAlert;
    readonly sound: 'default';
    readonly category: PushCategory;
    readonly 'thread-id': string;
    /** 1 lets a Notification Service Extension rewrite the alert (e.g. fetch full text). */
    readonly 'mutable-content': 1;
    readonly 'interruption-level': PushUrgency;
  };
  readonly data: PushData;
}

/** Size of the serialised payload in bytes (UTF-8). */
export function payloadBytes(payload: ApnsPayload): number {
  return Buffer.byteLength(JSON.stringify(payload), 'utf8');
}

/**
 * Builds the APNs payload, cutting alert text (at character boundaries, with "…") until the
 * serialised JSON is at most `APNS_MAX_PAYLOAD_BYTES`.
 * @throws BugError when the payload is too big even with empty alert text (ids are never that long)
 */
export function buildApnsPayload(notification: PushNotification): ApnsPayload {
  const build = (alert: ApnsAlert): ApnsPayload => ({
    aps: {
      alert,
      sound: 'default',
      category: notification.category,
      'thread-id': notification.threadId,
      'mutable-content': 1,
      'interruption-level': notification.urgency,
    },
    data: notification.data,
  });
  let alert: ApnsAlert = { title: notification.title, subtitle: notification.subtitle, body: notification.body };
  let payload = build(alert);
  // Shrink the least important text first; stop as soon as it fits.
  for (const field of ['body', 'subtitle', 'title'] as const) {
    if (payloadBytes(payload) <= APNS_MAX_PAYLOAD_BYTES) return payload;
    const current = alert;
    const fitted = fitToBytes(current[field], APNS_MAX_PAYLOAD_BYTES, (candidate) =>
      payloadBytes(build({ ...current, [field]: candidate })),
    );
    alert = { ...current, [field]: fitted };
    payload = build(alert);
  }
  if (payloadBytes(payload) > APNS_MAX_PAYLOAD_BYTES) {
    throw new BugError(`APNs payload is ${payloadBytes(payload)} bytes with empty alert text`);
  }
  return payload;
}
