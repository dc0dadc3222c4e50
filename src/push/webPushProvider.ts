/**
 * Delivers to browsers and PWAs through the Web Push protocol (RFC 8030) with the web-push
 * library: VAPID authentication (RFC 8292) with the daemon's own key pair and aes128gcm payload
 * encryption (RFC 8291). A registration's token is the browser's PushSubscription JSON
 * (`{endpoint, keys: {p256dh, auth}}`); alerts carry the action buttons, retractions tell the
 * service worker which notification to close.
 */
import { createHash } from 'node:crypto';
import { Agent } from 'node:https';
import webpush from 'web-push';
import type { IClock } from '../common/index.js';
import { systemClock } from '../core/index.js';
import type { PushRegistration } from '../store/types.js';
import { CLOSED_RESULT, DEFAULT_REQUEST_TIMEOUT_MS, httpFailure, localFailure, parseRetryAfter } from './providerHttp.js';
import type { VapidKeys } from './vapidKeys.js';
import { buildWebPushMessage, buildWebPushRetractMessage } from './webPushPayload.js';
import type { IPushProvider, PushLog, PushNotification, PushResult, PushRetraction } from './types.js';

/** RFC 8030 §5.4: a Topic is at most 32 characters of the URL-safe base64 alphabet. */
const TOPIC_LENGTH = 32;

/** Options for a WebPushProvider. */
export interface WebPushProviderOptions {
  /** The daemon's VAPID key pair (`loadOrCreateVapidKeys`). */
  readonly vapidKeys: VapidKeys;
  /** VAPID `sub` claim: a mailto: or https: URL for the push service to contact (RFC 8292 §2.1). */
  readonly subject: string;
  /** How long one request may wait for its answer (ms; default 10 s). */
  readonly requestTimeoutMs?: number;
  /** Time for TTLs and Retry-After dates. */
  readonly clock?: IClock;
  /**
   * TEST ONLY: an extra CA (PEM) trusted for push endpoints, so tests can run an HTTPS push
   * service on 127.0.0.1. It replaces the default roots; never set it in production.
   */
  readonly testCa?: string;
  readonly log?: PushLog;
}

/** The PushSubscription JSON a browser hands over. */
interface Subscription {
  readonly endpoint: string;
  readonly keys: { readonly p256dh: string; readonly auth: string };
}

/** An IPushProvider for `webpush` registrations. */
export class WebPushProvider implements IPushProvider {
  readonly tokenType = 'webpush' as const;
  private readonly _agent: Agent;
  private readonly _clock: IClock;
  private _closed = false;

  constructor(private readonly _options: WebPushProviderOptions) {
    this._clock = _options.clock ?? systemClock;
    this._agent = new Agent({ keepAlive: true, ...(_options.testCa === undefined ? {} : { ca: _options.testCa }) });
  }

  /** The `applicationServerKey` browsers must subscribe with (base64url, uncompressed P-256). */
  get publicKey(): string {
    return this._options.vapidKeys.publicKey;
  }

  /**
   * Sends one alert: urgency high for approvals and questions, TTL until `expiresAt`, and a
   * Topic per session so a newer undelivered alert replaces an older one. Never throws.
   */
  send(registration: PushRegistration, notification: PushNotification): Promise<PushResult> {
    let payload: string;
    try {
      const endpoint = parseSubscription(registration.token)?.endpoint ?? '';
      payload = JSON.stringify(buildWebPushMessage(notification, registration.device_id, endpoint));
    } catch (err) {
      return Promise.resolve(localFailure(err));
    }
    const ttlSeconds = Math.max(0, Math.floor((notification.expiresAt - this._clock.now()) / 1000));
    const topic = createHash('sha256').update(notification.threadId).digest('base64url').slice(0, TOPIC_LENGTH);
    return this._deliver(registration, payload, { TTL: ttlSeconds, urgency: notification.priority === 'high' ? 'high' : 'normal', topic });
  }

  /** Sends `{type: "waiting_cleared", prompt_id, …}`; the service worker closes that notification. Never throws. */
  retract(registration: PushRegistration, retraction: PushRetraction): Promise<PushResult> {
    return this._deliver(registration, JSON.stringify(buildWebPushRetractMessage(retraction)), { TTL: 3600, urgency: 'normal' });
  }

  /** Closes pooled connections; later sends fail with `retryable: false`. */
  async close(): Promise<void> {
    this._closed = true;
    this._agent.destroy();
  }

  private async _deliver(registration: PushRegistration, payload: string, options: { TTL: number; urgency: webpush.Urgency; topic?: string }): Promise<PushResult> {
    if (this._closed) return CLOSED_RESULT;
    const subscription = parseSubscription(registration.token);
    if (subscription === undefined) return { status: 'token_removed', reason: 'InvalidSubscription' };
    if (!subscription.endpoint.startsWith('https://')) return { status: 'failed', reason: 'endpoint is not https', retryable: false };
    try {
      await webpush.sendNotification(subscription, payload, {
        ...options,
        contentEncoding: 'aes128gcm',
        vapidDetails: { subject: this._options.subject, publicKey: this._options.vapidKeys.publicKey, privateKey: this._options.vapidKeys.privateKey },
        timeout: this._options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
        agent: this._agent,
      });
      return { status: 'sent' };
    } catch (err) {
      if (this._closed) return CLOSED_RESULT;
      return this._classify(err);
    }
  }

  /**
   * 404/410: the subscription expired or was unsubscribed → remove (RFC 8030 §7.3); 429/5xx:
   * retryable with Retry-After; 413 and other 4xx: not retryable; no answer: retryable.
   */
  private _classify(err: unknown): PushResult {
    if (err instanceof webpush.WebPushError) {
      const status = err.statusCode;
      const reason = `HTTP ${status}`;
      if (status === 404 || status === 410) return { status: 'token_removed', reason };
      const headers = err.headers as unknown as Record<string, string | string[] | undefined>;
      return httpFailure(status, reason, parseRetryAfter(headers['retry-after'], this._clock.now()));
    }
    const message = err instanceof Error ? err.message : String(err);
    // web-push destroys the request with "Socket timeout" after `timeout` ms of silence.
    if (message === 'Socket timeout') return { status: 'failed', reason: 'timeout', retryable: true };
    if (err instanceof Error && !('code' in err)) {
      // A local problem (bad key, bad subscription keys): resending won't help.
      this._options.log?.('warn', 'web push request could not be built', { reason: message });
      return localFailure(err);
    }
    return { status: 'failed', reason: `transport: ${message}`, retryable: true };
  }
}

/** Parses the registration token; undefined when it is no PushSubscription JSON. */
function parseSubscription(token: string): Subscription | undefined {
  try {
    const value = JSON.parse(token) as { endpoint?: unknown; keys?: { p256dh?: unknown; auth?: unknown } };
    if (typeof value.endpoint !== 'string' || typeof value.keys?.p256dh !== 'string' || typeof value.keys.auth !== 'string') return undefined;
    return { endpoint: value.endpoint, keys: { p256dh: value.keys.p256dh, auth: value.keys.auth } };
  } catch {
    return undefined;
  }
}
