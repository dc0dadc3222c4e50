import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileIfExists, writeFileAtomicSync } from './atomicFile.js';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'tether-atomic-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('writeFileAtomicSync', () => {
  it('creates missing directories and writes 0600', () => {
    const path = join(directory, 'nested', 'file.json');
    writeFileAtomicSync(path, 'hello');
    expect(readFileSync(path, 'utf8')).toBe('hello');
    if (process.platform !== 'win32') expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('replaces an existing file, tightening its mode, and leaves no temp file', () => {
    const path = join(directory, 'file.json');
    writeFileSync(path, 'old');
    chmodSync(path, 0o644);
    writeFileAtomicSync(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    if (process.platform !== 'win32') expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(directory)).toEqual(['file.json']);
  });

  it('keeps the old file when the write fails', () => {
    const path = join(directory, 'file.json');
    writeFileAtomicSync(path, 'old');
    expect(() => writeFileAtomicSync(join(path, 'child'), 'x')).toThrow();
    expect(readFileSync(path, 'utf8')).toBe('old');
  });
});

describe('readFileIfExists', () => {
  it('returns undefined for a missing file', () => {
    expect(readFileIfExists(join(directory, 'missing'))).toBeUndefined();
    writeFileAtomicSync(join(directory, 'present'), 'x');
    expect(readFileIfExists(join(directory, 'present'))).toBe('x');
  });
});
