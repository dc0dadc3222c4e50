/**
 * Delivers to Android (and other FCM) registrations through the FCM HTTP v1 API:
 * `POST {endpoint}/v1/projects/{project}/messages:send` with an OAuth 2 access token minted
 * from a service account by google-auth-library (or injected by tests). Alerts and data-only
 * retractions; failures are classified results. Source: Firebase, "Migrate from legacy FCM APIs
 * to HTTP v1" and "REST Resource: projects.messages".
 */
import { JWT } from 'google-auth-library';
import type { IClock } from '../common/index.js';
import { systemClock } from '../core/index.js';
import type { PushRegistration } from '../store/types.js';
import { buildFcmMessage, buildFcmRetractMessage, classifyFcmAnswer, type FcmMessage } from './fcmPayload.js';
import { CLOSED_RESULT, DEFAULT_REQUEST_TIMEOUT_MS, ProviderAgents, localFailure, parseRetryAfter, postText, transportFailure } from './providerHttp.js';
import type { IPushProvider, PushLog, PushNotification, PushResult, PushRetraction } from './types.js';

/** The production endpoint. */
export const FCM_DEFAULT_ENDPOINT = 'https://fcm.googleapis.com';
/** The OAuth scope `messages:send` needs (Firebase: "Authorize send requests"). */
export const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

/** The fields of a Google service-account JSON key that FCM needs. */
export interface ServiceAccountKey {
  readonly client_email: string;
  /** PEM, PKCS#8 RSA. */
  readonly private_key: string;
  readonly project_id?: string;
}

/** Options for an FcmProvider. */
export interface FcmProviderOptions {
  /** The Firebase project id (the URL's `{project}`). */
  readonly projectId: string;
  /** Used to mint access tokens when no `accessTokenProvider` is given. */
  readonly serviceAccount?: ServiceAccountKey;
  /** Returns a valid OAuth 2 bearer token; tests inject a fixed one. Default: google-auth-library's JWT client. */
  readonly accessTokenProvider?: () => Promise<string>;
  /** Scheme and host (default https://fcm.googleapis.com); tests point it at a local mock. */
  readonly endpoint?: string;
  /** Android notification channel (`android.notification.channel_id`). */
  readonly androidChannelId: string;
  /** How long one request may wait for its answer (ms; default 10 s). */
  readonly requestTimeoutMs?: number;
  /** Schedules the request timeout and gives the time for TTLs and Retry-After dates. */
  readonly clock?: IClock;
  readonly log?: PushLog;
}

/** An IPushProvider for `fcm` registrations. */
export class FcmProvider implements IPushProvider {
  readonly tokenType = 'fcm' as const;
  private readonly _agents = new ProviderAgents();
  private readonly _clock: IClock;
  private readonly _accessToken: () => Promise<string>;
  private _closed = false;

  /** @throws TypeError when neither `serviceAccount` nor `accessTokenProvider` is given */
  constructor(private readonly _options: FcmProviderOptions) {
    this._clock = _options.clock ?? systemClock;
    this._accessToken = _options.accessTokenProvider ?? serviceAccountTokens(_options.serviceAccount);
  }

  /** Sends one alert. Never throws. */
  send(registration: PushRegistration, notification: PushNotification): Promise<PushResult> {
    return this._post(() => buildFcmMessage(registration.token, notification, this._options.androidChannelId, this._clock.now()));
  }

  /** Sends the data-only `waiting_cleared` message; the app cancels the prompt's notification. Never throws. */
  retract(registration: PushRegistration, retraction: PushRetraction): Promise<PushResult> {
    return this._post(() => buildFcmRetractMessage(registration.token, retraction));
  }

  /** Closes pooled connections; later sends fail with `retryable: false`. */
  async close(): Promise<void> {
    this._closed = true;
    this._agents.destroy();
  }

  private async _post(build: () => FcmMessage): Promise<PushResult> {
    if (this._closed) return CLOSED_RESULT;
    let message: FcmMessage;
    try {
      message = build();
    } catch (err) {
      return localFailure(err);
    }
    let bearer: string;
    try {
      bearer = await this._accessToken();
    } catch (err) {
      // Google's token endpoint unreachable or refusing: maybe transient, the dispatcher decides.
      const reason = `auth: ${err instanceof Error ? err.message : String(err)}`;
      this._options.log?.('error', 'fcm access token failed', { reason });
      return { status: 'failed', reason, retryable: true };
    }
    const endpoint = (this._options.endpoint ?? FCM_DEFAULT_ENDPOINT).replace(/\/+$/, '');
    const url = `${endpoint}/v1/projects/${encodeURIComponent(this._options.projectId)}/messages:send`;
    try {
      const answer = await postText(url, {
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ message }),
        timeoutMs: this._options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
        clock: this._clock,
        agents: this._agents,
      });
      if (this._closed) return CLOSED_RESULT;
      return classifyFcmAnswer(answer.status, answer.body, parseRetryAfter(answer.headers['retry-after'], this._clock.now()));
    } catch (err) {
      return this._closed ? CLOSED_RESULT : transportFailure(err);
    }
  }
}

/**
 * Access tokens from a service account via google-auth-library's JWT client, which caches
 * each token until shortly before its hour is up.
 * @throws TypeError when no service account is given
 */
function serviceAccountTokens(key: ServiceAccountKey | undefined): () => Promise<string> {
  if (key === undefined) throw new TypeError('FcmProvider needs serviceAccount or accessTokenProvider');
  const client = new JWT({ email: key.client_email, key: key.private_key, scopes: [FCM_SCOPE] });
  return async () => {
    const { token } = await client.getAccessToken();
    if (token == null || token === '') throw new Error('google-auth-library returned no access token');
    return token;
  };
}
