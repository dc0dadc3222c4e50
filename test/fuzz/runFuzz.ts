/**
 * `npm run fuzz`: runs every surface in surfaces.ts with its full case count, seeded, and
 * prints cases and time per surface. Reproduce a failure with the seed (and path) it prints.
 * Options: `--seed N` (default 20261201), `--scale X` (multiplies every count), `--only NAME`.
 */
import fc from 'fast-check';
import { FUZZ_SURFACES } from './surfaces.js';
import type { FuzzSurface } from './fuzzSurface.js';

/** The default seed: fixed, so two runs test the same cases. */
export const DEFAULT_FUZZ_SEED = 20261201;

/** Runs one surface; resolves with its case count and time, or rejects with fast-check's report. */
export async function runSurface(surface: FuzzSurface, numRuns: number, seed: number): Promise<{ cases: number; ms: number }> {
  const started = Date.now();
  await surface.setup?.();
  try {
    const details = await fc.check(surface.property() as fc.IRawProperty<unknown[]>, { numRuns, seed });
    if (details.failed) throw new Error(`${fc.defaultReportMessage(details) ?? `${surface.name} failed`}\n${String(details.errorInstance)}`);
    return { cases: details.numRuns, ms: Date.now() - started };
  } finally {
    await surface.teardown?.();
  }
}

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<number> {
  const seed = Number(option('seed') ?? DEFAULT_FUZZ_SEED);
  const scale = Number(option('scale') ?? 1);
  const only = option('only');
  let total = 0;
  const started = Date.now();
  for (const surface of FUZZ_SURFACES.filter((candidate) => only === undefined || candidate.name.startsWith(only))) {
    const numRuns = Math.max(1, Math.round(surface.runs * scale));
    try {
      const { cases, ms } = await runSurface(surface, numRuns, seed);
      total += cases;
      process.stdout.write(`${surface.name.padEnd(50)} ${String(cases).padStart(7)} cases  ${(ms / 1000).toFixed(1).padStart(6)} s\n`);
    } catch (err) {
      process.stdout.write(`${surface.name}: FAILED (seed ${seed})\n${(err as Error).message}\n`);
      return 1;
    }
  }
  process.stdout.write(`${'total'.padEnd(50)} ${String(total).padStart(7)} cases  ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s  (seed ${seed})\n`);
  return 0;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
