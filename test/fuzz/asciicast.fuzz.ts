/**
 * Fuzzes `parseCast`: recorded fixtures mutated line by line and byte by byte, random lines,
 * and random text. A cast parses into well-formed events or is CAST_INVALID naming a line.
 */
import fc from 'fast-check';
import { parseCast } from '../../src/core/asciicast.js';
import { acceptOrReject } from './fuzzSurface.js';
import type { FuzzSurface } from './fuzzSurface.js';
import { anyText, mutatedJson, mutatedText } from './mutations.js';
import { fixtureCastTexts } from './fixtureCasts.js';

/** The first lines of recorded fixtures (whole files are large; the parser is line by line). */
function castSamples(): string[] {
  return fixtureCastTexts().map((text) => text.split('\n').slice(0, 40).join('\n'));
}

function casts(): fc.Arbitrary<string> {
  const samples = castSamples();
  const sample = fc.constantFrom(...samples);
  const header = fc.record({ version: fc.constantFrom(2, 1, 3, '2'), width: fc.integer({ min: -5, max: 500 }), height: fc.integer({ min: -5, max: 200 }) });
  const event = fc.tuple(fc.oneof(fc.double(), fc.integer()), fc.constantFrom('o', 'i', 'r', 'm', 'x', ''), fc.oneof(fc.string(), fc.constantFrom('80x24', '0x0', '1x')));
  return fc.oneof(
    { weight: 4, arbitrary: mutatedText(sample) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(sample, fc.integer({ min: 0, max: 39 }), mutatedJson(fc.constant([0.5, 'o', 'text'])))
        .map(([text, at, replacement]) => {
          const lines = text.split('\n');
          lines[Math.min(at, lines.length - 1)] = JSON.stringify(replacement);
          return lines.join('\n');
        }),
    },
    { weight: 2, arbitrary: fc.tuple(mutatedJson(header), fc.array(event, { maxLength: 20 })).map(([head, events]) => [head, ...events].map((line) => JSON.stringify(line)).join('\n')) },
    { weight: 1, arbitrary: anyText },
  );
}

export const asciicastSurface: FuzzSurface = {
  name: 'asciicast: parseCast',
  runs: 20_000,
  sliceRuns: 300,
  property: () =>
    fc.property(casts(), (text) => {
      const cast = acceptOrReject(() => parseCast(text), ['CAST_INVALID']);
      if (cast === undefined) return;
      let previous = 0;
      for (const [time, code, data] of cast.events) {
        if (!(time >= previous) || !'oirm'.includes(code) || typeof data !== 'string') throw new Error(`accepted a bad event ${JSON.stringify([time, code])}`);
        previous = time;
      }
    }),
};
