/**
 * OutputRing: a host's recent PTY output, bounded, with absolute offsets (UTF-16 units since the
 * agent started) and the daemon's last checkpoint (its serialised screen at an offset). The
 * screen is rebuilt from the checkpoint plus the output after it; what is older than both goes.
 */
import type { HostCheckpoint } from './hostProtocol.js';

/** Default ring bound (UTF-16 units, ~2 bytes each): minutes of an agent's output, seconds of a flood. */
export const DEFAULT_RING_UNITS = 4 * 1024 * 1024;

/** What rebuilds the screen: the checkpoint (if any), then `data` from `from`. */
export interface RingReplay {
  readonly checkpoint: HostCheckpoint | undefined;
  readonly from: number;
  readonly chunks: readonly string[];
  /** Output between the checkpoint (or the start) and `from` was dropped. */
  readonly gap: boolean;
}

/** Bounded output with offsets. */
export class OutputRing {
  private _chunks: string[] = [];
  private _head = 0;
  /** Offset of the first held unit. */
  private _start = 0;
  private _end = 0;
  private _checkpoint: HostCheckpoint | undefined;

  /** @param _limit units held at most (the newest chunk is always kept whole) */
  constructor(private readonly _limit: number = DEFAULT_RING_UNITS) {}

  /** Offset after the last unit ever pushed. */
  get end(): number {
    return this._end;
  }

  /** Offset of the oldest unit held. */
  get start(): number {
    return this._start;
  }

  /** Appends output and drops the oldest past the limit. */
  push(data: string): void {
    this._chunks.push(data);
    this._end += data.length;
    while (this._end - this._start > this._limit && this._chunks.length - this._head > 1) {
      this._start += this._chunks[this._head].length;
      this._chunks[this._head++] = '';
    }
    if (this._head > 1024 && this._head * 2 > this._chunks.length) {
      this._chunks = this._chunks.slice(this._head);
      this._head = 0;
    }
  }

  /** Takes the daemon's screen as of `checkpoint.offset` and drops the output it covers. Ignores one older than the current or past the end. */
  checkpoint(checkpoint: HostCheckpoint): void {
    if (checkpoint.offset > this._end || (this._checkpoint && checkpoint.offset < this._checkpoint.offset)) return;
    this._checkpoint = checkpoint;
    while (this._chunks.length - this._head > 0 && this._start + this._chunks[this._head].length <= checkpoint.offset) {
      this._start += this._chunks[this._head].length;
      this._chunks[this._head++] = '';
    }
  }

  /** What rebuilds the screen now. */
  replay(): RingReplay {
    const checkpoint = this._checkpoint;
    const base = checkpoint?.offset ?? 0;
    const chunks = this._chunks.slice(this._head);
    if (chunks.length > 0 && this._start < base) chunks[0] = chunks[0].slice(base - this._start);
    const from = Math.max(base, this._start);
    return { checkpoint, from, chunks, gap: this._start > base };
  }
}
