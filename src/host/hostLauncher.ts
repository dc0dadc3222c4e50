/**
 * HostLauncher: the daemon's side of session hosts. `spawn` starts a host for a new session,
 * detached (its own session and process group, so no signal to the daemon reaches the agent),
 * hands it the launch on stdin, waits for `ready`, and connects. `discover` finds the hosts a
 * previous daemon left (live ones are attached, dead ones' files removed) and their final records.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TetherError, toTetherError } from '../common/index.js';
import { HostClient } from './hostClient.js';
import { hostPaths, hostsDir, processAlive, readFinalRecords, readHostRecords, removeHostFiles } from './hostFiles.js';
import type { FinalHostRecord } from './hostFiles.js';
import type { HostLaunch, HostSession } from './hostProtocol.js';

/** Longest wait for a new host's `ready` (ms): node start-up plus node-pty's spawn, on a loaded machine. */
const READY_TIMEOUT_MS = 15_000;
/** Default wait of an exited agent's host for a daemon before it writes a final record (ms). */
export const DEFAULT_ORPHAN_EXIT_MS = 5 * 60_000;
/** The host log's tail quoted in a start-up failure (bytes). */
const LOG_TAIL_BYTES = 2000;
/** Variables the host process itself keeps (the agent gets its own sanitised environment). */
const HOST_ENV_KEYS = ['PATH', 'HOME', 'LANG', 'TMPDIR'];

/** How hosts are started. */
export interface HostLauncherOptions {
  readonly dataDir: string;
  /** The host program: `[node, hostMain.js]` (tests pass a transpiled copy). */
  readonly command: readonly string[];
  readonly orphanExitMs?: number;
  /** Ring bound of new hosts (bytes). */
  readonly ringBytes?: number;
  /** Output applied between checkpoints (bytes; UTF-16 units with a version 1 host). */
  readonly checkpointBytes?: number;
  readonly killGraceMs?: number;
}

/** What a previous daemon left. */
export interface DiscoveredHosts {
  readonly attached: HostClient[];
  readonly finals: FinalHostRecord[];
}

/** Starts, finds and attaches session hosts. */
export class HostLauncher {
  private readonly _dir: string;

  /** @throws the fs error when the hosts folder cannot be created */
  constructor(private readonly _options: HostLauncherOptions) {
    this._dir = hostsDir(_options.dataDir);
  }

  /** The hosts folder. */
  get dir(): string {
    return this._dir;
  }

  /**
   * Starts a host for `session` with the agent's environment `env` and connects to it.
   * @throws TetherError SPAWN_FAILED when the host or the agent cannot start
   */
  async spawn(session: HostSession, env: Record<string, string>): Promise<HostClient> {
    const secret = randomBytes(32).toString('base64url');
    const paths = hostPaths(this._dir, session.id);
    const launch: HostLaunch = {
      session,
      env,
      dir: this._dir,
      secret,
      orphan_exit_ms: this._options.orphanExitMs ?? DEFAULT_ORPHAN_EXIT_MS,
      kill_grace_ms: this._options.killGraceMs ?? 3000,
      ...(this._options.ringBytes !== undefined ? { ring_bytes: this._options.ringBytes } : {}),
    };
    const hostEnv: Record<string, string> = {};
    for (const key of HOST_ENV_KEYS) if (process.env[key] !== undefined) hostEnv[key] = process.env[key]!;
    // Inside the Electron app, process.execPath is Electron: run it as plain Node.
    if (process.versions.electron !== undefined) hostEnv.ELECTRON_RUN_AS_NODE = '1';
    const log = openSync(paths.log, 'a', 0o600);
    const [file, ...args] = this._options.command;
    const child = spawn(file, args, { detached: true, stdio: ['pipe', 'pipe', log], env: hostEnv });
    closeSync(log);
    child.stdin!.on('error', () => {});
    child.stdin!.end(JSON.stringify(launch));
    try {
      await new Promise<void>((resolve, reject) => {
        let text = '';
        const timer = setTimeout(() => reject(new Error('no ready line')), READY_TIMEOUT_MS);
        child.stdout!.setEncoding('utf8');
        child.stdout!.on('data', (chunk: string) => {
          text += chunk;
          if (text.includes('\n')) {
            clearTimeout(timer);
            if (text.startsWith('ready ')) resolve();
            else reject(new Error(text.trim()));
          }
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`exited with ${code}`));
        });
        child.once('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
      });
    } catch (err) {
      child.kill('SIGKILL');
      const tail = readTail(paths.log);
      removeHostFiles(this._dir, session.id);
      throw new TetherError('SPAWN_FAILED', `session host for ${session.command} did not start (${(err as Error).message})${tail ? `: ${tail}` : ''}`, { cause: err });
    } finally {
      child.stdout!.destroy();
      child.unref();
    }
    try {
      const client = await HostClient.connect({ socket: paths.socket, secret, ...this._checkpoint() });
      client.deliverReplayAsOutput();
      return client;
    } catch (err) {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
      throw new TetherError('SPAWN_FAILED', `cannot attach to the new session host: ${toTetherError(err).message}`, { cause: err });
    }
  }

  /**
   * Attaches every live host in the data dir and reads the final records (removing their files:
   * the caller holds them now). Dead hosts' files and stray sockets are removed.
   * @param onProblem told about each host that could not be attached, and why
   */
  async discover(onProblem: (id: string, reason: string) => void = () => {}): Promise<DiscoveredHosts> {
    const attached: HostClient[] = [];
    const live = new Set<string>();
    for (const { record } of readHostRecords(this._dir, (path, reason) => onProblem(path, reason))) {
      if (!processAlive(record.pid)) {
        removeHostFiles(this._dir, record.id);
        continue;
      }
      try {
        attached.push(await HostClient.connect({ socket: record.socket, secret: record.secret, ...this._checkpoint() }));
        live.add(record.id);
      } catch (err) {
        live.add(record.id);
        onProblem(record.id, toTetherError(err).message);
      }
    }
    const finals: FinalHostRecord[] = [];
    for (const { path, record } of readFinalRecords(this._dir, (path, reason) => onProblem(path, reason))) {
      finals.push(record);
      rmSync(path, { force: true });
    }
    this._sweep(live);
    return { attached, finals };
  }

  private _checkpoint(): { checkpointBytes?: number } {
    return this._options.checkpointBytes !== undefined ? { checkpointBytes: this._options.checkpointBytes } : {};
  }

  /** Removes sockets and logs of hosts that are not running. */
  private _sweep(live: ReadonlySet<string>): void {
    for (const name of readdirSync(this._dir)) {
      const match = /^(.+)\.(sock|log)$/.exec(name);
      if (match && !live.has(match[1]) && ![...live].some((id) => id.startsWith(match[1]))) rmSync(join(this._dir, name), { force: true });
    }
  }
}

function readTail(path: string): string {
  try {
    const text = readFileSync(path, 'utf8');
    return text.slice(-LOG_TAIL_BYTES).trim();
  } catch {
    return '';
  }
}
