/**
 * The WebSocket protocol between the daemon and its clients (phone, desktop, `tether run`):
 * zod schemas for every message in both directions, their TypeScript types, the bounds on
 * every field. `parseClientMessage` (protocolParse.ts) is the one entry point for untrusted
 * frames.
 * docs/schemas/*.json are generated from these schemas (test/genSchemas.ts).
 */
import { z } from 'zod';
import { CLI_ID_PATTERN, CONFIDENCES, OPTION_ROLES, WAIT_TYPES } from './verdict.js';
import { autoplayPausedSchema, interactionCompletedSchema, queueUpdatedSchema, type QueueMessage } from './queue.js';
import { RIGHTS } from './scopes.js';
import type {
  ActivityEvent,
  InteractionCompletedEvent,
  NewMessageEvent,
  ProgressUpdateEvent,
  SessionInfo,
  WaitingClearedEvent,
  WaitingForInputEvent,
  PtyOutputEvent,
  SessionClosedEvent,
  SessionResumedEvent,
} from './events.js';
import { ON_TIMEOUT_ACTIONS, type LifecycleEvent } from './lifecycleEvents.js';

/** Bumped on any incompatible change to a message shape. */
export const PROTOCOL_VERSION = 1;

/** Field bounds; each keeps one client from making the daemon hold or forward unbounded data. */
export const LIMITS = {
  /** Correlation ids are opaque to the daemon; 64 characters fits a UUID with a prefix. */
  requestId: 64,
  /** Session and prompt ids are daemon-made; anything longer cannot be one of ours. */
  id: 128,
  /** Input text: 64 Ki characters is far beyond a typed answer yet fits a pasted file. */
  text: 65_536,
  /** A command name or path. */
  cli: 1024,
  /** A working directory (PATH_MAX on Linux is 4096). */
  cwd: 4096,
  /** Arguments: count and length of each, like a generous shell command line. */
  argCount: 256,
  argLength: 4096,
  /** A display name for a session. */
  name: 256,
  /** Terminal size: the config's bounds for sessions. */
  colsMin: 10,
  colsMax: 1000,
  rowsMin: 5,
  rowsMax: 500,
  /** Push tokens: a Web Push subscription (JSON with endpoint and keys) is the longest. */
  pushToken: 4096,
  /** A platform label ("ios", "android", "web", ...). */
  platform: 64,
  /** A credential: device tokens are 43 characters, the admin secret too; room for other encodings. */
  token: 512,
} as const;

const requestId = z.string().min(1).max(LIMITS.requestId);
const id = z.string().min(1).max(LIMITS.id);
const cols = z.number().int().min(LIMITS.colsMin).max(LIMITS.colsMax);
const rows = z.number().int().min(LIMITS.rowsMin).max(LIMITS.rowsMax);
const seq = z.number().int().min(0);
/** A CLI id; which ids exist is the daemon's registry's to say (listed in `welcome.clis`). */
const cliId = z.string().regex(CLI_ID_PATTERN);

/** A client message: its `type` tag, the optional `request_id` every request may carry, and `shape`. */
function request<Type extends string, Shape extends z.ZodRawShape>(type: Type, shape: Shape) {
  return z.object({ type: z.literal(type), request_id: requestId.optional(), ...shape });
}

// ---------------------------------------------------------------- client → server

/** `subscribe`: stream a session's output; `since` resumes after that seq. */
export const subscribeSchema = request('subscribe', { session_id: id, since: seq.optional() });
/** `unsubscribe`: stop a session's output. */
export const unsubscribeSchema = request('unsubscribe', { session_id: id });
/** `create_session`: start a CLI in a new PTY. */
export const createSessionSchema = request('create_session', {
  cli: z.string().min(1).max(LIMITS.cli),
  cwd: z.string().min(1).max(LIMITS.cwd).optional(),
  args: z.array(z.string().max(LIMITS.argLength)).max(LIMITS.argCount).optional(),
  cols: cols.optional(),
  rows: rows.optional(),
  name: z.string().min(1).max(LIMITS.name).optional(),
});
/** `close_session`: kill a session's PTY. */
export const closeSessionSchema = request('close_session', { session_id: id });
/** `send_input`: type text and submit it, or with `raw` write the bytes as they are. */
export const sendInputSchema = request('send_input', {
  session_id: id,
  text: z.string().max(LIMITS.text),
  raw: z.boolean().optional(),
  /** The client's id for this message: echoed on the `new_message` (role user) the agent's own voice reports for it. */
  client_msg_id: z.string().min(1).max(128).optional(),
});
/** `resize`: change a session's terminal size. */
export const resizeSchema = request('resize', { session_id: id, cols, rows });
/** `tool_approval`: answer a tool or plan approval prompt. */
export const toolApprovalSchema = request('tool_approval', {
  session_id: id,
  prompt_id: id,
  response: z.enum(['yes', 'yes_always', 'no']),
});
/** `answer`: pick an on-screen option or type free text; at least one of the two. */
export const answerSchema = request('answer', {
  session_id: id,
  prompt_id: id,
  option_id: id.optional(),
  text: z.string().max(LIMITS.text).optional(),
}).refine((value) => value.option_id !== undefined || value.text !== undefined, {
  message: 'option_id or text is required',
});
/** `rename_session`: give a session a new display name (answered by `session_renamed` to everyone). */
export const renameSessionSchema = request('rename_session', {
  session_id: id,
  name: z.string().trim().min(1).max(LIMITS.name),
});
/** `delete_session`: kill the session if it runs, then remove it and its final record (`session_deleted`). */
export const deleteSessionSchema = request('delete_session', { session_id: id });
/**
 * `resume_session`: start an exited session's CLI again with its own resume flag and the
 * session's conversation id, in the same session (`session_resumed`).
 */
export const resumeSessionSchema = request('resume_session', { session_id: id });
/** Registration token kinds: provider tokens, and per-session APNs Live Activity tokens. */
export const PUSH_TOKEN_TYPES = ['apns', 'fcm', 'expo', 'webpush', 'live_activity'] as const;
/**
 * `register_push_token`: register this device for push notifications. A `live_activity` token
 * belongs to one session (`session_id` required, `platform: "ios"`).
 */
export const registerPushTokenSchema = request('register_push_token', {
  token: z.string().min(1).max(LIMITS.pushToken),
  token_type: z.enum(PUSH_TOKEN_TYPES),
  platform: z.string().min(1).max(LIMITS.platform),
  environment: z.enum(['sandbox', 'production']).optional(),
  session_id: id.optional(),
}).refine((value) => value.token_type !== 'live_activity' || (value.session_id !== undefined && value.platform === 'ios'), {
  message: 'a live_activity token needs session_id and platform "ios"',
});
/**
 * `app_state`: the app came to the foreground (`active`, showing `session_id` if any) or left
 * it (`background`). An `active` report for a session suppresses its pushes for 30 s.
 */
export const appStateSchema = request('app_state', {
  state: z.enum(['active', 'background']),
  session_id: id.optional(),
});

/**
 * `auth`: the first frame of a socket opened without an Authorization header (browsers cannot
 * set one); nothing else is accepted before it, and it must arrive within 5 s.
 */
export const authSchema = request('auth', { token: z.string().min(1).max(LIMITS.token) });
/** `rotate_token`: swap this device's token for a new one (answered with `token_rotated`). */
export const rotateTokenSchema = request('rotate_token', {});

/** Every client message, keyed by its `type`. */
export const clientMessageSchemas = {
  auth: authSchema,
  rotate_token: rotateTokenSchema,
  subscribe: subscribeSchema,
  unsubscribe: unsubscribeSchema,
  create_session: createSessionSchema,
  close_session: closeSessionSchema,
  send_input: sendInputSchema,
  resize: resizeSchema,
  tool_approval: toolApprovalSchema,
  answer: answerSchema,
  register_push_token: registerPushTokenSchema,
  app_state: appStateSchema,
  rename_session: renameSessionSchema,
  delete_session: deleteSessionSchema,
  resume_session: resumeSessionSchema,
} as const;

/** Any client → server message. */
export const clientMessageSchema = z.discriminatedUnion('type', Object.values(clientMessageSchemas) as [
  typeof authSchema,
  ...Array<(typeof clientMessageSchemas)[keyof typeof clientMessageSchemas]>,
]);

/** A client message type tag. */
export type ClientMessageType = keyof typeof clientMessageSchemas;
/** A client message of one type. */
export type ClientMessageOf<T extends ClientMessageType> = z.infer<(typeof clientMessageSchemas)[T]>;
/** Any client → server message. */
export type ClientMessage = { [T in ClientMessageType]: ClientMessageOf<T> }[ClientMessageType];

// ---------------------------------------------------------------- server → client

const waitingSchema = z.object({ prompt_id: z.string(), wait_type: z.enum(WAIT_TYPES) }).nullable();
/** A session as clients see it (mirrors `SessionInfo`). */
export const sessionInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  cli_type: cliId,
  command: z.string(),
  args: z.array(z.string()),
  cwd: z.string(),
  cols: z.number().int(),
  rows: z.number().int(),
  /** `failed`: exited with a non-zero code that Tether did not cause. */
  status: z.enum(['running', 'exited', 'failed']),
  exit_code: z.number().int().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  /** The CLI's version, when known. */
  cli_version: z.string().optional(),
  waiting: waitingSchema,
  /** The CLI's own conversation id (what `resume_session` resumes), once known. */
  conversation_id: z.string().optional(),
});

/** A CLI this daemon knows (from its registry): what a client shows and may start. */
export const cliSummarySchema = z.object({
  id: cliId,
  display_name: z.string(),
  /** Command names that start it (`create_session.cli`); the first is the one to offer. Empty: not started by name. */
  commands: z.array(z.string()),
});
/** First message on every connection; `clis` lists the CLIs the daemon knows, in its order. */
export const welcomeSchema = z.object({
  type: z.literal('welcome'),
  protocol_version: z.number().int(),
  daemon_version: z.string(),
  device_id: z.string(),
  clis: z.array(cliSummarySchema).optional(),
  /** What this connection may do (src/common/scopes.ts); older daemons omit it. */
  scopes: z.array(z.enum(RIGHTS)).optional(),
  /** When this device's token stops working (ISO 8601); absent: never, or the admin. Rotate before. */
  token_expires_at: z.string().optional(),
});
/** The session list, sent after `welcome`. */
export const sessionsSchema = z.object({ type: z.literal('sessions'), sessions: z.array(sessionInfoSchema) });
/** A session was created; `request_id` echoes the requester's `create_session`. */
export const sessionCreatedSchema = z.object({
  type: z.literal('session_created'),
  session: sessionInfoSchema,
  request_id: requestId.optional(),
});
/** A session runs again: its agent outlived the previous daemon and was re-attached (its seqs continue above the old ones), or `resume_session` started its CLI with the CLI's resume flag. */
export const sessionResumedSchema = z.object({
  type: z.literal('session_resumed'),
  session: sessionInfoSchema,
});
/** A session's PTY exited. */
export const sessionClosedSchema = z.object({
  type: z.literal('session_closed'),
  session_id: z.string(),
  seq,
  exit_code: z.number().int().nullable(),
});
/** A session's agent is waiting for the user. */
export const waitingForInputSchema = z.object({
  type: z.literal('waiting_for_input'),
  session_id: z.string(),
  seq,
  timestamp: z.string(),
  prompt_id: z.string(),
  wait_type: z.enum(WAIT_TYPES),
  prompt_content: z.string(),
  options: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      /** Present (true) when picking the option opens a text field: answer with option_id and text. */
      accepts_text: z.literal(true).optional(),
      /** The option's meaning for tool_approval answers, when known. */
      role: z.enum(OPTION_ROLES).optional(),
    }),
  ),
  cli_type: cliId,
  tool_name: z.string().optional(),
  kind: z.string().optional(),
  after_turn: z.boolean().optional(),
  /** `low`: read by the CLI-agnostic fallback reader, not the CLI's parser. */
  confidence: z.enum(CONFIDENCES).optional(),
  /** The answer is a secret (API key): mask it. */
  sensitive: z.literal(true).optional(),
  /** ISO 8601: when this decision prompt expires (`approvals.timeout_seconds`); absent: never. */
  expires_at: z.string().optional(),
  /** What the expiry does: `deny` answers with the deny option, `notify` only tells. */
  on_timeout: z.enum(ON_TIMEOUT_ACTIONS).optional(),
  /** `hook`: announced by the CLI's permission hook only (no screen prompt read); options from its descriptor. */
  source: z.literal('hook').optional(),
  /** What the CLI's permission hook said about this prompt. */
  hook_details: z.object({ tool_name: z.string(), command: z.string().optional(), request_id: z.string().optional() }).optional(),
  /** Present (true) when the prompt or an option label holds bidi controls or invisible characters: warn before approving. */
  has_hidden_characters: z.literal(true).optional(),
});
/** A waiting state ended. */
export const waitingClearedSchema = z.object({
  type: z.literal('waiting_cleared'),
  session_id: z.string(),
  seq,
  timestamp: z.string(),
  prompt_id: z.string(),
  cause: z.enum(['answered', 'input', 'agent_resumed', 'superseded', 'session_exited', 'timed_out']),
  /** What cleared it: the chosen option's keys (`1`, `y`, an escape sequence) or `input` for typed text. */
  response: z.string().optional(),
});
/** A decision prompt will be denied at `expires_at` (`approvals.on_timeout: deny`): the warning. */
export const approvalExpiringSchema = z.object({
  type: z.literal('approval_expiring'),
  session_id: z.string(),
  seq,
  timestamp: z.string(),
  prompt_id: z.string(),
  wait_type: z.enum(WAIT_TYPES),
  expires_at: z.string(),
});
/** A decision prompt's time ran out: `denied` (deny option typed; later answers get STALE_PROMPT) or `notified` (still answerable). */
export const approvalTimeoutSchema = z.object({
  type: z.literal('approval_timeout'),
  session_id: z.string(),
  seq,
  timestamp: z.string(),
  prompt_id: z.string(),
  wait_type: z.enum(WAIT_TYPES),
  action: z.enum(['denied', 'notified']),
  reason: z.string().optional(),
});
/** A session's status, name, conversation id or waiting state changed. */
export const sessionUpdatedSchema = z.object({ type: z.literal('session_updated'), session: sessionInfoSchema });
/** A session was renamed. */
export const sessionRenamedSchema = z.object({ type: z.literal('session_renamed'), session_id: z.string(), new_name: z.string() });
/** A session was removed (deleted, closed after exit, or the oldest exited one past `sessions.keep_exited`). */
export const sessionDeletedSchema = z.object({ type: z.literal('session_deleted'), session_id: z.string() });
/** The draft in the agent's input box, read off the screen (debounced). */
export const inputStateSchema = z.object({
  type: z.literal('input_state'),
  session_id: z.string(),
  text: z.string(),
  /** UTF-16 code units from the start of `text`. */
  cursor_position: z.number().int().min(0),
  /** The device whose input reached the session last (`local`: the desk's `tether run`); null when none. */
  sender_id: z.string().nullable(),
  timestamp: z.string(),
});
/** The config file changed and the valid change was applied; `restart_required` lists keys that wait for a restart. */
export const configChangedSchema = z.object({
  type: z.literal('config_changed'),
  change_type: z.literal('config'),
  /** Dotted keys whose values changed (`push.delay_seconds`). */
  changed: z.array(z.string()),
  /** Changed keys that apply only after a daemon restart (`server.port`, `push.apns`, …). */
  restart_required: z.array(z.string()),
});
/** The config file was edited into something invalid; the last good config stays in force. */
export const configInvalidSchema = z.object({
  type: z.literal('config_invalid'),
  /** The dotted key that failed ('' when the file as a whole is unreadable or not YAML). */
  path: z.string(),
  reason: z.string(),
  /** The config file. */
  file: z.string(),
});
/** One entry of the agent's timeline, from its hooks or transcript (`source`). */
export const activitySchema = z.object({
  type: z.literal('activity'),
  session_id: z.string(),
  seq,
  activity_type: z.enum(['tool_start', 'tool_result', 'text', 'user_prompt', 'thinking']),
  /** Text, tool output or a tool call's summary; cut at 16 KiB with a marker. */
  content: z.string(),
  tool_name: z.string().optional(),
  /** The tool's input as the agent gave it (a `{truncated, preview}` object when its JSON passes 16 KiB). */
  tool_params: z.unknown().optional(),
  file_path: z.string().optional(),
  is_error: z.boolean().optional(),
  is_streaming: z.boolean(),
  timestamp: z.string(),
  uuid: z.string(),
  source: z.enum(['pty', 'hook', 'jsonl']),
});
/** A chat message: the user's prompt or the model's text. */
export const newMessageSchema = z.object({
  type: z.literal('new_message'),
  session_id: z.string(),
  seq,
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  tool_name: z.string().optional(),
  is_complete: z.boolean(),
  /** The `client_msg_id` of the `send_input` this user message came from (seed mobile-notifications §5.1). */
  client_msg_id: z.string().optional(),
  timestamp: z.string(),
});
/** The current turn's operation, elapsed time and (from the agent's own todo tools) todo progress. */
export const progressUpdateSchema = z.object({
  type: z.literal('progress_update'),
  session_id: z.string(),
  seq,
  current_operation: z.string(),
  elapsed_seconds: z.number().int().min(0),
  todo_progress: z.object({ completed: z.number().int().min(0), total: z.number().int().min(0) }).optional(),
  timestamp: z.string(),
});
/** A session and its final record were removed (`close_session` on an exited session, or the oldest past `sessions.keep_exited`). */
export const sessionRemovedSchema = z.object({ type: z.literal('session_removed'), session_id: z.string() });
/** The reply to `rotate_token`: the new token (keep it; the old one no longer works) and its expiry. */
export const tokenRotatedSchema = z.object({
  type: z.literal('token_rotated'),
  token: z.string(),
  expires_at: z.string().optional(),
  request_id: requestId.optional(),
});
/** Output of a subscribed session. */
export const ptyOutputSchema = z.object({ type: z.literal('pty_output'), session_id: z.string(), seq, data: z.string() });
/** A serialised screen (VT sequences that redraw it) as of `seq`, sent on subscribe. */
export const screenSchema = z.object({
  type: z.literal('screen'),
  session_id: z.string(),
  seq,
  data: z.string(),
  request_id: requestId.optional(),
});
/**
 * The client fell behind (its socket queued too much) and this session's `pty_output` was
 * dropped: reset the terminal and write `data`, the serialised screen as of `seq`; later
 * output follows on from it.
 */
export const resyncSchema = z.object({
  type: z.literal('resync'),
  session_id: z.string(),
  seq,
  data: z.string(),
});
/** A request failed, or a frame was rejected. */
export const errorSchema = z.object({
  type: z.literal('error'),
  code: z.string(),
  message: z.string(),
  request_id: requestId.optional(),
});
/** A request that carried `request_id` succeeded and has no other reply. */
export const ackSchema = z.object({ type: z.literal('ack'), request_id: requestId });

/** What happened to one push for one registration. */
export const PUSH_DELIVERY_STATUSES = ['sent', 'suppressed', 'queued', 'retried', 'failed', 'token_removed'] as const;
/** The result of one push to one registration, as reported to clients, the log and the history. */
export const pushDeliveryResultSchema = z.object({
  status: z.enum(PUSH_DELIVERY_STATUSES),
  /** Why: the suppression rule, the provider's reason code, the queue or retry cause. */
  reason: z.string().optional(),
  /** The provider's HTTP status, when it answered. */
  http_status: z.number().int().optional(),
  /** 0 for the first send, 1.. for retries. */
  attempt: z.number().int().min(0).optional(),
  /** For `retried` and `queued`: when the next try is due (ms from now). */
  retry_in_ms: z.number().int().min(0).optional(),
});
/** The delivery report of one push to one registration of one device. */
export const pushResultSchema = z.object({
  type: z.literal('push_result'),
  prompt_id: z.string(),
  session_id: z.string().optional(),
  device_id: z.string(),
  provider: z.enum(PUSH_TOKEN_TYPES),
  result: pushDeliveryResultSchema,
  /** ISO 8601. */
  timestamp: z.string(),
});

/** Any server → client message. */
export const serverMessageSchema = z.discriminatedUnion('type', [
  welcomeSchema,
  sessionsSchema,
  sessionCreatedSchema,
  sessionResumedSchema,
  sessionClosedSchema,
  waitingForInputSchema,
  waitingClearedSchema,
  ptyOutputSchema,
  screenSchema,
  resyncSchema,
  errorSchema,
  ackSchema,
  pushResultSchema,
  queueUpdatedSchema,
  autoplayPausedSchema,
  interactionCompletedSchema,
  approvalExpiringSchema,
  approvalTimeoutSchema,
  sessionUpdatedSchema,
  sessionRenamedSchema,
  sessionDeletedSchema,
  inputStateSchema,
  configChangedSchema,
  configInvalidSchema,
  activitySchema,
  newMessageSchema,
  progressUpdateSchema,
  sessionRemovedSchema,
  tokenRotatedSchema,
]);

/** `welcome`. */
export type WelcomeMessage = z.infer<typeof welcomeSchema>;
/** `screen`. */
export type ScreenMessage = z.infer<typeof screenSchema>;
/** `resync`. */
export type ResyncMessage = z.infer<typeof resyncSchema>;
/** `error`. */
export type ErrorMessage = z.infer<typeof errorSchema>;
/** `ack`. */
export type AckMessage = z.infer<typeof ackSchema>;
/** A delivery status. */
export type PushDeliveryStatus = (typeof PUSH_DELIVERY_STATUSES)[number];
/** One delivery result. */
export type PushDeliveryResult = z.infer<typeof pushDeliveryResultSchema>;
/** `push_result`. */
export type PushResultMessage = z.infer<typeof pushResultSchema>;
/** `config_changed`. */
export type ConfigChangedMessage = z.infer<typeof configChangedSchema>;
/** `config_invalid`. */
export type ConfigInvalidMessage = z.infer<typeof configInvalidSchema>;
/** `session_removed`. */
export type SessionRemovedMessage = z.infer<typeof sessionRemovedSchema>;
/** `token_rotated`. */
export type TokenRotatedMessage = z.infer<typeof tokenRotatedSchema>;
/** Any server → client message; session events are sent exactly as core emits them. */
export type ServerMessage =
  | WelcomeMessage
  | { readonly type: 'sessions'; readonly sessions: readonly SessionInfo[] }
  | { readonly type: 'session_created'; readonly session: SessionInfo; readonly request_id?: string }
  | SessionResumedEvent
  | SessionClosedEvent
  | WaitingForInputEvent
  | WaitingClearedEvent
  | PtyOutputEvent
  | ScreenMessage
  | ResyncMessage
  | ErrorMessage
  | AckMessage
  | PushResultMessage
  | QueueMessage
  | LifecycleEvent
  | ConfigChangedMessage
  | ConfigInvalidMessage
  | ActivityEvent
  | NewMessageEvent
  | ProgressUpdateEvent
  | InteractionCompletedEvent
  | SessionRemovedMessage
  | TokenRotatedMessage;
