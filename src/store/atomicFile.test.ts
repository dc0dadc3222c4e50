import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileIfExists, removeStaleTemporaries, storeWriteError, writeFileAtomicSync } from './atomicFile.js';

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

  it('keeps the old file when the write fails, with a coded error', () => {
    const path = join(directory, 'file.json');
    writeFileAtomicSync(path, 'old');
    expect(() => writeFileAtomicSync(join(path, 'child'), 'x')).toThrow(expect.objectContaining({ code: 'STORE_WRITE_FAILED' }));
    expect(readFileSync(path, 'utf8')).toBe('old');
  });

  it('classifies write failures by errno', () => {
    const failure = (code: string) => Object.assign(new Error(`${code}: something`), { code });
    expect(storeWriteError('/d/f', failure('ENOSPC')).message).toBe('cannot write /d/f: the disk is full (ENOSPC)');
    expect(storeWriteError('/d/f', failure('EROFS')).message).toBe('cannot write /d/f: the file system is read-only (EROFS)');
    expect(storeWriteError('/d/f', failure('EACCES'))).toMatchObject({ code: 'STORE_WRITE_FAILED' });
    expect(storeWriteError('/d/f', failure('EWHATEVER')).message).toBe('cannot write /d/f: EWHATEVER: something (EWHATEVER)');
  });
});

describe('removeStaleTemporaries', () => {
  it('removes temp files of crashed writes, spares fresh ones and other files', () => {
    const path = join(directory, 'devices.json');
    writeFileAtomicSync(path, 'kept');
    const stale = join(directory, '.devices.json.abc123.tmp');
    const fresh = join(directory, '.devices.json.def456.tmp');
    const other = join(directory, '.other.json.abc123.tmp');
    for (const file of [stale, fresh, other]) writeFileSync(file, 'half');
    utimesSync(stale, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    utimesSync(other, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    removeStaleTemporaries(path);
    expect(readdirSync(directory).sort()).toEqual(['.devices.json.def456.tmp', '.other.json.abc123.tmp', 'devices.json']);
  });
});

describe('readFileIfExists', () => {
  it('returns undefined for a missing file', () => {
    expect(readFileIfExists(join(directory, 'missing'))).toBeUndefined();
    writeFileAtomicSync(join(directory, 'present'), 'x');
    expect(readFileIfExists(join(directory, 'present'))).toBe('x');
  });
});
