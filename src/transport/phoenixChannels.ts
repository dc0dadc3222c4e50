/**
 * Phoenix Channels at `/socket/websocket` (the official `phoenix` client appends `/websocket`
 * to `/socket`), V2 JSON only. The token travels as the client's `authToken` option: the
 * Sec-WebSocket-Protocol header offers `phoenix, base64url.bearer.phx.<base64 token>`
 * (phoenix 1.8.16 socket.js `transportConnect`; Phoenix.Transports.WebSocket reads it the same
 * way) and the server selects `phoenix`. A token in the URL, a missing or wrong token, or
 * another `vsn` refuse the upgrade. The hub fans the session event stream and broadcasts out
 * to every socket in the Phoenix dialect (phoenixEvents.ts).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { TetherError, type IDisposable, type SessionInfo } from '../common/index.js';
import type { ISessionService } from '../core/index.js';
import type { Authenticator, Identity } from './auth.js';
import { requestUrl } from './httpUtil.js';
import type { TransportLog } from './clientConnection.js';
import { PhoenixConnection } from './phoenixConnection.js';
import { phoenixDeliveries, type StreamMessage } from './phoenixEvents.js';
import { encodePhoenixFrame, PHOENIX_TOPIC, PHX } from './phoenixFrame.js';

/** Where the official client connects (`new Socket("/socket")` plus its `/websocket`). */
export const PHOENIX_SOCKET_PATH = '/socket/websocket';
/** The subprotocol the server selects; the client offers it beside the token. */
export const PHOENIX_SUBPROTOCOL = 'phoenix';
/** The prefix of the subprotocol entry that carries the token (phoenix.js AUTH_TOKEN_PREFIX). */
export const AUTH_TOKEN_PREFIX = 'base64url.bearer.phx.';
/** Phoenix clients send joins, leaves and heartbeats only; 64 KiB is far above any of them. */
export const PHOENIX_MAX_PAYLOAD_BYTES = 64 * 1024;

/**
 * The token in a Sec-WebSocket-Protocol header (`phoenix, base64url.bearer.phx.<token>`):
 * base64 without padding, either alphabet. @throws never
 */
export function subprotocolToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const entry = header
    .split(',')
    .map((part) => part.trim())
    .find((part) => part.startsWith(AUTH_TOKEN_PREFIX));
  if (entry === undefined) return undefined;
  const encoded = entry.slice(AUTH_TOKEN_PREFIX.length);
  if (!/^[A-Za-z0-9+/_-]+$/.test(encoded)) return undefined;
  const token = Buffer.from(encoded, 'base64').toString('utf8');
  return token === '' ? undefined : token;
}

/**
 * Checks an upgrade to PHOENIX_SOCKET_PATH and returns the token it carries.
 * @throws TetherError BAD_MESSAGE (a token in the URL, or a `vsn` other than 2.x) | UNAUTHORIZED (no token)
 */
export function phoenixUpgradeToken(request: IncomingMessage): string {
  const url = requestUrl(request);
  if (url.searchParams.has('token')) {
    throw new TetherError('BAD_MESSAGE', 'tokens never go in URLs: pass it as the Phoenix client\'s authToken option');
  }
  const vsn = url.searchParams.get('vsn') ?? '';
  if (!/^2\.\d+\.\d+$/.test(vsn)) throw new TetherError('BAD_MESSAGE', 'this server speaks the Phoenix V2 JSON serializer (vsn=2.0.0)');
  const header = request.headers['sec-websocket-protocol'];
  const token = subprotocolToken(Array.isArray(header) ? header.join(',') : header);
  if (token === undefined) throw new TetherError('UNAUTHORIZED', "a token is required: the Phoenix client's authToken option");
  return token;
}

/** What the hub needs. */
export interface PhoenixHubOptions {
  readonly sessions: ISessionService;
  readonly log: TransportLog;
  /** Checks every frame's identity is still live (revoked, rotated or expired tokens are cut). */
  readonly auth: Pick<Authenticator, 'isLive'>;
}

/** Every Phoenix socket, and the event stream fanned out to them. */
export class PhoenixHub implements IDisposable {
  private readonly _connections = new Set<PhoenixConnection>();
  private readonly _server = new WebSocketServer({
    noServer: true,
    maxPayload: PHOENIX_MAX_PAYLOAD_BYTES,
    // Select `phoenix`, never the token entry; a client that offers no `phoenix` gets no subprotocol.
    handleProtocols: (protocols) => (protocols.has(PHOENIX_SUBPROTOCOL) ? PHOENIX_SUBPROTOCOL : false),
  });
  private readonly _subscription: IDisposable;

  constructor(private readonly _options: PhoenixHubOptions) {
    this._subscription = _options.sessions.onEvent((event) => this.publish(event));
  }

  /** Completes an upgrade the caller has authenticated (phoenixUpgradeToken). @throws never */
  accept(request: IncomingMessage, socket: Duplex, head: Buffer, identity: Identity): void {
    this._server.handleUpgrade(request, socket, head, (webSocket) => this._accept(webSocket, identity));
  }

  /** Pushes one event or broadcast to every socket that joined its topics. @throws never */
  publish(message: StreamMessage): void {
    if (this._connections.size === 0) return;
    const deliveries = phoenixDeliveries(message, (sessionId) => this._lookup(sessionId));
    for (const delivery of deliveries) for (const connection of this._connections) connection.deliver(delivery);
  }

  /**
   * Pings every socket; one that has not answered since the last sweep, or whose credential
   * stopped working, is terminated. @throws never
   */
  heartbeat(): void {
    for (const connection of [...this._connections]) {
      if (!this._options.auth.isLive(connection.identity)) {
        this._cut(connection, 'credential revoked, rotated or expired');
        continue;
      }
      if (!connection.alive) {
        this._options.log('info', 'terminating unresponsive phoenix client', { device_id: connection.identity.deviceId });
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }

  /**
   * Cuts every socket of a device at once (a best-effort close frame with `code`, then
   * terminate): no frame of theirs is handled after this. Returns how many. @throws never
   */
  disconnectDevice(deviceId: string, code: number, reason: string): number {
    let closed = 0;
    for (const connection of [...this._connections]) {
      if (connection.identity.isAdmin || connection.identity.deviceId !== deviceId) continue;
      this._cut(connection, reason, code);
      closed += 1;
    }
    return closed;
  }

  private _cut(connection: PhoenixConnection, reason: string, code = 4001): void {
    if (!this._connections.delete(connection)) return;
    this._options.log('info', 'phoenix client cut', { device_id: connection.identity.deviceId, reason });
    connection.close(code, reason);
    connection.dispose();
    connection.socket.terminate();
  }

  /** Paired devices' sockets (not the admin's). */
  connectedClientCount(): number {
    return [...this._connections].filter((connection) => !connection.identity.isAdmin).length;
  }

  /** Cuts every socket and stops listening to the stream. @throws never */
  dispose(): void {
    this._subscription.dispose();
    for (const connection of this._connections) {
      connection.dispose();
      connection.socket.terminate();
    }
    this._connections.clear();
    this._server.close();
  }

  private _accept(webSocket: WebSocket, identity: Identity): void {
    const connection = new PhoenixConnection(webSocket, identity, this._options.sessions, this._options.log);
    this._connections.add(connection);
    this._options.log('info', 'phoenix client connected', { device_id: identity.deviceId, admin: identity.isAdmin });
    webSocket.on('pong', () => (connection.alive = true));
    webSocket.on('error', (err) => this._options.log('warn', 'phoenix socket error', { device_id: identity.deviceId, error: err.message }));
    webSocket.on('close', () => {
      this._connections.delete(connection);
      connection.dispose();
      this._options.log('info', 'phoenix client disconnected', { device_id: identity.deviceId });
    });
    webSocket.on('message', (data: RawData, isBinary: boolean) => {
      connection.alive = true;
      if (!this._connections.has(connection)) return;
      if (!this._options.auth.isLive(identity)) return this._cut(connection, 'credential revoked, rotated or expired');
      if (isBinary) {
        const payload = { reason: 'binary frames are not supported; use the V2 JSON serializer', code: 'BAD_MESSAGE' };
        webSocket.send(encodePhoenixFrame({ joinRef: null, ref: null, topic: PHOENIX_TOPIC, event: PHX.error, payload }));
        return;
      }
      connection.handleText(rawText(data));
    });
  }

  private _lookup(sessionId: string): SessionInfo | undefined {
    try {
      return this._options.sessions.get(sessionId);
    } catch {
      return undefined;
    }
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
