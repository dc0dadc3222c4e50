/**
 * Tether's error vocabulary. Expected failures are `TetherError` with a stable `code`;
 * broken invariants are `BugError`. Codes are listed with one line each in docs/protocol.md.
 */

/** Every stable error code Tether emits, on the wire and in logs. */
export const ERROR_CODES = [
  'BAD_MESSAGE', // frame is not JSON, fails the schema, or has an unknown type
  'UNAUTHORIZED', // missing or invalid token
  'FORBIDDEN', // a valid credential whose scope does not allow this
  'NOT_FOUND', // no such HTTP route, WebSocket path or paired device
  'PAIRING_REJECTED', // pairing code unknown, used or expired
  'RATE_LIMITED', // too many failed attempts
  'HOST_NOT_ALLOWED', // the Host header names no address or name of this daemon (DNS rebinding)
  'ORIGIN_NOT_ALLOWED', // a browser page of another origin tried a state-changing request or the WebSocket
  'UNSUPPORTED_MEDIA_TYPE', // a request body that is not application/json
  'TOO_MANY_CONNECTIONS', // the daemon holds as many connections (in total or from this address) as it allows
  'SESSION_NOT_FOUND', // no session with that id
  'SESSION_EXITED', // the session's PTY has exited; it takes no input
  'SPAWN_FAILED', // the command could not be started (unknown command, bad cwd)
  'SESSION_LIMIT', // as many sessions run as `sessions.max_running` allows
  'UNKNOWN_CLI', // the cli name is not one Tether knows and is not an executable
  'STALE_PROMPT', // the answer names a prompt that is no longer live
  'OPTION_NOT_FOUND', // the answer names an option that is not on screen
  'PROMPT_CHANGED', // the screen showed another prompt (or none) when the answer's text was to be typed
  'INPUT_NOT_ECHOED', // typed text never showed in the CLI's input; its submit key was not sent
  'NOT_RESUMABLE', // the session still runs, has no conversation id yet, or its CLI has no resume flag
  'INVALID_TOKEN', // a push token has the wrong format
  'CONFIG_INVALID', // the YAML config cannot be parsed or fails its schema
  'DAEMON_NOT_RUNNING', // the CLI cannot reach the daemon through its data-dir file
  'CAST_INVALID', // an asciicast file is malformed
  'PUSH_FAILED', // a push provider rejected or could not deliver a notification
  'STORE_WRITE_FAILED', // the data dir refused a write (disk full, read-only, no permission); nothing stored was lost
  'QUEUE_FULL', // a session's prompt queue holds as many queued prompts as it may
  'QUEUE_ITEM_NOT_FOUND', // no queue item with that id in that session's queue (a stale id)
  'QUEUE_ITEM_LOCKED', // the queue item is being run or finished; only queued items change
  'INTERACTION_NOT_FOUND', // no open interaction with that id in that session
  'INTERNAL', // anything unexpected; the daemon keeps running
] as const;

/** A stable error code string. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An expected, classified failure with a stable code. */
export class TetherError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TetherError';
    this.code = code;
  }
}

/** A broken invariant inside Tether (a bug, never bad outside input). */
export class BugError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BugError';
  }
}

/** Returns `err` as a TetherError, wrapping anything else as `INTERNAL`. */
export function toTetherError(err: unknown): TetherError {
  if (err instanceof TetherError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new TetherError('INTERNAL', message, { cause: err });
}
