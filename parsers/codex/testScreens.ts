/**
 * Loads the real Codex CLI screen dumps in testdata/ (header line
 * `# codex <version> <cols>x<rows> cursor=(x,y) title="…"`, then the rows) as snapshots.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { snapshotFromText } from '../../src/common/index.js';
import type { ScreenSnapshot } from '../../src/common/index.js';

const TESTDATA = join(dirname(fileURLToPath(import.meta.url)), 'testdata');

/** Parses one dump's text into a snapshot. */
export function screenFromDump(text: string): ScreenSnapshot {
  const [header, ...rows] = text.replace(/\n$/, '').split('\n');
  const size = /(\d+)x(\d+)/.exec(header);
  const cursor = /cursor=\((\d+),(\d+)\)/.exec(header);
  const title = /title="(.*)"/.exec(header);
  const cols = size ? Number(size[1]) : 120;
  const rowCount = size ? Number(size[2]) : rows.length;
  return snapshotFromText(rows.slice(0, rowCount).join('\n'), {
    cols,
    rows: rowCount,
    title: title?.[1] ?? '',
    ...(cursor ? { cursor: { x: Number(cursor[1]), y: Number(cursor[2]) } } : {}),
  });
}

/** Loads `testdata/<name>.screen.txt`. */
export function loadScreen(name: string): ScreenSnapshot {
  return screenFromDump(readFileSync(join(TESTDATA, `${name}.screen.txt`), 'utf8'));
}

/** Every dump's name (without `.screen.txt`). */
export function screenNames(): string[] {
  return readdirSync(TESTDATA).filter((f) => f.endsWith('.screen.txt')).map((f) => f.replace(/\.screen\.txt$/, '')).sort();
}
