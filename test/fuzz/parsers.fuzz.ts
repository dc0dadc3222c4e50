/**
 * Fuzzes every CLI parser with random and mutated PTY output: recorded fixture output with
 * bytes inserted, cut, duplicated and flipped, control sequences spliced in, and random
 * bytes, rendered by the real headless screen at random sizes. Every parser (and banner
 * detection) must answer a well-formed verdict and never throw; parsers have no error path.
 */
import fc from 'fast-check';
import type { ScreenSnapshot, Verdict } from '../../src/common/index.js';
import { HeadlessScreen } from '../../src/core/headlessScreen.js';
import { CLIS, detectCliFromScreen } from '../../parsers/index.js';
import type { FuzzSurface } from './fuzzSurface.js';
import { anyText, mutatedText } from './mutations.js';
import { fixtureCastTexts } from './fixtureCasts.js';

const WAIT_TYPES = new Set(['tool_approval', 'plan_approval', 'clarifying_question', 'awaiting_response']);

/** Output of recorded sessions, cut into windows of consecutive `o` events (a screen's worth). */
function outputWindows(): string[] {
  const windows: string[] = [];
  for (const text of fixtureCastTexts()) {
    const output = text
      .split('\n')
      .slice(1)
      .filter((line) => line.startsWith('['))
      .map((line) => JSON.parse(line) as [number, string, string])
      .filter((event) => event[1] === 'o')
      .map((event) => event[2]);
    for (let start = 0; start < output.length; start += 40) windows.push(output.slice(start, start + 40).join(''));
  }
  return windows;
}

/** Throws when a verdict is not one of the three shapes. */
export function checkVerdict(verdict: Verdict, parser: string): void {
  if (verdict.state === 'busy' || verdict.state === 'unknown') return;
  if (verdict.state !== 'waiting') throw new Error(`${parser}: unknown state ${String((verdict as { state: unknown }).state)}`);
  const prompt = verdict.prompt;
  if (!WAIT_TYPES.has(prompt.waitType) || typeof prompt.content !== 'string' || !Array.isArray(prompt.options)) {
    throw new Error(`${parser}: malformed prompt ${JSON.stringify(prompt).slice(0, 200)}`);
  }
  for (const option of prompt.options) {
    if (typeof option.id !== 'string' || typeof option.label !== 'string' || typeof option.keys !== 'string') throw new Error(`${parser}: malformed option ${JSON.stringify(option)}`);
  }
}

/** Reads `snapshot` with every parser and the banner detector. @throws Error naming the parser that threw or answered badly */
export function readWithEveryParser(snapshot: ScreenSnapshot, nowMs: number, quietMs: number): void {
  detectCliFromScreen(snapshot);
  for (const cli of CLIS) {
    let verdict: Verdict;
    try {
      cli.parser.matchesBanner?.(snapshot);
      verdict = cli.parser.parse(snapshot, nowMs, { quietMs });
    } catch (err) {
      throw new Error(`${cli.id} parser threw: ${(err as Error).stack ?? String(err)}`);
    }
    checkVerdict(verdict, cli.id);
  }
}

function streams(): fc.Arbitrary<{ chunks: string[]; cols: number; rows: number; nowMs: number; quietMs: number }> {
  const window = fc.constantFrom(...outputWindows());
  const chunk = fc.oneof({ weight: 4, arbitrary: mutatedText(window) }, { weight: 1, arbitrary: window }, { weight: 2, arbitrary: anyText });
  return fc.record({
    chunks: fc.array(chunk, { minLength: 1, maxLength: 3 }),
    cols: fc.constantFrom(10, 40, 80, 120, 200),
    rows: fc.constantFrom(5, 24, 40, 50),
    nowMs: fc.integer({ min: 0, max: 10_000_000 }),
    quietMs: fc.integer({ min: 0, max: 10_000 }),
  });
}

export const parsersSurface: FuzzSurface = {
  name: 'parsers: PTY output → screen → every parser',
  runs: 6_000,
  sliceRuns: 60,
  property: () =>
    fc.property(streams(), ({ chunks, cols, rows, nowMs, quietMs }) => {
      const screen = new HeadlessScreen(cols, rows);
      try {
        for (const chunk of chunks) {
          screen.writeSync(chunk);
          readWithEveryParser(screen.snapshot(), nowMs, quietMs);
        }
      } finally {
        screen.dispose();
      }
    }),
};
