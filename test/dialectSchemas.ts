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

const todoProgress = z.object({ completed: z.number().int().min(0), total: z.number().int().min(0) });
const iosBackendServer = z.discriminatedUnion('type', [
  z.object({ type: z.literal('approval_timeout'), sessionId: z.string(), requestId: z.string() }),
  z.object({ type: z.literal('progress_update'), sessionId: z.string(), data: z.object({ currentOperation: z.string(), elapsedSeconds: z.number().int().min(0), todoProgress: todoProgress.optional() }) }),
]);
const iosBackendClient = z.discriminatedUnion('type', [
  z.object({ type: z.literal('approval_response'), requestId: id, approved: z.boolean() }),
  z.object({ type: z.literal('register_push_token'), token: z.string(), token_type: z.enum(['device', 'live_activity']), sessionId: id.optional(), session_id: id.optional(), platform: z.string().optional(), environment: z.enum(['sandbox', 'production']).optional() }),
]);

/** Each seed dialect's own messages: `server` (sent in the seed's shape) and `client` (read). */
export const DIALECT_SCHEMAS: Readonly<Record<Exclude<DialectName, 'tether'>, { readonly seed: string; readonly server: z.ZodType; readonly client: z.ZodType }>> = {
  mobilecli: { seed: 'mobile-notifications-and-tool-approval.md', server: mobilecliServer, client: mobilecliClient },
  craft: { seed: 'permission-flow-and-config-watcher-plan.md', server: craftServer, client: craftClient },
  'ios-backend': { seed: 'backend-events-apns-live-activities.md', server: iosBackendServer, client: iosBackendClient },
};

/** The `aps` dictionary Tether sends with every alert (src/push/apnsPayload.ts). */
function apsOf(category: z.ZodType): z.ZodType {
  return z.object({
    alert: z.object({ title: z.string(), subtitle: z.string(), body: z.string() }),
    sound: z.literal('default'),
    badge: z.number().int().min(0).optional(),
    category,
    'thread-id': z.string(),
    'mutable-content': z.literal(1),
    'interruption-level': z.enum(['time-sensitive', 'active']),
  });
}
const actionSecret = { action_secret: z.string().optional() };

/** cdev (JSON-RPC device/register): a tool approval's APNs payload (seed "Push Notification Payload"). */
const cdevPush = z.object({
  aps: apsOf(z.literal('PERMISSION_REQUEST')),
  data: z.object({
    type: z.literal('pty_permission'),
    workspace_id: z.string(),
    session_id: z.string(),
    tool_use_id: z.string(),
    tool_name: z.string(),
    target: z.string(),
    permission_type: z.string(),
    timestamp: z.string(),
    expires_at: z.string().optional(),
    ...actionSecret,
  }),
});

/** ios-backend: the alert pushes (seed "Event Triggers"). */
const iosBackendPush = z.union([
  z.object({ aps: apsOf(z.literal('APPROVAL_REQUEST')), data: z.object({ requestId: z.string(), sessionId: z.string(), type: z.literal('approval'), expiresAt: z.string().optional(), ...actionSecret }) }),
  z.object({ aps: apsOf(z.literal('QUESTION_ASKED')), data: z.object({ questionId: z.string(), sessionId: z.string(), type: z.literal('question'), expiresAt: z.string().optional() }) }),
  z.object({ aps: apsOf(z.literal('TASK_COMPLETE')), data: z.object({ sessionId: z.string(), type: z.literal('complete') }) }),
  z.object({ aps: apsOf(z.literal('TASK_ERROR')), data: z.object({ sessionId: z.string(), type: z.literal('error') }) }),
]);

/** ios-backend: a Live Activity push's `content-state` (seed "Event Triggers"). */
const iosBackendLiveActivity = z.object({
  status: z.enum(['awaitingApproval', 'awaitingAnswer', 'processing', 'completed', 'error']),
  currentOperation: z.string(),
  elapsedSeconds: z.number().int().min(0),
  todoProgress,
  approvalRequest: z.object({ requestId: z.string(), toolName: z.string(), summary: z.string(), expiresAt: z.number().int().optional() }).optional(),
});

/** The push payloads a seed app's registration gets (src/push/pushDialects.ts), as docs/schemas/push-<name>.schema.json. */
export const PUSH_SCHEMAS: Readonly<Record<string, { readonly seed: string; readonly what: string; readonly schema: z.ZodType }>> = {
  cdev: { seed: 'push-notifications-for-permission-requests.md', what: 'the APNs payload of a tool approval pushed to a JSON-RPC device/register registration', schema: cdevPush },
  'ios-backend': { seed: 'backend-events-apns-live-activities.md', what: 'the APNs payload of an alert pushed to a registration made on an ios-backend socket', schema: iosBackendPush },
  'ios-backend-live-activity': { seed: 'backend-events-apns-live-activities.md', what: "a Live Activity push's aps.content-state for a live_activity token registered on an ios-backend socket", schema: iosBackendLiveActivity },
};
