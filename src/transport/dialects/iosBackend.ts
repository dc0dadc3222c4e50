/**
 * The `ios-backend` dialect: seed `backend-events-apns-live-activities.md` (an iOS app with Live
 * Activities). A decision prompt's expiry is `approval_timeout {sessionId, requestId}`, the turn's
 * progress `progress_update {sessionId, data: {currentOperation, elapsedSeconds, todoProgress}}`
 * (`requestId` is Tether's `prompt_id`); the answer is `approval_response {requestId, approved}`,
 * and a request that is no longer live gets `STALE_PROMPT` ("Expired or not found"). A push token
 * registers with the seed's `token_type: device|live_activity`; its pushes and Live Activity
 * updates then take the seed's shapes (src/push/pushDialects.ts). Everything else is Tether's
 * own shape (the seed defines no other socket messages).
 */
import { TetherError } from '../../common/index.js';
import type { ClientMessage, ServerMessage } from '../../common/protocol.js';
import { parseClientMessage } from '../../common/protocolParse.js';
import { requestIdOf, sessionOfPrompt, stringField } from './dialect.js';
import type { Dialect, DialectContext } from './dialect.js';

function outbound(message: ServerMessage): readonly object[] {
  if (message.type === 'approval_timeout') return [{ type: 'approval_timeout', sessionId: message.session_id, requestId: message.prompt_id }];
  if (message.type === 'progress_update') {
    const data = { currentOperation: message.current_operation, elapsedSeconds: message.elapsed_seconds, ...(message.todo_progress === undefined ? {} : { todoProgress: message.todo_progress }) };
    return [{ type: 'progress_update', sessionId: message.session_id, data }];
  }
  return [message];
}

/**
 * The seed's token kinds (`push_tokens.token_type`): `device` is an APNs device token, read as
 * Tether's `register_push_token {token_type: "apns"}` (platform `ios` unless given);
 * `live_activity` needs the session (`session_id`, or the seed's `sessionId`).
 * @throws TetherError BAD_MESSAGE (Tether's register_push_token rules)
 */
function registration(frame: Readonly<Record<string, unknown>>): ClientMessage {
  const sessionId = frame.session_id ?? frame.sessionId;
  const { sessionId: _seedName, ...rest } = frame;
  return parseClientMessage(
    JSON.stringify({ ...rest, token_type: frame.token_type === 'device' ? 'apns' : frame.token_type, platform: frame.platform ?? 'ios', ...(sessionId === undefined ? {} : { session_id: sessionId }) }),
  );
}

function inbound(frame: Readonly<Record<string, unknown>>, context: DialectContext): ClientMessage | undefined {
  if (frame.type === 'register_push_token' && (frame.token_type === 'device' || frame.token_type === 'live_activity')) return registration(frame);
  if (frame.type !== 'approval_response') return undefined;
  const requestId = stringField(frame, 'requestId');
  if (typeof frame.approved !== 'boolean') throw new TetherError('BAD_MESSAGE', 'approval_response.approved must be true or false');
  return { type: 'tool_approval', session_id: sessionOfPrompt(context, requestId), prompt_id: requestId, response: frame.approved ? 'yes' : 'no', ...requestIdOf(frame) };
}

/** The `ios-backend` dialect. */
export const iosBackendDialect: Dialect = { name: 'ios-backend', outbound, inbound };
