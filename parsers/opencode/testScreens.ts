/**
 * Loads the real OpenCode screen dumps in testdata/ (header line
 * `# opencode <version> <cols>x<rows> cursor=(x,y) title="…"`, then the rows) as snapshots.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScreenSnapshot } from '../../src/common/index.js';
import { screenFromDump } from '../gemini/testScreens.js';

const TESTDATA = join(dirname(fileURLToPath(import.meta.url)), 'testdata');

/** Loads `testdata/<name>.screen.txt`. */
export function loadScreen(name: string): ScreenSnapshot {
  return screenFromDump(readFileSync(join(TESTDATA, `${name}.screen.txt`), 'utf8'));
}

/** The same screen with another window title (the title gates the idle panel). */
export function withTitle(screen: ScreenSnapshot, title: string): ScreenSnapshot {
  return { ...screen, title };
}
