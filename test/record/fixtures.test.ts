/**
 * Checks every Claude fixture on disk: the cast parses, its size matches the expect file, the
 * expected events alternate (waiting, then cleared), lie inside the recording, and each
 * `waiting_cleared` sits on an `i` event; nothing in the cast looks like a secret or a home path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCast } from '../../src/core/asciicast.js';

const DIR = path.resolve(import.meta.dirname, '../../fixtures/claude');
const CASTS = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((file) => file.endsWith('.cast')) : [];

describe('claude fixtures', () => {
  it('exist', () => {
    expect(CASTS.length).toBeGreaterThanOrEqual(16);
  });

  for (const file of CASTS) {
    it(`${file} is consistent with its expect file`, () => {
      const text = fs.readFileSync(path.join(DIR, file), 'utf8');
      const cast = parseCast(text);
      const expectFile = JSON.parse(fs.readFileSync(path.join(DIR, file.replace(/\.cast$/, '.expect.json')), 'utf8'));
      const [cols, rows] = /\.(\d+)x(\d+)\.cast$/.exec(file)!.slice(1).map(Number);
      expect([cast.header.width, cast.header.height]).toEqual([cols, rows]);
      expect([expectFile.cols, expectFile.rows]).toEqual([cols, rows]);
      expect(expectFile).toMatchObject({ cli: 'claude', cli_version: '2.1.197', tolerance_ms: 500 });

      const end = cast.events.at(-1)![0];
      const inputTimes = new Set(cast.events.filter((event) => event[1] === 'i').map((event) => event[0]));
      let waiting = false;
      let previous = 0;
      for (const event of expectFile.events) {
        expect(event.at).toBeGreaterThanOrEqual(previous);
        expect(event.at).toBeLessThanOrEqual(end + 0.001); // `at` is rounded to ms
        previous = event.at;
        if (event.type === 'waiting_for_input') {
          expect(waiting).toBe(false);
          expect(['tool_approval', 'plan_approval', 'clarifying_question', 'awaiting_response']).toContain(event.wait_type);
          waiting = true;
        } else {
          expect(event.type).toBe('waiting_cleared');
          expect(waiting).toBe(true);
          expect([...inputTimes].some((time) => Math.abs(time - event.at) < 0.001)).toBe(true);
          waiting = false;
        }
      }
      expect(text).not.toMatch(/\/root\/|\/home\/(?!tether)/);
      for (const key of text.match(/sk-ant-[\w.-]+/g) ?? []) expect(key).toBe('sk-ant-...AAAAAAAAAAAAAAAAAAAA');
    });
  }
});
