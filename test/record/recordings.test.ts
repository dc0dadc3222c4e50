/**
 * The recording data in every CLI folder is sound and in step with the committed fixtures:
 * each fixture's mock script resolves against its mock's scenario module, its variant exists,
 * the casts on disk are exactly the fixtures the data lists, and the one expectation writer
 * derives every committed `.expect.json` from its cast, byte for byte. (Consistency and
 * redaction of every recording: test/fixtures.test.ts.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLIS } from '../../parsers/index.js';
import { parseCast } from '../../src/core/asciicast.js';
import { REPO_ROOT } from '../support/repoRoot.js';
import { deriveExpectations, formatExpectations } from './expectations.js';
import { resolveScript } from './mocks.js';
import { fixtureName } from './fixtureName.js';

const recordings = await Promise.all(CLIS.filter((cli) => cli.recording).map(async (cli) => ({ cli: cli.id, recording: await cli.recording!() })));

describe('recording data', () => {
  it('exists for every CLI but the generic fallback', () => {
    expect(recordings.map((r) => r.cli).sort()).toEqual(CLIS.map((cli) => cli.id).filter((id) => id !== 'generic').sort());
  });

  for (const { cli, recording } of recordings) {
    it(`${cli}: scripts resolve, variants exist, names are unique`, () => {
      const names = recording.fixtures.map(fixtureName);
      expect(new Set(names).size).toBe(names.length);
      for (const fixture of recording.fixtures) {
        const release = fixture.release === undefined ? undefined : recording.releases?.[fixture.release];
        if (fixture.release !== undefined) expect(release, `${cli} ${fixture.name}: release ${fixture.release}`).toBeDefined();
        if (fixture.variant !== undefined) expect(release?.variants?.[fixture.variant] ?? recording.variants?.[fixture.variant], `${cli} ${fixture.name}`).toBeDefined();
        const script = resolveScript(recording.mock, fixture.script, (text) => text);
        if (fixture.script !== undefined) expect(typeof script, `${cli} ${fixture.name}`).toBe('function');
      }
    });

    it(`${cli}: the recordings on disk are exactly the fixtures it lists`, () => {
      const casts = fs.readdirSync(path.join(REPO_ROOT, 'fixtures', cli)).filter((file) => file.endsWith('.cast'));
      expect(casts.sort()).toEqual(recording.fixtures.map((fixture) => `${fixtureName(fixture)}.cast`).sort());
    });

    it(`${cli}: the expectation writer reproduces every committed expect file`, async () => {
      const dir = path.join(REPO_ROOT, 'fixtures', cli);
      for (const fixture of recording.fixtures) {
        const cast = path.join(dir, `${fixtureName(fixture)}.cast`);
        if (!fs.existsSync(cast)) continue;
        const derived = await deriveExpectations(cli, recording, fixture, parseCast(fs.readFileSync(cast, 'utf8')));
        expect(formatExpectations(derived), fixtureName(fixture)).toBe(fs.readFileSync(cast.replace(/\.cast$/, '.expect.json'), 'utf8'));
      }
    }, 120_000);
  }
});
