/**
 * Checks every recording under `fixtures/<cli>/` (every folder, every `.cast`): each cast has
 * its `.expect.json` (a missing one fails, it is never skipped), the size matches the file
 * name and the expect file, the expect file names its folder's CLI at the pinned version, the
 * expected events alternate (waiting, then cleared) inside the recording with each clear on an
 * `i` event, and the redaction checklist of fixtures/README.md holds: the header env is only
 * TERM and SHELL, no API key, home path, host name, address or mock key leaks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCast } from '../src/core/asciicast.js';
import { CLIS } from '../parsers/index.js';
import { CLAUDE_MOCK_KEY as MOCK_API_KEY } from '../parsers/claude/claudeRecording.js';
import { GEMINI_MOCK_KEY as MOCK_GEMINI_KEY } from '../parsers/gemini/geminiRecording.js';
import { FIXTURES_DIR } from './bench/fixtureSet.js';

/** The versions each folder's recordings were made with: its CLI's recording data, main version and releases (the pins of test/agentClis.json and package.json). */
const PINNED_VERSIONS: Readonly<Record<string, readonly string[] | RegExp>> = {
  ...Object.fromEntries(
    await Promise.all(
      CLIS.filter((cli) => cli.recording).map(async (cli) => {
        const recording = await cli.recording!();
        const versions = [recording.version, ...Object.values(recording.releases ?? {}).map((release) => release.version)];
        return [cli.id, versions];
      }),
    ),
  ),
  // The shell recordings run the machine's bash; the expect file says which.
  shell: /^bash \d+\.\d+/,
};

/** The only key text a cast may hold: Claude Code's API-key dialog shows the fake key's masked tail. */
const MASKED_MOCK_KEY = `sk-ant-...${MOCK_API_KEY.slice(-20)}`;
/** The seeded HOMEs of the recorders (`/tmp/tether-fixture/home`, `/tmp/tether-gemini/home`, …); any other home path is a leak. */
const SEEDED_HOME = /\/tmp\/tether-[\w.-]+\/(?:shell-)?home/g;
/** Per folder, what must not appear beyond the shared checklist. */
const EXTRA_FORBIDDEN: Readonly<Record<string, RegExp>> = {
  // A shell recording draws no agent UI, so an @ can only be a `user@host` prompt or an address.
  shell: /@/,
};
const WAIT_TYPES = ['tool_approval', 'plan_approval', 'clarifying_question', 'awaiting_response'];

const FOLDERS = fs
  .readdirSync(FIXTURES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe('fixture folders', () => {
  it('cover every CLI with recordings, each at a pinned version', () => {
    expect(FOLDERS).toEqual(expect.arrayContaining(['claude', 'codex', 'gemini', 'opencode', 'qwen', 'shell']));
    expect(FOLDERS.filter((folder) => PINNED_VERSIONS[folder] === undefined)).toEqual([]);
  });
});

for (const folder of FOLDERS) {
  const dir = path.join(FIXTURES_DIR, folder);
  const casts = fs.readdirSync(dir).filter((file) => file.endsWith('.cast')).sort();

  describe(`${folder} fixtures`, () => {
    it('exist, each with its expect file', () => {
      expect(casts.length).toBeGreaterThan(0);
      expect(casts.filter((file) => !fs.existsSync(path.join(dir, file.replace(/\.cast$/, '.expect.json'))))).toEqual([]);
      const orphans = fs.readdirSync(dir).filter((file) => file.endsWith('.expect.json') && !casts.includes(file.replace(/\.expect\.json$/, '.cast')));
      expect(orphans).toEqual([]);
    });

    for (const file of casts) {
      it(`${file} is consistent with its expect file and redacted`, () => {
        const text = fs.readFileSync(path.join(dir, file), 'utf8');
        const cast = parseCast(text);
        const expectFile = JSON.parse(fs.readFileSync(path.join(dir, file.replace(/\.cast$/, '.expect.json')), 'utf8'));
        const [cols, rows] = /\.(\d+)x(\d+)\.cast$/.exec(file)!.slice(1).map(Number);
        expect([cast.header.width, cast.header.height]).toEqual([cols, rows]);
        expect(expectFile).toMatchObject({ cli: folder, cols, rows, tolerance_ms: 500 });
        const pinned = PINNED_VERSIONS[folder];
        if (pinned instanceof RegExp) expect(expectFile.cli_version).toMatch(pinned);
        else expect(pinned).toContain(expectFile.cli_version);

        const end = cast.events.at(-1)![0];
        const inputTimes = cast.events.filter((event) => event[1] === 'i').map((event) => event[0]);
        let waiting = false;
        let previous = 0;
        for (const event of expectFile.events) {
          expect(event.at).toBeGreaterThanOrEqual(previous);
          expect(event.at).toBeLessThanOrEqual(end + 0.001); // `at` is rounded to ms
          previous = event.at;
          expect(event.type).toBe(waiting ? 'waiting_cleared' : 'waiting_for_input');
          if (event.type === 'waiting_for_input') expect(WAIT_TYPES).toContain(event.wait_type);
          else expect(inputTimes.some((time) => Math.abs(time - event.at) < 0.001)).toBe(true);
          waiting = !waiting;
        }

        expect(Object.keys(cast.header.env ?? {}).sort()).toEqual(['SHELL', 'TERM']);
        for (const key of text.match(/sk-[\w.-]+/g) ?? []) expect(key).toBe(MASKED_MOCK_KEY);
        expect(text).not.toContain(MOCK_API_KEY);
        expect(text).not.toContain(MOCK_GEMINI_KEY);
        expect(text).not.toMatch(/tether-mock|mock-key/);
        expect(text.replaceAll(SEEDED_HOME, '')).not.toMatch(/\/root\/|\/home\//);
        // As a word: a short host name (`vm`) also occurs inside random ids, e.g. OSC 8 link ids (`id=awvmy8`).
        expect(text).not.toMatch(new RegExp(`(?<![\\w-])${os.hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`));
        expect([...new Set(text.match(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g) ?? [])].filter((address) => address !== '127.0.0.1')).toEqual([]);
        expect(text).not.toMatch(/[\w.+-]+@[\w-]+\.[a-z]{2,}/i);
        if (EXTRA_FORBIDDEN[folder] !== undefined) expect(text).not.toMatch(EXTRA_FORBIDDEN[folder]);
      });
    }
  });
}
