/**
 * One authenticated WebSocket: what it is subscribed to, how messages reach it, and its
 * backpressure. When a slow socket buffers more than HIGH_WATER_BYTES, its pty_output is
 * dropped and the affected sessions are marked stale; once it drains below LOW_WATER_BYTES it
 * gets a fresh `screen` per stale session. A socket past HARD_LIMIT_BYTES is terminated.
 */
import { WebSocket } from 'ws';
import type { PtyOutputEvent, SessionCreatedEvent, SessionInfo } from '../common/index.js';
import type { ServerMessage } from '../common/protocol.js';
import type { ISessionService } from '../core/index.js';
import type { Identity } from './auth.js';

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

let connectionCount = 0;

/** Server-side state of one client socket. */
export class ClientConnection {
  /** Unique per connection in this process ("c1", "c2", …), e.g. to key `app_state` reports. */
  readonly id = `c${++connectionCount}`;
  /** Cleared on each heartbeat, set again by a pong or any message. */
  alive = true;
  private readonly _subscriptions = new Set<string>();
  private readonly _stale = new Set<string>();
  private _drainTimer: NodeJS.Timeout | undefined;
  private _pendingCreates = 0;
  private _heldCreated: SessionCreatedEvent[] = [];
  private readonly _announced = new Set<string>();

  constructor(
    readonly socket: WebSocket,
    readonly identity: Identity,
    private readonly _sessions: ISessionService,
    private readonly _log: TransportLog,
  ) {}

  /** Sends one message (serialised here). @throws never */
  send(message: ServerMessage): void {
    this.sendText(JSON.stringify(message));
  }

  /** Sends an already-serialised message; drops it if the socket is not open. @throws never */
  sendText(text: string): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(text);
    if (this.socket.bufferedAmount > HARD_LIMIT_BYTES) {
      this._log('warn', 'closing a client that stopped reading', { device_id: this.identity.deviceId });
      this.socket.terminate();
    }
  }

  /** True when the socket receives this session's output. */
  isSubscribed(sessionId: string): boolean {
    return this._subscriptions.has(sessionId);
  }

  /** Delivers live output (serialised once by the caller) if subscribed and not congested. @throws never */
  deliverOutput(event: PtyOutputEvent, text: string): void {
    if (!this._subscriptions.has(event.session_id)) return;
    if (this._stale.has(event.session_id)) return;
    if (this.socket.bufferedAmount > HIGH_WATER_BYTES) {
      this._stale.add(event.session_id);
      this._drainTimer ??= setInterval(() => this._checkDrained(), DRAIN_POLL_MS);
      this._drainTimer.unref();
      return;
    }
    this.sendText(text);
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
    if (history !== undefined) {
      this._subscriptions.add(sessionId);
      this._stale.delete(sessionId);
      for (const event of history) this.send(event);
      if (requestId !== undefined) this.send({ type: 'ack', request_id: requestId });
      return;
    }
    this._sendScreen(sessionId, requestId);
    this._subscriptions.add(sessionId);
    this._stale.delete(sessionId);
  }

  /** Stops a session's output. @throws never */
  unsubscribe(sessionId: string): void {
    this._subscriptions.delete(sessionId);
    this._stale.delete(sessionId);
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

  /** Stops timers; the socket itself is closed by the caller. @throws never */
  dispose(): void {
    if (this._drainTimer !== undefined) clearInterval(this._drainTimer);
    this._drainTimer = undefined;
    this._subscriptions.clear();
    this._stale.clear();
  }

  private _checkDrained(): void {
    if (this.socket.readyState !== WebSocket.OPEN) return this.dispose();
    if (this.socket.bufferedAmount > LOW_WATER_BYTES) return;
    clearInterval(this._drainTimer);
    this._drainTimer = undefined;
    const stale = [...this._stale];
    this._stale.clear();
    for (const sessionId of stale) {
      if (!this._subscriptions.has(sessionId)) continue;
      try {
        this._sendScreen(sessionId, undefined);
      } catch {
        this._subscriptions.delete(sessionId);
      }
    }
  }

  private _sendScreen(sessionId: string, requestId: string | undefined): void {
    const { seq, data } = this._sessions.serializeScreen(sessionId);
    this.send({
      type: 'screen',
      session_id: sessionId,
      seq,
      data,
      ...(requestId !== undefined ? { request_id: requestId } : {}),
    });
  }
}
