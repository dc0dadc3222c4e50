/**
 * The APNs JSON payloads, each within Apple's 4096-byte limit: the alert (`aps` plus Tether's
 * `data`), the background push that retracts a delivered alert, and the Live Activity update/end.
 * Source: Apple, "Generating a remote notification", "Pushing background updates to your App",
 * "Starting and updating Live Activities with ActivityKit push notifications" and "Sending
 * notification requests to APNs" (maximum payload size 4 KB).
 */
import { BugError } from '../common/index.js';
import { fitToBytes } from './text.js';
import type { LiveActivityUpdate, PushCategory, PushNotification, PushRetraction, PushUrgency } from './types.js';

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
    /** Live decision prompts across sessions. */
    readonly badge?: number;
  };
  /** Tether's data, or the seed app's (pushDialects.ts). */
  readonly data: PushNotification['data'];
}

/** Size of a serialised payload in bytes (UTF-8). */
export function payloadBytes(payload: unknown): number {
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
      ...(notification.badge === undefined ? {} : { badge: notification.badge }),
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

/** The body of a background push that removes a delivered alert (the app matches prompt_id). */
export interface ApnsRetractPayload {
  readonly aps: { readonly 'content-available': 1 };
  readonly data: { readonly type: 'waiting_cleared'; readonly session_id: string; readonly prompt_id: string; readonly cause?: string; readonly badge?: number; readonly [alias: string]: string | number | undefined };
}

/**
 * Builds the background (silent) push telling the app to remove the notification of a prompt;
 * `cause` says why it ended (`timed_out` for an expiry) and `badge` how many prompts are left
 * (a background push carries only `content-available` in `aps`, so the app sets the badge).
 */
export function buildApnsRetractPayload(retraction: PushRetraction): ApnsRetractPayload {
  return {
    aps: { 'content-available': 1 },
    data: {
      ...retraction.aliases,
      type: 'waiting_cleared',
      session_id: retraction.session_id,
      prompt_id: retraction.prompt_id,
      ...(retraction.cause === undefined ? {} : { cause: retraction.cause }),
      ...(retraction.badge === undefined ? {} : { badge: retraction.badge }),
    },
  };
}

/** The body of an alert-less push that only sets the badge (apns-push-type alert, Apple: "alert, sound, or badge"). */
export function buildApnsBadgePayload(badge: number): { readonly aps: { readonly badge: number } } {
  return { aps: { badge } };
}

/** The body of a Live Activity push. */
export interface ApnsLiveActivityPayload {
  readonly aps: {
    readonly timestamp: number;
    readonly event: 'update' | 'end';
    readonly 'content-state': LiveActivityUpdate['contentState'];
    readonly 'stale-date'?: number;
    readonly 'dismissal-date'?: number;
  };
}

/**
 * Builds a Live Activity update or end, cutting the approval summary and then the current
 * operation (at character boundaries) to stay within 4096 bytes. `dismissal-date` is sent on
 * `end` only, as Apple documents.
 * @throws BugError when the payload is too big even with those texts empty
 */
export function buildLiveActivityPayload(update: LiveActivityUpdate): ApnsLiveActivityPayload {
  const build = (state: LiveActivityUpdate['contentState']): ApnsLiveActivityPayload => ({
    aps: {
      timestamp: update.timestamp,
      event: update.event,
      'content-state': state,
      ...(update.staleDate === undefined ? {} : { 'stale-date': update.staleDate }),
      ...(update.event === 'end' && update.dismissalDate !== undefined ? { 'dismissal-date': update.dismissalDate } : {}),
    },
  });
  const payload = build(fitLiveActivityState(update.contentState, (state) => payloadBytes(build(state))));
  if (payloadBytes(payload) > APNS_MAX_PAYLOAD_BYTES) {
    throw new BugError(`Live Activity payload is ${payloadBytes(payload)} bytes with empty texts`);
  }
  return payload;
}

/** A Live Activity state (Tether's or a seed's): the texts the size limit may cut. */
interface CuttableState {
  readonly currentOperation: string;
  readonly approvalRequest?: { readonly summary: string };
}

/** Cuts the approval summary, then the current operation, until `bytesOf` is within the APNs limit. */
function fitLiveActivityState<S extends CuttableState>(initial: S, bytesOf: (state: S) => number): S {
  let state = initial;
  if (bytesOf(state) <= APNS_MAX_PAYLOAD_BYTES) return state;
  const request = state.approvalRequest;
  if (request !== undefined) {
    const current = state;
    const summary = fitToBytes(request.summary, APNS_MAX_PAYLOAD_BYTES, (candidate) => bytesOf({ ...current, approvalRequest: { ...request, summary: candidate } }));
    state = { ...current, approvalRequest: { ...request, summary } };
  }
  if (bytesOf(state) > APNS_MAX_PAYLOAD_BYTES) {
    const current = state;
    state = { ...current, currentOperation: fitToBytes(current.currentOperation, APNS_MAX_PAYLOAD_BYTES, (candidate) => bytesOf({ ...current, currentOperation: candidate })) };
  }
  return state;
}
