/**
 * The soak's phone: a WebSocket client that subscribes to every session and tracks each
 * session's `seq`s as a phone must: the last gap-free seq, and those that arrived beyond a gap
 * (prompts are broadcast to every client, so after a reconnect they can arrive before the
 * replay of what came earlier). On `reconnect()` it drops the socket, stays away a moment and
 * resumes every session with `since` = its last gap-free seq. A `screen` reply means the
 * daemon's history no longer reached back: counted as a resync.
 */
import { WebSocket } from 'ws';

type Message = { type: string; session_id?: string; seq?: number; [key: string]: unknown };

/** What the client saw of one session. */
export interface SessionTally {
  /** The seq of the first `screen`: events after it are the ones this client must receive. */
  firstSeq: number;
  /** Every seq up to this one arrived (or a resync screen stood for it): resume from here. */
  contiguous: number;
  /** Seqs that arrived beyond `contiguous` (after a gap that may still be filled). */
  readonly ahead: Set<number>;
  received: number;
  /** pty_output seqs that arrived twice (a client would draw them twice): must stay 0. */
  repeats: number;
  /** Other events that arrived twice: broadcast live and replayed on resume; deduped by seq. */
  deduped: number;
  resyncs: number;
  prompts: number;
}

/** A reconnecting soak client. */
export class SoakClient {
  readonly sessions = new Map<string, SessionTally>();
  reconnects = 0;
  private _socket: WebSocket | undefined;

  constructor(
    private readonly _url: string,
    private readonly _token: string,
  ) {}

  /** Connects and (re)subscribes to `sessionIds`, resuming from the last seq seen. @throws the handshake error */
  async connect(sessionIds: readonly string[]): Promise<void> {
    const socket = new WebSocket(this._url, { headers: { authorization: `Bearer ${this._token}` } });
    socket.on('message', (data) => this._receive(JSON.parse(String(data)) as Message));
    await new Promise<void>((resolve, reject) => socket.once('open', () => resolve()).once('error', reject));
    this._socket = socket;
    for (const sessionId of sessionIds) {
      const tally = this.sessions.get(sessionId);
      socket.send(JSON.stringify({ type: 'subscribe', session_id: sessionId, ...(tally ? { since: tally.contiguous } : {}) }));
    }
  }

  /** Drops the socket, waits `awayMs`, and connects again. @throws the handshake error */
  async reconnect(sessionIds: readonly string[], awayMs: number): Promise<void> {
    await this.close();
    await new Promise((resolve) => setTimeout(resolve, awayMs));
    await this.connect(sessionIds);
    this.reconnects++;
  }

  /** Closes the socket and waits for it to close. */
  async close(): Promise<void> {
    const socket = this._socket;
    this._socket = undefined;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.close();
    });
  }

  private _receive(message: Message): void {
    const sessionId = message.session_id;
    const seq = message.seq;
    if (sessionId === undefined || typeof seq !== 'number') return;
    let tally = this.sessions.get(sessionId);
    if (message.type === 'screen') {
      // First subscription, or a resync: the screen stands for everything up to its seq.
      if (tally) tally.resyncs++;
      else this.sessions.set(sessionId, (tally = { firstSeq: seq, contiguous: seq, ahead: new Set(), received: 0, repeats: 0, deduped: 0, resyncs: 0, prompts: 0 }));
      tally.contiguous = Math.max(tally.contiguous, seq);
      this._advance(tally);
      return;
    }
    // Events of sessions not subscribed yet are broadcast too (prompts); the first screen starts the count.
    if (!tally) return;
    if (seq <= tally.contiguous || tally.ahead.has(seq)) {
      if (message.type === 'pty_output') tally.repeats++;
      else tally.deduped++;
      return;
    }
    tally.received++;
    if (message.type === 'waiting_for_input') tally.prompts++;
    tally.ahead.add(seq);
    this._advance(tally);
  }

  private _advance(tally: SessionTally): void {
    for (const seq of tally.ahead) if (seq <= tally.contiguous) tally.ahead.delete(seq);
    while (tally.ahead.delete(tally.contiguous + 1)) tally.contiguous++;
  }
}
