/**
 * The fallback reader's column of `npm run eval`: each fixture replayed with its CLI's parser
 * switched off, so only the CLI-agnostic fallback reader (parsers/fallback) reports. Scored on
 * the prompts it is for (every expected prompt but the idle box): how many it alone finds (with
 * the right wait type), and its false alarms (reports matching no expected prompt). A report
 * may come up to FALLBACK_HOLD_MS after the prompt was drawn: it waits that long by design.
 */
import { FALLBACK_HOLD_MS } from '../src/core/detectionPipeline.js';
import { replayCast } from '../src/core/replay.js';
import type { CliType } from '../src/common/index.js';
import type { Fixture } from './bench/fixtureSet.js';
import { getCli, isCliType } from '../parsers/index.js';

/** Per-CLI counts of the fallback reader alone. */
export interface FallbackTally {
  fixtures: number;
  /** Expected prompts other than `awaiting_response`. */
  prompts: number;
  found: number;
  rightType: number;
  falseAlarms: number;
}

/** An empty tally. */
export const newFallbackTally = (): FallbackTally => ({ fixtures: 0, prompts: 0, found: 0, rightType: 0, falseAlarms: 0 });

/** Replays `fixture` with the parser off and adds its counts to `tally`. */
export async function evaluateFallback(fixture: Fixture, tally: FallbackTally): Promise<void> {
  const events = (await replayCast(fixture.cast, { cli: fixture.expect.cli as CliType, parserOff: true })).filter((e) => e.type === 'waiting_for_input');
  const expected = fixture.expect.events.filter((e) => e.type === 'waiting_for_input' && e.wait_type !== 'awaiting_response');
  const toleranceS = fixture.expect.tolerance_ms / 1000;
  const used = new Set<number>();
  tally.fixtures += 1;
  tally.prompts += expected.length;
  for (const prompt of expected) {
    const index = events.findIndex((e, i) => !used.has(i) && e.at >= prompt.at - toleranceS && e.at <= prompt.at + FALLBACK_HOLD_MS / 1000 + toleranceS);
    if (index < 0) continue;
    used.add(index);
    tally.found += 1;
    if (events[index].wait_type === prompt.wait_type) tally.rightType += 1;
  }
  tally.falseAlarms += events.length - used.size;
}

/** Adds `from` into `into`. */
export function addFallbackTally(into: FallbackTally, from: FallbackTally): void {
  into.fixtures += from.fixtures;
  into.prompts += from.prompts;
  into.found += from.found;
  into.rightType += from.rightType;
  into.falseAlarms += from.falseAlarms;
}

/** One row of the fallback table; `off` for a CLI whose descriptor turns the fallback off. */
export function fallbackRow(name: string, t: FallbackTally): string {
  if (isCliType(name) && getCli(name).fallback === false) return [name.padEnd(9), String(t.fixtures).padStart(8), String(t.prompts).padStart(8), 'off'.padStart(13)].join(' ');
  const recall = t.prompts === 0 ? 100 : (100 * t.found) / t.prompts;
  return [
    name.padEnd(9),
    String(t.fixtures).padStart(8),
    String(t.prompts).padStart(8),
    `${t.found} (${recall.toFixed(1)}%)`.padStart(13),
    String(t.rightType).padStart(10),
    String(t.falseAlarms).padStart(12),
  ].join(' ');
}

/** The fallback table's header. */
export const FALLBACK_HEADER = ['cli'.padEnd(9), 'fixtures'.padStart(8), 'prompts'.padStart(8), 'found'.padStart(13), 'right type'.padStart(10), 'false alarms'.padStart(12)].join(' ');
