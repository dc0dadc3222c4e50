/**
 * HostServer: the host side of a session. It owns the agent's PTY (PtyProcess, so the last output
 * is drained before exit), keeps recent output in an OutputRing, and serves one daemon at a time
 * over its unix socket after the daemon proves the per-host secret. When the agent exits it hands
 * the daemon the exit and waits for `release`; with no daemon for `orphanExitMs` it writes a final
 * record instead. Either way it removes its socket and record and reports `onDidFinish`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { chmodSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { Disposable, Emitter, toTetherError } from '../common/index.js';
import { PtyProcess } from '../core/ptyProcess.js';
import { hostPaths, removeHostFiles, writeJsonFile } from './hostFiles.js';
import type { FinalHostRecord, HostRecord } from './hostFiles.js';
import { OutputRing } from './outputRing.js';
import type { FoldScreen } from './outputRing.js';
import {
  controlFrame,
  daemonMessageSchema,
  FrameDecoder,
  FrameKind,
  HOST_PROTOCOL_VERSION,
  MIN_SERVED_PROTOCOL_VERSION,
  outputFrameHeader,
  parseControl,
} from './hostProtocol.js';
import type { DaemonMessage, HostExit, HostMessage, HostSession } from './hostProtocol.js';

/** How long a new connection has to say `hello` (ms) before it is dropped. */
const HELLO_TIMEOUT_MS = 5000;
/** How long a stopping host whose agent exited waits for an attached daemon's `release` before it writes the final record itself (ms). */
const STOP_RELEASE_MS = 2000;
/**
 * Output the daemon has not read yet (bytes in the socket's buffer) past which the agent's PTY is
 * paused until it drains: well above one batch, so a busy daemon always has output queued.
 */
const SEND_HIGH_WATER_BYTES = 1 << 20;
/**
 * Output that follows a send within this long (ms) is gathered for this long before it is sent:
 * during a flood one socket write (and one wake-up of the daemon) carries several of the
 * terminal's 4 KB reads, each of which comes in its own event-loop turn; a lone chunk (an echo, a
 * prompt) still goes at the end of its turn.
 */
const COALESCE_MS = 2;
/** Gathered output is sent at once when it reaches this many bytes (the daemon decodes it in pieces of half this). */
const MAX_BATCH_BYTES = 64 * 1024;
/** Replay frames are cut to this many bytes, so no single frame is huge. */
const REPLAY_FRAME_BYTES = 256 * 1024;

/** The fold screen's class, loaded on first need (it costs the host's start-up a third of a second on a loaded machine). */
let foldScreenClass: (new (cols: number, rows: number) => FoldScreen) | 'failed' | undefined;
let foldScreenLoading: Promise<void> | undefined;

/** Starts loading the fold screen's class (once); resolves when it is loaded (or failed). */
function loadFoldScreen(): Promise<void> {
  return (foldScreenLoading ??= import('../core/headlessScreen.js').then(
    (module) => void (foldScreenClass = module.HeadlessScreen),
    (err: unknown) => {
      foldScreenClass = 'failed';
      process.stderr.write(`tether host: no fold screen, output past the ring will be dropped: ${(err as Error).message}\n`);
    },
  ));
}

/** What a host is started with. */
export interface HostServerOptions {
  readonly session: HostSession;
  /** The agent's environment (already sanitised by the daemon). */
  readonly env: Record<string, string>;
  /** The hosts folder (0700). */
  readonly dir: string;
  /** The per-host secret a daemon must present (base64url, 32 random bytes). */
  readonly secret: string;
  /** Ring bound (bytes). */
  readonly ringBytes?: number;
  /** How long an exited agent's host waits for a daemon before writing a final record (ms). */
  readonly orphanExitMs: number;
}

/** How the host ended: a daemon took the exit, or none came and a final record was written. */
export type HostFinish = 'released' | 'final_record';

/** The digest compared for a secret, so timingSafeEqual sees equal lengths. */
function digest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** One session's host. */
export class HostServer extends Disposable {
  private readonly _pty: PtyProcess<Buffer>;
  private readonly _ring: OutputRing;
  private readonly _server: Server;
  private readonly _paths: ReturnType<typeof hostPaths>;
  private readonly _secret: Buffer;
  private _session: HostSession;
  private _client: Socket | undefined;
  private _exit: HostExit | undefined;
  private _lease = 0;
  /** Output read in this event-loop turn, sent to the daemon as one frame when the turn ends. */
  private _batch: Buffer[] = [];
  private _batchBytes = 0;
  private _flushScheduled = false;
  /** When output was last sent (performance.now() ms). */
  private _lastFlush = 0;
  /** The PTY is paused because the daemon's socket holds SEND_HIGH_WATER_BYTES. */
  private _paused = false;
  private _orphanTimer: NodeJS.Timeout | undefined;
  private _finished = false;
  /** Told to stop (SIGTERM): no waiting for a daemon once the agent exited. */
  private _stopping = false;
  private readonly _onDidFinish = this._register(new Emitter<HostFinish>());
  /** The host is done (files removed); the process may exit. */
  readonly onDidFinish = this._onDidFinish.event;

  /** @throws TetherError SPAWN_FAILED when the agent cannot start */
  constructor(private readonly _options: HostServerOptions) {
    super();
    this._session = _options.session;
    this._secret = digest(_options.secret);
    this._paths = hostPaths(_options.dir, _options.session.id);
    this._ring = new OutputRing(_options.ringBytes, () => this._foldScreen());
    const { file, args, cols, rows, cwd } = _options.session;
    // The terminal's bytes, not decoded: the host only keeps and forwards them (protocol 2).
    this._pty = this._register(PtyProcess.bytes({ file, args, cols, rows, cwd, env: _options.env }));
    this._register(this._pty.onData((data) => this._output(data)));
    this._register(this._pty.onExit((exit) => this._exited(exit.signal !== undefined ? { exit_code: 128 + exit.signal, signal: exit.signal } : { exit_code: exit.exitCode })));
    this._server = createServer((socket) => this._accept(socket));
    this._register({ dispose: () => this._server.close() });
    this._register({ dispose: () => this._ring.dispose() });
  }

  /** A screen for output older than the ring (the session's size now), or 'later' while its class loads. */
  private _foldScreen(): FoldScreen | 'later' | undefined {
    if (foldScreenClass === 'failed') return undefined;
    if (foldScreenClass) return new foldScreenClass(this._session.cols, this._session.rows);
    this._loadFoldScreen();
    return 'later';
  }

  /** Loads the fold screen's class, then moves what the ring held past its bound meanwhile. */
  private _loadFoldScreen(): void {
    void loadFoldScreen().then(() => this.isDisposed || this._ring.trim());
  }

  /** The agent's pid (its process group: node-pty starts it in a new session). */
  get agentPid(): number {
    return this._pty.pid;
  }

  /**
   * Listens on the socket (0600) and writes the host record the next daemon finds.
   * @throws the listen error, or TetherError STORE_WRITE_FAILED for the record
   */
  async listen(): Promise<void> {
    rmSync(this._paths.socket, { force: true });
    await new Promise<void>((resolve, reject) => {
      this._server.once('error', reject);
      this._server.listen(this._paths.socket, () => resolve());
    });
    chmodSync(this._paths.socket, 0o600);
    const record: HostRecord = { v: HOST_PROTOCOL_VERSION, id: this._session.id, pid: process.pid, socket: this._paths.socket, secret: this._options.secret };
    writeJsonFile(this._paths.record, record);
  }

  /**
   * The host was told to stop (its SIGTERM): ends the agent (SIGTERM to its process group, SIGKILL
   * after `graceMs`); once it exited, an attached daemon gets the exit and up to STOP_RELEASE_MS to
   * release, and with none the final record is written at once (no orphan wait).
   */
  stop(graceMs: number): void {
    if (this._finished) return;
    this._stopping = true;
    if (this._exit) {
      this._startOrphanTimer();
      return;
    }
    this.signalAgent('SIGTERM');
    setTimeout(() => this.signalAgent('SIGKILL'), graceMs).unref();
  }

  /** Ends the agent: `signal` to its process group (the host's SIGTERM path). */
  signalAgent(signal: NodeJS.Signals): void {
    try {
      process.kill(-this._pty.pid, signal);
    } catch {
      this._pty.kill(signal);
    }
  }

  private _accept(socket: Socket): void {
    const decoder = new FrameDecoder();
    let authenticated = false;
    const helloTimer = setTimeout(() => socket.destroy(), HELLO_TIMEOUT_MS);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      clearTimeout(helloTimer);
      if (this._client === socket) this._detach();
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const frame of decoder.push(chunk)) {
          if (!authenticated) {
            const hello = frame.kind === FrameKind.control ? parseControl(frame.payload, daemonMessageSchema) : undefined;
            if (hello?.t !== 'hello') return this._refuse(socket, 'UNAUTHORIZED', 'the first frame must be hello');
            if (!timingSafeEqual(digest(hello.secret), this._secret)) return this._refuse(socket, 'UNAUTHORIZED', 'wrong host secret');
            if (hello.v < MIN_SERVED_PROTOCOL_VERSION) return this._refuse(socket, 'BAD_MESSAGE', `host protocol ${hello.v} is older than ${MIN_SERVED_PROTOCOL_VERSION}`);
            clearTimeout(helloTimer);
            authenticated = true;
            this._attach(socket, Math.min(hello.v, HOST_PROTOCOL_VERSION));
          } else if (frame.kind === FrameKind.input) {
            this._write(frame.payload);
          } else if (frame.kind === FrameKind.control) {
            this._control(parseControl(frame.payload, daemonMessageSchema));
          }
        }
      } catch (err) {
        this._refuse(socket, toTetherError(err).code, toTetherError(err).message);
      }
    });
  }

  private _refuse(socket: Socket, code: string, message: string): void {
    socket.end(controlFrame({ t: 'error', code, message }));
    setTimeout(() => socket.destroy(), 100).unref();
  }

  /** A daemon proved the secret: it replaces any other, gets the welcome, the replay, then live output. */
  private _attach(socket: Socket, version: number): void {
    if (this._client && this._client !== socket) this._refuse(this._client, 'REPLACED', 'another daemon attached');
    this._client = socket;
    if (this._orphanTimer) clearTimeout(this._orphanTimer);
    this._orphanTimer = undefined;
    if (this._stopping && this._exit) this._startOrphanTimer();
    this._batch = [];
    this._batchBytes = 0;
    this._ring.setAttached(true);
    socket.on('drain', () => this._client === socket && this._resume());
    const replay = this._ring.replay();
    const welcome: HostMessage = {
      t: 'welcome',
      v: version,
      session: this._session,
      host_pid: process.pid,
      agent_pid: this._pty.pid,
      offset: this._ring.end,
      replay_from: replay.from,
      ...(replay.checkpoint ? { checkpoint: replay.checkpoint } : {}),
      gap: replay.gap,
      seq_lease: this._lease,
      ...(this._exit ? { exit: this._exit } : {}),
    };
    socket.write(controlFrame(welcome));
    for (const chunk of replay.chunks) {
      for (let at = 0; at < chunk.length; at += REPLAY_FRAME_BYTES) {
        const piece = chunk.subarray(at, at + REPLAY_FRAME_BYTES);
        socket.write(outputFrameHeader(piece.length));
        socket.write(piece);
      }
    }
  }

  private _detach(): void {
    this._client = undefined;
    // No daemon checkpoints now: output past the ring will go to the fold screen.
    this._loadFoldScreen();
    this._pty.resume();
    if (this._exit) this._startOrphanTimer();
  }

  private _control(message: DaemonMessage): void {
    switch (message.t) {
      case 'hello':
        break;
      case 'resize':
        this._session = { ...this._session, cols: message.cols, rows: message.rows };
        if (!this._exit) this._pty.resize(message.cols, message.rows);
        this._ring.resize(message.cols, message.rows);
        break;
      case 'signal':
        if (!this._exit) this.signalAgent(message.signal);
        break;
      case 'lease':
        this._lease = Math.max(this._lease, message.seq);
        break;
      case 'checkpoint':
        this._ring.checkpoint({ offset: message.offset, screen: message.screen });
        break;
      case 'release':
        if (this._exit) this._finish('released');
        break;
    }
  }

  private _write(data: Buffer): void {
    if (this._exit) return;
    try {
      this._pty.write(data);
    } catch {
      // The PTY closed under us; the exit follows.
    }
  }

  private _output(data: Buffer): void {
    this._ring.push(data);
    if (!this._client) return;
    // One frame (one write) per event-loop turn: under a flood libuv reads the PTY many times a turn.
    this._batch.push(data);
    this._batchBytes += data.length;
    if (this._batchBytes >= MAX_BATCH_BYTES) return this._flush();
    if (this._flushScheduled) return;
    this._flushScheduled = true;
    // A flood: gather several reads (a terminal gives 4 KB at a time, each in its own turn) per write.
    if (performance.now() - this._lastFlush < COALESCE_MS) setTimeout(() => this._flush(), COALESCE_MS);
    else setImmediate(() => this._flush());
  }

  /** Sends the batched output to the daemon; pauses the PTY while the socket holds too much. */
  private _flush(): void {
    this._flushScheduled = false;
    this._lastFlush = performance.now();
    const client = this._client;
    const batch = this._batch;
    const bytes = this._batchBytes;
    this._batch = [];
    this._batchBytes = 0;
    if (!client || batch.length === 0) return;
    // One frame, written as its header and the chunks themselves: one writev, no copy (cheaper in
    // the host than one joined buffer, measured on the live bench's redraws).
    client.cork();
    client.write(outputFrameHeader(bytes));
    for (const chunk of batch) client.write(chunk);
    client.uncork();
    if (client.writableLength > SEND_HIGH_WATER_BYTES && !this._paused) {
      this._paused = true;
      this._pty.pause();
    }
  }

  private _resume(): void {
    if (!this._paused) return;
    this._paused = false;
    this._pty.resume();
  }

  private _exited(exit: HostExit): void {
    this._exit = exit;
    // The last output goes before the exit.
    this._flush();
    if (this._client) this._client.write(controlFrame({ t: 'exit', ...exit }));
    if (!this._client || this._stopping) this._startOrphanTimer();
  }

  /** Waits for a daemon to take the exit: the orphan time, or, when stopping, none without a daemon and STOP_RELEASE_MS with one. */
  private _startOrphanTimer(): void {
    if (this._finished) return;
    if (this._stopping && !this._client) return this._finish('final_record');
    const waitMs = this._stopping ? Math.min(STOP_RELEASE_MS, this._options.orphanExitMs) : this._options.orphanExitMs;
    if (this._orphanTimer) clearTimeout(this._orphanTimer);
    this._orphanTimer = setTimeout(() => this._finish('final_record'), waitMs);
  }

  /** Writes the final record (when no daemon took the exit), removes the socket and record, and reports. */
  private _finish(how: HostFinish): void {
    if (this._finished) return;
    this._finished = true;
    if (this._orphanTimer) clearTimeout(this._orphanTimer);
    if (how === 'final_record' && this._exit) {
      const replay = this._ring.replay();
      const record: FinalHostRecord = {
        v: HOST_PROTOCOL_VERSION,
        session: this._session,
        exit_code: this._exit.exit_code,
        ended_at: new Date().toISOString(),
        ...(replay.checkpoint ? { checkpoint: replay.checkpoint.screen } : {}),
        output: Buffer.concat(replay.chunks).toString('utf8'),
      };
      try {
        writeJsonFile(this._paths.final, record);
      } catch (err) {
        process.stderr.write(`tether host ${this._session.id}: cannot write the final record: ${(err as Error).message}\n`);
      }
    }
    this._client?.end();
    removeHostFiles(this._options.dir, this._session.id, { keepLog: false });
    this._onDidFinish.fire(how);
  }
}
