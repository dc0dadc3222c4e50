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

/** A child process on a pseudo-terminal. */
export class PtyProcess extends Disposable {
  private readonly _pty: pty.IPty;
  private _slave: number | undefined;
  private _socket: ReadSocket | undefined;
  private _destroy: ((error?: Error) => unknown) | undefined;
  private _marker: string | undefined;
  private _carry = '';
  private _drainTimer: NodeJS.Timeout | undefined;

  private readonly _onData = this._register(new Emitter<string>());
  /** Output, UTF-8 decoded, in order; the last chunk arrives before `onExit`. */
  readonly onData = this._onData.event;
  private readonly _onExit = this._register(new Emitter<PtyExit>());
  /** The child exited and all its output has been delivered. */
  readonly onExit = this._onExit.event;

  /** @throws TetherError SPAWN_FAILED when node-pty cannot start the process */
  constructor(options: PtyProcessOptions) {
    super();
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
    this._holdSlave();
    this._register(this._pty.onData((data) => this._receive(data)));
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

  /** Writes input to the child. @throws the node-pty error when the PTY is closed */
  write(data: string): void {
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

  private _receive(data: string): void {
    const marker = this._marker;
    if (marker === undefined) {
      this._onData.fire(data);
      return;
    }
    const text = this._carry + data;
    const found = text.indexOf(marker);
    if (found >= 0) {
      this._carry = '';
      if (found > 0) this._onData.fire(text.slice(0, found));
      this._finishDrain();
      return;
    }
    const keep = partialMarkerLength(text, marker);
    this._carry = text.slice(text.length - keep);
    if (text.length > keep) this._onData.fire(text.slice(0, text.length - keep));
  }

  /** Ends the drain (or the hold, on dispose): destroys the socket, so node-pty reports exit, and closes the slave. */
  private _finishDrain(): void {
    if (this._drainTimer) clearTimeout(this._drainTimer);
    this._drainTimer = undefined;
    if (this._carry !== '') {
      const carry = this._carry;
      this._carry = '';
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
