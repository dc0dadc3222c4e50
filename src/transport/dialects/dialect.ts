/**
 * Seed dialects of `/ws` (issue 11 §4): adapters at the transport edge that let a client written
 * to one of the seed documents in `reference/seeds/` talk to Tether unchanged. The core protocol
 * stays Tether's own; a dialect rewrites outgoing messages into the seed's shapes and reads the
 * seed's requests into Tether client messages. A connection picks its dialect with the WebSocket
 * subprotocol (`Sec-WebSocket-Protocol`, RFC 6455 §4.1): none or `tether` is Tether's own.
 */
import { TetherError } from '../../common/index.js';
import type { ClientMessage, ServerMessage } from '../../common/protocol.js';
import type { ISessionService } from '../../core/index.js';

/** The subprotocol names `/ws` accepts, in the order a client's offer is matched. */
export const DIALECT_NAMES = ['tether', 'mobilecli', 'craft', 'ios-backend'] as const;
/** A dialect's subprotocol name. */
export type DialectName = (typeof DIALECT_NAMES)[number];

/** What a dialect's reader may consult: the sessions (to find a live prompt) and the time (ms). */
export interface DialectContext {
  readonly sessions: Pick<ISessionService, 'list' | 'currentWaiting'>;
  readonly now: () => number;
}

/** One seed's wire format. */
export interface Dialect {
  readonly name: DialectName;
  /**
   * The frames one Tether message becomes for this dialect's clients (usually one; none drops
   * it). Messages the seed does not define pass through in Tether's shape. Pure; never throws.
   */
  outbound(message: ServerMessage): readonly object[];
  /**
   * The Tether client message a frame of this dialect asks for, or undefined when the frame is
   * not one of the dialect's own (it is then read as Tether's protocol).
   * @throws TetherError BAD_MESSAGE (a dialect frame with bad fields) | STALE_PROMPT (the prompt
   *   it answers is gone, the seeds' "expired or not found")
   */
  inbound(frame: Readonly<Record<string, unknown>>, context: DialectContext): ClientMessage | undefined;
}

/**
 * The dialect a client's `Sec-WebSocket-Protocol` offer names: the first offered name Tether
 * knows; `tether` when nothing is offered.
 * @throws TetherError BAD_MESSAGE (HTTP 400) when names are offered and none is known
 */
export function negotiateDialect(offer: string | undefined): DialectName {
  const names = (offer ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) return 'tether';
  const known = names.find((name): name is DialectName => (DIALECT_NAMES as readonly string[]).includes(name));
  if (known === undefined) throw new TetherError('BAD_MESSAGE', `unknown WebSocket subprotocol ${names.join(', ')}; /ws speaks ${DIALECT_NAMES.join(', ')}`);
  return known;
}

/** Reads a required string field of a dialect frame. @throws TetherError BAD_MESSAGE */
export function stringField(frame: Readonly<Record<string, unknown>>, name: string, max = 128): string {
  const value = frame[name];
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new TetherError('BAD_MESSAGE', `${String(frame.type)}.${name} must be a string of 1–${max} characters`);
  }
  return value;
}

/**
 * The session whose live prompt is `promptId` (the seeds' `requestId`).
 * @throws TetherError STALE_PROMPT ("expired or not found") when no session waits on it
 */
export function sessionOfPrompt(context: DialectContext, promptId: string): string {
  for (const session of context.sessions.list()) {
    if (session.waiting?.prompt_id === promptId) return session.id;
  }
  throw new TetherError('STALE_PROMPT', `request ${promptId} expired or not found`);
}

/** The frame's `request_id`, when it carries one Tether can echo (the seeds' `requestId` names the prompt, not the request). */
export function requestIdOf(frame: Readonly<Record<string, unknown>>): { request_id?: string } {
  const id = frame.request_id;
  return typeof id === 'string' && id.length <= 128 ? { request_id: id } : {};
}
