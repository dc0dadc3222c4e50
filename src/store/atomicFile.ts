/**
 * Crash-safe small-file writes: write a temp file beside the target, fsync it, rename it over
 * the target and fsync the directory, so a reader sees the old or the new content, never half.
 * Files are created owner-only (0600) because they hold token hashes and push tokens.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** Owner read/write only: device and push records are credentials. */
export const PRIVATE_FILE_MODE = 0o600;
/** Owner-only data directory. */
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Replaces `path` with `content` atomically, creating the directory if needed.
 * @throws the underlying fs error (ENOSPC, EACCES, ...); the old file is then left intact
 */
export function writeFileAtomicSync(path: string, content: string, mode = PRIVATE_FILE_MODE): void {
  const directory = dirname(path);
  mkdirSync(directory, { recursive: true, mode: PRIVATE_DIR_MODE });
  const temporary = join(directory, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
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
    if (descriptor !== undefined) closeSync(descriptor);
    rmSync(temporary, { force: true });
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
