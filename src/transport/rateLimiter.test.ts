import { describe, expect, it } from 'vitest';
import { FailureRateLimiter } from './rateLimiter.js';

describe('FailureRateLimiter', () => {
  it('blocks a key at the limit until its oldest failure leaves the window', () => {
    let now = 0;
    const limiter = new FailureRateLimiter({ limit: 3, windowMs: 1000, now: () => now });
    for (let index = 0; index < 3; index++) {
      expect(limiter.retryAfterMs('a')).toBe(0);
      limiter.recordFailure('a');
      now += 100;
    }
    expect(limiter.retryAfterMs('a')).toBe(700);
    expect(limiter.retryAfterMs('b')).toBe(0);
    now = 1001;
    expect(limiter.retryAfterMs('a')).toBe(0);
  });

  it('bounds the keys it tracks', () => {
    const limiter = new FailureRateLimiter({ limit: 1, windowMs: 60_000 });
    for (let index = 0; index < 10_050; index++) limiter.recordFailure(`key-${index}`);
    expect(limiter.trackedCount).toBe(10_000);
  });
});
