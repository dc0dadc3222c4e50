/**
 * PtyProcess: a node-pty process whose last output is never lost. On Linux, libuv 1.46 (Node 20)
 * takes the terminal's hang-up plus a short read as end of data while bytes are still buffered
 * (libuv#4992, fixed in libuv#4997), and node-pty destroys its read socket 200 ms after the child
 * is reaped (node-pty 1.1.0 `DESTROY_SOCKET_TIMEOUT_MS`), discarding whatever was not read yet.
 * So we hold the terminal's other end (the slave `/dev/pts/N`) open: no hang-up reaches the
 * master while we read. When node-pty moves to destroy its socket (the child has exited), we
 * resume reading, write a unique marker through the slave and keep reading until the marker
 * comes back: everything the child wrote was queued before it. Then the slave is closed and
 * the socket destroyed, and `onExit` fires after the last byte went through `onData`.
 */
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as pty from 'node-pty';
import { Disposable, Emitter, TetherError, toDisposable } from '../common/index.js';

/** What a PTY process is started with. */
export interface PtyProcessOptions {
  readonly file: string;
  readonly args: readonly string[];
  /** Size in cells/rows. */
  readonly cols: number;
  readonly rows: number;
  readonly cwd: string;
  readonly env: Record<string, string>;
  /** `TERM` for the child (default xterm-256color). */
  readonly name?: string;
}

/** How output is handled on the way out, per form: text (UTF-8 decoded) or the terminal's bytes. */
interface ChunkOps<T extends string | Buffer> {
  readonly empty: T;
  concat(a: T, b: T): T;
  slice(chunk: T, start: number, end?: number): T;
  /** Length of the longest suffix of `chunk` that is a prefix of `marker`. */
  partial(chunk: T, marker: string): number;
}

const textOps: ChunkOps<string> = {
  empty: '',
  concat: (a, b) => a + b,
  slice: (chunk, start, end) => chunk.slice(start, end),
  partial: (chunk, marker) => partialMarkerLength(chunk, marker),
};

const byteOps: ChunkOps<Buffer> = {
  empty: Buffer.alloc(0),
  concat: (a, b) => (a.length === 0 ? b : Buffer.concat([a, b])),
  slice: (chunk, start, end) => chunk.subarray(start, end),
  // The marker is ASCII: its characters are its bytes.
  partial: (chunk, marker) => partialMarkerLength(chunk.subarray(Math.max(0, chunk.length - marker.length)).toString('latin1'), marker),
};

/** How the process ended: the exit code, and the signal number when a signal killed it. */
export interface PtyExit {
  readonly exitCode: number;
  readonly signal?: number;
}

/** Longest wait for the drain marker after the child exited (ms); past it, exit is reported anyway (a stopped tty, a hung consumer). */
export const DRAIN_TIMEOUT_MS = 3000;
/** Retry interval for a marker write the full terminal buffer refused (ms). */
const MARKER_RETRY_MS = 5;

/** node-pty's read socket as far as we touch it (an internal of node-pty 1.1.0's UnixTerminal). */
interface ReadSocket {
  destroy(error?: Error): unknown;
  resume(): unknown;
}

/**
 * The marker written through the slave after exit: an OSC string the screen would ignore even if
 * it slipped through, upper case and free of `\n` so no output post-processing (ONLCR, OLCUC)
 * changes it, with 64 random bits so no program prints it by chance.
 */
function drainMarker(): string {
  return `\x1b]7717;TETHER-DRAIN-${randomBytes(8).toString('hex').toUpperCase()}\x07`;
}

/** Length of the longest suffix of `text` that is a prefix of `marker` (a marker split across reads). */
export function partialMarkerLength(text: string, marker: string): number {
  for (let length = Math.min(marker.length - 1, text.length); length > 0; length--) {
    if (text.endsWith(marker.slice(0, length))) return length;
  }
  return 0;
}

/**
 * A child process on a pseudo-terminal. `PtyProcess` gives its output as UTF-8 decoded text;
 * `PtyProcess.bytes` gives the terminal's bytes as read (a session host passes them on without
 * decoding: a chunk may end inside a multi-byte character).
 */
export class PtyProcess<T extends string | Buffer = string> extends Disposable {
  private readonly _pty: pty.IPty;
  private readonly _ops: ChunkOps<T>;
  private _slave: number | undefined;
  private _socket: ReadSocket | undefined;
  private _destroy: ((error?: Error) => unknown) | undefined;
  private _marker: string | undefined;
  private _carry: T;
  private _drainTimer: NodeJS.Timeout | undefined;

  private readonly _onData = this._register(new Emitter<T>());
  /** Output in order (text, or bytes for `PtyProcess.bytes`); the last chunk arrives before `onExit`. */
  readonly onData = this._onData.event;
  private readonly _onExit = this._register(new Emitter<PtyExit>());
  /** The child exited and all its output has been delivered. */
  readonly onExit = this._onExit.event;

  /**
   * A process whose output comes as the terminal's bytes (Buffers), not decoded.
   * @throws TetherError SPAWN_FAILED when node-pty cannot start the process
   */
  static bytes(options: PtyProcessOptions): PtyProcess<Buffer> {
    return new PtyProcess<Buffer>(options, byteOps);
  }

  /** @throws TetherError SPAWN_FAILED when node-pty cannot start the process */
  constructor(options: PtyProcessOptions, ops?: ChunkOps<T>) {
    super();
    this._ops = ops ?? (textOps as unknown as ChunkOps<T>);
    this._carry = this._ops.empty;
    try {
      this._pty = pty.spawn(options.file, [...options.args], {
        name: options.name ?? 'xterm-256color',
        cols: options.cols,
        rows: options.rows,
        cwd: options.cwd,
        env: options.env,
      });
    } catch (err) {
      throw new TetherError('SPAWN_FAILED', `cannot start ${options.file}: ${(err as Error).message}`, { cause: err });
    }
    if (this._ops === (byteOps as unknown as ChunkOps<T>)) this._takeBytes();
    this._holdSlave();
    this._register(this._pty.onData((data: string | Buffer) => this._receive(this._asChunk(data))));
    this._register(this._pty.onExit(({ exitCode, signal }) => this._onExit.fire(signal ? { exitCode, signal } : { exitCode })));
    this._register(toDisposable(() => this._finishDrain()));
  }

  /** The child's process id (also its process group id: node-pty starts it in a new session). */
  get pid(): number {
    return this._pty.pid;
  }

  /** True while the slave is held, so the final output is drained before exit is reported. */
  get holdsSlave(): boolean {
    return this._slave !== undefined;
  }

  /** Writes input (text is UTF-8 encoded) to the child. @throws the node-pty error when the PTY is closed */
  write(data: string | Buffer): void {
    this._pty.write(data);
  }

  /** Resizes the terminal (cells/rows). @throws the node-pty error when the PTY is closed */
  resize(cols: number, rows: number): void {
    this._pty.resize(cols, rows);
  }

  /** Stops reading (flow control); ignored while the final output drains, which is bounded by the kernel's buffer. */
  pause(): void {
    if (this._marker === undefined) this._pty.pause();
  }

  /** Resumes reading. */
  resume(): void {
    this._pty.resume();
  }

  /** Signals the child itself (node-pty's kill). @throws never */
  kill(signal: NodeJS.Signals): void {
    try {
      this._pty.kill(signal);
    } catch {
      // already gone
    }
  }

  /**
   * Makes node-pty's read stream give Buffers. The process is spawned with node-pty's 'utf8'
   * encoding all the same, so its terminal keeps IUTF8 (multi-byte erase in canonical mode, as an
   * in-process agent's has; `encoding: null` would drop it), and the decoder that encoding put on
   * the stream is taken off again (Node's ReadableState `decoder`/`encoding`, Node 20). Nothing
   * was read yet: the spawn is synchronous. If the stream still gives text, `_asChunk` encodes it.
   */
  private _takeBytes(): void {
    const state = (this._pty as unknown as { _socket?: { _readableState?: { decoder?: unknown; encoding?: unknown } } })._socket?._readableState;
    if (!state || !('decoder' in state)) return;
    state.decoder = null;
    state.encoding = null;
  }

  /** A chunk in this process's form (bytes are encoded back only when taking the decoder off failed). */
  private _asChunk(data: string | Buffer): T {
    if (this._ops === (textOps as unknown as ChunkOps<T>)) return (typeof data === 'string' ? data : data.toString('utf8')) as T;
    return (typeof data === 'string' ? Buffer.from(data, 'utf8') : data) as T;
  }

  /** Opens the slave (O_NOCTTY: it must not become our controlling terminal) and intercepts node-pty's socket destroy. */
  private _holdSlave(): void {
    const ptsName = (this._pty as unknown as { ptsName?: unknown }).ptsName;
    const socket = (this._pty as unknown as { _socket?: Partial<ReadSocket> })._socket;
    if (typeof ptsName !== 'string' || typeof socket?.destroy !== 'function' || typeof socket.resume !== 'function') return;
    try {
      this._slave = openSync(ptsName, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
    } catch {
      return; // the child already closed the terminal; fall back to node-pty's own ending
    }
    this._socket = socket as ReadSocket;
    this._destroy = socket.destroy.bind(socket);
    socket.destroy = (error?: Error) => {
      // node-pty's destroy after exit (no error) starts the drain; errors and later calls go through.
      if (error !== undefined || this._slave === undefined || this._marker !== undefined) return this._destroy?.(error);
      this._startDrain();
      return socket;
    };
  }

  private _startDrain(): void {
    this._marker = drainMarker();
    this._socket?.resume();
    this._drainTimer = setTimeout(() => this._finishDrain(), DRAIN_TIMEOUT_MS);
    this._writeMarker(this._marker);
  }

  /** Writes the marker through the non-blocking slave, retrying what a full buffer refused. */
  private _writeMarker(remaining: string): void {
    if (this._slave === undefined || remaining === '') return;
    let written = 0;
    try {
      written = writeSync(this._slave, remaining);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return this._finishDrain();
    }
    if (written < Buffer.byteLength(remaining)) {
      const rest = Buffer.from(remaining).subarray(written).toString();
      setTimeout(() => this._writeMarker(rest), MARKER_RETRY_MS).unref();
    }
  }

  private _receive(data: T): void {
    const marker = this._marker;
    if (marker === undefined) {
      this._onData.fire(data);
      return;
    }
    const ops = this._ops;
    const text = ops.concat(this._carry, data);
    // Text and bytes both find an ASCII string (a Buffer's indexOf encodes it as UTF-8).
    const found = text.indexOf(marker);
    if (found >= 0) {
      this._carry = ops.empty;
      if (found > 0) this._onData.fire(ops.slice(text, 0, found));
      this._finishDrain();
      return;
    }
    const keep = ops.partial(text, marker);
    this._carry = ops.slice(text, text.length - keep);
    if (text.length > keep) this._onData.fire(ops.slice(text, 0, text.length - keep));
  }

  /** Ends the drain (or the hold, on dispose): destroys the socket, so node-pty reports exit, and closes the slave. */
  private _finishDrain(): void {
    if (this._drainTimer) clearTimeout(this._drainTimer);
    this._drainTimer = undefined;
    if (this._carry.length > 0) {
      const carry = this._carry;
      this._carry = this._ops.empty;
      this._onData.fire(carry);
    }
    const slave = this._slave;
    this._slave = undefined;
    if (slave === undefined) return;
    if (this._marker !== undefined) this._destroy?.();
    try {
      closeSync(slave);
    } catch {
      // already closed
    }
  }
}
