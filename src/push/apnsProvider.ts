/**
 * Delivers through Apple Push Notification service with token (JWT, .p8) authentication via
 * @parse/node-apn: alerts, background pushes that retract a delivered alert, and Live Activity
 * updates. One HTTP/2 client per environment, opened lazily and reopened after a drop.
 * Source: Apple, "Sending notification requests to APNs" (hosts, headers) and "Establishing a
 * token-based connection to APNs" (ES256 JWT with kid and iss).
 */
import { randomUUID } from 'node:crypto';
import apn from '@parse/node-apn';
import type { IClock } from '../common/index.js';
import { systemClock } from '../core/index.js';
import type { PushRegistration } from '../store/types.js';
import { classifyApnsFailure } from './apnsResult.js';
import { buildApnsBadgePayload, buildApnsPayload, buildApnsRetractPayload, buildLiveActivityPayload } from './apnsPayload.js';
import { CLOSED_RESULT, DEFAULT_REQUEST_TIMEOUT_MS, parseRetryAfter } from './providerHttp.js';
import type { IPushProvider, LiveActivityUpdate, PushLog, PushNotification, PushResult, PushRetraction } from './types.js';

/** APNs environment: sandbox for development builds, production for TestFlight/App Store. */
export type ApnsEnvironment = 'sandbox' | 'production';

/** APNs priorities (Apple: 10 = send immediately, 5 = send based on power considerations). */
const PRIORITY_IMMEDIATE = 10;
const PRIORITY_POWER_AWARE = 5;
/** Apple's suffix of the Live Activity topic: `<bundle id>.push-type.liveactivity`. */
const LIVE_ACTIVITY_TOPIC_SUFFIX = '.push-type.liveactivity';
/**
 * The library retries 429/5xx at once (its Retry-After lookup never matches HTTP/2's lower-case
 * header), which Apple asks providers not to do for TooManyRequests. The caller gets `retryable`.
 */
const LIBRARY_RETRIES = 0;

/** Options for an ApnsProvider. */
export interface ApnsProviderOptions {
  /** The .p8 key: PEM contents or a file path. */
  readonly key: string;
  /** The 10-character Key ID from Apple Developer → Keys. */
  readonly keyId: string;
  /** The 10-character Team ID (JWT `iss`). */
  readonly teamId: string;
  /** The app's bundle id (`apns-topic`). */
  readonly bundleId: string;
  /** Used when a registration names no environment. */
  readonly environment: ApnsEnvironment;
  /** Host override for every environment (tests point it at a local mock). */
  readonly address?: string;
  /** Port override (default 443). */
  readonly port?: number;
  /** Extra trusted CA certificate (PEM contents); replaces the default roots for this client. */
  readonly ca?: string;
  /** How long one request may wait for its answer (ms; default 10 s). */
  readonly requestTimeoutMs?: number;
  /** Time for Retry-After dates (default: the system clock). */
  readonly clock?: IClock;
  readonly log?: PushLog;
}

/** An IPushProvider for `apns` registrations. */
export class ApnsProvider implements IPushProvider {
  readonly tokenType = 'apns' as const;
  private readonly _clients = new Map<string, apn.Provider>();
  /** Retry-After values by apns-id, filled by the response hook, read once by `_deliver`. */
  private readonly _retryAfter = new Map<string, string>();
  private _closed = false;

  constructor(private readonly _options: ApnsProviderOptions) {}

  /**
   * Sends one alert push. Never throws; failures are classified results.
   * Headers: apns-topic = bundle id, apns-push-type = alert, apns-priority 10 (5 for
   * task-complete), apns-collapse-id = session id, apns-expiration = notification.expiresAt.
   */
  send(registration: PushRegistration, notification: PushNotification): Promise<PushResult> {
    return this._deliver(registration, () => {
      const note = new apn.Notification();
      note.rawPayload = buildApnsPayload(notification);
      note.topic = this._options.bundleId;
      note.pushType = 'alert';
      note.priority = notification.priority === 'high' ? PRIORITY_IMMEDIATE : PRIORITY_POWER_AWARE;
      note.collapseId = notification.threadId;
      note.expiry = Math.floor(notification.expiresAt / 1000);
      return note;
    });
  }

  /**
   * Sends a background push (`content-available: 1`, apns-push-type background, priority 5 as
   * Apple requires) whose `data {type: "waiting_cleared", session_id, prompt_id}` tells the app
   * to remove that prompt's notification. Apple may throttle background pushes; never throws.
   */
  retract(registration: PushRegistration, retraction: PushRetraction): Promise<PushResult> {
    return this._deliver(registration, () => {
      const note = new apn.Notification();
      note.rawPayload = buildApnsRetractPayload(retraction);
      note.topic = this._options.bundleId;
      note.pushType = 'background';
      note.priority = PRIORITY_POWER_AWARE;
      return note;
    });
  }

  /**
   * Sets the app's badge with an alert-less push (`{"aps": {"badge": n}}`, apns-push-type
   * alert, priority 5: nothing to show, so no need to wake the phone at once). Never throws.
   */
  setBadge(registration: PushRegistration, badge: number): Promise<PushResult> {
    return this._deliver(registration, () => {
      const note = new apn.Notification();
      note.rawPayload = buildApnsBadgePayload(badge);
      note.topic = this._options.bundleId;
      note.pushType = 'alert';
      note.priority = PRIORITY_POWER_AWARE;
      return note;
    });
  }

  /**
   * Sends a Live Activity update or end to the activity's push token (the registration's
   * token): apns-push-type liveactivity, topic `<bundle id>.push-type.liveactivity`, priority 10
   * (Apple budgets these; 5 would be power-aware). Never throws.
   */
  sendLiveActivity(registration: PushRegistration, update: LiveActivityUpdate): Promise<PushResult> {
    return this._deliver(registration, () => {
      const note = new apn.Notification();
      note.rawPayload = buildLiveActivityPayload(update);
      note.topic = this._options.bundleId + LIVE_ACTIVITY_TOPIC_SUFFIX;
      note.pushType = 'liveactivity';
      note.priority = PRIORITY_IMMEDIATE;
      return note;
    });
  }

  /** Sends one built notification and classifies the answer; a thrown error is a local problem. */
  private async _deliver(registration: PushRegistration, build: () => apn.Notification): Promise<PushResult> {
    if (this._closed) return CLOSED_RESULT;
    try {
      const client = this._clientFor(registration.environment ?? this._options.environment);
      const note = build();
      // Our apns-id lets the response hook below match the Retry-After to this request.
      note.id = randomUUID();
      const { sent, failed } = await client.send(note, registration.token);
      const retryAfter = this._retryAfter.get(note.id);
      this._retryAfter.delete(note.id);
      if (sent.length > 0) return { status: 'sent' };
      const clock = this._options.clock ?? systemClock;
      if (failed.length > 0) return classifyApnsFailure(failed[0], parseRetryAfter(retryAfter, clock.now()));
      return { status: 'failed', reason: 'no response', retryable: true };
    } catch (err) {
      // The library throws only for local problems (bad key, bad options); resending won't help.
      const reason = err instanceof Error ? err.message : String(err);
      this._options.log?.('error', 'apns send threw', { reason });
      return { status: 'failed', reason: `local: ${reason}`, retryable: false };
    }
  }

  /** Shuts every client down (closes HTTP/2 sessions, clears the library's heartbeat timers). */
  async close(): Promise<void> {
    this._closed = true;
    const clients = [...this._clients.values()];
    this._clients.clear();
    await Promise.all(clients.map(shutdownClient));
  }

  /** One client per target host; `address` overrides both environments. */
  private _clientFor(environment: ApnsEnvironment): apn.Provider {
    const key = this._options.address === undefined ? environment : 'override';
    let client = this._clients.get(key);
    if (client === undefined) {
      client = new apn.Provider({
        token: { key: this._options.key, keyId: this._options.keyId, teamId: this._options.teamId },
        production: environment === 'production',
        ...(this._options.address === undefined ? {} : { address: this._options.address }),
        ...(this._options.port === undefined ? {} : { port: this._options.port }),
        ...(this._options.ca === undefined ? {} : { ca: [this._options.ca] }),
        connectionRetryLimit: LIBRARY_RETRIES,
        requestTimeout: this._options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      });
      observeRetryAfter(client, (apnsId, value) => this._retryAfter.set(apnsId, value));
      this._clients.set(key, client);
    }
    return client;
  }
}

/** The parts of the library's internal client that `observeRetryAfter` wraps. */
interface LibraryClient {
  session?: { request: (headers: Record<string, unknown>, ...rest: unknown[]) => NodeJS.EventEmitter } | null;
  connect?: () => Promise<unknown>;
}

/** Sessions whose `request` is already wrapped. */
const observedSessions = new WeakSet<object>();

/**
 * Reports each answer's `retry-after` header by the request's apns-id. @parse/node-apn 8.1.0
 * reads `headers['Retry-After']` (never present: HTTP/2 header names are lower case) and then
 * deletes it from errors, so we wrap the internal `client.connect` to hook each new HTTP/2
 * session's `request` and listen for the stream's `response`. If those internals move, the hook
 * is skipped and results simply carry no `retryAfterMs`.
 */
function observeRetryAfter(provider: apn.Provider, report: (apnsId: string, value: string) => void): void {
  const inner = (provider as unknown as { client?: LibraryClient }).client;
  const connect = inner?.connect;
  if (inner === undefined || typeof connect !== 'function') return;
  inner.connect = async function observedConnect(this: LibraryClient) {
    const result = await connect.call(inner);
    const session = inner.session;
    if (session != null && typeof session.request === 'function' && !observedSessions.has(session)) {
      observedSessions.add(session);
      const request = session.request;
      session.request = function observedRequest(headers, ...rest) {
        const stream = request.call(session, headers, ...rest);
        const apnsId = headers['apns-id'];
        stream.once('response', (answer: Record<string, unknown>) => {
          const value = answer['retry-after'];
          if (typeof apnsId === 'string' && typeof value === 'string') report(apnsId, value);
        });
        return stream;
      };
    }
    return result;
  };
}

/** The part of the library's internal client that decides whether `shutdown` can call back. */
interface LibrarySession {
  readonly closed: boolean;
  readonly destroyed: boolean;
}

/**
 * Shuts one library client down. @parse/node-apn 8.1.0 `shutdown` clears its timers at once,
 * then awaits `session.close(callback)`, which never calls back when the HTTP/2 session was
 * already destroyed (e.g. after ECONNREFUSED or GOAWAY). In that state there is nothing left to
 * close, so we resolve without waiting. The check reads the library's `client.session`
 * (read-only); if that internal moves, we fall back to waiting for the callback.
 */
function shutdownClient(client: apn.Provider): Promise<void> {
  const session = (client as unknown as { client?: { session?: LibrarySession | null } }).client?.session;
  const willHang = session != null && session.destroyed && !session.closed;
  return new Promise<void>((resolve) => {
    client.shutdown(() => resolve());
    if (willHang) resolve();
  });
}
