/**
 * EventHistory: one session's recent events for clients resuming with `since`, bounded by
 * bytes (PTY output dominates; a count bound would let 2000 large chunks hold 100+ MB). The
 * oldest events go first; `eventsSince` says when the history no longer reaches back.
 */
import type { SequencedEvent, SessionEvent } from '../common/index.js';

/** Bytes charged per event beside its text: the object, its seq and ids (an estimate). */
const EVENT_OVERHEAD_BYTES = 128;

/** Approximate memory an event holds (bytes): its text (UTF-16, 2 bytes a unit) plus the overhead. */
export function eventBytes(event: SessionEvent): number {
  switch (event.type) {
    case 'pty_output':
      return EVENT_OVERHEAD_BYTES + event.data.length * 2;
    case 'waiting_for_input':
      return EVENT_OVERHEAD_BYTES + (event.prompt_content.length + event.options.reduce((sum, option) => sum + option.label.length, 0)) * 2;
    default:
      return EVENT_OVERHEAD_BYTES;
  }
}

type SeqEvent = SequencedEvent;

/** Recent events with seq, oldest first, at most `limitBytes` of them. */
export class EventHistory {
  /** Dropped entries are cleared (undefined) until the next compaction, so they are freed at once. */
  private _events: Array<SeqEvent | undefined> = [];
  private _sizes: number[] = [];
  private _start = 0;
  private _bytes = 0;

  /** @param _limitBytes byte budget; the newest event is always kept, even when larger */
  constructor(private _limitBytes: number) {}

  /** Bytes held now. */
  get bytes(): number {
    return this._bytes;
  }

  /** Events held now. */
  get length(): number {
    return this._events.length - this._start;
  }

  /** Appends an event and drops the oldest past the budget. */
  push(event: SeqEvent): void {
    const size = eventBytes(event);
    this._events.push(event);
    this._sizes.push(size);
    this._bytes += size;
    this._trim();
  }

  /** Lowers (or raises) the budget, dropping the oldest events past it (an exited session keeps only its last events). */
  setLimit(limitBytes: number): void {
    this._limitBytes = limitBytes;
    this._trim();
  }

  /**
   * Events with seq > `since`, or undefined when the oldest held event is newer than `since + 1`.
   * @param currentSeq the session's latest seq (nothing newer exists)
   */
  since(since: number, currentSeq: number): SeqEvent[] | undefined {
    if (since >= currentSeq) return [];
    const firstSeq = this._events[this._start]?.seq ?? currentSeq + 1;
    if (firstSeq > since + 1) return undefined;
    const result: SeqEvent[] = [];
    for (let i = this._start; i < this._events.length; i++) {
      const event = this._events[i];
      if (event !== undefined && event.seq > since) result.push(event);
    }
    return result;
  }

  private _trim(): void {
    while (this._bytes > this._limitBytes && this.length > 1) {
      this._bytes -= this._sizes[this._start];
      this._events[this._start] = undefined;
      this._start++;
    }
    // Compact once the dropped head outweighs the live part, so trimming stays O(1) amortised.
    if (this._start > 64 && this._start * 2 > this._events.length) {
      this._events = this._events.slice(this._start);
      this._sizes = this._sizes.slice(this._start);
      this._start = 0;
    }
  }
}
