/**
 * `POST /api/sessions/:id/events`: where an agent CLI's hooks report (seed
 * event-architecture-rest-and-channels.md). Takes the seed's wrapped body `{session_id,
 * interaction_id, event_type, event_data, timestamp}` or a CLI's raw hook body (every hook
 * payload names its `hook_event_name`), so HTTP hooks post with no forwarder. Who may post is
 * the route table's (`hook` access: the session's hook secret, or a paired device's token).
 */
import { z } from 'zod';
import { TetherError } from '../common/index.js';
import { LIMITS } from '../common/protocol.js';
import { endpoint } from './endpoint.js';
import type { SessionRouteContext } from './sessionRoutes.js';

/** Hook bodies carry a turn's last message or a tool's input: far more than the 16 KiB of other routes. */
export const MAX_EVENT_BODY_BYTES = 1 << 20;
/** An event name (`SessionStart`, `PreToolUse`, …). */
const eventName = z.string().min(1).max(64);

/** The seed's wrapped event. */
export const wrappedEventSchema = z.object({
  session_id: z.string().min(1).max(LIMITS.id),
  interaction_id: z.string().max(LIMITS.id).nullable().optional(),
  event_type: eventName,
  event_data: z.record(z.string(), z.unknown()),
  timestamp: z.union([z.string().max(64), z.number()]).optional(),
});

/** A CLI's raw hook payload: its own fields, `hook_event_name` among them. */
export const rawHookSchema = z.looseObject({ hook_event_name: eventName });

/** Either body. */
export const agentEventBodySchema = z.union([wrappedEventSchema, rawHookSchema]).meta({
  id: 'AgentEventBody',
  description:
    'The seed\'s `{session_id, interaction_id, event_type, event_data, timestamp}`, or a CLI hook\'s own JSON with `hook_event_name` ' +
    '(Claude Code, Codex, Gemini CLI, Qwen Code). `event_type` is the hook event\'s name and `event_data` its payload.',
});

/** `POST /api/sessions/:id/events` → 204. */
export const postSessionEvent = endpoint({
  summary: 'Report an agent hook event',
  description:
    'One hook event of the session\'s CLI. What it says joins the session\'s `activity`, `interaction_completed`, `session_updated` and ' +
    'prompt evidence; events Tether does not use are accepted and ignored. Always 204 on success, with an empty body, so a CLI reading ' +
    'the answer as hook output changes nothing.',
  tag: 'sessions',
  body: agentEventBodySchema,
  maxBodyBytes: MAX_EVENT_BODY_BYTES,
  reply: z.object({}),
  noContent: 'always, on success',
  errors: ['SESSION_NOT_FOUND', 'SESSION_EXITED'],
  handle: (context: SessionRouteContext, call) => {
    const sessionId = call.params[0];
    const body = call.body as z.infer<typeof wrappedEventSchema> | z.infer<typeof rawHookSchema>;
    let payload: unknown = body;
    if ('event_type' in body && 'event_data' in body && !('hook_event_name' in body)) {
      if (body.session_id !== sessionId) throw new TetherError('BAD_MESSAGE', `body.session_id ${body.session_id} is not the session in the path`);
      payload = { ...body.event_data, hook_event_name: body.event_type };
    }
    context.sessions.postHook(sessionId, payload);
    return undefined;
  },
});
