/**
 * Checks every Gemini fixture on disk: the cast parses, its size matches the expect file, the
 * expected events alternate (waiting, then cleared) inside the recording with each clear on an
 * `i` event, the header env holds only TERM and SHELL, and no key or real home path leaks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCast } from '../../src/core/asciicast.js';
import { MOCK_GEMINI_KEY } from '../support/geminiEnv.js';

const DIR = path.resolve(import.meta.dirname, '../../fixtures/gemini');
const CASTS = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((file) => file.endsWith('.cast')) : [];

describe('gemini fixtures', () => {
  it('exist', () => {
    expect(CASTS.length).toBeGreaterThanOrEqual(10);
  });

  for (const file of CASTS) {
    it(`${file} is consistent with its expect file`, () => {
      const text = fs.readFileSync(path.join(DIR, file), 'utf8');
      const cast = parseCast(text);
      const expectFile = JSON.parse(fs.readFileSync(path.join(DIR, file.replace(/\.cast$/, '.expect.json')), 'utf8'));
      const [cols, rows] = /\.(\d+)x(\d+)\.cast$/.exec(file)!.slice(1).map(Number);
      expect([cast.header.width, cast.header.height]).toEqual([cols, rows]);
      expect(expectFile).toMatchObject({ cli: 'gemini', cli_version: '0.61.0', cols, rows, tolerance_ms: 500 });
      expect(Object.keys(cast.header.env ?? {}).sort()).toEqual(['SHELL', 'TERM']);

      const end = cast.events.at(-1)![0];
      const inputTimes = cast.events.filter((event) => event[1] === 'i').map((event) => event[0]);
      let waiting = false;
      let previous = 0;
      for (const event of expectFile.events) {
        expect(event.at).toBeGreaterThanOrEqual(previous);
        expect(event.at).toBeLessThanOrEqual(end + 0.001);
        previous = event.at;
        expect(event.type).toBe(waiting ? 'waiting_cleared' : 'waiting_for_input');
        if (event.type === 'waiting_cleared') expect(inputTimes.some((time) => Math.abs(time - event.at) < 0.001)).toBe(true);
        waiting = !waiting;
      }
      // HOME is /tmp/tether-gemini/home; nothing else under /home or /root, no key, no host name.
      expect(text.replaceAll('/tmp/tether-gemini/home', '')).not.toMatch(/\/root\/|\/home\//);
      expect(text).not.toContain(MOCK_GEMINI_KEY);
      expect(text).not.toContain(os.hostname());
    });
  }
});
