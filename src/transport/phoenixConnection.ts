/**
 * One Phoenix Channels socket (`/socket/websocket`, V2 JSON): its joined topics and what each
 * frame does. `heartbeat` on `phoenix` is answered `ok`; `phx_join` on `sessions` or
 * `session:<id>` is answered with the current state (or an error reply: unknown session, bad
 * payload, unmatched topic); `phx_leave` is answered `ok` then `phx_close`. Channels take no
 * other events. Output (`pty_output`) goes only to `session:<id>` joins that asked for it,
 * after the join's screen and the output that screen has not parsed yet; a congested socket
 * skips it and later gets a `resync` (as on /ws). Nothing here throws.
 */
import { WebSocket } from 'ws';
import { z } from 'zod';
import { TetherError, toTetherError } from '../common/index.js';
import type { ISessionService } from '../core/index.js';
import type { Identity } from './auth.js';
import { HARD_LIMIT_BYTES, HIGH_WATER_BYTES, LOW_WATER_BYTES, type TransportLog } from './clientConnection.js';
import { SESSION_TOPIC_PREFIX, SESSIONS_TOPIC, type PhoenixDelivery } from './phoenixEvents.js';
import { encodePhoenixFrame, errorResponse, parsePhoenixFrame, peekRef, PHOENIX_TOPIC, PHX, replyFrame, type PhoenixMessage } from './phoenixFrame.js';

/** A joined topic. */
interface Channel {
  readonly joinRef: string | null;
  /** The join asked for `pty_output` (`{"output": true}`, `session:<id>` only). */
  readonly output: boolean;
  /** Output was skipped while congested: the next output first sends a `resync`. */
  stale: boolean;
  /** The highest output seq this channel has (in a screen or as pty_output); older output is not sent again. */
  outputSeq: number;
}

/** A `session:<id>` join's payload. */
const sessionJoinSchema = z.object({ output: z.boolean().optional() });

let connectionCount = 0;

/** Server-side state of one Phoenix socket. */
export class PhoenixConnection {
  /** Unique per connection in this process ("p1", "p2", …). */
  readonly id = `p${++connectionCount}`;
  /** Cleared on each heartbeat sweep, set again by a pong or any frame. */
  alive = true;
  private readonly _channels = new Map<string, Channel>();

  constructor(
    readonly socket: WebSocket,
    readonly identity: Identity,
    private readonly _sessions: ISessionService,
    private readonly _log: TransportLog,
  ) {}

  /** Topics joined now (for tests and logs). */
  get topics(): string[] {
    return [...this._channels.keys()];
  }

  /** Handles one text frame. @throws never */
  handleText(raw: string): void {
    let message: PhoenixMessage;
    try {
      message = parsePhoenixFrame(raw);
    } catch (err) {
      const response = errorResponse(toTetherError(err));
      const to = peekRef(raw);
      if (to !== undefined) this._send(replyFrame(to, 'error', response));
      else this._send(encodePhoenixFrame({ joinRef: null, ref: null, topic: PHOENIX_TOPIC, event: PHX.error, payload: response }));
      return;
    }
    if (message.topic === PHOENIX_TOPIC && message.event === PHX.heartbeat) return this._reply(message, 'ok', {});
    if (message.event === PHX.join) return this._join(message);
    if (message.event === PHX.leave) return this._leave(message);
    const error = this._channels.has(message.topic)
      ? new TetherError('BAD_MESSAGE', `channels take no "${message.event}" events; use the REST API`)
      : new TetherError('NOT_FOUND', 'unmatched topic');
    this._reply(message, 'error', errorResponse(error));
  }

  /** Pushes one delivery if this socket joined its topic (and asked for output, for output). @throws never */
  deliver(delivery: PhoenixDelivery): void {
    const channel = this._channels.get(delivery.topic);
    if (channel === undefined) return;
    if (delivery.output === true && !this._outputReady(delivery.topic, channel, delivery.payload)) return;
    this._push(delivery.topic, channel, delivery.event, delivery.payload);
  }

  /** Sends a plain error and closes with `code` (e.g. a revoked device). @throws never */
  close(code: number, reason: string): void {
    this._channels.clear();
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close(code, reason);
  }

  /** Forgets every channel; the socket itself is closed by the caller. @throws never */
  dispose(): void {
    this._channels.clear();
  }

  private _join(message: PhoenixMessage): void {
    try {
      const { response, output, screenSeq } = this._open(message.topic, message.payload);
      // Synchronous from the state read to here, so no event falls between the reply and the stream.
      const channel: Channel = { joinRef: message.joinRef, output, stale: false, outputSeq: screenSeq ?? -1 };
      this._channels.set(message.topic, channel);
      this._reply(message, 'ok', response);
      if (screenSeq !== undefined) this._sendUnparsedOutput(message.topic, channel);
    } catch (err) {
      const error = toTetherError(err);
      if (!(err instanceof TetherError)) this._log('error', 'phoenix join failed', { topic: message.topic, error: String(err) });
      this._reply(message, 'error', errorResponse(error));
    }
  }

  /**
   * The join reply for `topic`, and the seq of the screen in it when output was asked for.
   * @throws TetherError SESSION_NOT_FOUND | BAD_MESSAGE | NOT_FOUND (unmatched topic)
   */
  private _open(topic: string, payload: Readonly<Record<string, unknown>>): { response: Record<string, unknown>; output: boolean; screenSeq?: number } {
    if (topic === SESSIONS_TOPIC) return { response: { sessions: this._sessions.list() }, output: false };
    if (!topic.startsWith(SESSION_TOPIC_PREFIX)) throw new TetherError('NOT_FOUND', 'unmatched topic');
    const sessionId = topic.slice(SESSION_TOPIC_PREFIX.length);
    const session = this._sessions.get(sessionId);
    const parsed = sessionJoinSchema.safeParse(payload);
    if (!parsed.success) throw new TetherError('BAD_MESSAGE', 'a session join payload is {"output"?: boolean}');
    const waiting = this._sessions.currentWaiting(sessionId);
    const response = { session, ...(waiting !== undefined ? { waiting } : {}) };
    if (parsed.data.output !== true) return { response, output: false };
    const screen = this._sessions.serializeScreen(sessionId);
    return { response: { ...response, screen }, output: true, screenSeq: screen.seq };
  }

  /** Pushes the output after the channel's screen that the screen has not parsed yet (from the history). */
  private _sendUnparsedOutput(topic: string, channel: Channel): void {
    const sessionId = topic.slice(SESSION_TOPIC_PREFIX.length);
    for (const event of this._sessions.eventsSince(sessionId, channel.outputSeq) ?? []) {
      if (event.type !== 'pty_output' || event.seq <= channel.outputSeq) continue;
      channel.outputSeq = event.seq;
      this._push(topic, channel, event.type, { ...event });
    }
  }

  private _leave(message: PhoenixMessage): void {
    const channel = this._channels.get(message.topic);
    this._channels.delete(message.topic);
    this._reply(message, 'ok', {});
    if (channel !== undefined) {
      this._send(encodePhoenixFrame({ joinRef: channel.joinRef, ref: channel.joinRef, topic: message.topic, event: PHX.close, payload: {} }));
    }
  }

  /** True when this output may go out now (and is new to the channel); resyncs a stale channel first. */
  private _outputReady(topic: string, channel: Channel, payload: Readonly<Record<string, unknown>>): boolean {
    if (!channel.output) return false;
    if (this.socket.bufferedAmount > HIGH_WATER_BYTES) {
      channel.stale = true;
      return false;
    }
    const seq = typeof payload.seq === 'number' ? payload.seq : Infinity;
    if (!channel.stale) return this._advance(channel, seq);
    if (this.socket.bufferedAmount > LOW_WATER_BYTES) return false;
    const sessionId = topic.slice(SESSION_TOPIC_PREFIX.length);
    let screen: { seq: number; data: string };
    try {
      screen = this._sessions.serializeScreen(sessionId);
    } catch (err) {
      // The channel cannot be brought up to date: it has crashed, as Phoenix would say; the client rejoins.
      this._channels.delete(topic);
      this._push(topic, channel, PHX.error, errorResponse(toTetherError(err)));
      return false;
    }
    channel.stale = false;
    channel.outputSeq = screen.seq;
    this._push(topic, channel, 'resync', { type: 'resync', session_id: sessionId, ...screen });
    this._sendUnparsedOutput(topic, channel);
    return this._advance(channel, seq);
  }

  /** Moves the channel's output seq to `seq`; false when the channel already has it. */
  private _advance(channel: Channel, seq: number): boolean {
    if (seq <= channel.outputSeq) return false;
    if (Number.isFinite(seq)) channel.outputSeq = seq;
    return true;
  }

  private _push(topic: string, channel: Channel, event: string, payload: Readonly<Record<string, unknown>>): void {
    this._send(encodePhoenixFrame({ joinRef: channel.joinRef, ref: event === PHX.error ? channel.joinRef : null, topic, event, payload }));
  }

  private _reply(message: PhoenixMessage, status: 'ok' | 'error', response: Readonly<Record<string, unknown>>): void {
    // A message without a ref expects no reply.
    if (message.ref !== null) this._send(replyFrame(message, status, response));
  }

  private _send(text: string): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(text);
    if (this.socket.bufferedAmount > HARD_LIMIT_BYTES) {
      this._log('warn', 'closing a phoenix client that stopped reading', { device_id: this.identity.deviceId });
      this.socket.terminate();
    }
  }
}
