/**
 * The lifecycle vocabulary beside the waiting edges: what an approval's expiry does
 * (`ApprovalRule`), the expiry events (`approval_expiring`, `approval_timeout`), the
 * session-level changes (`session_updated`, `session_renamed`, `session_deleted`,
 * `session_resumed`) and the input box's draft (`input_state`). Wire names are these tags.
 */
import type { SessionInfo } from './sessionInfo.js';
import type { WaitType } from './verdict.js';

/** What happens when an approval's time runs out: answer it with its deny option, or only tell the user. */
export const ON_TIMEOUT_ACTIONS = ['deny', 'notify'] as const;
/** What happens when an approval's time runs out. */
export type OnTimeout = (typeof ON_TIMEOUT_ACTIONS)[number];

/**
 * Wait types that expire: decisions. The idle input box (`awaiting_response`) never does:
 * it is not a question, and nothing could answer it for the user.
 */
export const EXPIRING_WAIT_TYPES: readonly WaitType[] = ['tool_approval', 'plan_approval', 'clarifying_question'];

/** The expiry of one prompt, as configured for its CLI and wait type (`approvals` in the config). */
export interface ApprovalRule {
  /** Time from the prompt's appearance to its expiry (ms); 0: the prompt never expires. */
  readonly timeoutMs: number;
  readonly onTimeout: OnTimeout;
  /** `deny` only: the warning goes this long before the expiry (ms). */
  readonly warnMs: number;
}

/** A decision prompt will expire soon and be denied (`on_timeout: deny`): the warning. */
export interface ApprovalExpiringEvent {
  readonly type: 'approval_expiring';
  readonly session_id: string;
  readonly seq: number;
  /** ISO 8601, when the warning went out. */
  readonly timestamp: string;
  readonly prompt_id: string;
  readonly wait_type: WaitType;
  /** ISO 8601, when the prompt will be answered with its deny option. */
  readonly expires_at: string;
}

/** What a prompt's expiry did: `denied` (its deny option was typed) or `notified` (it stays answerable). */
export type TimeoutAction = 'denied' | 'notified';

/** A decision prompt's time ran out. */
export interface ApprovalTimeoutEvent {
  readonly type: 'approval_timeout';
  readonly session_id: string;
  readonly seq: number;
  /** ISO 8601, when it expired. */
  readonly timestamp: string;
  readonly prompt_id: string;
  readonly wait_type: WaitType;
  readonly action: TimeoutAction;
  /** Why a `deny` rule only notified (no deny option or cancel key on screen). */
  readonly reason?: string;
}

/** A session's status, name, conversation id or waiting state changed; `session` is the new state. */
export interface SessionUpdatedEvent {
  readonly type: 'session_updated';
  readonly session: SessionInfo;
}

/** A session was renamed. */
export interface SessionRenamedEvent {
  readonly type: 'session_renamed';
  readonly session_id: string;
  readonly new_name: string;
}

/** A session and its final record were removed. */
export interface SessionDeletedEvent {
  readonly type: 'session_deleted';
  readonly session_id: string;
}

/** What is typed in the agent's input box, read off the screen. */
export interface InputStateEvent {
  readonly type: 'input_state';
  readonly session_id: string;
  /** The draft as drawn (lines joined with `\n`); '' when the box is empty. */
  readonly text: string;
  /** Where the cursor is within `text` (UTF-16 code units from its start). */
  readonly cursor_position: number;
  /** The device whose input reached the session last (`local` for `tether run`); null when none has. */
  readonly sender_id: string | null;
  /** ISO 8601, when the screen was read. */
  readonly timestamp: string;
}

/** The lifecycle events on the session stream. */
export type LifecycleEvent =
  | ApprovalExpiringEvent
  | ApprovalTimeoutEvent
  | SessionUpdatedEvent
  | SessionRenamedEvent
  | SessionDeletedEvent
  | InputStateEvent;
