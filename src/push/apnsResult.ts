/**
 * Classifies an APNs answer into a `PushResult` by HTTP status and Apple's `reason` code,
 * never by message text. Source: Apple, "Handling notification responses from APNs"
 * (status codes table and "Understand error codes").
 */
import type { PushResult } from './types.js';

/** What @parse/node-apn reports for one failed recipient (its `ResponseFailure`). */
export interface ApnsFailure {
  readonly status?: number | string;
  readonly response?: { readonly reason?: string };
  readonly error?: unknown;
}

/** 400 reasons that mean the token itself is unusable (Apple: "BadDeviceToken"). */
const REMOVE_ON_400 = new Set(['BadDeviceToken']);
/** 403 reason after which the library has already minted a fresh JWT, so a resend may work. */
const EXPIRED_PROVIDER_TOKEN = 'ExpiredProviderToken';

/**
 * Maps one APNs failure to a result.
 * - 410 (any reason, e.g. Unregistered, ExpiredToken): the token is no longer active → remove.
 * - 400 BadDeviceToken: the token is malformed or for the other environment → remove.
 * - 429 TooManyRequests, 5xx, and transport errors (no status): retryable; `retryAfterMs` (the
 *   answer's Retry-After, which the library drops, so the provider reads it) is passed on for
 *   429 and 5xx.
 * - everything else (other 400s, 403, 404, 405, 413): not retryable as is.
 */
export function classifyApnsFailure(failure: ApnsFailure, retryAfterMs?: number): PushResult {
  const status = typeof failure.status === 'number' ? failure.status : undefined;
  const reason = failure.response?.reason ?? fallbackReason(failure, status);
  if (status === undefined) return { status: 'failed', reason, retryable: true };
  if (status === 410) return { status: 'token_removed', reason };
  if (status === 400 && REMOVE_ON_400.has(reason)) return { status: 'token_removed', reason };
  const retryable = status === 429 || status >= 500 || (status === 403 && reason === EXPIRED_PROVIDER_TOKEN);
  const withDelay = retryAfterMs !== undefined && (status === 429 || status >= 500);
  return { status: 'failed', httpStatus: status, reason, retryable, ...(withDelay ? { retryAfterMs } : {}) };
}

/**
 * The library swallows the body of a 403 ExpiredProviderToken (after minting a new JWT) and puts
 * the reason code alone into its error; a 500 InternalServerError body is dropped entirely.
 */
function fallbackReason(failure: ApnsFailure, status: number | undefined): string {
  if (status === 403) {
    const message = failure.error instanceof Error ? failure.error.message : '';
    if (/^[A-Za-z]+$/.test(message)) return message;
  }
  if (status !== undefined) return `HTTP ${status}`;
  const cause = failure.error instanceof Error ? failure.error.message : String(failure.error ?? 'unknown');
  return `transport: ${cause}`;
}
