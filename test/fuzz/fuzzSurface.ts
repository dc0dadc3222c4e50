/**
 * The shape of one fuzzed surface (one file per surface in test/fuzz/, listed in surfaces.ts):
 * a fast-check property over outside input that holds when the code under test either
 * accepts the input or rejects it with a coded TetherError, and never throws anything else.
 * WebSocket and HTTP surfaces can add `setup`/`teardown` (e.g. to start a daemon).
 */
import type fc from 'fast-check';
import { TetherError } from '../../src/common/index.js';
import type { ErrorCode } from '../../src/common/index.js';

/** One surface: its name, its share of `npm run fuzz`'s cases, and its property. */
export interface FuzzSurface {
  readonly name: string;
  /** Cases in a full `npm run fuzz` run (scaled by `--scale`). */
  readonly runs: number;
  /** Cases in the vitest slice (seconds, not minutes). */
  readonly sliceRuns: number;
  /** Resources the property needs (a daemon, a socket), made once per run. */
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
  property(): fc.IRawProperty<unknown[]>;
}

/**
 * Passes when `err` is a TetherError with one of `codes`; throws a description otherwise, so
 * fast-check reports (and shrinks) the input that produced an uncoded error.
 */
export function expectCoded(err: unknown, codes: readonly ErrorCode[]): void {
  if (err instanceof TetherError && codes.includes(err.code)) return;
  const what = err instanceof TetherError ? `TetherError ${err.code}` : err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  throw new Error(`expected a TetherError ${codes.join(' | ')}, got ${what.slice(0, 300)}`);
}

/** Runs `action`; its result, or undefined after a coded rejection (anything else fails the property). */
export function acceptOrReject<T>(action: () => T, codes: readonly ErrorCode[]): T | undefined {
  try {
    return action();
  } catch (err) {
    expectCoded(err, codes);
    return undefined;
  }
}
