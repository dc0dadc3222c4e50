/**
 * OutputQueue: one client's live output waiting to be sent, per session. Each PTY chunk is
 * JSON-encoded to UTF-8 once for every subscriber (`encodeOutputData`); a flush copies a
 * session's queued chunks into one `pty_output` frame carrying the last chunk's seq, so a
 * burst of small reads costs one WebSocket frame instead of one each.
 */

/** Encoded data per frame (bytes): a flush comes sooner once a session has this much (phones cap a message near 1 MiB). */
export const MAX_FRAME_DATA_BYTES = 256 * 1024;

/**
 * The body of `data` as a JSON string without its quotes, in UTF-8. Bodies of consecutive
 * chunks concatenate into the body of the joined text: JSON escapes are per code unit, and a
 * lone surrogate is escaped as `\uXXXX` (ES2019 well-formed JSON.stringify), so a pair split
 * across chunks still decodes as one.
 */
export function encodeOutputData(data: string): Buffer {
  const json = JSON.stringify(data);
  return Buffer.from(json.slice(1, -1), 'utf8');
}

const FRAME_END = Buffer.from('"}');

/** A `pty_output` frame (same fields and order as the event) from encoded data bodies, as UTF-8 text. */
export function outputFrame(sessionId: string, seq: number, encodedData: readonly Buffer[]): Buffer {
  const start = Buffer.from(`{"type":"pty_output","session_id":${JSON.stringify(sessionId)},"seq":${seq},"data":"`);
  return Buffer.concat([start, ...encodedData, FRAME_END]);
}

interface Pending {
  readonly parts: Buffer[];
  bytes: number;
  seq: number;
}

/** Queued output of one client, per session, in arrival order of the sessions. */
export class OutputQueue {
  private readonly _pending = new Map<string, Pending>();

  /** True when nothing is queued. */
  get isEmpty(): boolean {
    return this._pending.size === 0;
  }

  /**
   * Queues an encoded chunk (see encodeOutputData) with its seq.
   * @returns true when the session's frame has reached MAX_FRAME_DATA_BYTES and should go now
   */
  add(sessionId: string, seq: number, encodedData: Buffer): boolean {
    let pending = this._pending.get(sessionId);
    if (pending === undefined) {
      pending = { parts: [], bytes: 0, seq };
      this._pending.set(sessionId, pending);
    }
    pending.parts.push(encodedData);
    pending.bytes += encodedData.length;
    pending.seq = seq;
    return pending.bytes >= MAX_FRAME_DATA_BYTES;
  }

  /** Forgets a session's queued output (a screen or resync replaces it, or nobody wants it). */
  drop(sessionId: string): void {
    this._pending.delete(sessionId);
  }

  /** Empties the queue into one frame (UTF-8 JSON text) per session. */
  take(): Buffer[] {
    const frames: Buffer[] = [];
    for (const [sessionId, pending] of this._pending) frames.push(outputFrame(sessionId, pending.seq, pending.parts));
    this._pending.clear();
    return frames;
  }
}
