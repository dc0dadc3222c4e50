/**
 * `npm run eval`: detection truth measured on every recorded fixture. Replays each cast with
 * its CLI's parser (and once with `--cli auto`) and prints, per CLI and in total: prompts
 * expected, found, found with the right wait type, false alarms, missed clears, and the start
 * and clear timing error (p50/p99 ms); then the fallback reader's column: the same fixtures with
 * the parser switched off (evalFallback.ts). Exits 1 below 100 % recall or above 0 false alarms
 * in the first table (the fallback reader runs there too, wherever the parser sees nothing).
 */
import { replayCast } from '../src/core/replay.js';
import type { ReplayEvent } from '../src/core/replay.js';
import type { CliType } from '../src/common/index.js';
import { getCli } from '../parsers/index.js';
import { loadFixtures } from './bench/fixtureSet.js';
import type { ExpectedEvent, Fixture } from './bench/fixtureSet.js';
import { addFallbackTally, evaluateFallback, FALLBACK_HEADER, fallbackRow, newFallbackTally } from './evalFallback.js';
import type { FallbackTally } from './evalFallback.js';

interface Tally {
  fixtures: number;
  expected: number;
  found: number;
  rightType: number;
  falseAlarms: number;
  expectedClears: number;
  missedClears: number;
  startErrors: number[];
  clearErrors: number[];
  autoMismatches: string[];
}

const newTally = (): Tally => ({ fixtures: 0, expected: 0, found: 0, rightType: 0, falseAlarms: 0, expectedClears: 0, missedClears: 0, startErrors: [], clearErrors: [], autoMismatches: [] });

/** Matches expected to actual events of one type, in order, within the tolerance. */
function match(expected: readonly ExpectedEvent[], actual: readonly ReplayEvent[], toleranceMs: number) {
  const used = new Set<number>();
  const pairs: Array<{ expected: ExpectedEvent; actual: ReplayEvent | undefined }> = [];
  for (const e of expected) {
    let best = -1;
    for (let i = 0; i < actual.length; i++) {
      if (used.has(i)) continue;
      const error = Math.abs(actual[i].at - e.at) * 1000;
      if (error <= toleranceMs && (best < 0 || error < Math.abs(actual[best].at - e.at) * 1000)) best = i;
    }
    if (best >= 0) used.add(best);
    pairs.push({ expected: e, actual: best >= 0 ? actual[best] : undefined });
  }
  return { pairs, unmatched: actual.filter((_, i) => !used.has(i)) };
}

async function evaluate(fixture: Fixture, tally: Tally): Promise<void> {
  const cli = fixture.expect.cli as CliType;
  const events = await replayCast(fixture.cast, { cli });
  const tolerance = fixture.expect.tolerance_ms;
  const waits = match(
    fixture.expect.events.filter((e) => e.type === 'waiting_for_input'),
    events.filter((e) => e.type === 'waiting_for_input'),
    tolerance,
  );
  const clears = match(
    fixture.expect.events.filter((e) => e.type === 'waiting_cleared'),
    events.filter((e) => e.type === 'waiting_cleared'),
    tolerance,
  );
  tally.fixtures += 1;
  tally.expected += waits.pairs.length;
  for (const { expected, actual } of waits.pairs) {
    if (!actual) continue;
    tally.found += 1;
    if (actual.wait_type === expected.wait_type) tally.rightType += 1;
    tally.startErrors.push(Math.abs(actual.at - expected.at) * 1000);
  }
  tally.falseAlarms += waits.unmatched.length;
  tally.expectedClears += clears.pairs.length;
  for (const { expected, actual } of clears.pairs) {
    if (!actual) tally.missedClears += 1;
    else tally.clearErrors.push(Math.abs(actual.at - expected.at) * 1000);
  }
  const auto = await replayCast(fixture.cast, { cli: 'auto' });
  const strip = (list: ReplayEvent[]) => list.map(({ at, type, wait_type }) => `${type}:${wait_type ?? ''}@${at}`).join(',');
  if (strip(auto) !== strip(events)) tally.autoMismatches.push(fixture.name);
}

function percentile(values: number[], p: number): string {
  if (values.length === 0) return '-';
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)].toFixed(0);
}

function row(name: string, t: Tally): string {
  const recall = t.expected === 0 ? 100 : (100 * t.found) / t.expected;
  const cells = [
    name.padEnd(9),
    String(t.fixtures).padStart(8),
    String(t.expected).padStart(8),
    `${t.found} (${recall.toFixed(1)}%)`.padStart(13),
    String(t.rightType).padStart(10),
    String(t.falseAlarms).padStart(12),
    `${t.missedClears}/${t.expectedClears}`.padStart(13),
    `${percentile(t.startErrors, 50)}/${percentile(t.startErrors, 99)}`.padStart(15),
    `${percentile(t.clearErrors, 50)}/${percentile(t.clearErrors, 99)}`.padStart(15),
    `${t.fixtures - t.autoMismatches.length}/${t.fixtures}`.padStart(9),
  ];
  return cells.join(' ');
}

async function main(): Promise<number> {
  const fixtures = loadFixtures().filter((f) => f.expect.skip === undefined);
  const byCli = new Map<string, Tally>();
  const total = newTally();
  const fallbackByCli = new Map<string, FallbackTally>();
  const fallbackTotal = newFallbackTally();
  for (const fixture of fixtures) {
    const fallback = newFallbackTally();
    await evaluateFallback(fixture, fallback);
    if (getCli(fixture.expect.cli).fallback !== false) addFallbackTally(fallbackTotal, fallback);
    if (!fallbackByCli.has(fixture.expect.cli)) fallbackByCli.set(fixture.expect.cli, newFallbackTally());
    addFallbackTally(fallbackByCli.get(fixture.expect.cli)!, fallback);
    const tally = byCli.get(fixture.expect.cli) ?? newTally();
    byCli.set(fixture.expect.cli, tally);
    const before = { ...tally, startErrors: [...tally.startErrors], clearErrors: [...tally.clearErrors], autoMismatches: [...tally.autoMismatches] };
    await evaluate(fixture, tally);
    total.fixtures += 1;
    total.expected += tally.expected - before.expected;
    total.found += tally.found - before.found;
    total.rightType += tally.rightType - before.rightType;
    total.falseAlarms += tally.falseAlarms - before.falseAlarms;
    total.expectedClears += tally.expectedClears - before.expectedClears;
    total.missedClears += tally.missedClears - before.missedClears;
    total.startErrors.push(...tally.startErrors.slice(before.startErrors.length));
    total.clearErrors.push(...tally.clearErrors.slice(before.clearErrors.length));
    total.autoMismatches.push(...tally.autoMismatches.slice(before.autoMismatches.length));
  }
  console.log(['cli'.padEnd(9), 'fixtures'.padStart(8), 'expected'.padStart(8), 'found'.padStart(13), 'right type'.padStart(10), 'false alarms'.padStart(12), 'missed clears'.padStart(13), 'start ms p50/99'.padStart(15), 'clear ms p50/99'.padStart(15), 'auto cli'.padStart(9)].join(' '));
  for (const [cli, tally] of [...byCli.entries()].sort()) console.log(row(cli, tally));
  console.log(row('total', total));
  if (total.autoMismatches.length > 0) console.log(`--cli auto differs on: ${total.autoMismatches.join(', ')}`);
  console.log('\nfallback reader alone (parser off; prompts other than the idle box; a report may come FALLBACK_HOLD_MS late)');
  console.log(FALLBACK_HEADER);
  for (const [cli, tally] of [...fallbackByCli.entries()].sort()) console.log(fallbackRow(cli, tally));
  console.log(fallbackRow('total', fallbackTotal).replace(/^total /, 'total*'));
  console.log('* without the CLIs whose descriptor turns the fallback off');
  const failed = total.found < total.expected || total.falseAlarms > 0 || total.rightType < total.found;
  if (failed) console.log('FAIL: recall below 100 %, a wrong wait type, or a false alarm');
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(2);
  },
);
