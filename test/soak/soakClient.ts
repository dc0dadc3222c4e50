/**
 * The soak's phone: a WebSocket client that subscribes to every session and keeps, per session,
 * what a phone must: the last seq it holds (to resume with `since`), the output it appended, and
 * the other events it got. Per the protocol, a socket delivers a subscribed session's events in
 * seq order, and output read in one event-loop turn comes as one `pty_output` carrying its last
 * chunk's seq, so output seqs may skip; what is judged is the output's characters (count and
 * code-unit sum, against the daemon's) and every other event's seq. On `reconnect()` it drops
 * the socket, stays away a moment and resumes every session with `since` = the last seq it
 * holds; until the resume's `ack`, the session's live broadcasts (prompts reach every client)
 * are left to the replay. A `screen` reply to a resume means the daemon's history no longer
 * reached back: counted as a resync.
 */
import { WebSocket } from 'ws';
import { outputTally, type OutputTally } from './soakSessions.js';

type Message = { type: string; session_id?: string; seq?: number; request_id?: string; data?: string; [key: string]: unknown };

/** What the client saw of one session. */
export interface SessionTally {
  /** The seq of the first `screen`: events after it are the ones this client must receive. */
  readonly firstSeq: number;
  /** The highest seq held: every event up to it arrived (or a resync screen stood for it). */
  lastSeq: number;
  /** A resume was sent and its `ack` (or `screen`) has not come yet. */
  pending: boolean;
  /** The highest seq of other events received while pending (live broadcasts can precede the replay). */
  pendingMax: number;
  /** The output appended after the first screen. */
  readonly output: OutputTally;
  /** Seqs of the other events received (not pty_output). */
  readonly others: Set<number>;
  /** pty_output that arrived at or below `lastSeq` (a client would draw it twice): must stay 0. */
  repeats: number;
  /** Other events that arrived again (broadcast live and replayed on resume): dropped by seq. */
  deduped: number;
  resyncs: number;
  prompts: number;
}

/** A reconnecting soak client. */
export class SoakClient {
  readonly sessions = new Map<string, SessionTally>();
  reconnects = 0;
  private _socket: WebSocket | undefined;
  private _requests = 0;
  private readonly _resumes = new Map<string, string>();

  constructor(
    private readonly _url: string,
    private readonly _token: string,
  ) {}

  /** Connects and (re)subscribes to `sessionIds`, resuming from the last seq held. @throws the handshake error */
  async connect(sessionIds: readonly string[]): Promise<void> {
    // The resume points are taken, and the sessions marked pending, before the socket exists: a
    // prompt broadcast can arrive in the same read as the upgrade, before any subscribe is sent,
    // and must not move a resume point past output it has not replayed yet.
    const subscribes = sessionIds.map((sessionId) => {
      const tally = this.sessions.get(sessionId);
      const requestId = `soak-${++this._requests}`;
      if (tally) {
        tally.pending = true;
        this._resumes.set(requestId, sessionId);
      }
      return { type: 'subscribe', session_id: sessionId, request_id: requestId, ...(tally ? { since: tally.lastSeq } : {}) };
    });
    const socket = new WebSocket(this._url, { headers: { authorization: `Bearer ${this._token}` } });
    socket.on('message', (data) => this._receive(JSON.parse(String(data)) as Message));
    await new Promise<void>((resolve, reject) => socket.once('open', () => resolve()).once('error', reject));
    this._socket = socket;
    for (const subscribe of subscribes) socket.send(JSON.stringify(subscribe));
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
    if (message.type === 'ack' && message.request_id !== undefined) {
      const resumed = this.sessions.get(this._resumes.get(message.request_id) ?? '');
      // The replay is complete: every event up to the resume's moment has arrived.
      if (resumed) {
        resumed.pending = false;
        resumed.lastSeq = Math.max(resumed.lastSeq, resumed.pendingMax);
      }
      this._resumes.delete(message.request_id);
      return;
    }
    const sessionId = message.session_id;
    const seq = message.seq;
    if (sessionId === undefined || typeof seq !== 'number') return;
    let tally = this.sessions.get(sessionId);
    if (message.type === 'screen') {
      // First subscription, or a resume the history could not serve: the screen stands for all up to its seq.
      if (tally) tally.resyncs++;
      else this.sessions.set(sessionId, (tally = { firstSeq: seq, lastSeq: seq, pending: false, pendingMax: 0, output: { chars: 0, sum: 0 }, others: new Set(), repeats: 0, deduped: 0, resyncs: 0, prompts: 0 }));
      tally.pending = false;
      tally.lastSeq = Math.max(tally.lastSeq, seq);
      return;
    }
    // Events of sessions not subscribed yet are broadcast too (prompts); the first screen starts the count.
    if (!tally) return;
    if (message.type === 'pty_output') {
      // Output comes in seq order on a socket: at or below what is held, it is a repeat.
      if (seq <= tally.lastSeq) tally.repeats++;
      else outputTally(tally.output, message.data ?? '');
      tally.lastSeq = Math.max(tally.lastSeq, seq);
      return;
    }
    if (tally.others.has(seq) || seq <= tally.firstSeq) {
      tally.deduped++;
      return;
    }
    tally.others.add(seq);
    if (message.type === 'waiting_for_input') tally.prompts++;
    if (tally.pending) tally.pendingMax = Math.max(tally.pendingMax, seq);
    else tally.lastSeq = Math.max(tally.lastSeq, seq);
  }
}
