/**
 * The `ios-backend` dialect: seed `backend-events-apns-live-activities.md` (an iOS app with Live
 * Activities). A decision prompt's expiry is `approval_timeout {sessionId, requestId}`
 * (`requestId` is Tether's `prompt_id`); the answer is `approval_response {requestId, approved}`,
 * and a request that is no longer live gets `STALE_PROMPT` ("Expired or not found"). Everything
 * else is Tether's own shape (the seed defines no other socket messages).
 */
import { TetherError } from '../../common/index.js';
import type { ClientMessage, ServerMessage } from '../../common/protocol.js';
import { requestIdOf, sessionOfPrompt, stringField } from './dialect.js';
import type { Dialect, DialectContext } from './dialect.js';

function outbound(message: ServerMessage): readonly object[] {
  if (message.type === 'approval_timeout') return [{ type: 'approval_timeout', sessionId: message.session_id, requestId: message.prompt_id }];
  return [message];
}

function inbound(frame: Readonly<Record<string, unknown>>, context: DialectContext): ClientMessage | undefined {
  if (frame.type !== 'approval_response') return undefined;
  const requestId = stringField(frame, 'requestId');
  if (typeof frame.approved !== 'boolean') throw new TetherError('BAD_MESSAGE', 'approval_response.approved must be true or false');
  return { type: 'tool_approval', session_id: sessionOfPrompt(context, requestId), prompt_id: requestId, response: frame.approved ? 'yes' : 'no', ...requestIdOf(frame) };
}

/** The `ios-backend` dialect. */
export const iosBackendDialect: Dialect = { name: 'ios-backend', outbound, inbound };
