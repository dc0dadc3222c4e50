/**
 * A session as clients see it (SessionInfo) and its status: the shape every session event and
 * the `sessions` list carry. Its own module so the event modules can share it without a cycle.
 */
import type { CliType, WaitType } from './verdict.js';

/**
 * Status of a session's PTY: `failed` is an exit with a non-zero code that Tether did not
 * cause (a crash, an error exit); a session Tether killed (close, delete, daemon stop) is `exited`.
 */
export type SessionStatus = 'running' | 'exited' | 'failed';

/** A session as clients see it. Timestamps are ISO 8601 strings. */
export interface SessionInfo {
  readonly id: string;
  readonly name: string;
  readonly cli_type: CliType;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly cols: number;
  readonly rows: number;
  readonly status: SessionStatus;
  readonly exit_code: number | null;
  readonly created_at: string;
  readonly updated_at: string;
  /**
   * The CLI's version (e.g. `0.171.0`), read from the package beside its executable or from its
   * banner; absent until known (and for commands that show none).
   */
  readonly cli_version?: string;
  /** The live prompt, when the session is waiting. */
  readonly waiting: { readonly prompt_id: string; readonly wait_type: WaitType } | null;
  /** The CLI's own id of the conversation (what its resume flag takes), once known. */
  readonly conversation_id?: string;
}
