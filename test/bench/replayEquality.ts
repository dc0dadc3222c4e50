/**
 * Proof that fast replay changes no event: replays every fixture as recorded, re-chunked (two
 * seeds) and with `--cli auto`, once on the synchronous path and once awaiting each write
 * (the old path), and compares the event lists. Exits 1 on any difference.
 * `node dist/test/bench/replayEquality.js [--out FILE]` (FILE: the events as JSON, to compare builds).
 */
import { writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import type { CliType } from '../../src/common/index.js';
import { replayCast } from '../../src/core/replay.js';
import type { ReplayEvent, ReplayOptions } from '../../src/core/replay.js';
import { loadFixtures } from './fixtureSet.js';

/** The replay test's seed, and one more. */
const RECHUNK_SEEDS = [20261121, 7];

async function main(): Promise<number> {
  const outIndex = process.argv.indexOf('--out');
  const all: Record<string, Record<string, ReplayEvent[]>> = {};
  let runs = 0;
  let events = 0;
  let differences = 0;
  const timeMs = { sync: 0, awaited: 0 };
  for (const fixture of loadFixtures()) {
    const cli = fixture.expect.cli as CliType;
    const variants: Record<string, ReplayOptions> = { recorded: { cli }, auto: { cli: 'auto' } };
    for (const seed of RECHUNK_SEEDS) variants[`rechunked-${seed}`] = { cli, rechunkSeed: seed };
    all[fixture.name] = {};
    for (const [name, options] of Object.entries(variants)) {
      let start = performance.now();
      const sync = await replayCast(fixture.cast, options);
      timeMs.sync += performance.now() - start;
      start = performance.now();
      const awaited = await replayCast(fixture.cast, { ...options, awaitEachWrite: true });
      timeMs.awaited += performance.now() - start;
      runs++;
      events += sync.length;
      all[fixture.name][name] = sync;
      if (!isDeepStrictEqual(sync, awaited)) {
        differences++;
        console.log(`DIFFERENT ${fixture.name} ${name}\n  sync:    ${JSON.stringify(sync)}\n  awaited: ${JSON.stringify(awaited)}`);
      }
    }
  }
  if (outIndex > 0) writeFileSync(process.argv[outIndex + 1], `${JSON.stringify(all, null, 1)}\n`);
  console.log(`${Object.keys(all).length} fixtures, ${runs} replays, ${events} events: ${differences === 0 ? 'identical' : `${differences} replays differ`} (sync ${(timeMs.sync / 1000).toFixed(1)} s, awaited ${(timeMs.awaited / 1000).toFixed(1)} s)`);
  return differences === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
