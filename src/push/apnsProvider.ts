/**
 * Delivers notifications through Apple Push Notification service with token (JWT, .p8)
 * authentication via @parse/node-apn: one HTTP/2 client per environment, opened lazily.
 * Source: Apple, "Sending notification requests to APNs" (hosts, headers) and "Establishing a
 * token-based connection to APNs" (ES256 JWT with kid and iss).
 */
import apn from '@parse/node-apn';
import type { PushRegistration } from '../store/types.js';
import { classifyApnsFailure } from './apnsResult.js';
import { buildApnsPayload } from './apnsPayload.js';
import type { IPushProvider, PushLog, PushNotification, PushResult } from './types.js';

/** APNs environment: sandbox for development builds, production for TestFlight/App Store. */
export type ApnsEnvironment = 'sandbox' | 'production';

/** APNs priorities (Apple: 10 = send immediately, 5 = send based on power considerations). */
const PRIORITY_IMMEDIATE = 10;
const PRIORITY_POWER_AWARE = 5;
/** A prompt push answered late is worse than useless; don't wait for the library's 5 s default twice. */
const REQUEST_TIMEOUT_MS = 10_000;
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
  readonly log?: PushLog;
}

/** An IPushProvider for `apns` registrations. */
export class ApnsProvider implements IPushProvider {
  readonly tokenType = 'apns' as const;
  private readonly _clients = new Map<string, apn.Provider>();
  private _closed = false;

  constructor(private readonly _options: ApnsProviderOptions) {}

  /**
   * Sends one alert push. Never throws; failures are classified results.
   * Headers: apns-topic = bundle id, apns-push-type = alert, apns-priority 10 (5 for
   * task-complete), apns-collapse-id = session id, apns-expiration = notification.expiresAt.
   */
  async send(registration: PushRegistration, notification: PushNotification): Promise<PushResult> {
    if (this._closed) return { status: 'failed', reason: 'provider closed', retryable: false };
    try {
      const client = this._clientFor(registration.environment ?? this._options.environment);
      const note = new apn.Notification();
      note.rawPayload = buildApnsPayload(notification);
      note.topic = this._options.bundleId;
      note.pushType = 'alert';
      note.priority = notification.priority === 'high' ? PRIORITY_IMMEDIATE : PRIORITY_POWER_AWARE;
      note.collapseId = notification.threadId;
      note.expiry = Math.floor(notification.expiresAt / 1000);
      const { sent, failed } = await client.send(note, registration.token);
      if (sent.length > 0) return { status: 'sent' };
      if (failed.length > 0) return classifyApnsFailure(failed[0]);
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
        requestTimeout: REQUEST_TIMEOUT_MS,
      });
      this._clients.set(key, client);
    }
    return client;
  }
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
