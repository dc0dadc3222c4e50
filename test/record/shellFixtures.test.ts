/**
 * The shell recordings on disk are exactly the specs recordShell.ts plays (shellFixtures.ts).
 * Every fixture's consistency and redaction is checked by test/fixtures.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHELL_FIXTURES } from './shellFixtures.js';

const DIR = path.resolve(import.meta.dirname, '../../fixtures/shell');

describe('shell fixtures', () => {
  it('exist for every spec', () => {
    const casts = fs.readdirSync(DIR).filter((file) => file.endsWith('.cast'));
    expect(casts.sort()).toEqual(SHELL_FIXTURES.map((spec) => `${spec.name}.${spec.cols}x${spec.rows}.cast`).sort());
  });
});
