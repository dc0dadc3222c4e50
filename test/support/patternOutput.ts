/**
 * A checksum-friendly output for "every byte arrived" tests: numbered 64-byte lines whose
 * payload varies with the line number, written to a temp file that `cat` prints. A terminal's
 * ONLCR turns each `\n` into `\r\n`, so `expectedPtyOutput` is what a PTY reader must receive.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Bytes per line, `\n` included. */
export const PATTERN_LINE_BYTES = 64;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-+';

/** Line `index` without its newline: a 7-digit number, a space and 56 characters derived from it. */
export function patternLine(index: number): string {
  let payload = '';
  for (let i = 0; i < PATTERN_LINE_BYTES - 9; i++) payload += ALPHABET[(index * 7 + i * 13) % ALPHABET.length];
  return `${String(index).padStart(7, '0')} ${payload}`;
}

/** A file of `bytes` (a multiple of 64) pattern bytes; `dispose()` removes it. */
export function writePatternFile(bytes: number): { path: string; lines: number; expectedPtyOutput: string; dispose(): void } {
  const lines = Math.floor(bytes / PATTERN_LINE_BYTES);
  const text = Array.from({ length: lines }, (_, index) => `${patternLine(index)}\n`).join('');
  const dir = mkdtempSync(join(tmpdir(), 'tether-pattern-'));
  const path = join(dir, 'pattern.txt');
  writeFileSync(path, text);
  return { path, lines, expectedPtyOutput: text.replace(/\n/g, '\r\n'), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** SHA-256 (hex) of a string's UTF-8 bytes. */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Checks that the pattern lines found in `screenText` (any other text is ignored) are exactly
 * the last lines of the output, consecutive and unchanged.
 * @returns how many pattern lines the screen shows, or an Error describing the first mismatch
 */
export function checkScreenTail(screenText: string, lines: number): number | Error {
  const shown = screenText.split(/\r?\n/).map((line) => line.trimEnd()).filter((line) => /^\d{7} /.test(line));
  if (shown.length === 0) return new Error('no pattern line on the screen');
  const first = lines - shown.length;
  for (let i = 0; i < shown.length; i++) {
    if (shown[i] !== patternLine(first + i)) return new Error(`screen line ${i} is ${JSON.stringify(shown[i]?.slice(0, 20))}, expected line ${first + i}`);
  }
  return shown.length;
}
