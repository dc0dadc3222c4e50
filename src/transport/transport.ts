/**
 * The daemon's one port: HTTP routes and the `/ws` WebSocket. Upgrades are authenticated
 * before the handshake (401 otherwise); each socket gets welcome → sessions → live prompts,
 * then the session event stream, and a 30 s ping/pong heartbeat that terminates dead peers.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { TetherError, type SessionEvent } from '../common/index.js';
import { PROTOCOL_VERSION, type ServerMessage } from '../common/protocol.js';
import { cliCatalog, type ISessionService } from '../core/index.js';
import type { DeviceStore } from '../store/deviceStore.js';
import type { PairingService } from '../store/pairing.js';
import { identify, requestToken, type Identity } from './auth.js';
import { advertisedHost, httpOrigin } from './advertisedHost.js';
import { ClientConnection, type TransportLog } from './clientConnection.js';
import { handleHttpRequest, type HttpRouteContext } from './httpRoutes.js';
import { errorStatus } from './httpUtil.js';
import { handleFrame } from './messageHandlers.js';
import { encodeOutputData } from './outputQueue.js';
import { PHOENIX_SOCKET_PATH, PhoenixHub, phoenixUpgradeToken } from './phoenixChannels.js';
import { FailureRateLimiter } from './rateLimiter.js';
import type { QueueServices } from './queueRoutes.js';
import { createUiFiles } from './uiFiles.js';
import type { AppStateReport, PushTestResult, PushTokenRegistration } from './types.js';
import { DIALECT_NAMES, dialectOf, negotiateDialect, type DialectName } from './dialects/index.js';

export type { AppStateReport, PushTestResult, PushTokenRegistration } from './types.js';

/**
 * Largest frame accepted. `text` may be 64 Ki characters, and JSON-escaping control
 * characters (\u001b) takes 6 bytes each, so 512 KiB fits the worst legal frame. Larger
 * frames make ws close the socket with 1009 (Message Too Big).
 */
export const MAX_PAYLOAD_BYTES = 512 * 1024;
/** Heartbeat period: a peer that misses one full period without a pong is terminated. */
export const HEARTBEAT_INTERVAL_MS = 30_000;
/** Pairing failures allowed per address per minute before 429. */
const PAIRING_FAILURE_LIMIT = 5;
const PAIRING_FAILURE_WINDOW_MS = 60_000;

/** Options for `startTransport`. */
export interface TransportOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly sessions: ISessionService;
  readonly devices: DeviceStore;
  readonly pairing: PairingService;
  /** Authenticates the local CLI (`tether run`, `tether pair`); connections as device "local". */
  readonly adminSecret: string;
  readonly daemonVersion: string;
  /**
   * Called for register_push_token and JSON-RPC device/register with the caller's paired id.
   * May throw TetherError INVALID_TOKEN | SESSION_NOT_FOUND.
   */
  onPushToken(deviceId: string, registration: PushTokenRegistration): void | Promise<void>;
  /** `app_state` from paired connections (never admin ones), and `gone` when they close. */
  onAppState?(report: AppStateReport): void;
  /** The VAPID public key browsers subscribe with (`GET /api/push/vapid-public-key`), when Web Push is on. */
  readonly webPushPublicKey?: string;
  /** `POST /api/admin/push-test`: sends a test push (to one device's registrations when given). */
  onPushTest?(deviceId: string | undefined): Promise<readonly PushTestResult[]>;
  readonly log?: TransportLog;
  /** The prompt queue and autoplay behind the queue routes (absent: those routes answer 404 NOT_FOUND). */
  readonly queues?: QueueServices;
  /**
   * Serve the browser UI built from `web/` out of this folder (the daemon passes
   * `defaultUiRoot()`, i.e. `dist/web`); without it the port serves only the API.
   */
  readonly uiRoot?: string;
  /** Serve HTTPS/WSS with this certificate and key (PEM) instead of plain HTTP. */
  readonly tls?: { readonly cert: string; readonly key: string; readonly hostname?: string };
  /** Heartbeat period override (tests). */
  readonly heartbeatIntervalMs?: number;
  /** Clock for rate limiting (tests). */
  readonly now?: () => number;
}

/** A running transport. */
export interface Transport {
  /** `http://host:port` as clients should reach it (a wildcard host becomes the LAN address). */
  readonly url: string;
  /** Same as `url`: the origin to put in links handed to phones. */
  readonly advertisedOrigin: string;
  readonly port: number;
  /** Paired phone/desktop sockets, not counting admin (`tether run`) sockets. */
  connectedClientCount(): number;
  /** Sends a message to every connected socket (e.g. `push_result`). @throws never */
  broadcast(message: ServerMessage): void;
  /** Closes every socket of a device at once (close code 4001), e.g. after a revoke; returns how many. */
  disconnectDevice(deviceId: string): number;
  /** Closes every socket and the server. @throws never */
  close(): Promise<void>;
}

/** WebSocket close code for a revoked device (4000–4999 are application codes, RFC 6455 §7.4.2). */
export const REVOKED_CLOSE_CODE = 4001;

/**
 * Starts the HTTP + WebSocket server.
 * @throws the listen error (EADDRINUSE, EACCES, EADDRNOTAVAIL) when the port cannot be bound
 */
export async function startTransport(options: TransportOptions): Promise<Transport> {
  const log: TransportLog = options.log ?? (() => {});
  const { sessions, devices, adminSecret } = options;
  const connections = new Set<ClientConnection>();
  const limiter = new FailureRateLimiter({
    limit: PAIRING_FAILURE_LIMIT,
    windowMs: PAIRING_FAILURE_WINDOW_MS,
    now: options.now,
  });
  let boundPort = options.port;
  const scheme = options.tls ? 'https' : 'http';
  const origin = (): string => httpOrigin(options.tls?.hostname ?? advertisedHost(options.host), boundPort, scheme);

  const routeContext: HttpRouteContext = {
    ...options,
    limiter,
    origin,
    log,
    disconnectDevice: (deviceId) => void disconnectDevice(deviceId),
    ...(options.uiRoot !== undefined ? { ui: createUiFiles(options.uiRoot) } : {}),
  };
  const onRequest = (request: IncomingMessage, response: ServerResponse) => void handleHttpRequest(routeContext, request, response);
  const server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, onRequest) : createServer(onRequest);
  const webSockets = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_PAYLOAD_BYTES,
    // Echo the dialect the client chose (negotiateDialect refused the upgrade if it named none Tether knows).
    handleProtocols: (protocols) => {
      for (const protocol of protocols) if ((DIALECT_NAMES as readonly string[]).includes(protocol)) return protocol;
      return false;
    },
  });
  const phoenix = new PhoenixHub({ sessions, log });
  const handlerContext = {
    sessions,
    devices,
    onPushToken: options.onPushToken.bind(options),
    onAppState: (report: AppStateReport) => options.onAppState?.(report),
    log,
  };

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === PHOENIX_SOCKET_PATH) return upgradePhoenix(request, socket, head);
    if (path !== '/ws') return rejectUpgrade(socket, new TetherError('NOT_FOUND', `WebSocket endpoints are /ws and ${PHOENIX_SOCKET_PATH}`));
    const identity = identify(requestToken(request), devices, adminSecret);
    if (identity === undefined) return rejectUpgrade(socket, new TetherError('UNAUTHORIZED', 'a valid token is required'));
    let dialect: DialectName;
    try {
      dialect = negotiateDialect(request.headers['sec-websocket-protocol']);
    } catch (err) {
      return rejectUpgrade(socket, err as TetherError);
    }
    webSockets.handleUpgrade(request, socket, head, (webSocket) => accept(webSocket, identity, dialect));
  });

  function upgradePhoenix(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    let identity: Identity | undefined;
    try {
      identity = identify(phoenixUpgradeToken(request), devices, adminSecret);
      if (identity === undefined) throw new TetherError('UNAUTHORIZED', 'the token is unknown or revoked');
    } catch (err) {
      return rejectUpgrade(socket, err instanceof TetherError ? err : new TetherError('BAD_MESSAGE', 'bad upgrade request'));
    }
    phoenix.accept(request, socket, head, identity);
  }

  function accept(webSocket: WebSocket, identity: Identity, dialect: DialectName): void {
    const connection = new ClientConnection(webSocket, identity, sessions, log, dialectOf(dialect));
    connections.add(connection);
    log('info', 'client connected', { device_id: identity.deviceId, admin: identity.isAdmin });
    webSocket.on('pong', () => (connection.alive = true));
    webSocket.on('error', (err) => log('warn', 'socket error', { device_id: identity.deviceId, error: err.message }));
    webSocket.on('close', () => {
      connections.delete(connection);
      connection.dispose();
      if (!identity.isAdmin) options.onAppState?.({ connection_id: connection.id, device_id: identity.deviceId, state: 'gone' });
      log('info', 'client disconnected', { device_id: identity.deviceId });
    });
    webSocket.on('message', (data: RawData, isBinary: boolean) => {
      connection.alive = true;
      if (isBinary) {
        connection.send({ type: 'error', code: 'BAD_MESSAGE', message: 'binary frames are not supported; send JSON text' });
        return;
      }
      void handleFrame(handlerContext, connection, rawText(data));
    });
    greet(connection);
  }

  function greet(connection: ClientConnection): void {
    try {
      connection.send({
        type: 'welcome',
        protocol_version: PROTOCOL_VERSION,
        daemon_version: options.daemonVersion,
        device_id: connection.identity.deviceId,
        clis: cliCatalog(),
      });
      const list = sessions.list();
      connection.send({ type: 'sessions', sessions: list });
      for (const session of list) {
        const waiting = sessions.currentWaiting(session.id);
        if (waiting !== undefined) connection.send(waiting);
      }
    } catch (err) {
      log('error', 'greeting failed', { error: String(err) });
      connection.send({ type: 'error', code: 'INTERNAL', message: 'could not list sessions' });
    }
  }

  function disconnectDevice(deviceId: string): number {
    let closed = 0;
    for (const connection of [...connections]) {
      if (connection.identity.isAdmin || connection.identity.deviceId !== deviceId) continue;
      connection.socket.close(REVOKED_CLOSE_CODE, 'device revoked');
      closed += 1;
    }
    return closed + phoenix.disconnectDevice(deviceId, REVOKED_CLOSE_CODE, 'device revoked');
  }

  const subscription = sessions.onEvent((event: SessionEvent) => forward(event));
  function forward(event: SessionEvent): void {
    if (event.type === 'pty_output') {
      // Encoded once for every subscriber, and not at all when nobody watches.
      let encoded: Buffer | undefined;
      for (const connection of connections) {
        if (!connection.wantsOutput(event.session_id)) continue;
        encoded ??= encodeOutputData(event.data);
        connection.queueOutput(event.session_id, event.seq, encoded);
      }
    } else if (event.type === 'session_created') {
      for (const connection of connections) connection.deliverSessionCreated(event);
    } else {
      // Serialised once for Tether's own sockets; a seed dialect's socket gets its own shapes.
      const text = JSON.stringify(event);
      for (const connection of connections) {
        if (connection.dialect.name === 'tether') connection.sendText(text);
        else connection.send(event);
        if (event.type === 'session_closed' || event.type === 'session_deleted') connection.forgetSession(event.session_id);
      }
    }
  }

  const heartbeat = setInterval(() => {
    for (const connection of connections) {
      if (!connection.alive) {
        log('info', 'terminating unresponsive client', { device_id: connection.identity.deviceId });
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
    phoenix.heartbeat();
  }, options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    clearInterval(heartbeat);
    subscription.dispose();
    phoenix.dispose();
    webSockets.close();
    throw err;
  }
  server.on('error', (err) => log('error', 'server error', { error: err.message }));
  const address = server.address();
  boundPort = typeof address === 'object' && address !== null ? address.port : options.port;

  let closing: Promise<void> | undefined;
  return {
    url: origin(),
    advertisedOrigin: origin(),
    port: boundPort,
    connectedClientCount: () => [...connections].filter((connection) => !connection.identity.isAdmin).length + phoenix.connectedClientCount(),
    broadcast: (message) => {
      const text = JSON.stringify(message);
      for (const connection of connections) {
        if (connection.dialect.name === 'tether') connection.sendText(text);
        else connection.send(message);
      }
      phoenix.publish(message);
    },
    disconnectDevice,
    close: () =>
      (closing ??= (async () => {
        clearInterval(heartbeat);
        subscription.dispose();
        phoenix.dispose();
        for (const connection of connections) {
          connection.dispose();
          connection.socket.terminate();
        }
        connections.clear();
        await new Promise<void>((resolve) => webSockets.close(() => resolve()));
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })()),
  };
}

/** Answers a refused upgrade with a plain HTTP response (the REST error shape) and closes the socket. */
function rejectUpgrade(socket: Duplex, error: TetherError): void {
  const status = errorStatus(error.code);
  const body = JSON.stringify({ error: { code: error.code, message: error.message } });
  const reason = STATUS_CODES[status] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
