/**
 * The REST session API (`/api/sessions`): list, start, read and close agent CLI sessions over
 * the core session service, with the same bounds as the WebSocket's `create_session`. Each
 * endpoint carries its schemas and errors for the OpenAPI document; who may call it is the
 * route table's (httpRoutes.ts: `view`), and starting and closing check the caller's scope
 * like the WebSocket's messages (scopePolicy.ts). Routes under `/api/sessions/:id/…` (the prompt queue,
 * `next-command`, `submit-result`, `events`) resolve their session with `sessionOf`.
 */
import { z } from 'zod';
import { createSessionSchema, sessionInfoSchema } from '../common/protocol.js';
import type { SessionInfo } from '../common/index.js';
import type { ISessionService } from '../core/index.js';
import { TetherError } from '../common/index.js';
import type { Identity } from './auth.js';
import { endpoint } from './endpoint.js';
import { authorizeControl, authorizeStart, type ScopeContext } from './scopePolicy.js';
import type { RouteCall } from './types.js';

/** What the session routes need. */
export interface SessionRouteContext {
  readonly sessions: ISessionService;
  /** The auth helper, the desk's own sessions and the start policy. */
  readonly scope: ScopeContext;
  /** Records a session the local admin started: the desk's own. */
  markDesk(sessionId: string): void;
}

/** The route table sets the caller on every `view` route. @throws TetherError UNAUTHORIZED */
function callerOf(call: RouteCall<unknown>): Identity {
  if (call.caller === undefined) throw new TetherError('UNAUTHORIZED', 'a token is required');
  return call.caller;
}

/** A session as the REST API and Phoenix channels show it (the WebSocket's SessionInfo). */
export const sessionSchema = sessionInfoSchema.meta({ id: 'Session', description: 'A session as clients see it; timestamps are ISO 8601.' });

/** `POST /api/sessions`: the WebSocket's `create_session` without `type` and `request_id`. */
export const createSessionBodySchema = createSessionSchema.omit({ type: true, request_id: true }).meta({
  id: 'CreateSession',
  description: 'A CLI to start in a new PTY: a known CLI name (`claude`, `codex`, …) or a command; cols/rows default to 120×40.',
});

const oneSessionSchema = z.object({ session: sessionSchema });

/**
 * The session a `/api/sessions/:id/…` route names (its first path parameter).
 * @throws TetherError SESSION_NOT_FOUND (404)
 */
export function sessionOf(context: SessionRouteContext, call: RouteCall<unknown>): SessionInfo {
  return context.sessions.get(call.params[0]);
}

/** `GET /api/sessions` → 200 `{sessions}`. */
export const listSessions = endpoint({
  summary: 'List the sessions',
  description: 'Every session, running or exited (exited ones are kept as `sessions.keep_exited` says).',
  tag: 'sessions',
  reply: z.object({ sessions: z.array(sessionSchema) }),
  handle: (context: SessionRouteContext) => ({ sessions: context.sessions.list() }),
});

/** `POST /api/sessions {cli, …}` → 201 `{session}`. */
export const createSession = endpoint({
  summary: 'Start a session',
  description: 'Starts the CLI in a new PTY. Every client also gets `session_created` (WebSocket, Phoenix `sessions`).',
  tag: 'sessions',
  body: createSessionBodySchema,
  reply: oneSessionSchema,
  status: 201,
  errors: ['UNKNOWN_CLI', 'SPAWN_FAILED', 'SESSION_LIMIT', 'FORBIDDEN'],
  handle: async (context: SessionRouteContext, call) => {
    const caller = callerOf(call);
    authorizeStart(context.scope, caller, call.body);
    const session = await context.sessions.create(call.body);
    if (caller.isAdmin) context.markDesk(session.id);
    return { session };
  },
});

/** `GET /api/sessions/:id` → 200 `{session}`. */
export const getSession = endpoint({
  summary: 'Read one session',
  tag: 'sessions',
  reply: oneSessionSchema,
  errors: ['SESSION_NOT_FOUND'],
  handle: (context: SessionRouteContext, call) => ({ session: sessionOf(context, call) }),
});

/** `DELETE /api/sessions/:id` → 200 `{closed: id}`. */
export const closeSession = endpoint({
  summary: 'Close a session',
  description:
    'A running session is killed (SIGTERM, then SIGKILL after the grace period); `session_closed` follows on the event stream. ' +
    'An exited session is removed with its final record.',
  tag: 'sessions',
  reply: z.object({ closed: z.string() }),
  errors: ['SESSION_NOT_FOUND', 'FORBIDDEN'],
  handle: (context: SessionRouteContext, call) => {
    const { id } = sessionOf(context, call);
    authorizeControl(context.scope, callerOf(call), id);
    context.sessions.close(id);
    return { closed: id };
  },
});
