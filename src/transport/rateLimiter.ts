/**
 * Counts failures per key (a remote address) in a sliding window and says when a key has
 * failed too often. Memory is bounded: expired entries are pruned and the key count is capped.
 */

/** Keys tracked at most; past this the oldest key is forgotten (an attacker rotating addresses gains nothing from it). */
const MAX_TRACKED_KEYS = 10_000;

/** A sliding-window failure counter. */
export class FailureRateLimiter {
  private readonly _failures = new Map<string, number[]>();
  private readonly _limit: number;
  private readonly _windowMs: number;
  private readonly _now: () => number;

  /** Blocks a key once it has `limit` failures within `windowMs`. */
  constructor(options: { limit: number; windowMs: number; now?: () => number }) {
    this._limit = options.limit;
    this._windowMs = options.windowMs;
    this._now = options.now ?? Date.now;
  }

  /** Milliseconds until `key` may try again, or 0 when it is not blocked. @throws never */
  retryAfterMs(key: string): number {
    const recent = this._recent(key);
    if (recent.length < this._limit) return 0;
    return Math.max(1, recent[recent.length - this._limit] + this._windowMs - this._now());
  }

  /** Records one failure for `key`. @throws never */
  recordFailure(key: string): void {
    const recent = this._recent(key);
    recent.push(this._now());
    // Only the newest `limit` timestamps can matter for the decision.
    if (recent.length > this._limit) recent.splice(0, recent.length - this._limit);
    this._failures.delete(key);
    this._failures.set(key, recent);
    while (this._failures.size > MAX_TRACKED_KEYS) {
      const oldest = this._failures.keys().next().value as string;
      this._failures.delete(oldest);
    }
  }

  /** Keys currently tracked (for tests). */
  get trackedCount(): number {
    return this._failures.size;
  }

  private _recent(key: string): number[] {
    const cutoff = this._now() - this._windowMs;
    const recent = (this._failures.get(key) ?? []).filter((time) => time > cutoff);
    if (recent.length === 0) this._failures.delete(key);
    return recent;
  }
}
