/**
 * Loads the real screen dumps under `parsers/<cli>/testdata/` (header line
 * `# <cli> <version> <cols>x<rows> cursor=(x,y) title="…"`, then the rows) as snapshots, for
 * the parser tests; plus hand-written screens for shapes no recording shows.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { snapshotFromText } from '../../src/common/index.js';
import type { ScreenSnapshot } from '../../src/common/index.js';
import { REPO_ROOT } from './repoRoot.js';

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

/** The dumps of one CLI folder. */
export interface ScreenDumps {
  /** Loads `parsers/<cli>/testdata/<name>.screen.txt`. @throws Error when it does not exist */
  loadScreen(name: string): ScreenSnapshot;
  /** Every dump's name (without `.screen.txt`), sorted. */
  screenNames(): string[];
}

/** The dumps in `parsers/<cli>/testdata/`. */
export function screenDumps(cli: string): ScreenDumps {
  const dir = join(REPO_ROOT, 'parsers', cli, 'testdata');
  return {
    loadScreen: (name) => screenFromDump(readFileSync(join(dir, `${name}.screen.txt`), 'utf8')),
    screenNames: () => readdirSync(dir).filter((f) => f.endsWith('.screen.txt')).map((f) => f.replace(/\.screen\.txt$/, '')).sort(),
  };
}

/** A snapshot from hand-written rows (`cols` wide) for shapes no recording shows. */
export function handScreen(rows: readonly string[], cols = 80, title = ''): ScreenSnapshot {
  return snapshotFromText(rows.join('\n'), { cols, rows: Math.max(rows.length, 24), title });
}

/** The same screen with another window title (OpenCode's title gates its idle panel). */
export function withTitle(screen: ScreenSnapshot, title: string): ScreenSnapshot {
  return { ...screen, title };
}
