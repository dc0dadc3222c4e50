/**
 * The Phoenix dialect of the event stream (an adapter at the transport edge, DESIGN.md): which
 * topic and event name each core event or broadcast becomes. Tether's events keep their names
 * and shapes on `sessions` (every session) and `session:<id>` (that session); `pty_output`
 * goes only to `session:<id>` joiners that asked for output; `interaction_completed` becomes
 * the seed's `interaction:completed {session_id, interaction_id, status}`; and every event that
 * changes a session's SessionInfo is followed by the seed's `session_updated {session}`.
 */
import type { SessionInfo } from '../common/index.js';

/** The `sessions` topic: every session's events. */
export const SESSIONS_TOPIC = 'sessions';
/** The prefix of a session's own topic, `session:<id>`. */
export const SESSION_TOPIC_PREFIX = 'session:';

/** A core event type whose Phoenix event name differs from its own (the seed's names). */
export const PHOENIX_EVENT_NAMES: Readonly<Record<string, string>> = {
  interaction_completed: 'interaction:completed',
};

/**
 * Events the Phoenix dialect follows with a `session_updated {session}` of its own on both
 * topics. Empty: the core emits `session_updated` itself after every change of a session's
 * status, name, conversation id or waiting state (issue 11), and that event is sent as the seed's
 * `session_updated {session}`; a stream message that changes a session without it joins this set.
 */
export const SESSION_CHANGING_EVENTS: ReadonlySet<string> = new Set<string>();

/** Anything on the stream or broadcast: a `type` tag and, for session events, `session_id`. */
export interface StreamMessage {
  readonly type: string;
}

/** One frame to push: to `topic`'s joiners (only those that asked for output when `output`). */
export interface PhoenixDelivery {
  readonly topic: string;
  readonly event: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly output?: true;
}

/** `session:<id>`. @throws never */
export function sessionTopic(sessionId: string): string {
  return `${SESSION_TOPIC_PREFIX}${sessionId}`;
}

/** The session a message belongs to, if any. @throws never */
function sessionIdOf(message: StreamMessage): string | undefined {
  const record = message as unknown as Record<string, unknown>;
  if (typeof record.session_id === 'string') return record.session_id;
  const session = record.session as { id?: unknown } | undefined;
  return typeof session?.id === 'string' ? session.id : undefined;
}

/** The payload under the event's Phoenix name: the seed's three fields for interaction:completed, else the message itself. */
function payloadOf(message: StreamMessage): Readonly<Record<string, unknown>> {
  const record = message as unknown as Record<string, unknown>;
  if (message.type === 'session_updated') return { session: record.session };
  if (message.type === 'interaction_completed') {
    return { session_id: record.session_id, interaction_id: record.interaction_id, status: record.status };
  }
  return record;
}

/**
 * The frames one stream message becomes, in order. `lookup` reads a session's current info
 * (undefined once it is gone) for `session_updated`.
 * @throws never
 */
export function phoenixDeliveries(message: StreamMessage, lookup: (sessionId: string) => SessionInfo | undefined): PhoenixDelivery[] {
  const sessionId = sessionIdOf(message);
  if (message.type === 'pty_output') {
    return sessionId === undefined ? [] : [{ topic: sessionTopic(sessionId), event: message.type, payload: payloadOf(message), output: true }];
  }
  const event = Object.hasOwn(PHOENIX_EVENT_NAMES, message.type) ? PHOENIX_EVENT_NAMES[message.type] : message.type;
  const topics = sessionId === undefined ? [SESSIONS_TOPIC] : [SESSIONS_TOPIC, sessionTopic(sessionId)];
  const deliveries: PhoenixDelivery[] = topics.map((topic) => ({ topic, event, payload: payloadOf(message) }));
  if (sessionId !== undefined && SESSION_CHANGING_EVENTS.has(message.type)) {
    const session = lookup(sessionId);
    if (session !== undefined) deliveries.push(...topics.map((topic) => ({ topic, event: 'session_updated', payload: { session } })));
  }
  return deliveries;
}
