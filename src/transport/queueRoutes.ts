/**
 * The prompt queue over REST (`/api/sessions/:id/queue…`, `/autoplay`, and the seed's
 * `next-command` / `submit-result/:interaction_id` for external executors) and `GET
 * /api/queues` (every queue, those of sessions that are gone included). Every change is
 * broadcast by the daemon as `queue_updated`; results as `interaction_completed`. Who may
 * call is the route table's (httpRoutes.ts); the caller's device id is who queued an item.
 */
import { z } from 'zod';
import { TetherError } from '../common/index.js';
import { autoplayStateSchema, INTERACTION_STATUSES, QUEUE_LIMITS, queueItemSchema, sessionQueueSchema } from '../common/queue.js';
import type { Autoplay, PromptQueue } from '../core/index.js';
import { ADMIN_DEVICE_ID } from './auth.js';
import { endpoint } from './endpoint.js';
import { sessionOf, type SessionRouteContext } from './sessionRoutes.js';
import type { RouteCall } from './types.js';

/** The queue and autoplay of a daemon (absent in transports started without them). */
export interface QueueServices {
  readonly queue: PromptQueue;
  readonly autoplay: Autoplay;
}

/** What the queue routes need. */
export interface QueueRouteContext extends SessionRouteContext {
  readonly queues?: QueueServices;
}

const queueText = z.string().min(1).max(QUEUE_LIMITS.textChars);
const addBodySchema = z.object({ text: queueText }).meta({ id: 'QueueAdd', description: 'A prompt to queue last.' });
const patchBodySchema = z
  .object({
    text: queueText.optional(),
    position: z.number().int().min(0).max(QUEUE_LIMITS.queuedItems).optional(),
    state: z.enum(['queued', 'skipped']).optional(),
  })
  .refine((body) => body.text !== undefined || body.position !== undefined || body.state !== undefined, 'send text, position or state')
  .meta({
    id: 'QueuePatch',
    description: 'New text; a new place (0-based among the queued items); `skipped` to set it aside or `queued` to queue a skipped or failed one again.',
  });
const autoplayBodySchema = z.object({ enabled: z.boolean() }).meta({ id: 'AutoplaySwitch' });
const resultBodySchema = z
  .object({ status: z.enum(INTERACTION_STATUSES), output: z.string().max(QUEUE_LIMITS.outputChars).optional() })
  .meta({ id: 'SubmitResult', description: 'How the command went; `output` is kept with its item.' });
const itemReply = z.object({ item: queueItemSchema });
const nextCommandReply = z
  .object({ interaction_id: z.string(), item_id: z.string(), text: z.string() })
  .meta({ id: 'NextCommand', description: 'The prompt to run; report with submit-result/{interaction_id}.' });

/** @throws TetherError NOT_FOUND when this daemon runs no queue */
function services(context: QueueRouteContext): QueueServices {
  if (context.queues === undefined) throw new TetherError('NOT_FOUND', 'this daemon keeps no prompt queue');
  return context.queues;
}

/** The queue's session id: a live session, or one whose queue outlived it (the queue checks). */
function queueSession(call: RouteCall<unknown>): string {
  return call.params[0];
}

/** `GET /api/queues` → `{queues}`. */
export const listQueues = endpoint({
  summary: 'Every prompt queue',
  description: 'Each queue with items or autoplay on, including those of sessions that no longer exist (`session_exists: false`).',
  tag: 'queue',
  reply: z.object({ queues: z.array(sessionQueueSchema) }),
  handle: (context: QueueRouteContext) => ({ queues: services(context).queue.list() }),
});

/** `GET /api/sessions/:id/queue` → the queue. */
export const getQueue = endpoint({
  summary: "A session's prompt queue",
  description: 'The items in order (finished, then the one running, then the queued ones in run order) and autoplay.',
  tag: 'queue',
  reply: sessionQueueSchema,
  errors: ['SESSION_NOT_FOUND'],
  handle: (context: QueueRouteContext, call) => services(context).queue.queue(queueSession(call)),
});

/** `POST /api/sessions/:id/queue {text}` → 201 `{item}`. */
export const addQueueItem = endpoint({
  summary: 'Queue a prompt',
  description: 'Adds a prompt last; autoplay (when on and the agent is idle) types it at once.',
  tag: 'queue',
  body: addBodySchema,
  reply: itemReply,
  status: 201,
  errors: ['SESSION_NOT_FOUND', 'QUEUE_FULL', 'STORE_WRITE_FAILED'],
  handle: (context: QueueRouteContext, call) => ({
    item: services(context).queue.add(sessionOf(context, call).id, call.body.text, call.caller?.deviceId ?? ADMIN_DEVICE_ID),
  }),
});

/** `PATCH /api/sessions/:id/queue/:item_id` → `{item}`. */
export const editQueueItem = endpoint({
  summary: 'Edit, move or skip a queued prompt',
  tag: 'queue',
  body: patchBodySchema,
  reply: itemReply,
  errors: ['SESSION_NOT_FOUND', 'QUEUE_ITEM_NOT_FOUND', 'QUEUE_ITEM_LOCKED', 'STORE_WRITE_FAILED'],
  handle: (context: QueueRouteContext, call) => ({ item: services(context).queue.edit(queueSession(call), call.params[1], call.body) }),
});

/** `DELETE /api/sessions/:id/queue/:item_id` → `{removed}`. */
export const removeQueueItem = endpoint({
  summary: 'Remove a prompt from the queue',
  description: 'Any item but the one being run (`sent`).',
  tag: 'queue',
  reply: z.object({ removed: z.string() }),
  errors: ['SESSION_NOT_FOUND', 'QUEUE_ITEM_NOT_FOUND', 'QUEUE_ITEM_LOCKED', 'STORE_WRITE_FAILED'],
  handle: (context: QueueRouteContext, call) => {
    services(context).queue.remove(queueSession(call), call.params[1]);
    return { removed: call.params[1] };
  },
});

/** `PUT /api/sessions/:id/autoplay {enabled}` → the autoplay state. */
export const setAutoplay = endpoint({
  summary: 'Switch autoplay',
  description:
    'On: when the agent finishes a turn and shows its idle input, Tether types the next queued prompt. Switching on clears a pause ' +
    'and, when the agent already sits at its idle prompt, starts at once.',
  tag: 'queue',
  body: autoplayBodySchema,
  reply: autoplayStateSchema,
  errors: ['SESSION_NOT_FOUND', 'SESSION_EXITED', 'STORE_WRITE_FAILED'],
  handle: (context: QueueRouteContext, call) => services(context).autoplay.setEnabled(sessionOf(context, call).id, call.body.enabled),
});

/** `GET /api/sessions/:id/next-command` → `{interaction_id, item_id, text}` or 204. */
export const nextCommand = endpoint({
  summary: 'Take the next queued prompt (external executor)',
  description: 'Marks the first queued item `sent` and opens its interaction; report its end with `submit-result`.',
  tag: 'queue',
  reply: nextCommandReply,
  noContent: 'nothing is queued, or a prompt of this session is still running',
  errors: ['SESSION_NOT_FOUND', 'STORE_WRITE_FAILED'],
  handle: (context: QueueRouteContext, call) => {
    const { queue } = services(context);
    const sessionId = sessionOf(context, call).id;
    // One prompt at a time per session: a second executor (or autoplay) must wait for the first's result.
    if (queue.running(sessionId) !== undefined) return undefined;
    const item = queue.take(sessionId, 'executor');
    return item?.interaction_id === undefined ? undefined : { interaction_id: item.interaction_id, item_id: item.id, text: item.text };
  },
});

/** `POST /api/sessions/:id/submit-result/:interaction_id {status, output?}` → `{item}`. */
export const submitResult = endpoint({
  summary: "Report an interaction's result",
  description: 'Marks its item `done` (ok) or `failed` (error) and broadcasts `interaction_completed` (Phoenix: `interaction:completed`).',
  tag: 'queue',
  body: resultBodySchema,
  reply: itemReply,
  errors: ['SESSION_NOT_FOUND', 'INTERACTION_NOT_FOUND', 'STORE_WRITE_FAILED'],
  handle: (context: QueueRouteContext, call) => ({
    item: services(context).queue.complete(queueSession(call), call.params[1], call.body.status, call.body.output),
  }),
});
