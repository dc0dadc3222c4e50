/**
 * When a failed send is tried again: only on 429, 5xx and transport failures (timeouts,
 * resets; no HTTP status), never on another 4xx; with exponential backoff and jitter, never
 * sooner than the provider's Retry-After, and never past the retry window. The last retry is
 * pulled in to the window's end, so a provider that recovers within the window still delivers.
 */
import type { PushResult } from './types.js';

/** First backoff step (ms). */
export const RETRY_BASE_DELAY_MS = 2_000;
/** Largest backoff step (ms): a waiting agent is urgent, so keep probing at least this often. */
export const RETRY_MAX_DELAY_MS = 60_000;

/** True when `result` is a failure worth resending: 429, 5xx or no HTTP status, and the provider calls it retryable. */
export function isRetryableFailure(result: PushResult): boolean {
  if (result.status !== 'failed' || !result.retryable) return false;
  const status = result.httpStatus;
  return status === undefined || status === 429 || status >= 500;
}

/**
 * Backoff before retry number `retry` (1 = first retry): base × 2^(retry−1), capped at
 * RETRY_MAX_DELAY_MS, with "equal jitter" (half fixed, half random), at least `retryAfterMs`.
 * @param random a uniform [0, 1) source (Math.random; tests pass a constant)
 * @returns ms
 */
export function backoffDelayMs(retry: number, retryAfterMs: number | undefined, random: () => number): number {
  const step = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** Math.max(0, retry - 1));
  const jittered = Math.round(step / 2 + random() * (step / 2));
  return Math.max(jittered, retryAfterMs ?? 0);
}

/**
 * The delay before the next retry, or undefined when the window is used up.
 * @param nowMs current clock time; @param firstAttemptMs when the first send went out
 * @param windowMs the retry window (`retry_window_seconds` × 1000)
 */
export function nextRetryDelayMs(
  retry: number,
  retryAfterMs: number | undefined,
  nowMs: number,
  firstAttemptMs: number,
  windowMs: number,
  random: () => number,
): number | undefined {
  const deadline = firstAttemptMs + windowMs;
  if (nowMs >= deadline) return undefined;
  const delay = backoffDelayMs(retry, retryAfterMs, random);
  if (nowMs + delay <= deadline) return delay;
  // Past the window: one last try at its very end, unless Retry-After forbids even that.
  if (retryAfterMs !== undefined && nowMs + retryAfterMs > deadline) return undefined;
  return deadline - nowMs;
}
