/**
 * The prompt queue's vocabulary: a queued prompt (`QueueItem`), a session's queue with its
 * autoplay switch, why autoplay paused, an interaction's end, and the three server → client
 * messages that carry them (`queue_updated`, `autoplay_paused`, `interaction_completed`).
 * The REST routes (src/transport/queueRoutes.ts) and /ws share these schemas.
 */
import { z } from 'zod';

/** Bounds of the queue: a prompt is a message to an agent, not a file; a queue is a plan, not a backlog. */
export const QUEUE_LIMITS = {
  /** Characters in one queued prompt (a REST body is at most 16 KiB anyway). */
  textChars: 8_000,
  /** Items waiting (`queued`) in one session's queue. */
  queuedItems: 100,
  /** Finished items (`done`, `failed`, `skipped`) kept per session, newest first; older ones are dropped. */
  finishedItems: 50,
  /** Characters of an external executor's `output` kept with its item. */
  outputChars: 4_000,
} as const;

/**
 * An item's state: `queued` (waiting its turn), `sent` (typed by autoplay, or taken by an
 * external executor through `next-command`), then `done` or `failed` (its interaction ended
 * ok or in error), or `skipped` (set aside by a client; it can be queued again).
 */
export const QUEUE_ITEM_STATES = ['queued', 'sent', 'done', 'failed', 'skipped'] as const;
/** One of QUEUE_ITEM_STATES. */
export type QueueItemState = (typeof QUEUE_ITEM_STATES)[number];

/** Who ran an item: autoplay typed it into the PTY, or an external executor took it. */
export const QUEUE_RUNNERS = ['autoplay', 'executor'] as const;

/**
 * Why autoplay paused: `queue_empty` (it stays on and goes on when a prompt is added),
 * `turn_error` (an interaction ended in error), `desk_input` (someone typed into the session),
 * `session_exited`, `not_submitted` (the typed prompt did not start a turn after Enter was
 * pressed again). All but `queue_empty` switch autoplay off until a client switches it on.
 */
export const AUTOPLAY_PAUSE_REASONS = ['queue_empty', 'turn_error', 'desk_input', 'session_exited', 'not_submitted'] as const;
/** One of AUTOPLAY_PAUSE_REASONS. */
export type AutoplayPauseReason = (typeof AUTOPLAY_PAUSE_REASONS)[number];

/** How an interaction ended. */
export const INTERACTION_STATUSES = ['ok', 'error'] as const;
/** One of INTERACTION_STATUSES. */
export type InteractionStatus = (typeof INTERACTION_STATUSES)[number];

/** A queued prompt. Timestamps are ISO 8601. */
export const queueItemSchema = z
  .object({
    id: z.string(),
    text: z.string(),
    state: z.enum(QUEUE_ITEM_STATES),
    /** The device id that queued it (`local` for the desk's CLI). */
    queued_by: z.string(),
    queued_at: z.string(),
    /** Set once the item is sent: the interaction it became. */
    interaction_id: z.string().optional(),
    ran_by: z.enum(QUEUE_RUNNERS).optional(),
    sent_at: z.string().optional(),
    finished_at: z.string().optional(),
    /** An external executor's output (first QUEUE_LIMITS.outputChars characters). */
    output: z.string().optional(),
  })
  .meta({ id: 'QueueItem', description: 'A queued prompt and its state.' });
/** A queued prompt. */
export type QueueItem = z.infer<typeof queueItemSchema>;

/** A session's autoplay: switched on or not, and why it last paused (null while it runs or was never on). */
export const autoplayStateSchema = z
  .object({ enabled: z.boolean(), paused_reason: z.enum(AUTOPLAY_PAUSE_REASONS).nullable() })
  .meta({ id: 'AutoplayState', description: 'Autoplay of one session.' });
/** A session's autoplay. */
export type AutoplayState = z.infer<typeof autoplayStateSchema>;

/**
 * A session's queue: its items in order (finished ones first, then sent, then queued in run
 * order), its autoplay, and whether the session still exists (items of a session that is gone
 * are kept and shown).
 */
export const sessionQueueSchema = z
  .object({
    session_id: z.string(),
    session_exists: z.boolean(),
    items: z.array(queueItemSchema),
    autoplay: autoplayStateSchema,
  })
  .meta({ id: 'SessionQueue', description: "A session's prompt queue and autoplay." });
/** A session's queue. */
export type SessionQueue = z.infer<typeof sessionQueueSchema>;

/** `queue_updated`: a session's queue or autoplay changed; carries the whole queue. */
export const queueUpdatedSchema = sessionQueueSchema.extend({ type: z.literal('queue_updated') });
/** `autoplay_paused {session_id, reason}`. */
export const autoplayPausedSchema = z.object({ type: z.literal('autoplay_paused'), session_id: z.string(), reason: z.enum(AUTOPLAY_PAUSE_REASONS) });
/**
 * `interaction_completed {session_id, interaction_id, status}`: a submitted prompt's turn ended
 * (or an executor submitted its result); `item_id` names the queue item. Phoenix clients get it
 * as `interaction:completed`.
 */
export const interactionCompletedSchema = z.object({
  type: z.literal('interaction_completed'),
  session_id: z.string(),
  interaction_id: z.string(),
  status: z.enum(INTERACTION_STATUSES),
  item_id: z.string().optional(),
  /** Present when the agent's own witness (its Stop hook, its transcript) ended the turn: the event's seq on the session stream and its time (ISO 8601). */
  seq: z.number().int().min(0).optional(),
  timestamp: z.string().optional(),
});

/** `queue_updated`. */
export type QueueUpdatedMessage = z.infer<typeof queueUpdatedSchema>;
/** `autoplay_paused`. */
export type AutoplayPausedMessage = z.infer<typeof autoplayPausedSchema>;
/** `interaction_completed`. */
export type InteractionCompletedMessage = z.infer<typeof interactionCompletedSchema>;
/** What the queue tells clients. */
export type QueueMessage = QueueUpdatedMessage | AutoplayPausedMessage | InteractionCompletedMessage;

/** A session's stored queue. */
export interface StoredQueue {
  readonly items: readonly QueueItem[];
  readonly autoplay: AutoplayState;
}

/** Where queues are kept across restarts (the daemon's `queue.json`, src/store/queueStore.ts). */
export interface IQueuePersistence {
  /** Every stored queue by session id. @throws never (an unreadable file reads as empty) */
  load(): Record<string, StoredQueue>;
  /** @throws TetherError STORE_WRITE_FAILED (the previous file stays) */
  save(queues: Readonly<Record<string, StoredQueue>>): void;
}
