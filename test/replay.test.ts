/**
 * Replays every recorded fixture through the detection pipeline: twice as recorded and once
 * re-chunked at random (fixed seed). All three runs must give identical events, and the
 * events must match the fixture's `.expect.json` within its tolerance.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayCast } from '../src/core/replay.js';
import type { ReplayEvent } from '../src/core/replay.js';
import type { CliType } from '../src/common/index.js';
import { FIXTURES_DIR, loadFixtures } from './bench/fixtureSet.js';
import type { ExpectedEvent } from './bench/fixtureSet.js';

/** Seed for the re-chunked run: fixed, so a failure reproduces. */
const RECHUNK_SEED = 20261121;

const fixtures = loadFixtures();

/** CLIs whose first prompting fixture also replays through the awaited write path (the reference). */
const REFERENCE_CLIS = ['claude', 'codex', 'gemini', 'opencode', 'qwen', 'shell'];

/** Why each skipped fixture is skipped (none today). */
const SKIPPED: Readonly<Record<string, string>> = {};

function mismatch(actual: readonly ReplayEvent[], expected: readonly ExpectedEvent[], toleranceMs: number): string | undefined {
  const describeActual = actual.map((e) => `${e.type}${e.wait_type ? `:${e.wait_type}` : ''}@${e.at}`).join(', ');
  if (actual.length !== expected.length) return `expected ${expected.length} events, got ${actual.length}: ${describeActual}`;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (a.type !== e.type) return `event ${i}: expected ${e.type}, got ${a.type} (${describeActual})`;
    if (e.wait_type && a.wait_type !== e.wait_type) return `event ${i}: expected wait_type ${e.wait_type}, got ${a.wait_type}`;
    if (Math.abs(a.at - e.at) * 1000 > toleranceMs) return `event ${i} (${e.type}): at ${a.at}s, expected ${e.at}s ± ${toleranceMs} ms`;
    if (e.options && JSON.stringify(a.options?.map((o) => o.label)) !== JSON.stringify(e.options)) {
      return `event ${i}: options ${JSON.stringify(a.options?.map((o) => o.label))}, expected ${JSON.stringify(e.options)}`;
    }
  }
  return undefined;
}

describe('fixture replay', () => {
  it('replays every recording on disk', () => {
    const onDisk = readdirSync(FIXTURES_DIR, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => readdirSync(join(FIXTURES_DIR, entry.name)).filter((file) => file.endsWith('.cast')).map((file) => `${entry.name}/${file.replace(/\.cast$/, '')}`));
    expect(fixtures.map((fixture) => fixture.name).sort()).toEqual(onDisk.sort());
    expect(onDisk.length).toBeGreaterThan(0);
  });

  // Fast replay parses synchronously; awaiting each asynchronous write (one timer tick per piece)
  // is the old path. Both must give the same events. test/bench/replayEquality.ts checks all fixtures.
  const references = REFERENCE_CLIS.map((cli) => fixtures.find((f) => f.expect.cli === cli && !f.expect.skip && f.expect.events.some((e) => e.type === 'waiting_for_input')));
  for (const fixture of references.filter((f) => f !== undefined)) {
    it(`${fixture.name} gives the same events when each write is awaited`, async () => {
      const cli = fixture.expect.cli as CliType;
      const fast = await replayCast(fixture.cast, { cli, rechunkSeed: RECHUNK_SEED });
      const awaited = await replayCast(fixture.cast, { cli, rechunkSeed: RECHUNK_SEED, awaitEachWrite: true });
      expect(fast.length).toBeGreaterThan(0);
      expect(fast).toEqual(awaited);
    });
  }

  for (const fixture of fixtures) {
    const skip = SKIPPED[fixture.name] ?? fixture.expect.skip;
    it.skipIf(skip !== undefined)(`${fixture.name} replays deterministically and as expected`, async () => {
      const cli = fixture.expect.cli as CliType;
      const first = await replayCast(fixture.cast, { cli });
      const second = await replayCast(fixture.cast, { cli });
      const rechunked = await replayCast(fixture.cast, { cli, rechunkSeed: RECHUNK_SEED });
      expect(second).toEqual(first);
      expect(rechunked).toEqual(first);
      expect(mismatch(first, fixture.expect.events, fixture.expect.tolerance_ms)).toBeUndefined();
    });
  }
});
