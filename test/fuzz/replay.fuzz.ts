/**
 * Fuzzes the whole detection pipeline through replay: recorded casts cut short and mutated
 * (output bytes, event order, resizes to odd sizes, keystrokes), replayed with every CLI's
 * parser and `auto`. Replay must finish and yield well-formed edges; a cast that is not
 * valid asciicast is CAST_INVALID before replay.
 */
import fc from 'fast-check';
import { parseCast } from '../../src/core/asciicast.js';
import { replayCast } from '../../src/core/replay.js';
import { CLIS } from '../../parsers/index.js';
import { acceptOrReject } from './fuzzSurface.js';
import type { FuzzSurface } from './fuzzSurface.js';
import { mutatedText } from './mutations.js';
import { fixtureCastTexts } from './fixtureCasts.js';

/** Events replayed per case: enough for a prompt to be drawn, few enough for thousands of cases. */
const MAX_EVENTS = 80;

function castPrefixes(): string[] {
  return fixtureCastTexts().map((text) => text.split('\n').slice(0, MAX_EVENTS + 1).join('\n'));
}

type CastEvent = [number, string, string];

function mutatedCasts(): fc.Arbitrary<{ text: string; cli: string; rechunkSeed: number | undefined }> {
  const prefix = fc.constantFrom(...castPrefixes());
  const eventEdits = fc.array(
    fc.record({
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      kind: fc.constantFrom('resize', 'input', 'swap', 'mutate'),
      size: fc.tuple(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 200 })),
      text: mutatedText(fc.constantFrom('\r', '1', '\x1b', '\x1b[A', 'y', 'hello\r')),
    }),
    { maxLength: 6 },
  );
  const text = fc.tuple(prefix, eventEdits).map(([cast, edits]) => {
    const [header, ...lines] = cast.split('\n').filter((line) => line !== '');
    const events = lines.map((line) => JSON.parse(line) as CastEvent);
    for (const edit of edits) {
      const index = Math.floor(edit.at * events.length);
      const event = events[index];
      if (event === undefined) continue;
      if (edit.kind === 'resize') events.splice(index, 0, [event[0], 'r', `${edit.size[0]}x${edit.size[1]}`]);
      else if (edit.kind === 'input') events.splice(index, 0, [event[0], 'i', edit.text]);
      else if (edit.kind === 'swap' && events[index + 1]) [event[2], events[index + 1][2]] = [events[index + 1][2], event[2]];
      else if (edit.kind === 'mutate' && event[1] === 'o') event[2] = `${event[2].slice(0, event[2].length / 2)}${edit.text}${event[2].slice(event[2].length / 2)}`;
    }
    return [header, ...events.map((event) => JSON.stringify(event))].join('\n');
  });
  return fc.record({
    text: fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: mutatedText(prefix) }),
    cli: fc.constantFrom('auto', ...CLIS.map((cli) => cli.id)),
    rechunkSeed: fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: undefined }),
  });
}

export const replaySurface: FuzzSurface = {
  name: 'replay: mutated casts → detection pipeline',
  runs: 1_500,
  sliceRuns: 15,
  property: () =>
    fc.asyncProperty(mutatedCasts(), async ({ text, cli, rechunkSeed }) => {
      const cast = acceptOrReject(() => parseCast(text), ['CAST_INVALID']);
      if (cast === undefined) return;
      const events = await replayCast(cast, { cli, ...(rechunkSeed !== undefined ? { rechunkSeed } : {}) });
      for (const event of events) {
        if ((event.type !== 'waiting_for_input' && event.type !== 'waiting_cleared') || typeof event.prompt_id !== 'string') throw new Error(`malformed edge ${JSON.stringify(event)}`);
      }
    }),
};
