/**
 * The daemon's one port: HTTP routes and the `/ws` WebSocket behind its doors (bind policy,
 * connection caps and timeouts, Host and Origin checks, the auth helper). Each authenticated
 * socket gets welcome → sessions → live prompts, then the session event stream, and a 30 s
 * ping/pong heartbeat that terminates dead peers and sockets whose credential stopped working.
 */
import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { RIGHTS, type SessionEvent } from '../common/index.js';
import { PROTOCOL_VERSION, type ServerMessage } from '../common/protocol.js';
import { cliCatalog, type ISessionService } from '../core/index.js';
import type { DeviceStore } from '../store/deviceStore.js';
import type { PairingService } from '../store/pairing.js';
import { PushActionSecrets } from '../store/pushActionSecrets.js';
import { Authenticator, type Identity } from './auth.js';
import { advertisedHost, httpOrigin } from './advertisedHost.js';
import { checkBindPolicy } from './bindPolicy.js';
import { ClientConnection, type TransportLog } from './clientConnection.js';
import { DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, HANDSHAKE_TIMEOUT_MS, HTTP_TIMEOUTS, limitConnections } from './connectionLimits.js';
import { handleHttpRequest, type HttpRouteContext } from './httpRoutes.js';
import { handleFrame, type HandlerContext } from './messageHandlers.js';
import { encodeOutputData } from './outputQueue.js';
import type { QueueServices } from './queueRoutes.js';
import { PhoenixHub } from './phoenixChannels.js';
import { RequestGuards } from './requestGuards.js';
import { buildStartPolicy, type ScopeContext, type StartPolicy } from './scopePolicy.js';
import { CLOSE_CODES, rawText, SocketGate } from './socketGate.js';
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
  /**
   * Listen beyond loopback without TLS anyway (`server.insecure_no_tls`, `--insecure-no-tls`);
   * without it such a bind is refused, with it every start warns.
   */
  readonly insecureNoTls?: boolean;
  /** `server.allowed_hosts` and `server.allowed_origins`. */
  readonly allowedHosts?: readonly string[];
  readonly allowedOrigins?: readonly string[];
  /** `server.max_connections` and `server.max_connections_per_address`. */
  readonly maxConnections?: number;
  readonly maxConnectionsPerAddress?: number;
  /** What a device with the phone's `start` right may start (`sessions.allowed_clis`, `sessions.allowed_roots`). */
  readonly startPolicy?: StartPolicy;
  /** Device token lifetime from pairing or rotation (ms, `auth.token_ttl_days`); 0 or absent: forever. */
  readonly tokenTtlMs?: number;
  /** The per-push secrets approval pushes carry (shared with the push dispatcher); a fresh set when absent. */
  readonly actionSecrets?: PushActionSecrets;
  /** Sessions removed for good (core's `onDidRemoveSession`), forwarded as `session_removed`. */
  readonly onDidRemoveSession?: (listener: (sessionId: string) => void) => { dispose(): void };
  /** Heartbeat period override (tests). */
  readonly heartbeatIntervalMs?: number;
  /** HTTP timeouts and the `auth` deadline override (tests; ms). */
  readonly timeouts?: Partial<typeof HTTP_TIMEOUTS> & { readonly authDeadlineMs?: number };
  /** Clock for rate limiting and token expiry (tests). */
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
  /** Cuts every socket of a device at once (terminate, after a best-effort close code 4001), e.g. after a revoke; returns how many. */
  disconnectDevice(deviceId: string): number;
  /** Failed logins since start (bad tokens, secrets, pairing codes). */
  failedLoginCount(): number;
  /**
   * Also listens on 127.0.0.1:`port` (plain HTTP, the same routes and checks; no WebSocket): the
   * daemon URL a re-attached agent's hooks were given by a daemon on another port.
   * @returns a function that closes that listener (the transport's close closes it too)
   * @throws the listen error (EADDRINUSE, EACCES)
   */
  listenForHooks(port: number): Promise<() => Promise<void>>;
  /** Closes every socket and the server. @throws never */
  close(): Promise<void>;
}

/** WebSocket close code for a revoked device (4000–4999 are application codes, RFC 6455 §7.4.2). */
export const REVOKED_CLOSE_CODE = CLOSE_CODES.revoked;

/**
 * Starts the HTTP + WebSocket server.
 * @throws the listen error (EADDRINUSE, EACCES, EADDRNOTAVAIL) when the port cannot be bound
 */
export async function startTransport(options: TransportOptions): Promise<Transport> {
  const log: TransportLog = options.log ?? (() => {});
  const { sessions, devices } = options;
  checkBindPolicy(options.host, options.tls !== undefined, options.insecureNoTls === true, log);
  const connections = new Set<ClientConnection>();
  const auth = new Authenticator({ devices, adminSecret: options.adminSecret, tokenTtlMs: options.tokenTtlMs, log, now: options.now });
  let boundPort = options.port;
  const scheme = options.tls ? 'https' : 'http';
  const origin = (): string => httpOrigin(options.tls?.hostname ?? advertisedHost(options.host), boundPort, scheme);
  const guards = new RequestGuards({
    host: options.host,
    scheme,
    ...(options.tls?.hostname !== undefined ? { tlsHostname: options.tls.hostname } : {}),
    ...(options.allowedHosts !== undefined ? { allowedHosts: options.allowedHosts } : {}),
    ...(options.allowedOrigins !== undefined ? { allowedOrigins: options.allowedOrigins } : {}),
  });
  const deskSessions = new Set<string>();
  const scope: ScopeContext = {
    auth,
    deskSessions,
    startPolicy: options.startPolicy ?? buildStartPolicy(),
    startOf: (sessionId) => {
      try {
        const { command, args, cwd } = sessions.get(sessionId);
        return { cli: command, args, cwd };
      } catch {
        return undefined;
      }
    },
  };
  const markDesk = (sessionId: string): void => void deskSessions.add(sessionId);

  const routeContext: HttpRouteContext = {
    ...options,
    actionSecrets: options.actionSecrets ?? new PushActionSecrets(),
    auth,
    guards,
    origin,
    log,
    scope,
    markDesk,
    disconnectDevice: (deviceId) => void disconnectDevice(deviceId),
    ...(options.uiRoot !== undefined ? { ui: createUiFiles(options.uiRoot, { socketSources: () => socketSources(guards.hostNames, boundPort) }) } : {}),
  };
  const onRequest = (request: IncomingMessage, response: ServerResponse) => void handleHttpRequest(routeContext, request, response);
  const serverOptions: ServerOptions = { ...HTTP_TIMEOUTS, ...options.timeouts };
  const server = options.tls
    ? createHttpsServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key, handshakeTimeout: HANDSHAKE_TIMEOUT_MS }, onRequest)
    : createServer(serverOptions, onRequest);
  server.keepAliveTimeout = serverOptions.keepAliveTimeout ?? HTTP_TIMEOUTS.keepAliveTimeout;
  const limits = {
    maxTotal: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    maxPerAddress: options.maxConnectionsPerAddress ?? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
    onRefused: (address: string, reason: string) => log('warn', 'connection refused', { address, reason }),
  };
  limitConnections(server, { ...limits, tls: options.tls !== undefined });
  const webSockets = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_PAYLOAD_BYTES,
    // Echo the dialect the client chose (the gate refused the upgrade if it named none Tether knows).
    handleProtocols: (protocols) => {
      for (const protocol of protocols) if ((DIALECT_NAMES as readonly string[]).includes(protocol)) return protocol;
      return false;
    },
  });
  const phoenix = new PhoenixHub({ sessions, log, auth });
  const handlerContext: HandlerContext = {
    sessions,
    devices,
    onPushToken: options.onPushToken.bind(options),
    onAppState: (report: AppStateReport) => options.onAppState?.(report),
    log,
    scope,
    markDesk,
    cut: (connection, reason) => cut(connection, reason),
    cutOthers: (connection) => {
      for (const other of connections) if (other !== connection && other.identity.deviceId === connection.identity.deviceId && !other.identity.isAdmin) cut(other, 'token rotated');
    },
  };
  const gate = new SocketGate({
    auth,
    guards,
    webSockets,
    accept,
    acceptPhoenix: (request, socket, head, identity) => phoenix.accept(request, socket, head, identity),
    ...(options.timeouts?.authDeadlineMs !== undefined ? { authDeadlineMs: options.timeouts.authDeadlineMs } : {}),
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => gate.upgrade(request, socket, head));

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
      if (!connections.has(connection)) return;
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
      const { identity } = connection;
      const device = identity.isAdmin ? undefined : devices.get(identity.deviceId);
      connection.send({
        type: 'welcome',
        protocol_version: PROTOCOL_VERSION,
        daemon_version: options.daemonVersion,
        device_id: identity.deviceId,
        clis: cliCatalog(),
        scopes: identity.isAdmin ? [...RIGHTS] : [...(identity.rights ?? [])],
        ...(device?.expires_at !== undefined ? { token_expires_at: device.expires_at } : {}),
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

  /** Stops serving a socket at once: no frame of it is handled after this, and nothing more is sent. */
  function cut(connection: ClientConnection, reason: string): void {
    if (!connections.delete(connection)) return;
    log('info', 'client cut', { device_id: connection.identity.deviceId, reason });
    connection.dispose();
    try {
      connection.socket.close(REVOKED_CLOSE_CODE, 'device revoked');
    } catch {
      // the socket is already closing
    }
    connection.socket.terminate();
    if (!connection.identity.isAdmin) options.onAppState?.({ connection_id: connection.id, device_id: connection.identity.deviceId, state: 'gone' });
  }

  function disconnectDevice(deviceId: string): number {
    let closed = 0;
    for (const connection of [...connections]) {
      if (connection.identity.isAdmin || connection.identity.deviceId !== deviceId) continue;
      cut(connection, 'device revoked');
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

  const removals = options.onDidRemoveSession?.((sessionId) => {
    deskSessions.delete(sessionId);
    const text = JSON.stringify({ type: 'session_removed', session_id: sessionId } satisfies ServerMessage);
    for (const connection of connections) connection.sendText(text);
  });

  const heartbeat = setInterval(() => {
    for (const connection of [...connections]) {
      if (!auth.isLive(connection.identity)) {
        cut(connection, 'credential revoked or expired');
        continue;
      }
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
    await listen(server, options.port, options.host);
  } catch (err) {
    clearInterval(heartbeat);
    subscription.dispose();
    phoenix.dispose();
    removals?.dispose();
    webSockets.close();
    throw err;
  }
  server.on('error', (err) => log('error', 'server error', { error: err.message }));
  const address = server.address();
  boundPort = typeof address === 'object' && address !== null ? address.port : options.port;

  let closing: Promise<void> | undefined;
  const hookServers = new Set<Server>();
  const closeServer = async (target: Server): Promise<void> => {
    target.closeAllConnections();
    await new Promise<void>((resolve) => target.close(() => resolve()));
  };
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
    failedLoginCount: () => auth.failedLogins,
    listenForHooks: async (port) => {
      const extra = createServer(serverOptions, onRequest);
      limitConnections(extra, { ...limits, tls: false });
      await listen(extra, port, '127.0.0.1');
      extra.on('error', (err) => log('error', 'hook listener error', { port, error: err.message }));
      hookServers.add(extra);
      return async () => {
        if (hookServers.delete(extra)) await closeServer(extra);
      };
    },
    close: () =>
      (closing ??= (async () => {
        clearInterval(heartbeat);
        subscription.dispose();
        phoenix.dispose();
        removals?.dispose();
        gate.closeAll();
        for (const connection of connections) {
          connection.dispose();
          connection.socket.terminate();
        }
        connections.clear();
        await new Promise<void>((resolve) => webSockets.close(() => resolve()));
        const servers = [server, ...hookServers];
        hookServers.clear();
        for (const target of servers) await closeServer(target);
      })()),
  };
}

/** Listens; resolves once bound. @throws the listen error (EADDRINUSE, EACCES, EADDRNOTAVAIL) */
function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** `ws://name:port wss://name:port` for every name the daemon answers to: the UI's CSP connect-src, never taken from a request. */
function socketSources(names: ReadonlySet<string>, port: number): string[] {
  // CSP host-sources cannot name IPv6 literals (CSP3 §2.3.1 host-part); a page loaded from one
  // reaches its own socket through 'self', which matches ws(s) on the page's own host in CSP3.
  return [...names].filter((name) => !name.includes(':')).flatMap((name) => [`ws://${name}:${port}`, `wss://${name}:${port}`]);
}
