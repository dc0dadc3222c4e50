/**
 * The messages each seed dialect defines, as zod schemas: what its adapter sends in the seed's
 * shape and the requests it reads. Published as docs/schemas/dialect-<name>-{server,client}.schema.json
 * (test/genSchemas.ts); every other message of a dialect socket is Tether's own
 * (server-message / client-message schemas).
 */
import { z } from 'zod';
import { WAIT_TYPES } from '../src/common/index.js';
import { PUSH_TOKEN_TYPES } from '../src/common/protocol.js';
import type { DialectName } from '../src/transport/dialects/dialect.js';

const id = z.string().min(1).max(128);

/** mobilecli's session (seed §5.1 `sessions`). */
const mobileSessionSchema = z.object({
  id: z.string(),
  name: z.string(),
  project_path: z.string(),
  created_at: z.string(),
  last_active_at: z.string(),
  status: z.enum(['active', 'idle', 'closed']),
  cli_type: z.string(),
});

const mobilecliServer = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sessions'), sessions: z.array(mobileSessionSchema) }),
  z.object({ type: z.enum(['session_created', 'session_resumed', 'session_updated']), session: mobileSessionSchema }),
  z.object({ type: z.literal('session_closed'), session_id: z.string() }),
  z.object({ type: z.literal('waiting_for_input'), session_id: z.string(), timestamp: z.string(), prompt_content: z.string(), wait_type: z.enum(WAIT_TYPES), cli_type: z.string() }),
  z.object({ type: z.literal('waiting_cleared'), session_id: z.string(), timestamp: z.string(), response: z.string() }),
  z.object({ type: z.literal('input_state'), session_id: z.string(), text: z.string(), cursor_position: z.number().int(), sender_id: z.string().nullable(), timestamp: z.number().int() }),
]);
const mobilecliClient = z.discriminatedUnion('type', [
  z.object({ type: z.literal('tool_approval'), session_id: id, response: z.enum(['yes', 'yes_always', 'no']) }),
  z.object({ type: z.literal('send_input'), session_id: id, text: z.string(), raw: z.boolean().optional() }),
  z.object({ type: z.literal('register_push_token'), token: z.string(), token_type: z.enum(PUSH_TOKEN_TYPES), platform: z.string() }),
]);

const craftServer = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('permission_request'),
    sessionId: z.string(),
    request: z.object({ requestId: z.string(), toolName: z.string(), command: z.string(), description: z.string() }),
  }),
  z.object({ type: z.literal('permission_timeout'), sessionId: z.string(), requestId: z.string() }),
  z.object({ type: z.literal('config_changed'), changeType: z.literal('config') }),
]);
const craftClient = z.object({ type: z.literal('permission_response'), requestId: id, allowed: z.boolean(), alwaysAllow: z.boolean().optional() });

const iosBackendServer = z.object({ type: z.literal('approval_timeout'), sessionId: z.string(), requestId: z.string() });
const iosBackendClient = z.object({ type: z.literal('approval_response'), requestId: id, approved: z.boolean() });

/** Each seed dialect's own messages: `server` (sent in the seed's shape) and `client` (read). */
export const DIALECT_SCHEMAS: Readonly<Record<Exclude<DialectName, 'tether'>, { readonly seed: string; readonly server: z.ZodType; readonly client: z.ZodType }>> = {
  mobilecli: { seed: 'mobile-notifications-and-tool-approval.md', server: mobilecliServer, client: mobilecliClient },
  craft: { seed: 'permission-flow-and-config-watcher-plan.md', server: craftServer, client: craftClient },
  'ios-backend': { seed: 'backend-events-apns-live-activities.md', server: iosBackendServer, client: iosBackendClient },
};
