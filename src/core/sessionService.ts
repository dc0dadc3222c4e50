/**
 * The contract core offers to transport, push and the daemon: sessions, their event stream,
 * input and answers. Implemented by SessionManager.
 */
import type { Event, SessionActivity, SessionEvent, SessionInfo, WaitingForInputEvent } from '../common/index.js';

/** Options for a new session. */
export interface CreateSessionOptions {
  /** A known CLI name (`claude`, `codex`, …) or any command on PATH / absolute path. */
  readonly cli: string;
  readonly args?: readonly string[];
  /** Working directory; defaults to the daemon's home dir. */
  readonly cwd?: string;
  /** Size in cells/rows; defaults 120×40. */
  readonly cols?: number;
  readonly rows?: number;
  readonly name?: string;
  /** Extra environment for the CLI (merged over the sanitised daemon environment). */
  readonly env?: Readonly<Record<string, string>>;
  /** Forces the parser; otherwise detected from the command. */
  readonly cliType?: string;
}

/** The answer to an approval prompt. */
export type ApprovalResponse = 'yes' | 'yes_always' | 'no';

/** Who answers (for `input_state.sender_id`). */
export interface AnswerOptions {
  /** The device id of the client that sent it (`local` for `tether run`). */
  readonly senderId?: string;
}

/** Where input comes from: a client's keystrokes or a terminal's replies to queries. */
export interface InputOptions extends AnswerOptions {
  /** Write the bytes as-is instead of typing text and submitting it. */
  readonly raw?: boolean;
  /** The client's id for typed text, echoed on the `new_message` the agent reports for it. */
  readonly clientMsgId?: string;
}

/** Sessions, their events and the ways to answer them. */
export interface ISessionService {
  /** Every event of every session, in order per session. */
  readonly onEvent: Event<SessionEvent>;
  list(): SessionInfo[];
  /** @throws TetherError SESSION_NOT_FOUND */
  get(sessionId: string): SessionInfo;
  /** @throws TetherError SESSION_LIMIT | UNKNOWN_CLI | SPAWN_FAILED */
  create(options: CreateSessionOptions): Promise<SessionInfo>;
  /**
   * Kills a running session's PTY (SIGTERM, then SIGKILL after 3 s); removes an exited session
   * and its final record (`session_deleted`).
   * @throws TetherError SESSION_NOT_FOUND
   */
  close(sessionId: string): void;
  /**
   * Removes a session and its final record (`session_deleted`): at once when it has exited,
   * else after killing it (`session_closed` first).
   * @throws TetherError SESSION_NOT_FOUND
   */
  delete(sessionId: string): void;
  /**
   * Renames a session: `session_renamed` and `session_updated` follow.
   * @throws TetherError SESSION_NOT_FOUND
   */
  rename(sessionId: string, name: string): SessionInfo;
  /**
   * Starts an exited session's CLI again with its resume flag and conversation id, in the same
   * session: `session_resumed` and `session_updated` follow.
   * @throws TetherError SESSION_NOT_FOUND | NOT_RESUMABLE | SESSION_LIMIT | SPAWN_FAILED
   */
  resume(sessionId: string): SessionInfo;
  /**
   * Sends user input. Raw bytes are written as-is (terminal query replies among them are
   * forwarded but never clear a wait); text is typed and submitted with the CLI's submit key
   * (`\r`) once it shows in the CLI's input, at least the submit pause after it; the submission is
   * then checked, and the key sent once more when the CLI read it as a newline (core/typedSubmit.ts).
   * When a prompt was live, the screen must still show one of its wait type when the text is typed.
   * @throws TetherError SESSION_NOT_FOUND | SESSION_EXITED | PROMPT_CHANGED (nothing typed, or the
   *   text went elsewhere and was not submitted) | INPUT_NOT_ECHOED (the text never showed; not submitted)
   */
  sendInput(sessionId: string, text: string, options?: InputOptions): Promise<void>;
  /** @throws TetherError SESSION_NOT_FOUND | SESSION_EXITED */
  resize(sessionId: string, cols: number, rows: number): void;
  /**
   * Answers a tool/plan approval with keys mapped from the options on screen now.
   * @throws TetherError SESSION_NOT_FOUND | SESSION_EXITED | STALE_PROMPT (also when nothing is live)
   */
  answerApproval(sessionId: string, promptId: string, response: ApprovalResponse, options?: AnswerOptions): Promise<void>;
  /**
   * Picks an on-screen option or types free text as the answer to the live prompt.
   * @throws TetherError SESSION_NOT_FOUND | SESSION_EXITED | STALE_PROMPT (also when nothing is live) | OPTION_NOT_FOUND |
   *   PROMPT_CHANGED | INPUT_NOT_ECHOED (free text, as for sendInput)
   */
  answer(sessionId: string, promptId: string, answer: { optionId?: string; text?: string }, options?: AnswerOptions): Promise<void>;
  /** The live prompt's event, if the session is waiting. */
  currentWaiting(sessionId: string): WaitingForInputEvent | undefined;
  /**
   * The serialised screen (VT sequences that redraw it) and the seq it reflects: output with a
   * higher seq (still being parsed) is not in it but in `eventsSince(seq)`.
   */
  serializeScreen(sessionId: string): { seq: number; data: string };
  /** Buffered events with seq > `since` (bounded history), or undefined when `since` is too old. */
  eventsSince(sessionId: string, since: number): SessionEvent[] | undefined;
  /**
   * Takes one hook payload of a session's CLI (its raw JSON, `hook_event_name` and the CLI's
   * fields); what it says joins the session's activity, turn ends and prompt evidence.
   * @returns how many agent events it said (0 for events Tether does not use)
   * @throws TetherError SESSION_NOT_FOUND | SESSION_EXITED
   */
  postHook(sessionId: string, payload: unknown): number;
  /** True when `token` is session `sessionId`'s hook secret (false for unknown sessions). @throws never */
  hookTokenMatches(sessionId: string, token: string | undefined): boolean;
}

/** What sessions are doing, read off their screens (Live Activities, status badges). */
export interface ISessionActivitySource {
  /** A session's status, busy line or todo progress changed. */
  readonly onActivity: Event<SessionActivity>;
  /** What a session is doing now. @throws TetherError SESSION_NOT_FOUND */
  activity(sessionId: string): SessionActivity;
}
