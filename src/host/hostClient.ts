/**
 * HostClient: the daemon's end of a session host, an IPtyHandle. `connect` proves the secret,
 * reads the welcome and the replay (the checkpoint screen and the ring output after it), then
 * holds live output and the exit until the session calls `start`. Disposing it after the exit
 * releases the host; `detach` leaves the agent running for the next daemon. It speaks host
 * protocol 2 (the terminal's bytes, decoded here once, as a stream) and 1 (whole text frames).
 */
import { connect as connectSocket } from 'node:net';
import type { Socket } from 'node:net';
import { Disposable, Emitter, TetherError, toTetherError } from '../common/index.js';
import type { PtyExit } from '../core/ptyProcess.js';
import type { IPtyHandle } from '../core/ptyHandle.js';
import { controlFrame, dataFrame, FrameDecoder, FrameKind, HOST_PROTOCOL_VERSION, hostMessageSchema, MIN_HOST_PROTOCOL_VERSION, parseControl } from './hostProtocol.js';
import type { Frame, HostExit, HostWelcome } from './hostProtocol.js';
import { Utf8Stream } from './utf8Stream.js';

/** Output applied between checkpoints (offset units: bytes, UTF-16 units with a version 1 host): half the default ring, so the ring always reaches back to one. */
export const DEFAULT_CHECKPOINT_BYTES = 2 * 1024 * 1024;
/** Longest wait for the welcome and the replay (ms). */
const CONNECT_TIMEOUT_MS = 10_000;
/**
 * Output is decoded and delivered in pieces of at most this many bytes: a string past ~64K
 * characters lands in V8's large-object space, and making one costs several times more per byte
 * (measured on Node 20 with the bench's redraws).
 */
const DELIVER_PIECE_BYTES = 32 * 1024;
/** SIGHUP: what the agent gets when its host dies and the terminal's master closes. */
const SIGHUP = 1;

/** How to reach a host. */
export interface HostClientOptions {
  readonly socket: string;
  readonly secret: string;
  /** Output applied between checkpoints (offset units: bytes, UTF-16 units with a version 1 host). */
  readonly checkpointBytes?: number;
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

/** How one protocol version's output frames become text and offset units. */
interface OutputReader {
  /** Text of `payload` (after what was held) and the offset units it stands for. */
  read(payload: Buffer): { text: string; units: number };
  /** What is still held, decoded (an unfinished character becomes U+FFFD). */
  end(): { text: string; units: number };
  /** Offset units read but not yet returned as text. */
  readonly held: number;
}

/** Version 2: the terminal's bytes, decoded as one stream; offsets in bytes. */
function byteReader(): OutputReader {
  const stream = new Utf8Stream();
  return {
    read: (payload) => {
      const { text, bytes } = stream.write(payload);
      return { text, units: bytes };
    },
    end: () => {
      const { text, bytes } = stream.end();
      return { text, units: bytes };
    },
    get held() {
      return stream.held;
    },
  };
}

/** Version 1: every frame is whole UTF-8 text (read in pieces, so still as a stream); offsets in UTF-16 units. */
function textReader(): OutputReader {
  const stream = new Utf8Stream();
  return {
    read: (payload) => {
      const { text } = stream.write(payload);
      return { text, units: text.length };
    },
    end: () => {
      const { text } = stream.end();
      return { text, units: text.length };
    },
    // Held bytes are a character split between pieces of one frame: no unit of it was counted yet.
    held: 0,
  };
}

function readerFor(version: number): OutputReader {
  return version >= 2 ? byteReader() : textReader();
}

/** A connected, authenticated host. */
export class HostClient extends Disposable implements IPtyHandle {
  private _held: Array<Frame | 'closed'> | undefined = [];
  private _exited = false;
  private _detached = false;
  private _reader: OutputReader;
  /** Offset units of each chunk delivered by onData whose `applied` has not come yet, oldest first. */
  private readonly _delivered: number[] = [];
  private _applied: number;
  private _lastCheckpoint: number;
  /** The replay as the host sent it, until `start` (a new session delivers it as output). */
  private _replayPayload: Buffer | undefined;
  private readonly _onData = this._register(new Emitter<string>());
  readonly onData = this._onData.event;
  private readonly _onExit = this._register(new Emitter<PtyExit>());
  readonly onExit = this._onExit.event;

  private constructor(
    private readonly _socket: Socket,
    private readonly _decoder: FrameDecoder,
    readonly welcome: HostWelcome,
    replayPayloads: readonly Buffer[],
    private readonly _checkpointBytes: number,
  ) {
    super();
    this._reader = readerFor(welcome.v);
    this._replayPayload = Buffer.concat(replayPayloads);
    const output = replayPayloads.length === 0 ? '' : welcome.v >= 2 ? this._reader.read(this._replayPayload).text : replayPayloads.map((payload) => this._reader.read(payload).text).join('');
    this.replay = { checkpoint: welcome.checkpoint?.screen, output };
    // The screen rebuilt from the replay has applied all but an unfinished character at its end, which stays held for the live output.
    this._applied = welcome.offset - this._reader.held;
    // Due-ness counts from the host's newest screen, not from this attach: lives shorter than the
    // interval must not leave the ring without a checkpoint until it drops output.
    this._lastCheckpoint = welcome.checkpoint?.offset ?? 0;
    this._register({ dispose: () => this._close() });
  }

  /** What rebuilds the screen at attach. */
  readonly replay: HostReplay;

  /**
   * Connects, authenticates, and reads the welcome and replay.
   * @throws TetherError UNAUTHORIZED (wrong secret) | BAD_MESSAGE (protocol) | INTERNAL (unreachable, timeout, closed)
   */
  static connect(options: HostClientOptions): Promise<HostClient> {
    return new Promise<HostClient>((resolve, reject) => {
      const socket = connectSocket(options.socket);
      const offered = options.version ?? HOST_PROTOCOL_VERSION;
      // Output comes out of the decoder as views into the socket's chunks, never copied.
      const decoder = new FrameDecoder({ streamed: [FrameKind.output] });
      let welcome: HostWelcome | undefined;
      const replay: Buffer[] = [];
      let units = 0;
      // Version 1 offsets count UTF-16 units: a piece may end inside a character.
      const textUnits = new Utf8Stream();
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
        const client = new HostClient(socket, decoder, welcome!, replay, options.checkpointBytes ?? DEFAULT_CHECKPOINT_BYTES);
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
              replay.push(frame.payload);
              // Version 1 offsets count UTF-16 units of whole text frames; version 2 offsets count bytes.
              units += welcome.v >= 2 ? frame.payload.length : textUnits.write(frame.payload).text.length;
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
      // Output read together is delivered together (one screen write, one pty_output) up to a
      // piece's size; small pieces are joined, and nothing bigger is copied.
      let run: Buffer[] = [];
      let runBytes = 0;
      const flush = () => {
        if (run.length > 0) this._deliver({ kind: FrameKind.output, payload: run.length === 1 ? run[0] : Buffer.concat(run, runBytes) });
        run = [];
        runBytes = 0;
      };
      for (const frame of frames) {
        if (frame.kind !== FrameKind.output || frame.payload.length >= DELIVER_PIECE_BYTES) {
          flush();
          this._deliver(frame);
        } else {
          if (runBytes + frame.payload.length > DELIVER_PIECE_BYTES) flush();
          run.push(frame.payload);
          runBytes += frame.payload.length;
        }
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
    const payload = this._replayPayload;
    if (!this._held || !payload || payload.length === 0) return;
    // Read again from its first byte, through the live path (which holds an unfinished last character).
    this._reader = readerFor(this.welcome.v);
    this._held.unshift({ kind: FrameKind.output, payload });
    // The session applies the replay as output, so it counts towards the checkpoint offsets from where it starts.
    this._applied = this._lastCheckpoint = this.welcome.replay_from;
  }

  start(): void {
    const held = this._held;
    this._held = undefined;
    this._replayPayload = undefined;
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
      const payload = frame.payload;
      for (let at = 0; at < payload.length && !this._exited; at += DELIVER_PIECE_BYTES) this._fire(this._reader.read(payload.subarray(at, at + DELIVER_PIECE_BYTES)));
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

  private _fire(output: { text: string; units: number }): void {
    if (output.text === '') return;
    this._delivered.push(output.units);
    this._onData.fire(output.text);
  }

  private _exit(exit: PtyExit): void {
    if (this._exited) return;
    // The last output first: an unfinished character at the very end is shown as U+FFFD.
    this._fire(this._reader.end());
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
    // The host's offsets count what it sent (bytes in version 2), not the text's UTF-16 units.
    this._applied += this._delivered.shift() ?? units;
    const since = this._applied - this._lastCheckpoint;
    // Past 1.5 intervals a checkpoint is taken wherever the output stands (a TUI may never end a
    // chunk at a line end, a flood never leaves nothing pending), before the ring (2 intervals) fills.
    return since >= this._checkpointBytes * (atBoundary ? 1 : 1.5);
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
