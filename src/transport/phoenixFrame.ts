/**
 * The Phoenix Channels V2 JSON framing (the `phoenix` npm client's default serializer,
 * `vsn=2.0.0`; Phoenix.Socket.V2.JSONSerializer): every text frame is an array
 * `[join_ref, ref, topic, event, payload]`. Replies are `phx_reply` with
 * `{status: "ok" | "error", response}`; server pushes carry the channel's join_ref and a null
 * ref. Parsing is strict and bounded: anything else is BAD_MESSAGE.
 */
import { z } from 'zod';
import { TetherError } from '../common/index.js';

/** Refs are the client's counters ("1", "2", …); 64 characters is far more than any. */
const MAX_REF = 64;
/** Topics are `sessions` or `session:<id>` (ids ≤ 128 characters); 256 bounds anything else. */
const MAX_TOPIC = 256;
/** Event names: `phx_join`, `heartbeat`, …. */
const MAX_EVENT = 64;

/** The events of the protocol itself. */
export const PHX = {
  join: 'phx_join',
  leave: 'phx_leave',
  reply: 'phx_reply',
  error: 'phx_error',
  close: 'phx_close',
  heartbeat: 'heartbeat',
} as const;

/** The topic heartbeats travel on. */
export const PHOENIX_TOPIC = 'phoenix';

/** One decoded frame. */
export interface PhoenixMessage {
  /** The ref of the `phx_join` that opened the channel (null on heartbeats and broadcasts). */
  readonly joinRef: string | null;
  /** The client's message ref a reply echoes (null on server pushes). */
  readonly ref: string | null;
  readonly topic: string;
  readonly event: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

const ref = z.string().max(MAX_REF).nullable();
const frameSchema = z.tuple([ref, ref, z.string().min(1).max(MAX_TOPIC), z.string().min(1).max(MAX_EVENT), z.record(z.string(), z.unknown())]);

/**
 * Decodes one text frame.
 * @throws TetherError BAD_MESSAGE when it is not JSON or not `[join_ref, ref, topic, event, payload]`
 *   with string-or-null refs, bounded topic and event, and an object payload
 */
export function parsePhoenixFrame(raw: string): PhoenixMessage {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new TetherError('BAD_MESSAGE', 'malformed JSON');
  }
  const result = frameSchema.safeParse(value);
  if (!result.success) {
    throw new TetherError('BAD_MESSAGE', 'a Phoenix V2 frame is [join_ref, ref, topic, event, payload] with an object payload');
  }
  const [joinRef, messageRef, topic, event, payload] = result.data;
  return { joinRef, ref: messageRef, topic, event, payload };
}

/** The ref of a frame that failed to parse, when it has one (for the error reply). @throws never */
export function peekRef(raw: string): { ref: string; topic: string; joinRef: string | null } | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    if (!Array.isArray(value)) return undefined;
    const [joinRef, messageRef, topic] = value as unknown[];
    if (typeof messageRef !== 'string' || messageRef.length > MAX_REF) return undefined;
    if (typeof topic !== 'string' || topic.length === 0 || topic.length > MAX_TOPIC) return undefined;
    return { ref: messageRef, topic, joinRef: typeof joinRef === 'string' && joinRef.length <= MAX_REF ? joinRef : null };
  } catch {
    return undefined;
  }
}

/** Encodes one frame. @throws never for JSON-safe payloads */
export function encodePhoenixFrame(message: PhoenixMessage): string {
  return JSON.stringify([message.joinRef, message.ref, message.topic, message.event, message.payload]);
}

/** A `phx_reply` to `to` with `status` and `response`. @throws never */
export function replyFrame(to: { joinRef: string | null; ref: string | null; topic: string }, status: 'ok' | 'error', response: Readonly<Record<string, unknown>>): string {
  return encodePhoenixFrame({ joinRef: to.joinRef, ref: to.ref, topic: to.topic, event: PHX.reply, payload: { status, response } });
}

/** The `response` of an error reply: Phoenix's `reason` plus Tether's error `code`. @throws never */
export function errorResponse(error: TetherError): { reason: string; code: string } {
  return { reason: error.message, code: error.code };
}
