/**
 * Fuzzes `parseClientMessage`, the gate of every WebSocket frame: valid messages of every type
 * mutated at random fields, random JSON, random text and bytes, deeply nested and huge JSON.
 * Each frame parses into a message of a known type or is BAD_MESSAGE; nothing else escapes.
 */
import fc from 'fast-check';
import { clientMessageSchemas } from '../../src/common/protocol.js';
import { parseClientMessage, peekRequestId } from '../../src/common/protocolParse.js';
import { acceptOrReject } from './fuzzSurface.js';
import type { FuzzSurface } from './fuzzSurface.js';
import { anyText, deepJson, hugeJson, mutatedJson, mutatedText } from './mutations.js';

/** One valid message per client type (each is checked to parse in the vitest slice). */
export const VALID_CLIENT_MESSAGES: readonly Record<string, unknown>[] = [
  { type: 'subscribe', session_id: 's1', since: 3, request_id: 'r1' },
  { type: 'unsubscribe', session_id: 's1' },
  { type: 'create_session', cli: 'claude', cwd: '/tmp', args: ['--model', 'sonnet'], cols: 120, rows: 40, name: 'work' },
  { type: 'close_session', session_id: 's1' },
  { type: 'send_input', session_id: 's1', text: 'hello', raw: false },
  { type: 'resize', session_id: 's1', cols: 80, rows: 24 },
  { type: 'tool_approval', session_id: 's1', prompt_id: 'p1', response: 'yes' },
  { type: 'answer', session_id: 's1', prompt_id: 'p1', option_id: '2' },
  { type: 'register_push_token', token: 'a'.repeat(64), token_type: 'apns', platform: 'ios', environment: 'sandbox' },
  { type: 'app_state', state: 'active', session_id: 's1' },
  { type: 'auth', token: 'x'.repeat(43) },
  { type: 'rotate_token', request_id: 'r2' },
];

const validMessage = fc.constantFrom(...VALID_CLIENT_MESSAGES);

/** Frames as a socket could deliver them (the WebSocket surface sends them to a live daemon too). */
export const frames: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: mutatedJson(validMessage).map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: mutatedText(validMessage.map((value) => JSON.stringify(value))) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? 'null') },
  { weight: 1, arbitrary: fc.record({ type: fc.constantFrom(...Object.keys(clientMessageSchemas), '__proto__', 'constructor', 'toString') }, { requiredKeys: [] }).map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: anyText },
  { weight: 1, arbitrary: deepJson },
  { weight: 1, arbitrary: hugeJson },
);

export const protocolSurface: FuzzSurface = {
  name: 'protocol: parseClientMessage',
  runs: 60_000,
  sliceRuns: 600,
  property: () =>
    fc.property(frames, (frame) => {
      const message = acceptOrReject(() => parseClientMessage(frame), ['BAD_MESSAGE']);
      if (message !== undefined && !Object.hasOwn(clientMessageSchemas, message.type)) throw new Error(`accepted an unknown type ${message.type}`);
      const requestId = peekRequestId(frame);
      if (requestId !== undefined && (typeof requestId !== 'string' || requestId.length > 64)) throw new Error('peekRequestId returned a bad id');
    }),
};
