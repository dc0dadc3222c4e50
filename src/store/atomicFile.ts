/**
 * Crash-safe small-file writes: write a temp file beside the target, fsync it, rename it over
 * the target and fsync the directory, so a reader sees the old or the new content, never half.
 * Files are created owner-only (0600) because they hold token hashes and push tokens. A failed
 * write (disk full, read-only, no permission) is a coded STORE_WRITE_FAILED and leaves the old file.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { TetherError } from '../common/index.js';

/** Owner read/write only: device and push records are credentials. */
export const PRIVATE_FILE_MODE = 0o600;
/** Owner-only data directory. */
export const PRIVATE_DIR_MODE = 0o700;

/** A temp file this old is a leftover of a crashed write, not one in progress (ms). */
const STALE_TEMPORARY_MS = 60_000;

/** What a failed write's errno means for the user. */
const WRITE_FAILURES: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'an I/O error occurred',
};

/** Wraps an fs error of a write as STORE_WRITE_FAILED, classified by its errno (never by message). */
export function storeWriteError(path: string, err: unknown): TetherError {
  if (err instanceof TetherError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const reason = (code !== undefined && WRITE_FAILURES[code]) || (err as Error).message;
  return new TetherError('STORE_WRITE_FAILED', `cannot write ${path}: ${reason}${code ? ` (${code})` : ''}`, { cause: err });
}

/** The temp-file prefix of a target: `.<name>.` in the same directory. */
function temporaryPrefix(path: string): string {
  return `.${basename(path)}.`;
}

/**
 * Replaces `path` with `content` atomically, creating the directory if needed.
 * @throws TetherError STORE_WRITE_FAILED (ENOSPC, EROFS, EACCES, ...); the old file is then left intact
 */
export function writeFileAtomicSync(path: string, content: string, mode = PRIVATE_FILE_MODE): void {
  try {
    writeAtomically(path, content, mode);
  } catch (err) {
    throw storeWriteError(path, err);
  }
}

/**
 * Removes temp files a crashed write of `path` left behind (older than a minute, so a write in
 * progress in another process is spared). @throws never
 */
export function removeStaleTemporaries(path: string, nowMs = Date.now()): void {
  const directory = dirname(path);
  const prefix = temporaryPrefix(path);
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    try {
      const file = join(directory, name);
      if (nowMs - statSync(file).mtimeMs > STALE_TEMPORARY_MS) rmSync(file, { force: true });
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
}

function writeAtomically(path: string, content: string, mode: number): void {
  const directory = dirname(path);
  mkdirSync(directory, { recursive: true, mode: PRIVATE_DIR_MODE });
  const temporary = join(directory, `${temporaryPrefix(path)}${randomBytes(6).toString('hex')}.tmp`);
  let descriptor: number | undefined;
  try {
    descriptor = openSync(temporary, 'wx', mode);
    const bytes = Buffer.from(content, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(descriptor, bytes, written);
    fsyncSync(descriptor);
    closeSync(descriptor);
    descriptor = undefined;
    renameSync(temporary, path);
  } catch (err) {
    try {
      if (descriptor !== undefined) closeSync(descriptor);
      rmSync(temporary, { force: true });
    } catch {
      // The first failure is the one to report; a leftover temp file is removed at next load.
    }
    throw err;
  }
  syncDirectory(directory);
}

/** Makes the rename durable; some platforms (Windows) cannot open a directory, which is fine. */
function syncDirectory(directory: string): void {
  let descriptor: number | undefined;
  try {
    descriptor = openSync(directory, 'r');
    fsyncSync(descriptor);
  } catch {
    // Durability of the rename is best effort where directories cannot be fsynced.
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

/**
 * Reads a UTF-8 file, or returns undefined when it does not exist.
 * @throws the underlying fs error for anything but ENOENT
 */
export function readFileIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
