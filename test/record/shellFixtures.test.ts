/**
 * Checks every shell fixture on disk: the cast parses, its size matches the expect file, the
 * expected events alternate (waiting, then cleared), lie inside the recording, and each
 * `waiting_cleared` sits on an `i` event; no machine paths leak into a cast.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCast } from '../../src/core/asciicast.js';
import { SHELL_FIXTURES } from './shellFixtures.js';

const DIR = path.resolve(import.meta.dirname, '../../fixtures/shell');
const CASTS = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((file) => file.endsWith('.cast')) : [];

describe('shell fixtures', () => {
  it('exist for every spec', () => {
    expect(CASTS.sort()).toEqual(SHELL_FIXTURES.map((spec) => `${spec.name}.${spec.cols}x${spec.rows}.cast`).sort());
  });

  for (const file of CASTS) {
    it(`${file} is consistent with its expect file`, () => {
      const text = fs.readFileSync(path.join(DIR, file), 'utf8');
      const cast = parseCast(text);
      const expectFile = JSON.parse(fs.readFileSync(path.join(DIR, file.replace(/\.cast$/, '.expect.json')), 'utf8'));
      const [cols, rows] = /\.(\d+)x(\d+)\.cast$/.exec(file)!.slice(1).map(Number);
      expect([cast.header.width, cast.header.height]).toEqual([cols, rows]);
      expect(expectFile).toMatchObject({ cli: 'shell', cols, rows, tolerance_ms: 500 });
      const end = cast.events.at(-1)![0];
      const inputTimes = cast.events.filter((event) => event[1] === 'i').map((event) => event[0]);
      let waiting = false;
      let previous = 0;
      for (const event of expectFile.events) {
        expect(event.at).toBeGreaterThanOrEqual(previous);
        expect(event.at).toBeLessThanOrEqual(end + 0.001);
        previous = event.at;
        expect(event.type).toBe(waiting ? 'waiting_cleared' : 'waiting_for_input');
        if (waiting) expect(inputTimes.some((time) => Math.abs(time - event.at) < 0.001)).toBe(true);
        waiting = !waiting;
      }
      expect(text).not.toMatch(/\/root\/|\/home\/|@/);
    });
  }
});
