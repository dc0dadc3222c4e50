/**
 * A synthetic stream of Claude-style full redraws for the throughput benchmarks: each frame
 * erases the previous one line by line (Ink's log-update) and draws ~36 styled rows (a
 * transcript tail, the spinner row, the input box between rules and the footer, as Claude Code
 * 2.1.x draws them while busy) that change from frame to frame.
 * Written as an asciicast (replay bench) or as raw bytes that `cat` prints into a PTY (live bench).
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** Screen size of the corpus (cols/rows): the fixtures' large size. */
export const CORPUS_COLS = 120;
export const CORPUS_ROWS = 40;
/** Time between frames in the cast (ms): Ink throttles renders to about 30 per second. */
export const CORPUS_FRAME_MS = 32;

const SPINNER = ['·', '✢', '✳', '✶', '✻', '✽'];
const WORDS = ['compiling', 'module', 'reading', 'src/core/session.ts', 'tests', 'passed', 'writing', 'diff', 'const', 'return', 'await', 'pipeline'];
/** Rows of transcript each frame redraws above the spinner and input box. */
const TRANSCRIPT_ROWS = 30;

function transcriptRow(frame: number, row: number): string {
  const n = frame + row;
  if (row % 7 === 0) return `\x1b[38;5;231m⏺\x1b[39m \x1b[1mBash\x1b[22m(npm run build -- --step ${n})`;
  const words = Array.from({ length: 6 + (n % 9) }, (_, i) => WORDS[(n * 7 + i * 3) % WORDS.length]).join(' ');
  const color = 100 + ((n * 13) % 120);
  // Rows stay inside the width (Ink wraps nothing itself), so a frame is exactly its rows tall.
  const text = `${words} ${String(n).padStart(6, '0')}`.slice(0, CORPUS_COLS - 8);
  return `  \x1b[38;5;246m⎿\x1b[39m  \x1b[38;5;${color}m${text}\x1b[39m`;
}

/** One frame: erases `previousRows` rows, then draws the new frame; returns its text and row count. */
export function redrawFrame(frame: number, previousRows: number): { text: string; rows: number } {
  const erase = previousRows > 0 ? '\x1b[2K\x1b[1A'.repeat(previousRows - 1) + '\x1b[2K\x1b[G' : '';
  const rows: string[] = [];
  for (let row = 0; row < TRANSCRIPT_ROWS; row++) rows.push(transcriptRow(frame, row));
  const seconds = Math.floor(frame / 30);
  rows.push('');
  rows.push(`\x1b[38;5;174m${SPINNER[frame % SPINNER.length]} Compiling…\x1b[39m \x1b[38;5;246m(${seconds}s · ↓ ${(frame * 17) % 9000} tokens · esc to interrupt)\x1b[39m`);
  rows.push(`\x1b[38;5;244m${'─'.repeat(CORPUS_COLS)}\x1b[39m`);
  rows.push(`\x1b[48;5;237m\x1b[38;5;239m❯ \x1b[39m${' '.repeat(CORPUS_COLS - 2)}\x1b[49m`);
  rows.push(`\x1b[38;5;244m${'─'.repeat(CORPUS_COLS)}\x1b[39m`);
  rows.push('  \x1b[38;5;246m? for shortcuts\x1b[39m');
  return { text: erase + rows.join('\r\n'), rows: rows.length };
}

/** Calls `emit` with successive frames until `bytes` UTF-8 bytes have been produced. */
export function forEachFrame(bytes: number, emit: (text: string, frame: number) => void): void {
  let total = 0;
  let previousRows = 0;
  for (let frame = 0; total < bytes; frame++) {
    const { text, rows } = redrawFrame(frame, previousRows);
    previousRows = rows;
    total += Buffer.byteLength(text);
    emit(text, frame);
  }
}

async function writeAll(path: string, produce: (write: (line: string) => void) => void): Promise<void> {
  const stream = createWriteStream(path);
  const pending: string[] = [];
  produce((line) => pending.push(line));
  for (let i = 0; i < pending.length; i += 256) {
    if (!stream.write(pending.slice(i, i + 256).join(''))) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
}

/** Writes an asciicast of `bytes` of redraws, one frame every CORPUS_FRAME_MS. */
export function writeRedrawCast(path: string, bytes: number): Promise<void> {
  return writeAll(path, (write) => {
    write(`${JSON.stringify({ version: 2, width: CORPUS_COLS, height: CORPUS_ROWS, env: { TERM: 'xterm-256color' } })}\n`);
    forEachFrame(bytes, (text, frame) => write(`${JSON.stringify([(frame * CORPUS_FRAME_MS) / 1000, 'o', text])}\n`));
  });
}

/** Writes `bytes` of redraws as raw terminal output (for `cat` in a PTY). */
export function writeRedrawBytes(path: string, bytes: number): Promise<void> {
  return writeAll(path, (write) => forEachFrame(bytes, (text) => write(text)));
}
