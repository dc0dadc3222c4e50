/**
 * The WebSockets' door. An upgrade must name `/ws` or the Phoenix endpoint
 * (`/socket/websocket`), pass the Host and Origin checks and carry no token in its URL. A
 * Phoenix client proves itself with its `authToken` (Sec-WebSocket-Protocol,
 * phoenixChannels.ts) before the handshake; on `/ws` A native client may prove itself with `Authorization: Bearer` (checked
 * before the handshake: 401 or 429 otherwise); a browser, which cannot set that header, opens
 * the socket bare and must send `{"type": "auth", "token": …}` as its first frame within
 * AUTH_DEADLINE_MS. Nothing else is accepted before it; a wrong, late or missing `auth` gets
 * an `error` and the socket is closed (CLOSE_CODES). On `/ws` the Sec-WebSocket-Protocol
 * header names a seed dialect (dialects/), never a credential.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import { TetherError, toTetherError } from '../common/index.js';
import { parseClientMessage, peekRequestId } from '../common/protocolParse.js';
import { RateLimitedError, type Authenticator, type Identity } from './auth.js';
import { bearerToken, errorStatus, remoteAddress, requestUrl } from './httpUtil.js';
import { negotiateDialect, type DialectName } from './dialects/index.js';
import { PHOENIX_SOCKET_PATH, phoenixUpgradeToken } from './phoenixChannels.js';
import { SECURITY_HEADERS, type RequestGuards } from './requestGuards.js';

/** A socket opened without credentials has this long to send `auth` (ms). */
export const AUTH_DEADLINE_MS = 5_000;
/** How long a refused socket may take to finish its close handshake before it is cut (ms). */
const REFUSED_CLOSE_GRACE_MS = 1_000;

/** WebSocket close codes of the door (4000–4999 are application codes, RFC 6455 §7.4.2). */
export const CLOSE_CODES = {
  /** The device was revoked (sent best-effort before the socket is cut). */
  revoked: 4001,
  /** The `auth` frame was missing, malformed or wrong. */
  unauthorized: 4401,
  /** No `auth` frame within AUTH_DEADLINE_MS. */
  authTimeout: 4408,
  /** Too many failed logins from this address. */
  rateLimited: 4429,
} as const;

/** What the gate needs. */
export interface GateContext {
  readonly auth: Authenticator;
  readonly guards: RequestGuards;
  readonly webSockets: WebSocketServer;
  /** Called with every socket that proved an identity. */
  accept(webSocket: WebSocket, identity: Identity, dialect: DialectName): void;
  /** Completes a Phoenix upgrade whose token proved `identity`. */
  acceptPhoenix(request: IncomingMessage, socket: Duplex, head: Buffer, identity: Identity): void;
  /** Deadline override (tests). */
  readonly authDeadlineMs?: number;
}

/** Upgrades and first-message logins. */
export class SocketGate {
  private readonly _pending = new Set<WebSocket>();

  constructor(private readonly _context: GateContext) {}

  /** Sockets still waiting for their `auth` frame. */
  get pendingCount(): number {
    return this._pending.size;
  }

  /** Handles one `upgrade` event; never throws. @throws never */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const { auth, guards, webSockets } = this._context;
    const address = remoteAddress(request);
    let identity: Identity | undefined;
    let dialect: DialectName;
    try {
      const url = requestUrl(request);
      const phoenix = url.pathname === PHOENIX_SOCKET_PATH;
      if (url.pathname !== '/ws' && !phoenix) throw new TetherError('NOT_FOUND', `WebSocket endpoints are /ws and ${PHOENIX_SOCKET_PATH}`);
      guards.checkHost(request);
      guards.checkOrigin(request);
      if (phoenix) {
        let token: string | undefined;
        try {
          token = phoenixUpgradeToken(request);
        } catch (err) {
          // A malformed or absent token is a failed login like a wrong one (counted, limited).
          if (!(err instanceof TetherError) || err.code !== 'UNAUTHORIZED') throw err;
        }
        const caller = auth.login(token, address, 'phoenix');
        auth.require(caller, 'view');
        return this._context.acceptPhoenix(request, socket, head, caller);
      }
      if (url.searchParams.has('token')) {
        throw new TetherError('BAD_MESSAGE', 'tokens never go in URLs: send {"type": "auth", "token": …} as the first frame, or an Authorization header');
      }
      // The subprotocol names a dialect (never a credential on /ws); an unknown one is refused.
      dialect = negotiateDialect(request.headers['sec-websocket-protocol']);
      const token = bearerToken(request);
      if (token !== undefined) identity = auth.login(token, address, 'ws header');
    } catch (err) {
      rejectUpgrade(socket, toTetherError(err));
      return;
    }
    webSockets.handleUpgrade(request, socket, head, (webSocket) => {
      if (identity !== undefined) this._context.accept(webSocket, identity, dialect);
      else this._awaitAuth(webSocket, address, dialect);
    });
  }

  /** Cuts every socket still waiting for `auth` (shutdown). @throws never */
  closeAll(): void {
    for (const webSocket of this._pending) webSocket.terminate();
    this._pending.clear();
  }

  private _awaitAuth(webSocket: WebSocket, address: string, dialect: DialectName): void {
    this._pending.add(webSocket);
    const deadlineMs = this._context.authDeadlineMs ?? AUTH_DEADLINE_MS;
    const timer = setTimeout(() => {
      this._pending.delete(webSocket);
      refuse(webSocket, new TetherError('UNAUTHORIZED', `no auth message within ${deadlineMs / 1000} s`), CLOSE_CODES.authTimeout, undefined);
    }, deadlineMs);
    timer.unref();
    webSocket.on('error', () => undefined);
    webSocket.once('close', () => {
      clearTimeout(timer);
      this._pending.delete(webSocket);
    });
    webSocket.once('message', (data: RawData, isBinary: boolean) => {
      clearTimeout(timer);
      this._pending.delete(webSocket);
      const raw = isBinary ? '' : rawText(data);
      let identity: Identity;
      try {
        const message = parseClientMessage(raw);
        if (message.type !== 'auth') throw new TetherError('UNAUTHORIZED', 'send {"type": "auth", "token": …} before anything else');
        identity = this._context.auth.login(message.token, address, 'ws auth');
      } catch (err) {
        const error = toTetherError(err);
        refuse(webSocket, error, error instanceof RateLimitedError ? CLOSE_CODES.rateLimited : CLOSE_CODES.unauthorized, peekRequestId(raw));
        return;
      }
      this._context.accept(webSocket, identity, dialect);
    });
  }
}

/** Sends the refusal as an `error`, closes with `code`, and cuts the socket if the peer lingers. */
function refuse(webSocket: WebSocket, error: TetherError, code: number, requestId: string | undefined): void {
  try {
    webSocket.send(JSON.stringify({ type: 'error', code: error.code, message: error.message, ...(requestId !== undefined ? { request_id: requestId } : {}) }));
    webSocket.close(code, error.code);
  } catch {
    // already closing
  }
  setTimeout(() => webSocket.terminate(), REFUSED_CLOSE_GRACE_MS).unref();
}

/** Answers a refused upgrade with a plain HTTP response (the REST error shape) and closes the socket. */
function rejectUpgrade(socket: Duplex, error: TetherError): void {
  const status = errorStatus(error.code);
  const body = JSON.stringify({ error: { code: error.code, message: error.message } });
  const reason = STATUS_CODES[status] ?? 'Error';
  const retryAfter = error instanceof RateLimitedError ? `Retry-After: ${Math.ceil(error.retryAfterMs / 1000)}\r\n` : '';
  const security = Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${retryAfter}${security}Connection: close\r\n\r\n${body}`,
  );
}

/** A text frame's payload as a string. @throws never */
export function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
