/**
 * One authenticated WebSocket: what it is subscribed to, how messages reach it, and its
 * backpressure. Live output is queued per session and sent as one frame per session at the
 * end of the tick, at most every OUTPUT_INTERVAL_MS while it streams (OutputQueue); any other
 * message first flushes it, so order is kept. When a slow
 * socket buffers more than HIGH_WATER_BYTES, its pty_output is dropped and the affected
 * sessions are marked behind; once it drains below LOW_WATER_BYTES it gets a `resync` (the
 * serialised screen and its seq) per such session. A socket past HARD_LIMIT_BYTES is terminated.
 */
import { WebSocket } from 'ws';
import type { SessionCreatedEvent, SessionInfo } from '../common/index.js';
import type { ServerMessage } from '../common/protocol.js';
import type { ISessionService } from '../core/index.js';
import type { Identity } from './auth.js';
import { encodeOutputData, OutputQueue } from './outputQueue.js';
import { tetherDialect, type Dialect } from './dialects/index.js';

/** Log sink: `level`, a short message, structured fields. */
export type TransportLog = (level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

/** Above this many buffered bytes, pty_output is dropped for the socket (a few seconds of heavy output). */
export const HIGH_WATER_BYTES = 4 * 1024 * 1024;
/** Below this, a congested socket counts as drained and is resynced with screens. */
export const LOW_WATER_BYTES = 256 * 1024;
/** Past this the peer is not reading at all; close it rather than hold its backlog. */
export const HARD_LIMIT_BYTES = 16 * 1024 * 1024;
/** How often a congested socket's buffer is checked (ws has no drain event). */
const DRAIN_POLL_MS = 200;
/**
 * Least time between two output flushes to one socket (ms). Output after a quiet spell goes at
 * the end of the tick (a keystroke's echo waits for nothing); a stream is sent in frames at
 * most this often, one display frame at 60 Hz, instead of one frame per PTY read (~4 KiB).
 */
export const OUTPUT_INTERVAL_MS = 16;

let connectionCount = 0;

/** Server-side state of one client socket. */
export class ClientConnection {
  /** Unique per connection in this process ("c1", "c2", …), e.g. to key `app_state` reports. */
  readonly id = `c${++connectionCount}`;
  /** Cleared on each heartbeat, set again by a pong or any message. */
  alive = true;
  private readonly _subscriptions = new Set<string>();
  /** Sessions whose output was dropped for congestion: they get a `resync` once the socket drains. */
  private readonly _behind = new Set<string>();
  private _drainTimer: NodeJS.Timeout | undefined;
  private readonly _output = new OutputQueue();
  private _flush: { readonly cancel: () => void } | undefined;
  private _lastFlushAt = -Infinity;
  private _pendingCreates = 0;
  private _heldCreated: SessionCreatedEvent[] = [];
  private readonly _announced = new Set<string>();

  constructor(
    readonly socket: WebSocket,
    readonly identity: Identity,
    private readonly _sessions: ISessionService,
    private readonly _log: TransportLog,
    /** The wire format this socket chose with its subprotocol (Tether's own by default). */
    readonly dialect: Dialect = tetherDialect,
  ) {}

  /** Sends one message (serialised here), in the socket's dialect. @throws never */
  send(message: ServerMessage): void {
    for (const frame of this.dialect.outbound(message)) this.sendText(JSON.stringify(frame));
  }

  /** Sends an already-serialised message after any queued output; drops it if the socket is not open. @throws never */
  sendText(text: string): void {
    this._flushOutput();
    this._sendFrame(text);
  }

  /** True when the socket receives this session's output. */
  isSubscribed(sessionId: string): boolean {
    return this._subscriptions.has(sessionId);
  }

  /** True when live output of this session would be queued now (subscribed, not behind). */
  wantsOutput(sessionId: string): boolean {
    return this._subscriptions.has(sessionId) && !this._behind.has(sessionId);
  }

  /**
   * Queues live output, encoded once by the caller for every subscriber (encodeOutputData), to
   * go at the end of this tick; past HIGH_WATER_BYTES buffered, drops it and owes a `resync`.
   * @throws never
   */
  queueOutput(sessionId: string, seq: number, encodedData: Buffer): void {
    if (!this.wantsOutput(sessionId)) return;
    if (this.socket.bufferedAmount > HIGH_WATER_BYTES) {
      this._behind.add(sessionId);
      this._output.drop(sessionId);
      this._drainTimer ??= setInterval(() => this._checkDrained(), DRAIN_POLL_MS);
      this._drainTimer.unref();
      return;
    }
    if (this._output.add(sessionId, seq, encodedData)) this._flushOutput();
    else this._flush ??= this._scheduleFlush();
  }

  /**
   * Starts streaming a session: replays events after `since` when history still has them
   * (then `ack`), otherwise sends the current `screen`. Idempotent: never a second stream.
   * @throws TetherError SESSION_NOT_FOUND
   */
  subscribe(sessionId: string, since: number | undefined, requestId: string | undefined): void {
    this._sessions.get(sessionId);
    // Synchronous from here on, so no live event can fall between the replay/screen and the stream.
    const history = since === undefined ? undefined : this._sessions.eventsSince(sessionId, since);
    this._output.drop(sessionId);
    if (history !== undefined) {
      this._subscriptions.add(sessionId);
      this._behind.delete(sessionId);
      for (const event of history) this.send(event);
      if (requestId !== undefined) this.send({ type: 'ack', request_id: requestId });
      return;
    }
    this._sendScreen('screen', sessionId, requestId);
    this._subscriptions.add(sessionId);
    this._behind.delete(sessionId);
    // The session's waiting state comes with its screen (seed mobile-notifications §10.1), so a
    // client that missed the prompt (or dropped it) can show the approval at once. (A replay
    // with `since` already holds it.)
    const waiting = this._sessions.currentWaiting(sessionId);
    if (waiting !== undefined) this.send(waiting);
  }

  /** Stops a session's output. @throws never */
  unsubscribe(sessionId: string): void {
    this._subscriptions.delete(sessionId);
    this._behind.delete(sessionId);
    this._output.drop(sessionId);
  }

  /** A session ended: forget its subscription (after the caller forwarded session_closed). @throws never */
  forgetSession(sessionId: string): void {
    this.unsubscribe(sessionId);
    this._announced.delete(sessionId);
  }

  /** Forwards a session_created broadcast, unless this socket created it (it gets the reply instead). @throws never */
  deliverSessionCreated(event: SessionCreatedEvent): void {
    if (this._announced.delete(event.session.id)) return;
    if (this._pendingCreates > 0) this._heldCreated.push(event);
    else this.send(event);
  }

  /** Marks a create_session in flight, so its broadcast is held until the reply. @throws never */
  beginCreate(): void {
    this._pendingCreates++;
  }

  /** Ends a create_session: sends the reply with `request_id`, then any held broadcasts. @throws never */
  endCreate(session: SessionInfo | undefined, requestId: string | undefined): void {
    this._pendingCreates--;
    if (session !== undefined) {
      const held = this._heldCreated.length;
      this._heldCreated = this._heldCreated.filter((event) => event.session.id !== session.id);
      if (this._heldCreated.length === held) this._announced.add(session.id);
      this.send({ type: 'session_created', session, ...(requestId !== undefined ? { request_id: requestId } : {}) });
    }
    if (this._pendingCreates === 0) {
      const held = this._heldCreated;
      this._heldCreated = [];
      for (const event of held) this.send(event);
    }
  }

  /** Stops timers and drops queued output; the socket itself is closed by the caller. @throws never */
  dispose(): void {
    if (this._drainTimer !== undefined) clearInterval(this._drainTimer);
    this._drainTimer = undefined;
    this._flush?.cancel();
    this._flush = undefined;
    this._output.take();
    this._subscriptions.clear();
    this._behind.clear();
  }

  /** Flushes at the end of this tick, or OUTPUT_INTERVAL_MS after the last flush if that is later. */
  private _scheduleFlush(): { readonly cancel: () => void } {
    const wait = this._lastFlushAt + OUTPUT_INTERVAL_MS - performance.now();
    if (wait <= 0) {
      const immediate = setImmediate(() => this._flushOutput());
      return { cancel: () => clearImmediate(immediate) };
    }
    const timer = setTimeout(() => this._flushOutput(), wait);
    return { cancel: () => clearTimeout(timer) };
  }

  /** Sends the queued output, one frame per session. */
  private _flushOutput(): void {
    this._flush?.cancel();
    this._flush = undefined;
    if (this._output.isEmpty) return;
    this._lastFlushAt = performance.now();
    for (const frame of this._output.take()) this._sendFrame(frame);
  }

  /** Sends a text frame (a Buffer holds UTF-8 text). */
  private _sendFrame(text: string | Buffer): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(text, { binary: false });
    if (this.socket.bufferedAmount > HARD_LIMIT_BYTES) {
      this._log('warn', 'closing a client that stopped reading', { device_id: this.identity.deviceId });
      this.socket.terminate();
    }
  }

  private _checkDrained(): void {
    if (this.socket.readyState !== WebSocket.OPEN) return this.dispose();
    if (this.socket.bufferedAmount > LOW_WATER_BYTES) return;
    clearInterval(this._drainTimer);
    this._drainTimer = undefined;
    const behind = [...this._behind];
    this._behind.clear();
    for (const sessionId of behind) {
      if (!this._subscriptions.has(sessionId)) continue;
      try {
        this._sendScreen('resync', sessionId, undefined);
      } catch {
        this._subscriptions.delete(sessionId);
      }
    }
  }

  /**
   * Sends the serialised screen as the reply to `subscribe` (`screen`) or after dropped output
   * (`resync`), then queues the output the screen has not parsed yet (from the history).
   */
  private _sendScreen(type: 'screen' | 'resync', sessionId: string, requestId: string | undefined): void {
    const { seq, data } = this._sessions.serializeScreen(sessionId);
    if (type === 'resync') this.send({ type, session_id: sessionId, seq, data });
    else this.send({ type, session_id: sessionId, seq, data, ...(requestId !== undefined ? { request_id: requestId } : {}) });
    for (const event of this._sessions.eventsSince(sessionId, seq) ?? []) {
      if (event.type === 'pty_output') this._output.add(sessionId, event.seq, encodeOutputData(event.data));
    }
    if (!this._output.isEmpty) this._flush ??= this._scheduleFlush();
  }
}
