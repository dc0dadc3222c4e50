/**
 * HostClient: the daemon's end of a session host, an IPtyHandle. `connect` proves the secret,
 * reads the welcome and the replay (the checkpoint screen and the ring output after it), then
 * holds live output and the exit until the session calls `start`. Disposing it after the exit
 * releases the host; `detach` leaves the agent running for the next daemon.
 */
import { connect as connectSocket } from 'node:net';
import type { Socket } from 'node:net';
import { Disposable, Emitter, TetherError, toTetherError } from '../common/index.js';
import type { PtyExit } from '../core/ptyProcess.js';
import type { IPtyHandle } from '../core/ptyHandle.js';
import { controlFrame, dataFrame, FrameDecoder, FrameKind, HOST_PROTOCOL_VERSION, hostMessageSchema, MIN_HOST_PROTOCOL_VERSION, parseControl } from './hostProtocol.js';
import type { Frame, HostExit, HostWelcome } from './hostProtocol.js';

/** Output applied between checkpoints (UTF-16 units): half the default ring, so the ring always reaches back to one. */
export const DEFAULT_CHECKPOINT_UNITS = 2 * 1024 * 1024;
/** Longest wait for the welcome and the replay (ms). */
const CONNECT_TIMEOUT_MS = 10_000;
/** SIGHUP: what the agent gets when its host dies and the terminal's master closes. */
const SIGHUP = 1;

/** How to reach a host. */
export interface HostClientOptions {
  readonly socket: string;
  readonly secret: string;
  /** Output applied between checkpoints (UTF-16 units). */
  readonly checkpointUnits?: number;
  readonly timeoutMs?: number;
  /** The highest host protocol version offered in `hello` (default HOST_PROTOCOL_VERSION; tests play a newer daemon). */
  readonly version?: number;
}

/** What rebuilds the screen at attach: the checkpoint's screen, then the output after it. */
export interface HostReplay {
  readonly checkpoint: string | undefined;
  readonly output: string;
}

function toExit(exit: HostExit): PtyExit {
  return exit.signal !== undefined ? { exitCode: exit.exit_code, signal: exit.signal } : { exitCode: exit.exit_code };
}

/** A connected, authenticated host. */
export class HostClient extends Disposable implements IPtyHandle {
  private _held: Array<Frame | 'closed'> | undefined = [];
  private _exited = false;
  private _detached = false;
  private _applied: number;
  private _lastCheckpoint: number;
  private readonly _onData = this._register(new Emitter<string>());
  readonly onData = this._onData.event;
  private readonly _onExit = this._register(new Emitter<PtyExit>());
  readonly onExit = this._onExit.event;

  private constructor(
    private readonly _socket: Socket,
    private readonly _decoder: FrameDecoder,
    readonly welcome: HostWelcome,
    readonly replay: HostReplay,
    private readonly _checkpointUnits: number,
  ) {
    super();
    this._applied = welcome.offset;
    // Due-ness counts from the host's newest screen, not from this attach: lives shorter than the
    // interval must not leave the ring without a checkpoint until it drops output.
    this._lastCheckpoint = welcome.checkpoint?.offset ?? 0;
    this._register({ dispose: () => this._close() });
  }

  /**
   * Connects, authenticates, and reads the welcome and replay.
   * @throws TetherError UNAUTHORIZED (wrong secret) | BAD_MESSAGE (protocol) | INTERNAL (unreachable, timeout, closed)
   */
  static connect(options: HostClientOptions): Promise<HostClient> {
    return new Promise<HostClient>((resolve, reject) => {
      const socket = connectSocket(options.socket);
      const offered = options.version ?? HOST_PROTOCOL_VERSION;
      const decoder = new FrameDecoder();
      let welcome: HostWelcome | undefined;
      const output: string[] = [];
      let units = 0;
      const fail = (err: TetherError) => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      const timer = setTimeout(() => fail(new TetherError('INTERNAL', `host at ${options.socket} did not answer`)), options.timeoutMs ?? CONNECT_TIMEOUT_MS);
      const finish = (rest: Frame[]) => {
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('error', onError);
        socket.off('close', onClose);
        const replay: HostReplay = { checkpoint: welcome!.checkpoint?.screen, output: output.join('') };
        const client = new HostClient(socket, decoder, welcome!, replay, options.checkpointUnits ?? DEFAULT_CHECKPOINT_UNITS);
        client._adopt(rest);
        resolve(client);
      };
      const onData = (chunk: Buffer) => {
        try {
          const frames = decoder.push(chunk);
          for (let i = 0; i < frames.length; i++) {
            const frame = frames[i];
            if (!welcome) {
              const message = frame.kind === FrameKind.control ? parseControl(frame.payload, hostMessageSchema) : undefined;
              if (message?.t === 'error') return fail(new TetherError(message.code === 'UNAUTHORIZED' ? 'UNAUTHORIZED' : 'BAD_MESSAGE', `host refused: ${message.message}`));
              if (message?.t !== 'welcome') return fail(new TetherError('BAD_MESSAGE', 'host did not start with welcome'));
              // The host answers with the version both speak: never above the offer, never below what this build can read.
              if (message.v > offered || message.v < MIN_HOST_PROTOCOL_VERSION) return fail(new TetherError('BAD_MESSAGE', `host answered protocol ${message.v} to an offer of ${offered}`));
              welcome = message;
            } else if (frame.kind === FrameKind.output) {
              const text = frame.payload.toString('utf8');
              output.push(text);
              units += text.length;
            } else {
              return finish(frames.slice(i));
            }
            if (welcome.replay_from + units >= welcome.offset) return finish(frames.slice(i + 1));
          }
        } catch (err) {
          fail(toTetherError(err));
        }
      };
      const onError = (err: Error) => fail(new TetherError('INTERNAL', `cannot reach host at ${options.socket}: ${err.message}`, { cause: err }));
      const onClose = () => fail(new TetherError('INTERNAL', `host at ${options.socket} closed the connection`));
      socket.on('data', onData);
      socket.on('error', onError);
      socket.on('close', onClose);
      socket.on('connect', () => socket.write(controlFrame({ t: 'hello', v: offered, secret: options.secret })));
    });
  }

  get pid(): number {
    return this.welcome.agent_pid;
  }

  /** The host process's pid. */
  get hostPid(): number {
    return this.welcome.host_pid;
  }

  /** Takes over the socket from `connect`, holding frames until `start`. */
  private _adopt(rest: Frame[]): void {
    this._held?.push(...rest);
    if (this.welcome.exit) this._held?.push({ kind: FrameKind.control, payload: Buffer.from(JSON.stringify({ t: 'exit', ...this.welcome.exit })) });
    this._socket.on('data', (chunk: Buffer) => {
      let frames: Frame[];
      try {
        frames = this._decoder.push(chunk);
      } catch {
        this._socket.destroy();
        return;
      }
      // Output frames read together are delivered as one chunk (one screen write, one pty_output).
      let run: Buffer[] = [];
      const flush = () => {
        if (run.length > 0) this._deliver({ kind: FrameKind.output, payload: run.length === 1 ? run[0] : Buffer.concat(run) });
        run = [];
      };
      for (const frame of frames) {
        if (frame.kind === FrameKind.output) {
          run.push(frame.payload);
          continue;
        }
        flush();
        this._deliver(frame);
      }
      flush();
    });
    this._socket.on('error', () => this._socket.destroy());
    this._socket.on('close', () => this._deliver('closed'));
  }

  /**
   * Delivers the replay as ordinary output after `start` (a new session's first output, which
   * arrived before its session existed), instead of the caller rebuilding a screen from it.
   */
  deliverReplayAsOutput(): void {
    if (this.replay.output === '') return;
    this._held?.unshift({ kind: FrameKind.output, payload: Buffer.from(this.replay.output, 'utf8') });
    // The session applies the replay as output, so it counts towards the checkpoint offsets from where it starts.
    this._applied = this._lastCheckpoint = this.welcome.replay_from;
  }

  start(): void {
    const held = this._held;
    this._held = undefined;
    for (const frame of held ?? []) this._deliver(frame);
  }

  private _deliver(frame: Frame | 'closed'): void {
    if (this._held) {
      this._held.push(frame);
      return;
    }
    if (frame === 'closed') {
      // The host died: its terminal's master closed, so the agent got SIGHUP.
      if (!this._exited && !this._detached && !this.isDisposed) this._exit({ exitCode: 128 + SIGHUP, signal: SIGHUP });
      return;
    }
    if (frame.kind === FrameKind.output) {
      if (!this._exited) this._onData.fire(frame.payload.toString('utf8'));
      return;
    }
    if (frame.kind !== FrameKind.control) return;
    let message;
    try {
      message = parseControl(frame.payload, hostMessageSchema);
    } catch {
      this._socket.destroy();
      return;
    }
    if (message.t === 'exit') this._exit(toExit(message));
  }

  private _exit(exit: PtyExit): void {
    if (this._exited) return;
    this._exited = true;
    this._onExit.fire(exit);
  }

  private _send(frame: Buffer): void {
    if (!this._socket.destroyed && this._socket.writable) this._socket.write(frame);
  }

  write(data: string): void {
    this._send(dataFrame(FrameKind.input, data));
  }

  resize(cols: number, rows: number): void {
    this._send(controlFrame({ t: 'resize', cols, rows }));
  }

  pause(): void {
    this._socket.pause();
  }

  resume(): void {
    this._socket.resume();
  }

  kill(signal: NodeJS.Signals): void {
    const known = signal === 'SIGTERM' || signal === 'SIGKILL' || signal === 'SIGINT' || signal === 'SIGHUP';
    if (known) this._send(controlFrame({ t: 'signal', signal }));
  }

  applied(units: number, atBoundary: boolean): boolean {
    this._applied += units;
    const since = this._applied - this._lastCheckpoint;
    // Past 1.5 intervals a checkpoint is taken wherever the output stands (a TUI may never end a
    // chunk at a line end, a flood never leaves nothing pending), before the ring (2 intervals) fills.
    return since >= this._checkpointUnits * (atBoundary ? 1 : 1.5);
  }

  checkpoint(screen: string): void {
    this._lastCheckpoint = this._applied;
    this._send(controlFrame({ t: 'checkpoint', offset: this._applied, screen }));
  }

  lease(seq: number): void {
    this._send(controlFrame({ t: 'lease', seq }));
  }

  detach(): void {
    this._detached = true;
    this.dispose();
  }

  /** After the exit: release the host (it removes its files and goes). Otherwise: just hang up; the agent runs on. */
  private _close(): void {
    if (this._exited && !this._detached) this._socket.end(controlFrame({ t: 'release' }));
    else this._socket.end();
  }
}
