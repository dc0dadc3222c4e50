/**
 * A stand-in agent for the soak: plays a recorded cast's output (`o` events) to its terminal
 * with the recorded timing (gaps capped), forever. Each loop starts with a terminal reset and
 * an OSC marker `ESC ] 7718 ; LOOP <n> BEL` (ignored by terminals) so the soak can count loops,
 * and `loopedCast` gives the same bytes on the same schedule for a replay to compare with.
 * Its terminal is in raw mode and its input is read and dropped, as an agent's would be.
 * Run: `node dist/test/soak/playCast.js <file.cast>`.
 */
import { readFileSync } from 'node:fs';
import { parseCast } from '../../src/core/asciicast.js';
import type { Cast } from '../../src/core/asciicast.js';
import type { ReplayInput } from '../../src/core/replay.js';

/** Longest pause between two output events (s): long thinking gaps are shortened, prompts still settle. */
export const MAX_GAP_SECONDS = 5;
/** Pause after a loop's last event (s), so its final screen is read like any other. */
const LOOP_PAUSE_SECONDS = 2;

/** What one loop writes: the marker's text, then each output at its offset from the loop's start (s). */
export function loopSchedule(cast: Cast): { writes: Array<[number, string]>; seconds: number } {
  const output = cast.events.filter((event) => event[1] === 'o');
  const writes: Array<[number, string]> = [];
  let offset = 0;
  let previous = output[0]?.[0] ?? 0;
  for (const [time, , data] of output) {
    offset += Math.min(MAX_GAP_SECONDS, Math.max(0, time - previous));
    previous = time;
    writes.push([offset, data]);
  }
  return { writes, seconds: offset + LOOP_PAUSE_SECONDS };
}

/** The reset and marker that open loop `n`. */
export function loopStart(loop: number): string {
  return `\x1bc\x1b]7718;LOOP ${loop}\x07`;
}

/** `loops` loops of the player's output as a cast, plus the opening of the next; and that opening's time (s). */
export function loopedCast(cast: Cast, loops: number): { input: ReplayInput; nextLoopAt: number } {
  const { writes, seconds } = loopSchedule(cast);
  const events: Array<[number, string, string]> = [];
  for (let loop = 0; loop < loops; loop++) {
    events.push([loop * seconds, 'o', loopStart(loop + 1)]);
    for (const [offset, data] of writes) events.push([loop * seconds + offset, 'o', data]);
  }
  events.push([loops * seconds, 'o', loopStart(loops + 1)]);
  return { input: { header: cast.header, events }, nextLoopAt: loops * seconds };
}

const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

async function play(file: string): Promise<never> {
  const { writes, seconds } = loopSchedule(parseCast(readFileSync(file, 'utf8')));
  // Raw mode like a real agent: the terminal's answers to queries (DSR, DA) must not be echoed onto the screen.
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  process.stdin.on('data', () => {});
  for (let loop = 1; ; loop++) {
    const started = Date.now();
    process.stdout.write(loopStart(loop));
    for (const [offset, data] of writes) {
      await sleep(offset - (Date.now() - started) / 1000);
      process.stdout.write(data);
    }
    await sleep(seconds - (Date.now() - started) / 1000);
  }
}

// The cast is the last argument: any before it are what Tether injects for the agent this stands
// in for (Claude Code's hooks: `--settings <file> --session-id <uuid>`), and are ignored.
const file = process.argv.slice(2).at(-1);
if (file !== undefined && import.meta.url.endsWith(process.argv[1]?.split('/').pop() ?? '')) void play(file);
