/**
 * Time enters detection only through IClock, so replay runs on the recording's virtual clock
 * and gives the same events every time.
 */
import type { IDisposable } from './lifecycle.js';

/** A source of time and timers (ms). */
export interface IClock {
  /** Milliseconds on this clock (epoch ms live; cast time × 1000 in replay). */
  now(): number;
  /** Runs `fn` after `ms` milliseconds of this clock; dispose to cancel. */
  setTimeout(fn: () => void, ms: number): IDisposable;
}
