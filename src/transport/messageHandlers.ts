/**
 * Turns one client frame into calls on the session service and replies. Every frame is first
 * checked against a live identity (a revoked, rotated-away or expired credential gets nothing
 * done and its socket cut), then against the sender's scope (scopePolicy.ts). Every failure
 * becomes an `error` reply that echoes `request_id`: TetherErrors keep their code, anything
 * else is logged and sent as INTERNAL. JSON-RPC frames go to jsonRpc.ts. Nothing here may
 * throw or reject.
 */
import { toTetherError, TetherError } from '../common/index.js';
import type { ClientMessage } from '../common/protocol.js';
import { parseClientMessage, peekRequestId } from '../common/protocolParse.js';
import type { ISessionService } from '../core/index.js';
import type { DeviceStore } from '../store/deviceStore.js';
import type { AppStateReport, PushTokenRegistration } from './types.js';
import type { ClientConnection, TransportLog } from './clientConnection.js';
import { handleJsonRpc, isJsonRpcFrame } from './jsonRpc.js';
import { authorizeMessage, type ScopeContext } from './scopePolicy.js';

/** What the handlers need besides the connection. */
export interface HandlerContext {
  readonly sessions: ISessionService;
  readonly devices: DeviceStore;
  readonly onPushToken: (deviceId: string, registration: PushTokenRegistration) => void | Promise<void>;
  readonly onAppState: (report: AppStateReport) => void;
  readonly log: TransportLog;
  /** The auth helper, the desk's own sessions and the start policy. */
  readonly scope: ScopeContext;
  /** Records a session the local admin started (`tether run`): the desk's own terminal. */
  markDesk(sessionId: string): void;
  /** Cuts a socket whose credential stopped working. */
  cut(connection: ClientConnection, reason: string): void;
  /** Cuts the device's other sockets (after a rotation their token is dead). */
  cutOthers(connection: ClientConnection): void;
}

/** Handles one text frame from `connection`; never rejects. @throws never */
export async function handleFrame(context: HandlerContext, connection: ClientConnection, raw: string): Promise<void> {
  if (!context.scope.auth.isLive(connection.identity)) {
    context.cut(connection, 'credential revoked, rotated or expired');
    return;
  }
  if (isJsonRpcFrame(raw)) return handleJsonRpc(context, connection, raw);
  let message: ClientMessage;
  try {
    message = dialectMessage(context, connection, raw) ?? parseClientMessage(raw);
    authorizeMessage(context.scope, connection.identity, message);
  } catch (err) {
    const error = toTetherError(err);
    const requestId = peekRequestId(raw);
    connection.send({ type: 'error', code: error.code, message: error.message, ...optionalRequestId(requestId) });
    if (error.code === 'FORBIDDEN') context.log('info', 'message refused by scope', { device_id: connection.identity.deviceId, message: error.message });
    return;
  }
  try {
    const replied = await dispatch(context, connection, message);
    // Acks exist only to close a request_id; without one there is nothing to correlate.
    if (!replied && message.request_id !== undefined) connection.send({ type: 'ack', request_id: message.request_id });
  } catch (err) {
    const error = toTetherError(err);
    if (!(err instanceof TetherError)) {
      context.log('error', 'handler failed', { type: message.type, error: String((err as Error)?.stack ?? err) });
    }
    connection.send({ type: 'error', code: error.code, message: error.message, ...optionalRequestId(message.request_id) });
  }
}

/** Runs one message; returns true when it already sent its reply (else an ack follows). */
async function dispatch(context: HandlerContext, connection: ClientConnection, message: ClientMessage): Promise<boolean> {
  const { sessions } = context;
  switch (message.type) {
    case 'auth':
      throw new TetherError('BAD_MESSAGE', 'this socket is already authenticated');
    case 'rotate_token': {
      const rotated = context.scope.auth.rotate(connection.identity);
      context.cutOthers(connection);
      connection.send({ type: 'token_rotated', ...rotated, ...optionalRequestId(message.request_id) });
      return true;
    }
    case 'subscribe':
      connection.subscribe(message.session_id, message.since, message.request_id);
      return true;
    case 'unsubscribe':
      connection.unsubscribe(message.session_id);
      return false;
    case 'create_session': {
      connection.beginCreate();
      let session;
      try {
        session = await sessions.create({
          cli: message.cli,
          cwd: message.cwd,
          args: message.args,
          cols: message.cols,
          rows: message.rows,
          name: message.name,
        });
      } finally {
        // Marked before the reply, so the creator's next frame already sees a desk session.
        if (session !== undefined && connection.identity.isAdmin) context.markDesk(session.id);
        connection.endCreate(session, message.request_id);
      }
      return true;
    }
    case 'close_session':
      sessions.close(message.session_id);
      return false;
    case 'delete_session':
      sessions.delete(message.session_id);
      return false;
    case 'rename_session':
      sessions.rename(message.session_id, message.name);
      return false;
    case 'resume_session':
      sessions.resume(message.session_id);
      return false;
    case 'send_input':
      await sessions.sendInput(message.session_id, message.text, { raw: message.raw ?? false, senderId: connection.identity.deviceId, ...(message.client_msg_id !== undefined ? { clientMsgId: message.client_msg_id } : {}) });
      return false;
    case 'resize':
      sessions.resize(message.session_id, message.cols, message.rows);
      return false;
    case 'tool_approval':
      await sessions.answerApproval(message.session_id, message.prompt_id, message.response, { senderId: connection.identity.deviceId });
      return false;
    case 'answer':
      await sessions.answer(message.session_id, message.prompt_id, { optionId: message.option_id, text: message.text }, { senderId: connection.identity.deviceId });
      return false;
    case 'register_push_token':
      await context.onPushToken(connection.identity.deviceId, {
        token: message.token,
        token_type: message.token_type,
        platform: message.platform,
        dialect: connection.dialect.name,
        ...(message.environment !== undefined ? { environment: message.environment } : {}),
        ...(message.session_id !== undefined ? { session_id: message.session_id } : {}),
      });
      return false;
    case 'app_state':
      // The desk terminal (admin) is never proof that someone is looking at the phone.
      if (!connection.identity.isAdmin) {
        context.onAppState({
          connection_id: connection.id,
          device_id: connection.identity.deviceId,
          state: message.state,
          ...(message.session_id !== undefined ? { session_id: message.session_id } : {}),
        });
      }
      return false;
  }
}

function optionalRequestId(requestId: string | undefined): { request_id?: string } {
  return requestId === undefined ? {} : { request_id: requestId };
}

/**
 * The Tether message a frame of the socket's seed dialect asks for (`permission_response`,
 * `approval_response`, a `tool_approval` without prompt id), or undefined for any other frame.
 * @throws TetherError BAD_MESSAGE | STALE_PROMPT (see Dialect.inbound)
 */
function dialectMessage(context: HandlerContext, connection: ClientConnection, raw: string): ClientMessage | undefined {
  if (connection.dialect.name === 'tether') return undefined;
  let frame: unknown;
  try {
    frame = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return undefined;
  return connection.dialect.inbound(frame as Record<string, unknown>, { sessions: context.sessions, now: Date.now });
}
