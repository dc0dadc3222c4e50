import { describe, expect, it } from 'vitest';
import { ACTION_SECRET_TTL_MS, PushActionSecrets } from './pushActionSecrets.js';

const grant = { device_id: 'd1', token: 'tok', session_id: 's1', prompt_id: 'p1' };

describe('PushActionSecrets', () => {
  it('redeems a secret once, for its own session and prompt only', () => {
    const secrets = new PushActionSecrets();
    const secret = secrets.issue(grant);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(secrets.redeem('guess', { session_id: 's1', prompt_id: 'p1' })).toBeUndefined();
    expect(secrets.redeem(secret, { session_id: 's1', prompt_id: 'p1' })).toEqual(grant);
    expect(secrets.redeem(secret, { session_id: 's1', prompt_id: 'p1' })).toBeUndefined();
    const other = secrets.issue(grant);
    expect(secrets.redeem(other, { session_id: 's1', prompt_id: 'p2' })).toBeUndefined();
    expect(secrets.redeem(other, { session_id: 's1', prompt_id: 'p1' })).toBeUndefined();
  });

  it('expires with the push and bounds what it keeps', () => {
    let now = 0;
    const secrets = new PushActionSecrets({ now: () => now });
    const secret = secrets.issue(grant);
    now += ACTION_SECRET_TTL_MS;
    expect(secrets.redeem(secret, grant)).toBeUndefined();
    for (let index = 0; index < 5000; index++) secrets.issue(grant);
    expect(secrets.outstandingCount).toBeLessThanOrEqual(4096);
  });
});
