/**
 * The restart loop's memory verdict. Each daemon life is a fresh process, so its memory can only
 * grow from life to life through what it restores (screens, scrollback, replayed output, files in
 * the data dir); the sessions' screens are already at their scrollback cap from the second life on
 * (the worker prefills them), so from there on restored state is constant and any growth is a leak.
 *
 * Live memory is `heapUsed + arrayBuffers` after a full collection (the worker calls `gc()` first;
 * xterm keeps each screen line in a typed array, ~1.2 KB a line at 100 columns, outside the JS
 * heap). Measured over 151 lives: ~65 MB, medians of five lives within 65.0–65.6 MB. RSS also
 * holds pages V8 and malloc keep after collecting: single lives 166–178 MB, medians of five
 * within 168.2–173.0 MB.
 */

/** One daemon life's memory right after its start and a full collection (bytes). */
export interface LifeMemory {
  readonly rss: number;
  readonly heapUsed: number;
  readonly arrayBuffers: number;
}

/**
 * Largest rise of live memory allowed from lives 2–6 to the last five (bytes): 3× the measured
 * spread of the medians (0.6 MB). Over 45 restarts it is ~47 KB a restart, so holding one more
 * copy of one session's 64 KB ring per life (the smallest leak re-attach could plausibly have) trips it.
 */
export const LIVE_SLACK_BYTES = 2 * 1024 * 1024;
/**
 * Largest rise of RSS allowed (fraction): 6 % (~10 MB), twice the measured spread of the medians
 * (4.8 MB); a backstop for memory V8 does not count, tripped by ~230 KB a restart over 45.
 */
export const RSS_SLACK = 0.06;
/** Largest rise of the data dir's size (bytes): nothing the loop does should grow it (measured: ±5 B, the port's digits in daemon.json); 100 B more a restart trips it. */
export const DATA_DIR_SLACK_BYTES = 4096;
/**
 * Largest rise of a session host's live memory after a full collection (bytes), with `--probe`.
 * Hosts live through every restart, so a leak per attach would pile up there. Measured: 8.7–8.8 MB
 * at life 2, levelling off at 9.1–9.3 MB by life 25 and still there at life 151 (code warming
 * up); 1 MiB is twice that rise, and ~23 KB more held per attach over 45 restarts trips it.
 */
export const HOST_LIVE_SLACK_BYTES = 1024 * 1024;
/** Fewest lives for a verdict: the first is the one that created the sessions, then two windows of five. */
export const MIN_LIVES = 11;

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** The live memory of a life (bytes). */
export function liveBytes(life: LifeMemory): number {
  return life.heapUsed + life.arrayBuffers;
}

/**
 * Compares lives 2–6 with the last five (medians, so one slow collection does not decide) and the
 * data dir's size at life 2 with the last life's.
 * @param lives the memory of each life, the first being the one that created the sessions
 * @param dataDirBytes the data dir's total size at each life (same indexes)
 * @returns one line per broken promise; empty when memory stayed flat, or with fewer than MIN_LIVES lives
 */
export function memoryVerdict(lives: readonly LifeMemory[], dataDirBytes: readonly number[] = []): string[] {
  const failures: string[] = [];
  if (lives.length < MIN_LIVES) return failures;
  const head = lives.slice(1, 6);
  const tail = lives.slice(-5);
  const liveHead = median(head.map(liveBytes));
  const liveTail = median(tail.map(liveBytes));
  if (liveTail - liveHead > LIVE_SLACK_BYTES) failures.push(`daemon live memory (heap + buffers after GC) grew: ${mb(liveHead)} → ${mb(liveTail)}`);
  const rssHead = median(head.map((life) => life.rss));
  const rssTail = median(tail.map((life) => life.rss));
  if (rssTail > rssHead * (1 + RSS_SLACK)) failures.push(`daemon RSS grew: ${mb(rssHead)} → ${mb(rssTail)}`);
  if (dataDirBytes.length === lives.length && dataDirBytes.at(-1)! - dataDirBytes[1] > DATA_DIR_SLACK_BYTES) {
    failures.push(`data dir grew: ${dataDirBytes[1]} → ${dataDirBytes.at(-1)} bytes`);
  }
  return failures;
}

/**
 * Compares each session host's live memory at lives 2–6 with the last five (medians).
 * @param lives each life's host memories, hosts in the same order at every life
 * @returns one line per host that grew; empty with fewer than MIN_LIVES lives
 */
export function hostVerdict(lives: ReadonlyArray<readonly LifeMemory[]>): string[] {
  if (lives.length < MIN_LIVES) return [];
  const failures: string[] = [];
  const count = lives[0].length;
  for (let host = 0; host < count; host++) {
    const series = (window: ReadonlyArray<readonly LifeMemory[]>) => median(window.filter((life) => life.length === count).map((life) => liveBytes(life[host])));
    const head = series(lives.slice(1, 6));
    const tail = series(lives.slice(-5));
    if (tail - head > HOST_LIVE_SLACK_BYTES) failures.push(`session host ${host + 1}'s live memory (heap + buffers after GC) grew: ${mb(head)} → ${mb(tail)}`);
  }
  return failures;
}
