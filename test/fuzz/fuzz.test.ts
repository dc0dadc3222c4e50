/**
 * The vitest slice of `npm run fuzz`: every surface with a few hundred seeded cases (seconds),
 * plus the checks that keep the fuzzers honest (their valid samples are valid).
 */
import { describe, expect, it } from 'vitest';
import { parseClientMessage } from '../../src/common/protocolParse.js';
import { FUZZ_SURFACES } from './surfaces.js';
import { DEFAULT_FUZZ_SEED, runSurface } from './runFuzz.js';
import { VALID_CLIENT_MESSAGES } from './protocol.fuzz.js';

describe('fuzz slice', () => {
  it('starts protocol mutations from messages that parse', () => {
    for (const message of VALID_CLIENT_MESSAGES) expect(parseClientMessage(JSON.stringify(message)).type).toBe(message.type);
  });

  for (const surface of FUZZ_SURFACES) {
    it(`${surface.name}: ${surface.sliceRuns} cases never throw uncoded errors`, async () => {
      const { cases } = await runSurface(surface, surface.sliceRuns, DEFAULT_FUZZ_SEED);
      expect(cases).toBe(surface.sliceRuns);
    }, 120_000);
  }
});
