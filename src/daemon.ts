/**
 * The composition root: `startDaemon(options) → Daemon` wires sessions, transport, devices,
 * pairing and push together (connected clients, `app_state` presence, token registration,
 * push reports to the log, the history file and every client as `push_result`). The
 * `tether daemon` command and the Electron app both call it.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setListenerErrorHandler, TetherError } from './common/index.js';
import type { StoredHookSecret } from './common/index.js';
import type { IPushRegistry } from './store/types.js';
import { Autoplay, PromptQueue, SessionManager, systemClock } from './core/index.js';
import { DeviceStore } from './store/deviceStore.js';
import { DriftStore } from './store/driftStore.js';
import { HookSecretStore } from './store/hookSecretStore.js';
import { QueueStore } from './store/queueStore.js';
import { PairingService } from './store/pairing.js';
import { PushActionSecrets } from './store/pushActionSecrets.js';
import { writeFileAtomicSync, PRIVATE_DIR_MODE } from './store/atomicFile.js';
import type { TetherConfig } from './store/config.js';
import { approvalRuleFor } from './store/approvalsConfig.js';
import { ConfigWatcher } from './store/configWatcher.js';
import { buildStartPolicy, defaultUiRoot, packageRoot, startTransport } from './transport/index.js';
import type { Transport } from './transport/index.js';
import {
  createPushProviders,
  historyPath,
  PushDispatcher,
  vapidPublicKeyOf,
  PushHistory,
  validatePushToken,
} from './push/index.js';
import { DAEMON_FILE } from './daemonFile.js';
import type { DaemonFile } from './daemonFile.js';
import { VERSION } from './version.js';
import { loadTls } from './tlsFiles.js';
import { createLogger } from './log.js';
import { HostLauncher } from './host/hostLauncher.js';
import { defaultHostCommand, hostPtyFactory, resumeHostedSessions } from './host/hostedSessions.js';
import type { Logger } from './log.js';
import { secretFiles, tightenDataDir, warnOpenSecretFiles } from './secretFiles.js';

/** A day in ms, for `auth.token_ttl_days`. */
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The hook forwarder's argv: this Node (Electron's binary runs as Node with
 * ELECTRON_RUN_AS_NODE) and bin/tether-hook.mjs, by absolute paths.
 */
function hookForwarder(): string[] {
  return [process.execPath, join(packageRoot(), 'bin', 'tether-hook.mjs')];
}

/** What the daemon is started with. */
export interface StartDaemonOptions {
  readonly config: TetherConfig;
  /**
   * The file `config` was read from: it is watched, and a valid edit applies without a restart
   * (`config_changed` to clients; `config_invalid` and the last good config for a bad edit);
   * a warning names it when others may read it.
   */
  readonly configFile?: string;
  /** Where devices, push registrations and daemon.json live (created 0700). */
  readonly dataDir: string;
  /** Overrides `config.server.host` / `config.server.port` (port 0 picks a free port). */
  readonly host?: string;
  readonly port?: number;
  /** Environment handed to sessions (defaults to process.env). */
  readonly sessionEnv?: NodeJS.ProcessEnv;
  readonly log?: Logger;
  /** `--insecure-no-tls`: listen beyond loopback without TLS anyway (or `server.insecure_no_tls`). */
  readonly insecureNoTls?: boolean;
  /**
   * The session host program (`[node, hostMain.js]`); defaults to the compiled one beside the
   * daemon when `sessions.hosted` is on. Absent (and from TypeScript sources): agents run in-process.
   */
  readonly hostCommand?: readonly string[];
  /** Ring and checkpoint sizes of new hosts (UTF-16 units); tests shrink them to exercise checkpoints. */
  readonly hostLimits?: { readonly ringBytes?: number; readonly checkpointBytes?: number };
  /** Test only: these CLIs' parsers read nothing, so their prompts come from hooks (and the fallback reader) alone. */
  readonly parserOff?: readonly string[];
}

/** How the daemon stops. */
export interface StopOptions {
  /** End every agent (SIGTERM, SIGKILL after the grace) and wait for its exit; default: leave hosted agents running for the next daemon. */
  readonly stopSessions?: boolean;
}

/** A running daemon. */
export interface Daemon {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly sessions: SessionManager;
  readonly pairing: PairingService;
  readonly devices: DeviceStore;
  readonly transport: Transport;
  readonly push: PushDispatcher;
  /** Drift counts (fallback prompts, unverified versions, hook disagreements), kept in `<dataDir>/drift.json`. */
  readonly drift: DriftStore;
  /** Every session's prompt queue, kept in `<dataDir>/queue.json`. */
  readonly queue: PromptQueue;
  /** Types queued prompts at idle prompts; `autoplay.turnEnded` takes a hook's turn end. */
  readonly autoplay: Autoplay;
  /**
   * Closes sockets and providers and removes daemon.json. Hosted agents keep running for the
   * next daemon unless `stopSessions`; in-process agents are killed.
   */
  stop(options?: StopOptions): Promise<void>;
}

/**
 * Starts the daemon.
 * @throws TetherError CONFIG_INVALID (push key unreadable) | INTERNAL (port in use)
 */
export async function startDaemon(options: StartDaemonOptions): Promise<Daemon> {
  const { dataDir } = options;
  const config = options.config;
  /** The config in force: the one given, then each valid reload of the config file. */
  const current = { config };
  const log = options.log ?? createLogger();
  setListenerErrorHandler((err) => log('error', 'listener failed', { error: String(err) }));
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tightenDataDir(dataDir, log);
  warnOpenSecretFiles(secretFiles(dataDir, config, options.configFile), log);
  const host = options.host ?? config.server.host;
  const port = options.port ?? config.server.port;
  const adminSecret = randomBytes(32).toString('base64url');
  let localUrl: string | undefined;
  const drift = new DriftStore(dataDir, { log });
  const hostCommand = options.hostCommand ?? (config.sessions.hosted ? defaultHostCommand() : undefined);
  const launcher = hostCommand ? new HostLauncher({ dataDir, command: hostCommand, orphanExitMs: config.sessions.host_orphan_exit_seconds * 1000, ...options.hostLimits }) : undefined;
  const hookSecrets = launcher ? new HookSecretStore(dataDir, (level, message, fields) => log(level, message, fields)) : undefined;
  const sessions = new SessionManager({
    defaultCols: config.sessions.cols,
    defaultRows: config.sessions.rows,
    submitDelayMs: config.sessions.submit_delay_ms,
    maxRunning: config.sessions.max_running,
    keepExited: config.sessions.keep_exited,
    limits: { historyBytes: config.sessions.history_bytes },
    env: options.sessionEnv,
    drift,
    ...(launcher ? { ptyHost: hostPtyFactory(launcher) } : {}),
    approvals: (waitType, cliType) => approvalRuleFor(current.config.approvals, waitType, cliType),
    // Hooks reach the daemon on loopback once it listens; the forwarder runs by absolute paths.
    voiceEndpoint: () => (localUrl === undefined ? undefined : { baseUrl: localUrl, forwarder: hookForwarder() }),
    log: (level, message, fields) => log(level, message, fields),
    ...(options.parserOff ? { parserOff: options.parserOff } : {}),
    // Hosted agents' hook secrets outlive the daemon (0600 in the data dir), so re-attached hooks authenticate.
    ...(hookSecrets ? { hookSecrets } : {}),
    // A turn autoplay typed ends through the queue (one interaction_completed, with its item).
    turnEnded: (sessionId, status) => {
      if (queue.running(sessionId)?.ran_by !== 'autoplay') return false;
      autoplay.turnEnded(sessionId, status);
      return true;
    },
  });
  const queue = new PromptQueue(
    (sessionId) => sessions.list().some((session) => session.id === sessionId),
    new QueueStore(dataDir, (message) => log('warn', 'prompt queue file', { message })),
    systemClock,
  );
  const autoplay = new Autoplay(
    { sessions, onActivity: sessions.onActivity, onDidInput: sessions.onDidInput, inputDraft: (sessionId) => sessions.inputDraft(sessionId) },
    queue,
    systemClock,
  );
  const tls = config.server.tls ? loadTls(config.server.tls) : undefined;
  const devices = new DeviceStore(dataDir);
  const pairing = new PairingService();
  const actionSecrets = new PushActionSecrets();
  const providers = config.push.enabled ? createPushProviders(config.push, { dataDir, log, clock: systemClock }) : [];
  const registry: IPushRegistry = devices;
  let transport: Transport | undefined;
  const push = new PushDispatcher({
    sessions,
    registry,
    config: config.push,
    providers,
    hasConnectedClient: () => (transport?.connectedClientCount() ?? 0) > 0,
    clock: systemClock,
    log,
    preferences: (deviceId) => devices.preferences(deviceId),
    activity: sessions,
    actionSecrets,
    // Turns autoplay typed (and executors' results) end through the queue, not the session stream.
    interactions: (listener) =>
      queue.onMessage((message) => {
        if (message.type === 'interaction_completed') {
          listener({ session_id: message.session_id, interaction_id: message.interaction_id, status: message.status, timestamp: message.timestamp ?? new Date(systemClock.now()).toISOString() });
        }
      }),
  });
  const history = new PushHistory(historyPath(dataDir));
  queue.onMessage((message) => transport?.broadcast(message));
  push.onDidReport((report) => {
    history.append(report);
    transport?.broadcast({ type: 'push_result', ...report });
  });
  try {
    transport = await startTransport({
      host,
      port,
      sessions,
      devices,
      pairing,
      adminSecret,
      daemonVersion: VERSION,
      onPushToken: (deviceId, registration) => {
        validatePushToken(registration.token_type, registration.token);
        if (registration.token_type === 'live_activity') sessions.get(registration.session_id ?? '');
        const target = registration.device_id ?? deviceId;
        registry.add({ ...registration, device_id: target, owner_id: deviceId, registered_at: new Date(systemClock.now()).toISOString() });
        // A rotated token (seed mobile-notifications §10.4) replaces the device's older token of the same kind (and Live Activity session).
        devices.removeWhere((r) => r.device_id === target && r.owner_id === deviceId && r.token_type === registration.token_type && r.session_id === registration.session_id && r.token !== registration.token);
        // A new Live Activity shows the session's state at once, not at the next change.
        if (registration.token_type === 'live_activity' && registration.session_id !== undefined) push.liveActivities?.refresh(registration.session_id);
      },
      onAppState: (report) => push.reportAppState(report.connection_id, report.device_id, report.state, report.session_id),
      onPushTest: (deviceId) => push.sendTest(deviceId),
      queues: { queue, autoplay },
      webPushPublicKey: vapidPublicKeyOf(providers),
      // The browser UI (phone PWA and desktop dashboard) on the same port.
      uiRoot: defaultUiRoot(),
      ...(tls ? { tls } : {}),
      insecureNoTls: options.insecureNoTls === true || config.server.insecure_no_tls,
      allowedHosts: config.server.allowed_hosts,
      allowedOrigins: config.server.allowed_origins,
      maxConnections: config.server.max_connections,
      maxConnectionsPerAddress: config.server.max_connections_per_address,
      startPolicy: buildStartPolicy({ allowedClis: config.sessions.allowed_clis, allowedRoots: config.sessions.allowed_roots }),
      tokenTtlMs: config.auth.token_ttl_days * DAY_MS,
      actionSecrets,
      onDidRemoveSession: (listener) => sessions.onDidRemoveSession(listener),
      log,
    });
  } catch (err) {
    autoplay.dispose();
    queue.dispose();
    push.dispose();
    sessions.dispose();
    drift.dispose();
    throw err instanceof TetherError ? err : new TetherError('INTERNAL', `cannot listen on ${host}:${port}: ${(err as Error).message}`, { cause: err });
  }
  // With TLS the certificate names a host, not 127.0.0.1: local clients use that name too.
  localUrl = tls ? transport.url : `http://127.0.0.1:${transport.port}`;
  const daemonFile: DaemonFile = { pid: process.pid, host, port: transport.port, url: localUrl, admin_secret: adminSecret, version: VERSION };
  writeFileAtomicSync(join(dataDir, DAEMON_FILE), `${JSON.stringify(daemonFile, null, 2)}\n`);
  log('info', 'daemon started', { url: transport.url, data_dir: dataDir, push_providers: providers.map((p) => p.tokenType), hosted: launcher !== undefined });
  if (launcher) {
    // After the transport listens, so clients that reconnect quickly see `session_resumed`.
    const report = await resumeHostedSessions(launcher, sessions);
    if (report.resumed + report.finished > 0) log('info', 'sessions resumed', { resumed: report.resumed, exited_meanwhile: report.finished });
    for (const problem of report.problems) log('warn', 'session host not attached', { host: problem.id, reason: problem.reason });
    sessions.pruneHookSecrets();
    if (hookSecrets) await listenForEarlierHooks(hookSecrets.list(), localUrl, transport, sessions, log);
  }
  // Live Activity tokens of sessions that did not outlive the previous daemon are orphans.
  const live = new Set(sessions.list().map((session) => session.id));
  devices.removeWhere((registration) => registration.token_type === 'live_activity' && !live.has(registration.session_id ?? ''));

  const started = transport;
  const watcher = options.configFile === undefined ? undefined : watchConfig(options.configFile, config, { sessions, push, transport: started, log, current });
  return {
    url: started.url,
    port: started.port,
    host,
    sessions,
    pairing,
    devices,
    transport: started,
    push,
    drift,
    queue,
    autoplay,
    async stop(stopOptions: StopOptions = {}) {
      if (stopOptions.stopSessions) await sessions.stopAll();
      watcher?.dispose();
      autoplay.dispose();
      queue.dispose();
      push.dispose();
      sessions.detachAll();
      sessions.dispose();
      drift.dispose();
      await started.close();
      await Promise.all(providers.map((p) => p.close().catch(() => undefined)));
      rmSync(join(dataDir, DAEMON_FILE), { force: true });
      log('info', 'daemon stopped');
    },
  };
}

/**
 * Re-attached agents whose hooks were given another loopback port (the port changed between
 * daemons, or was 0) keep reaching this daemon: it also listens on each such port for them, until
 * the last of those agents exits. A port it cannot take is logged; those agents' prompts then
 * come from the screen and transcript.
 */
async function listenForEarlierHooks(kept: readonly StoredHookSecret[], localUrl: string, transport: Transport, sessions: SessionManager, log: Logger): Promise<void> {
  const agentsByPort = new Map<number, Set<string>>();
  for (const record of kept) {
    if (record.hook_url === undefined || record.hook_url === localUrl || !URL.canParse(record.hook_url)) continue;
    const url = new URL(record.hook_url);
    if (url.protocol !== 'http:' || url.hostname !== '127.0.0.1' || url.port === '') continue;
    const port = Number(url.port);
    agentsByPort.set(port, (agentsByPort.get(port) ?? new Set()).add(record.session_id));
  }
  const closers = new Map<number, () => Promise<void>>();
  for (const port of agentsByPort.keys()) {
    try {
      closers.set(port, await transport.listenForHooks(port));
      log('info', 'listening for re-attached agents\' hooks on their earlier port', { port });
    } catch (err) {
      log('warn', 're-attached agents\' hooks cannot reach this daemon: their earlier port is taken', { port, error: (err as Error).message });
    }
  }
  if (closers.size === 0) return;
  // An exited agent posts no more hooks: the port is given up with its last agent.
  const running = new Set(sessions.list().filter((session) => session.status === 'running').map((session) => session.id));
  const release = (sessionId: string): void => {
    for (const [port, agents] of agentsByPort) {
      if (!agents.delete(sessionId) || agents.size > 0) continue;
      const close = closers.get(port);
      closers.delete(port);
      if (close) void close().then(() => log('info', 'closed the earlier hook port: its agents ended', { port }));
    }
    if (closers.size === 0) subscription.dispose();
  };
  const subscription = sessions.onEvent((event) => {
    if (event.type === 'session_closed') release(event.session_id);
  });
  for (const agents of agentsByPort.values()) for (const id of [...agents]) if (!running.has(id)) release(id);
}

/** What a config reload reaches. */
interface ReloadTargets {
  readonly sessions: SessionManager;
  readonly push: PushDispatcher;
  readonly transport: Transport;
  readonly log: Logger;
  /** Read by the approval rules at each new prompt. */
  readonly current: { config: TetherConfig };
}

/**
 * Watches the config file: a valid edit applies to sessions (sizes, pauses, limits, approval
 * timeouts), push (delay, content, quiet hours) and is broadcast as `config_changed`; an invalid
 * one is broadcast as `config_invalid` and changes nothing. A directory that cannot be watched is
 * logged; the daemon runs on with its start-up config.
 */
function watchConfig(file: string, initial: TetherConfig, targets: ReloadTargets): ConfigWatcher | undefined {
  let watcher: ConfigWatcher;
  try {
    watcher = new ConfigWatcher({ file, initial });
  } catch (err) {
    targets.log('warn', 'config file is not watched', { file, error: String(err) });
    return undefined;
  }
  watcher.onDidChange(({ config, changed, restartRequired }) => {
    targets.current.config = config;
    targets.sessions.configure({
      defaultCols: config.sessions.cols,
      defaultRows: config.sessions.rows,
      submitDelayMs: config.sessions.submit_delay_ms,
      maxRunning: config.sessions.max_running,
      keepExited: config.sessions.keep_exited,
      limits: { historyBytes: config.sessions.history_bytes },
    });
    targets.push.configure(config.push);
    targets.log('info', 'config reloaded', { changed, restart_required: restartRequired });
    targets.transport.broadcast({ type: 'config_changed', change_type: 'config', changed: [...changed], restart_required: [...restartRequired] });
  });
  watcher.onDidFail(({ path, reason }) => {
    targets.log('warn', 'config edit is invalid; the last good config stays', { file, path, reason });
    targets.transport.broadcast({ type: 'config_invalid', path, reason, file });
  });
  return watcher;
}
