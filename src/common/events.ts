/**
 * Session events: the one typed stream that transport forwards and push filters.
 * Wire `type` tags are identical to these; every event carries a per-session monotonic `seq`.
 */
import type { CliType, Confidence, HookDetails, OptionRole, WaitType } from './verdict.js';
import type { LifecycleEvent, OnTimeout } from './lifecycleEvents.js';
import type { SessionInfo } from './sessionInfo.js';

export type { SessionInfo, SessionStatus } from './sessionInfo.js';

/** An option as sent on the wire. */
export interface WireOption {
  /** The on-screen number or a label slug; what `answer.option_id` names. */
  readonly id: string;
  /** The label as drawn. */
  readonly label: string;
  /**
   * Present (true) when picking this option opens a text field on the CLI's screen ("Type
   * something.", "Tell Claude what to change"): send `answer {option_id, text}` to pick it and
   * type. Absent: the option takes no text.
   */
  readonly accepts_text?: true;
  /**
   * What the option means for a `tool_approval` answer, when the parser knows it: `approve`
   * (once), `approve_always`, `deny`. Absent when unknown (read the label).
   */
  readonly role?: OptionRole;
}

/** Why a waiting state ended; `timed_out`: its expiry answered it with the deny option. */
export type ClearCause = 'answered' | 'input' | 'agent_resumed' | 'superseded' | 'session_exited' | 'timed_out';

/** A session's agent started waiting for the user. */
export interface WaitingForInputEvent {
  readonly type: 'waiting_for_input';
  readonly session_id: string;
  readonly seq: number;
  /** ISO 8601. */
  readonly timestamp: string;
  readonly prompt_id: string;
  readonly wait_type: WaitType;
  readonly prompt_content: string;
  readonly options: readonly WireOption[];
  readonly cli_type: CliType;
  /** Tool name for tool approvals (e.g. "Bash"), when the parser could read it. */
  readonly tool_name?: string;
  /** Startup dialog / prompt subtype (e.g. "trust_folder"), when known. */
  readonly kind?: string;
  /** True for awaiting_response right after the agent finished a turn (not at session start). */
  readonly after_turn?: boolean;
  /**
   * `low` when the CLI's own parser did not recognise the screen and the CLI-agnostic fallback
   * reader read this prompt (a select list or y/n question at the bottom of a quiet screen).
   * Absent: read by the CLI's parser. Options answer by their id (the on-screen number) or label.
   */
  readonly confidence?: Confidence;
  /** True when the answer is a secret (an API key): show a masked field; never echo it. */
  readonly sensitive?: true;
  /** ISO 8601, when the prompt expires (decision prompts under an `approvals` timeout); absent: never. */
  readonly expires_at?: string;
  /** What the expiry will do (present with `expires_at`). */
  readonly on_timeout?: OnTimeout;
  /**
   * `hook`: the screen showed no prompt the parser knew, but the CLI's own permission hook
   * announced one (options from its descriptor). Absent: read off the screen.
   */
  readonly source?: 'hook';
  /** What the CLI's own hook said about this prompt, when one announced it too. */
  readonly hook_details?: HookDetails;
  /**
   * Present (true) when `prompt_content` or an option label holds bidi controls or invisible
   * characters (hiddenCharacters.ts): the text may read differently than it runs.
   */
  readonly has_hidden_characters?: true;
}


/** A waiting state ended. */
export interface WaitingClearedEvent {
  readonly type: 'waiting_cleared';
  readonly session_id: string;
  readonly seq: number;
  readonly timestamp: string;
  readonly prompt_id: string;
  readonly cause: ClearCause;
  /**
   * What cleared it, when an answer or a key did: the keys of the chosen option (`1`, `y`, an
   * escape sequence), or `input` for typed text.
   */
  readonly response?: string;
}

/** Bytes the PTY produced (UTF-8 decoded). */
export interface PtyOutputEvent {
  readonly type: 'pty_output';
  readonly session_id: string;
  readonly seq: number;
  readonly data: string;
}

/** A session was created. */
export interface SessionCreatedEvent {
  readonly type: 'session_created';
  readonly session: SessionInfo;
}

/**
 * A daemon that started re-attached a session whose agent outlived the previous daemon (its host
 * kept it): the screen was rebuilt; its seqs continue above every seq issued before, so a client
 * resuming with `since` from before the restart gets a fresh `screen`.
 */
export interface SessionResumedEvent {
  readonly type: 'session_resumed';
  readonly session: SessionInfo;
}

/** A session's PTY exited (after its output was flushed). */
export interface SessionClosedEvent {
  readonly type: 'session_closed';
  readonly session_id: string;
  readonly seq: number;
  readonly exit_code: number | null;
}

/** Where an event's facts came from: the screen, a hook, a transcript (JSONL). */
export type EventSource = 'pty' | 'hook' | 'jsonl';

/** What one `activity` entry is. */
export type ActivityType = 'tool_start' | 'tool_result' | 'text' | 'user_prompt' | 'thinking';

/** One entry of the agent's timeline (seed mobile-notifications-and-tool-approval.md). */
export interface ActivityEvent {
  readonly type: 'activity';
  readonly session_id: string;
  readonly seq: number;
  readonly activity_type: ActivityType;
  /** Text, tool output or a tool's one-line summary; cut at 16 KiB with a marker. */
  readonly content: string;
  readonly tool_name?: string;
  /** The tool's input as the agent gave it (strings cut like `content`). */
  readonly tool_params?: unknown;
  readonly file_path?: string;
  /** True for tool results that are errors. */
  readonly is_error?: boolean;
  readonly is_streaming: boolean;
  /** ISO 8601. */
  readonly timestamp: string;
  /** Unique per entry (the witness's own id where it has one). */
  readonly uuid: string;
  readonly source: EventSource;
}

/** A chat message of the conversation (user prompt or the model's text). */
export interface NewMessageEvent {
  readonly type: 'new_message';
  readonly session_id: string;
  readonly seq: number;
  readonly role: 'user' | 'assistant';
  readonly content: string;
  readonly tool_name?: string;
  readonly is_complete: boolean;
  /** The `client_msg_id` of the `send_input` a user message came from, when a client gave one. */
  readonly client_msg_id?: string;
  readonly timestamp: string;
}

/** What the agent is doing in the current turn, and its todo list's progress when it keeps one. */
export interface ProgressUpdateEvent {
  readonly type: 'progress_update';
  readonly session_id: string;
  readonly seq: number;
  readonly current_operation: string;
  /** Whole seconds since the turn began. */
  readonly elapsed_seconds: number;
  /** From the agent's own todo tools (exact) when it has them. */
  readonly todo_progress?: { readonly completed: number; readonly total: number };
  readonly timestamp: string;
}

/** A turn (interaction) ended: `ok`, or `error` when the agent said it failed. */
export interface InteractionCompletedEvent {
  readonly type: 'interaction_completed';
  readonly session_id: string;
  readonly seq: number;
  readonly interaction_id: string;
  readonly status: 'ok' | 'error';
  readonly timestamp: string;
}


/** Every event on the session stream. */
export type SessionEvent =
  | WaitingForInputEvent
  | WaitingClearedEvent
  | PtyOutputEvent
  | SessionCreatedEvent
  | SessionResumedEvent
  | SessionClosedEvent
  | LifecycleEvent
  | ActivityEvent
  | NewMessageEvent
  | ProgressUpdateEvent
  | InteractionCompletedEvent;

/** The session events that carry `seq` (kept in a session's history for `since` resume). */
export type SequencedEvent = Extract<SessionEvent, { readonly seq: number }>;

/** True for an event with `seq`. */
export function isSequenced(event: SessionEvent): event is SequencedEvent {
  return 'seq' in event;
}

/**
 * What a session is doing, as read off its screen (for Live Activities and status badges).
 * Not a wire event: the push dispatcher and UIs read it through ISessionService.
 */
export interface SessionActivity {
  readonly session_id: string;
  readonly status: 'busy' | 'waiting' | 'idle' | 'exited';
  /** The CLI's busy line (spinner text), while busy. */
  readonly operation?: string;
  /** Progress of the on-screen todo list, when the parser can read one. */
  readonly todo?: { readonly completed: number; readonly total: number };
  /** ISO 8601 time the current status began. */
  readonly since: string;
}
