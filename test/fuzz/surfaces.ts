/**
 * Every fuzzed surface, in the order `npm run fuzz` runs them. To fuzz a new surface, add a
 * `<surface>.fuzz.ts` exporting a FuzzSurface and list it here; the runner and the vitest
 * slice pick it up.
 */
import type { FuzzSurface } from './fuzzSurface.js';
import { asciicastSurface } from './asciicast.fuzz.js';
import { configSurface } from './config.fuzz.js';
import { parsersSurface } from './parsers.fuzz.js';
import { protocolSurface } from './protocol.fuzz.js';
import { replaySurface } from './replay.fuzz.js';
import { websocketSurface } from './websocket.fuzz.js';
import { httpSurface } from './http.fuzz.js';

export const FUZZ_SURFACES: readonly FuzzSurface[] = [protocolSurface, asciicastSurface, configSurface, parsersSurface, replaySurface, websocketSurface, httpSurface];
