/**
 * The `craft` dialect: seed `permission-flow-and-config-watcher-plan.md` (Craft Agents web).
 * camelCase: a decision prompt is `permission_request {sessionId, request: {requestId, toolName,
 * command, description}}` (`requestId` is Tether's `prompt_id`), its expiry `permission_timeout
 * {sessionId, requestId}`, a config reload `config_changed {changeType: "config"}`. The answer is
 * `permission_response {requestId, allowed, alwaysAllow}`; a request that is no longer live gets
 * `STALE_PROMPT` (the seed's "unknown request").
 */
import { TetherError } from '../../common/index.js';
import type { WaitingForInputEvent } from '../../common/index.js';
import type { ClientMessage, ServerMessage } from '../../common/protocol.js';
import { requestIdOf, sessionOfPrompt, stringField } from './dialect.js';
import type { Dialect, DialectContext } from './dialect.js';

/** The seed's request: the tool (or the prompt kind), the prompt's text, and its first line. */
function permissionRequest(event: WaitingForInputEvent): Record<string, unknown> {
  const description = event.prompt_content.split('\n').find((line) => line.trim() !== '')?.trim() ?? event.wait_type;
  return {
    type: 'permission_request',
    sessionId: event.session_id,
    request: { requestId: event.prompt_id, toolName: event.tool_name ?? event.wait_type, command: event.prompt_content, description },
  };
}

function outbound(message: ServerMessage): readonly object[] {
  switch (message.type) {
    case 'waiting_for_input':
      // Decision prompts are permission requests; the idle box stays Tether's event.
      return message.wait_type === 'awaiting_response' ? [message] : [permissionRequest(message)];
    case 'approval_timeout':
      return [{ type: 'permission_timeout', sessionId: message.session_id, requestId: message.prompt_id }];
    case 'config_changed':
      return [{ type: 'config_changed', changeType: message.change_type }];
    default:
      return [message];
  }
}

function inbound(frame: Readonly<Record<string, unknown>>, context: DialectContext): ClientMessage | undefined {
  if (frame.type !== 'permission_response') return undefined;
  const requestId = stringField(frame, 'requestId');
  if (typeof frame.allowed !== 'boolean') throw new TetherError('BAD_MESSAGE', 'permission_response.allowed must be true or false');
  if (frame.alwaysAllow !== undefined && typeof frame.alwaysAllow !== 'boolean') throw new TetherError('BAD_MESSAGE', 'permission_response.alwaysAllow must be a boolean');
  const response = !frame.allowed ? 'no' : frame.alwaysAllow === true ? 'yes_always' : 'yes';
  return { type: 'tool_approval', session_id: sessionOfPrompt(context, requestId), prompt_id: requestId, response, ...requestIdOf(frame) };
}

/** The `craft` dialect. */
export const craftDialect: Dialect = { name: 'craft', outbound, inbound };
