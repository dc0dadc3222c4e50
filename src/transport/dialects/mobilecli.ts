/**
 * The `mobilecli` dialect: seed `mobile-notifications-and-tool-approval.md` §5 (MobileCLI's Expo
 * app). Sessions carry `project_path`, `created_at`, `last_active_at`, `status: active|idle|closed`
 * and `cli_type`; the waiting edges carry the seed's fields; `session_closed` is `{session_id}`;
 * `input_state.timestamp` is epoch ms. `tool_approval {session_id, response}` has no prompt id: it
 * answers the session's live prompt, unless that prompt appeared in the last PROMPT_SETTLE_MS
 * (the phone may be answering the one before), which is refused rather than guessed.
 * `send_input {raw}` and `register_push_token {token, token_type, platform}` are Tether's own.
 */
import { TetherError } from '../../common/index.js';
import type { SessionInfo } from '../../common/index.js';
import type { ClientMessage, ServerMessage } from '../../common/protocol.js';
import { requestIdOf, stringField } from './dialect.js';
import type { Dialect, DialectContext } from './dialect.js';

/** A prompt younger than this (ms) is not answered by a `tool_approval` without a prompt id. */
export const PROMPT_SETTLE_MS = 2000;

/** The seed's session: `status` is `active` (working or asking), `idle` (at its input) or `closed`. */
export function mobileSession(info: SessionInfo): Record<string, unknown> {
  const status = info.status !== 'running' ? 'closed' : info.waiting?.wait_type === 'awaiting_response' ? 'idle' : 'active';
  return { id: info.id, name: info.name, project_path: info.cwd, created_at: info.created_at, last_active_at: info.updated_at, status, cli_type: info.cli_type };
}

function outbound(message: ServerMessage): readonly object[] {
  switch (message.type) {
    case 'sessions':
      return [{ type: 'sessions', sessions: message.sessions.map(mobileSession) }];
    case 'session_created':
    case 'session_resumed':
    case 'session_updated':
      return [{ type: message.type, session: mobileSession(message.session) }];
    case 'session_closed':
      return [{ type: 'session_closed', session_id: message.session_id }];
    case 'waiting_for_input':
      return [{ type: 'waiting_for_input', session_id: message.session_id, timestamp: message.timestamp, prompt_content: message.prompt_content, wait_type: message.wait_type, cli_type: message.cli_type }];
    case 'waiting_cleared':
      return [{ type: 'waiting_cleared', session_id: message.session_id, timestamp: message.timestamp, response: message.response ?? message.cause }];
    case 'input_state':
      return [{ ...message, timestamp: Date.parse(message.timestamp) }];
    default:
      return [message];
  }
}

function inbound(frame: Readonly<Record<string, unknown>>, context: DialectContext): ClientMessage | undefined {
  // With a prompt id it is Tether's own tool_approval.
  if (frame.type !== 'tool_approval' || frame.prompt_id !== undefined) return undefined;
  const sessionId = stringField(frame, 'session_id');
  const response = frame.response;
  if (response !== 'yes' && response !== 'yes_always' && response !== 'no') {
    throw new TetherError('BAD_MESSAGE', 'tool_approval.response must be yes, yes_always or no');
  }
  const live = context.sessions.currentWaiting(sessionId);
  if (live === undefined || live.wait_type === 'awaiting_response') throw new TetherError('STALE_PROMPT', `session ${sessionId} waits for no approval`);
  if (context.now() - Date.parse(live.timestamp) < PROMPT_SETTLE_MS) {
    throw new TetherError('STALE_PROMPT', `the prompt of session ${sessionId} changed in the last ${PROMPT_SETTLE_MS / 1000} s; look again and answer`);
  }
  return { type: 'tool_approval', session_id: sessionId, prompt_id: live.prompt_id, response, ...requestIdOf(frame) };
}

/** The `mobilecli` dialect. */
export const mobilecliDialect: Dialect = { name: 'mobilecli', outbound, inbound };
