/**
 * Loads every recorded fixture (`fixtures/<cli>/*.cast` + `.expect.json`) for the replay
 * test, the eval and the benchmarks.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCast } from '../../src/core/asciicast.js';
import type { Cast } from '../../src/core/asciicast.js';

/** One expected event in a fixture's `.expect.json`. */
export interface ExpectedEvent {
  readonly type: 'waiting_for_input' | 'waiting_cleared';
  readonly wait_type?: string;
  /** Cast seconds. */
  readonly at: number;
  readonly options?: readonly string[];
}

/** A fixture's `.expect.json`. */
export interface Expectation {
  readonly cli: string;
  readonly cli_version?: string;
  readonly tolerance_ms: number;
  readonly events: readonly ExpectedEvent[];
  readonly skip?: string;
}

/** A loaded fixture. */
export interface Fixture {
  readonly name: string;
  readonly path: string;
  readonly cast: Cast;
  readonly expect: Expectation;
}

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'fixtures')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** The fixtures directory of the repository. */
export const FIXTURES_DIR = join(findRoot(), 'fixtures');

/**
 * Loads every fixture (`fixtures/<cli>/*.cast`), sorted by CLI then name.
 * @throws Error naming the cast when its `.expect.json` is missing (a recording without
 *   expectations is a mistake, never a silent skip)
 */
export function loadFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const cli of readdirSync(FIXTURES_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    const dir = join(FIXTURES_DIR, cli);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.cast')).sort()) {
      const expectPath = join(dir, file.replace(/\.cast$/, '.expect.json'));
      if (!existsSync(expectPath)) throw new Error(`fixtures/${cli}/${file} has no ${file.replace(/\.cast$/, '.expect.json')}`);
      const path = join(dir, file);
      out.push({
        name: `${cli}/${file.replace(/\.cast$/, '')}`,
        path,
        cast: parseCast(readFileSync(path, 'utf8')),
        expect: JSON.parse(readFileSync(expectPath, 'utf8')) as Expectation,
      });
    }
  }
  return out;
}
