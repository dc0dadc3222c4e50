/**
 * The browser's WebSocket client: opens `/ws` and proves itself with a first `auth` frame
 * (tokens never go in URLs), keeps the session list and the live
 * prompts, reconnects with exponential backoff, and on every reconnect resubscribes the open
 * terminals with `since` (the highest seq seen), de-duplicating replayed output by seq.
 * Views listen to `change` (state), `output` (terminal data) and `status` (online/offline).
 */
import type { SessionInfo, WaitingForInputEvent } from '../../src/common/events.js';
import type { WelcomeMessage } from '../../src/common/protocol.js';
import type { SessionQueue } from '../../src/common/queue.js';

/** A CLI the daemon knows (from `welcome.clis`): id, display name, the commands that start it. */
export type CliSummary = NonNullable<WelcomeMessage['clis']>[number];

/** Any message from the daemon (fields the views read). */
export interface ServerMessage {
  readonly type: string;
  readonly request_id?: string;
  readonly session_id?: string;
  readonly seq?: number;
  readonly [field: string]: unknown;
}

/** A failed request: the daemon's error code and message. */
export class RequestError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** Connection status shown in the offline banner. */
export type ConnectionStatus = 'connecting' | 'online' | 'offline' | 'unauthorized';

type Listener<T> = (value: T) => void;

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10_000;
const REQUEST_TIMEOUT_MS = 15_000;
/** The close code of a refused `auth` frame (docs/protocol.md, "Connecting"). */
const UNAUTHORIZED_CLOSE = 4401;

/** One live connection to the daemon, reconnecting until `close()`. */
export class Connection {
  /** Sessions by id, in creation order. */
  readonly sessions = new Map<string, SessionInfo>();
  /** The live prompt of each waiting session. */
  readonly waiting = new Map<string, WaitingForInputEvent>();
  /** Prompt queues by session id, from `queue_updated` (and the queue panel's first read). */
  readonly queues = new Map<string, SessionQueue>();
  /** The draft in each session's input box (`input_state`), as last read off its screen. */
  readonly inputStates = new Map<string, { text: string; cursor_position: number; sender_id: string | null }>();
  status: ConnectionStatus = 'connecting';
  deviceId = '';
  /** The CLIs the daemon knows, in its registry's order (from `welcome`; empty until then). */
  clis: readonly CliSummary[] = [];
  /** What this device may do (from `welcome`; src/common/scopes.ts). */
  scopes: readonly string[] = [];
  private _socket: WebSocket | undefined;
  private _attempt = 0;
  private _closed = false;
  private _nextRequest = 1;
  private readonly _pending = new Map<string, { resolve: (m: ServerMessage) => void; reject: (e: Error) => void; timer: number }>();
  private readonly _lastSeq = new Map<string, number>();
  private readonly _subscribed = new Set<string>();
  private readonly _listeners = { change: new Set<Listener<void>>(), output: new Set<Listener<ServerMessage>>(), status: new Set<Listener<ConnectionStatus>>(), message: new Set<Listener<ServerMessage>>() };

  constructor(private readonly _token: string) {
    this._open();
  }

  /** Adds a listener; returns its remover. */
  on<K extends keyof Connection['_listeners']>(event: K, listener: Connection['_listeners'][K] extends Set<infer L> ? L : never): () => void {
    const set = this._listeners[event] as Set<unknown>;
    set.add(listener);
    return () => set.delete(listener);
  }

  private _emit<K extends keyof Connection['_listeners']>(event: K, value?: unknown): void {
    for (const listener of this._listeners[event] as Set<Listener<unknown>>) listener(value);
  }

  private _setStatus(status: ConnectionStatus): void {
    this.status = status;
    this._emit('status', status);
  }

  private _open(): void {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${location.host}/ws`);
    this._socket = socket;
    socket.onopen = () => socket.send(JSON.stringify({ type: 'auth', token: this._token }));
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as ServerMessage;
      if (message.type === 'welcome') this._attempt = 0;
      this._receive(message);
    };
    socket.onclose = (event) => {
      if (this._socket !== socket) return;
      // 4401: the daemon refused the token (revoked, expired): pairing again is the only way back.
      if (event.code === UNAUTHORIZED_CLOSE) {
        this._closed = true;
        this._setStatus('unauthorized');
      }
      for (const [id, pending] of this._pending) {
        clearTimeout(pending.timer);
        pending.reject(new RequestError('OFFLINE', 'the connection dropped'));
        this._pending.delete(id);
      }
      if (this._closed) return;
      this._retry();
    };
  }

  private _retry(): void {
    this._setStatus('offline');
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this._attempt) * (0.75 + Math.random() * 0.5);
    this._attempt++;
    setTimeout(() => {
      if (!this._closed) this._open();
    }, delay);
  }

  private _receive(message: ServerMessage): void {
    const sessionId = message.session_id;
    if (typeof message.seq === 'number' && sessionId !== undefined) {
      const last = this._lastSeq.get(sessionId) ?? -1;
      if (message.type === 'pty_output' && message.seq <= last) return;
      // A screen or resync replaces the terminal: its seq counts even when lower than the last one seen.
      const replaces = message.type === 'screen' || message.type === 'resync';
      if (!replaces && message.seq < last && message.type !== 'waiting_for_input') return;
      if (message.seq > last || replaces) this._lastSeq.set(sessionId, message.seq);
    }
    switch (message.type) {
      case 'welcome':
        this.deviceId = String(message.device_id);
        this.clis = Array.isArray(message.clis) ? (message.clis as CliSummary[]) : [];
        this.scopes = Array.isArray(message.scopes) ? (message.scopes as string[]) : [];
        break;
      case 'sessions':
        this.sessions.clear();
        for (const session of message.sessions as SessionInfo[]) this.sessions.set(session.id, session);
        for (const id of this.waiting.keys()) if (this.sessions.get(id)?.waiting == null) this.waiting.delete(id);
        this._setStatus('online');
        for (const id of this._subscribed) this._subscribe(id);
        break;
      case 'session_removed':
        this.sessions.delete(sessionId!);
        this.waiting.delete(sessionId!);
        this._lastSeq.delete(sessionId!);
        break;
      case 'session_created': {
        const session = message.session as SessionInfo;
        this.sessions.set(session.id, session);
        break;
      }
      case 'session_closed': {
        const session = this.sessions.get(sessionId!);
        if (session) this.sessions.set(session.id, { ...session, status: 'exited', exit_code: message.exit_code as number | null, waiting: null });
        this.waiting.delete(sessionId!);
        break;
      }
      case 'session_updated':
      case 'session_resumed': {
        const session = message.session as SessionInfo;
        this.sessions.set(session.id, session);
        if (session.waiting === null) this.waiting.delete(session.id);
        break;
      }
      case 'session_renamed': {
        const session = this.sessions.get(sessionId!);
        if (session) this.sessions.set(session.id, { ...session, name: String(message.new_name) });
        break;
      }
      case 'session_deleted':
        this.sessions.delete(sessionId!);
        this.waiting.delete(sessionId!);
        this.inputStates.delete(sessionId!);
        this._subscribed.delete(sessionId!);
        break;
      case 'input_state':
        this.inputStates.set(sessionId!, { text: String(message.text), cursor_position: Number(message.cursor_position), sender_id: (message.sender_id as string | null) ?? null });
        break;
      case 'waiting_for_input': {
        const event = message as unknown as WaitingForInputEvent;
        this.waiting.set(event.session_id, event);
        const session = this.sessions.get(event.session_id);
        if (session) this.sessions.set(session.id, { ...session, waiting: { prompt_id: event.prompt_id, wait_type: event.wait_type } });
        break;
      }
      case 'waiting_cleared': {
        if (this.waiting.get(sessionId!)?.prompt_id === message.prompt_id) this.waiting.delete(sessionId!);
        const session = this.sessions.get(sessionId!);
        if (session !== undefined && session.waiting?.prompt_id === message.prompt_id) this.sessions.set(session.id, { ...session, waiting: null });
        break;
      }
      case 'queue_updated':
        this.queues.set(sessionId!, message as unknown as SessionQueue);
        break;
      case 'pty_output':
      case 'screen':
      case 'resync':
        this._emit('output', message);
        break;
    }
    const requestId = message.request_id;
    if (requestId !== undefined && this._pending.has(requestId)) {
      const pending = this._pending.get(requestId)!;
      this._pending.delete(requestId);
      clearTimeout(pending.timer);
      if (message.type === 'error') pending.reject(new RequestError(String(message.code), String(message.message)));
      else pending.resolve(message);
    }
    this._emit('message', message);
    if (message.type !== 'pty_output' && message.type !== 'screen' && message.type !== 'resync' && message.type !== 'ack') this._emit('change');
  }

  /** Sends a request and resolves with its reply (`ack`, `screen`, `session_created`). @throws RequestError */
  request(message: Record<string, unknown>): Promise<ServerMessage> {
    const requestId = `r${this._nextRequest++}`;
    return new Promise((resolve, reject) => {
      const socket = this._socket;
      if (socket === undefined || socket.readyState !== WebSocket.OPEN) {
        reject(new RequestError('OFFLINE', 'not connected'));
        return;
      }
      const timer = window.setTimeout(() => {
        this._pending.delete(requestId);
        reject(new RequestError('TIMEOUT', 'the daemon did not answer'));
      }, REQUEST_TIMEOUT_MS);
      this._pending.set(requestId, { resolve, reject, timer });
      socket.send(JSON.stringify({ ...message, request_id: requestId }));
    });
  }

  /**
   * Calls a REST route with this connection's token and a JSON body; resolves with the JSON
   * reply (undefined for 204). @throws RequestError with the daemon's code and message
   */
  async api(method: string, path: string, body?: unknown): Promise<any> {
    const response = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${this._token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    }).catch(() => {
      throw new RequestError('OFFLINE', 'the daemon cannot be reached');
    });
    if (response.status === 204) return undefined;
    const reply = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    if (!response.ok) throw new RequestError(reply.error?.code ?? `HTTP_${response.status}`, reply.error?.message ?? `HTTP ${response.status}`);
    return reply;
  }

  /** Sends a message without waiting for a reply (keystrokes). */
  send(message: Record<string, unknown>): void {
    if (this._socket?.readyState === WebSocket.OPEN) this._socket.send(JSON.stringify(message));
  }

  /** Streams a session's output: a fresh `screen`, or on reconnect the events after the last seq. */
  subscribe(sessionId: string): void {
    this._subscribed.add(sessionId);
    this._lastSeq.delete(sessionId);
    this._subscribe(sessionId);
  }

  private _subscribe(sessionId: string): void {
    const since = this._lastSeq.get(sessionId);
    this.send({ type: 'subscribe', session_id: sessionId, ...(since !== undefined ? { since } : {}) });
  }

  /** Stops a session's output. */
  unsubscribe(sessionId: string): void {
    this._subscribed.delete(sessionId);
    this.send({ type: 'unsubscribe', session_id: sessionId });
  }

  /** Closes for good (sign-out, page teardown). */
  close(): void {
    this._closed = true;
    this._socket?.close();
  }
}
