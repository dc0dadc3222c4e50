import { describe, expect, it } from 'vitest';
import { LOGIN_CODE_TTL_MS, PAIRING_ALPHABET, PAIRING_CODE_LENGTH, PAIRING_CODE_TTL_MS, PairingService } from './pairing.js';

function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let time = 1_000_000;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe('PairingService', () => {
  it('issues codes from the unambiguous alphabet', () => {
    const pairing = new PairingService();
    const { code } = pairing.issue();
    expect(code).toHaveLength(PAIRING_CODE_LENGTH);
    for (const character of code) expect(PAIRING_ALPHABET).toContain(character);
  });

  it('redeems a code once', () => {
    const pairing = new PairingService();
    const { code } = pairing.issue();
    expect(pairing.redeem('WRONG123')).toBeUndefined();
    expect(pairing.redeem(code)).toBe('phone');
    expect(pairing.redeem(code)).toBeUndefined();
  });

  it('ignores case and separators', () => {
    const pairing = new PairingService();
    const { code } = pairing.issue();
    expect(pairing.redeem(`${code.slice(0, 4).toLowerCase()}-${code.slice(4)}`)).toBe('phone');
  });

  it('expires codes after five minutes', () => {
    const clock = fakeClock();
    const pairing = new PairingService({ now: clock.now });
    const early = pairing.issue();
    const late = pairing.issue();
    expect(early.expiresAt).toBe(clock.now() + PAIRING_CODE_TTL_MS);
    clock.advance(PAIRING_CODE_TTL_MS - 1);
    expect(pairing.redeem(early.code)).toBe('phone');
    clock.advance(1);
    expect(pairing.redeem(late.code)).toBeUndefined();
    expect(pairing.outstandingCount).toBe(0);
  });

  it('bounds outstanding codes', () => {
    const pairing = new PairingService();
    const first = pairing.issue();
    for (let index = 0; index < 100; index++) pairing.issue();
    expect(pairing.outstandingCount).toBeLessThanOrEqual(16);
    expect(pairing.redeem(first.code)).toBeUndefined();
  });

  it('carries the grant it was minted with, and login codes live at most 60 s', () => {
    const clock = fakeClock();
    const pairing = new PairingService({ now: clock.now });
    const full = pairing.issue({ scope: 'full' });
    const login = pairing.issue({ scope: 'desktop', ttlMs: LOGIN_CODE_TTL_MS });
    const stale = pairing.issue({ scope: 'desktop', ttlMs: LOGIN_CODE_TTL_MS });
    expect(login.expiresAt - clock.now()).toBe(60_000);
    expect(pairing.issue({ ttlMs: 60 * 60_000 }).expiresAt - clock.now()).toBe(PAIRING_CODE_TTL_MS);
    expect(pairing.redeem(full.code)).toBe('full');
    clock.advance(59_999);
    expect(pairing.redeem(login.code)).toBe('desktop');
    expect(pairing.redeem(login.code)).toBeUndefined();
    clock.advance(1);
    expect(pairing.redeem(stale.code)).toBeUndefined();
  });
});
