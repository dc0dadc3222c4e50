/**
 * One-time pairing codes. A code is 8 characters from an alphabet without look-alikes
 * (no 0/O, 1/I/L), valid for 5 minutes and consumed by its first use, and it carries the grant
 * the device it pairs will hold (phone, full, or desktop for a `tether open` login code, which
 * lives at most 60 s): what a device may do comes from how its code was minted. Eight such
 * characters give 31^8 ≈ 8.5 × 10^11 codes, so even with many addresses guessing at the
 * rate limit the odds stay negligible, while a person can still read one off a screen
 * (6 digits, 10^6, would fall to a botnet within a code's lifetime). Codes live only in memory.
 */
import { randomInt } from 'node:crypto';
import type { ScopeName } from '../common/index.js';

/** Unambiguous when read aloud or off a screen: no 0/O, 1/I/L. */
export const PAIRING_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
/** Code length; see the file header for why 8. */
export const PAIRING_CODE_LENGTH = 8;
/** A code is valid this long after it is issued. */
export const PAIRING_CODE_TTL_MS = 5 * 60_000;
/** A login code (`tether open`, the tray app's windows) lives this long: the browser redeems it within seconds. */
export const LOGIN_CODE_TTL_MS = 60_000;
/** Outstanding codes kept at most; the oldest is dropped first, so issuing cannot grow memory. */
const MAX_OUTSTANDING_CODES = 16;

/** A freshly issued code. */
export interface PairingCode {
  readonly code: string;
  /** Epoch ms. */
  readonly expiresAt: number;
  /** The grant the paired device gets. */
  readonly scope: ScopeName;
}

/** Issues and redeems one-time pairing codes. */
export class PairingService {
  private readonly _codes = new Map<string, { expiresAt: number; scope: ScopeName }>();
  private readonly _now: () => number;
  private readonly _ttlMs: number;

  /** `now` is injectable so tests can move time; defaults to `Date.now`. */
  constructor(options: { now?: () => number; ttlMs?: number } = {}) {
    this._now = options.now ?? Date.now;
    this._ttlMs = options.ttlMs ?? PAIRING_CODE_TTL_MS;
  }

  /**
   * Issues a new code for a device with `scope` (default `phone`), valid `ttlMs` (default the
   * service's, never longer).
   * @throws never
   */
  issue(options: { scope?: ScopeName; ttlMs?: number } = {}): PairingCode {
    this._prune();
    let code = '';
    do {
      code = '';
      for (let index = 0; index < PAIRING_CODE_LENGTH; index++) {
        code += PAIRING_ALPHABET[randomInt(PAIRING_ALPHABET.length)];
      }
    } while (this._codes.has(code));
    while (this._codes.size >= MAX_OUTSTANDING_CODES) {
      const oldest = this._codes.keys().next().value as string;
      this._codes.delete(oldest);
    }
    const expiresAt = this._now() + Math.min(options.ttlMs ?? this._ttlMs, this._ttlMs);
    const scope = options.scope ?? 'phone';
    this._codes.set(code, { expiresAt, scope });
    return { code, expiresAt, scope };
  }

  /**
   * Redeems a code: its grant once for a live code, undefined for unknown, used or expired
   * ones. Case, spaces and dashes are ignored, so "abcd-efgh" matches "ABCDEFGH".
   * @throws never
   */
  redeem(input: string): ScopeName | undefined {
    this._prune();
    const code = normalizeCode(input);
    const entry = this._codes.get(code);
    if (entry === undefined) return undefined;
    this._codes.delete(code);
    return this._now() < entry.expiresAt ? entry.scope : undefined;
  }

  /** Codes issued and neither used nor expired. */
  get outstandingCount(): number {
    this._prune();
    return this._codes.size;
  }

  private _prune(): void {
    const now = this._now();
    for (const [code, { expiresAt }] of this._codes) if (now >= expiresAt) this._codes.delete(code);
  }
}

/** Uppercases a typed code and strips separators. */
export function normalizeCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}
