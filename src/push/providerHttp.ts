/**
 * HTTP plumbing shared by the push providers: a JSON POST over node:http/node:https with a
 * request timeout scheduled on IClock and an agent the provider owns (so `close()` leaves no
 * socket behind), the Retry-After parser, and the classification of HTTP statuses that every
 * push service shares (429 and 5xx retryable, transport errors retryable).
 */
import { request as httpRequest, Agent as HttpAgent, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import type { IClock } from '../common/index.js';
import type { PushResult } from './types.js';

/** Default time a provider waits for a push service's answer before calling it a failure (ms). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** An HTTP answer. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A request that got no answer: refused, reset, timed out or aborted by `close()`. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly timedOut = false,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** Keep-alive agents for one provider; `destroy()` closes their sockets. */
export class ProviderAgents {
  readonly http = new HttpAgent({ keepAlive: true });
  readonly https: HttpsAgent;

  /** @param ca extra trusted CA (PEM) for tests against a local TLS mock; replaces the default roots */
  constructor(ca?: string) {
    this.https = new HttpsAgent({ keepAlive: true, ...(ca === undefined ? {} : { ca }) });
  }

  destroy(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

/** Options of one POST. */
export interface PostOptions {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
  readonly clock: IClock;
  readonly agents: ProviderAgents;
}

/**
 * POSTs `body` to `url` (http: or https:) and collects the whole answer.
 * @throws TransportError when there is no answer (connection error, timeout after `timeoutMs`)
 */
export function postText(url: string, options: PostOptions): Promise<HttpAnswer> {
  const target = new URL(url);
  const isHttps = target.protocol === 'https:';
  const send = isHttps ? httpsRequest : httpRequest;
  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    const finish = (action: () => void): void => {
      if (settled) return;
      settled = true;
      timer.dispose();
      action();
    };
    const outgoing = send(
      target,
      {
        method: 'POST',
        agent: isHttps ? options.agents.https : options.agents.http,
        headers: { ...options.headers, 'content-length': String(Buffer.byteLength(options.body)) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          finish(() => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') })),
        );
        response.on('error', (err) => finish(() => reject(new TransportError(err.message))));
      },
    );
    const timer = options.clock.setTimeout(() => {
      finish(() => reject(new TransportError(`no answer within ${options.timeoutMs} ms`, true)));
      outgoing.destroy();
    }, options.timeoutMs);
    outgoing.on('error', (err) => finish(() => reject(new TransportError(err.message))));
    outgoing.end(options.body);
  });
}

/**
 * Parses a Retry-After header value into milliseconds from now: delay-seconds or an HTTP-date
 * (RFC 9110 §10.2.3). Returns undefined for a missing or unparsable value; never negative.
 * @param nowMs the current time (epoch ms), for the HTTP-date form
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * The failure shared by every HTTP push service: 429 and 5xx are retryable (with Retry-After
 * when given), other statuses are not. Callers first handle their own token-removal answers.
 */
export function httpFailure(status: number, reason: string, retryAfterMs: number | undefined): PushResult {
  const retryable = status === 429 || status >= 500;
  return {
    status: 'failed',
    httpStatus: status,
    reason,
    retryable,
    ...(retryable && retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

/** The result of a request that got no answer: always retryable. */
export function transportFailure(err: unknown): PushResult {
  if (err instanceof TransportError) return { status: 'failed', reason: err.timedOut ? 'timeout' : `transport: ${err.message}`, retryable: true };
  return { status: 'failed', reason: `transport: ${err instanceof Error ? err.message : String(err)}`, retryable: true };
}

/** The result of a send whose request could not even be built (a bug or a broken key): resending won't help. */
export function localFailure(err: unknown): PushResult {
  return { status: 'failed', reason: `local: ${err instanceof Error ? err.message : String(err)}`, retryable: false };
}

/** The result of any send after `close()`. */
export const CLOSED_RESULT: PushResult = { status: 'failed', reason: 'provider closed', retryable: false };
