/**
 * OutputRing: a host's recent PTY output as the terminal's bytes, bounded, with absolute offsets
 * (bytes since the agent started; host protocol 2) and the screen the output after it applies on top of: the daemon's last
 * checkpoint (its serialised screen at an offset) or, once output older than the bound had to go
 * before a daemon checkpointed past it, the host's own fold screen that the dropped output was
 * applied to. So the replay (screen + output after it) never misses output, however long the
 * daemon is away; only a host without a fold screen (`fold` returns undefined) opens a gap.
 */
import type { HostCheckpoint } from './hostProtocol.js';
import { completeUtf8Length } from './utf8Stream.js';

/** Default ring bound (bytes): minutes of an agent's output, seconds of a flood. */
export const DEFAULT_RING_BYTES = 4 * 1024 * 1024;

/** What rebuilds the screen: the checkpoint (if any), then `data` from `from`. */
export interface RingReplay {
  readonly checkpoint: HostCheckpoint | undefined;
  readonly from: number;
  readonly chunks: readonly Buffer[];
  /** Output between the checkpoint (or the start) and `from` was dropped. */
  readonly gap: boolean;
}

/** A terminal screen the host applies output older than the bound to (a HeadlessScreen). */
export interface FoldScreen {
  /** Applies `data` (a VT string, or the terminal's bytes, UTF-8 decoded across calls) before returning. */
  writeSync(data: string | Uint8Array): void;
  /** The VT sequences that redraw the screen and its scrollback. */
  serialize(): string;
  resize(cols: number, rows: number): void;
  dispose(): void;
}

/**
 * Makes a fold screen when output must leave the ring: a screen, `'later'` when one cannot be made
 * yet (its module still loading: the ring holds the output past its bound meanwhile), or
 * undefined when there will be none (the output is dropped and the replay says `gap`).
 */
export type FoldScreenFactory = () => FoldScreen | 'later' | undefined;

const EMPTY = Buffer.alloc(0);

/** Bounded output with offsets. */
export class OutputRing {
  private _chunks: Buffer[] = [];
  private _head = 0;
  /** Offset of the first held byte. */
  private _start = 0;
  private _end = 0;
  private _checkpoint: HostCheckpoint | undefined;
  /** The host's screen with every byte before `_foldOffset` applied (it replaces `_checkpoint`). */
  private _fold: FoldScreen | undefined;
  private _foldOffset = 0;
  private _gap = false;
  /** Bound multiplier: 2 while a daemon is attached (its next checkpoint is on its way), else 1. */
  private _slack = 1;

  /**
   * @param _limit bytes held at most (the newest chunk is always kept whole)
   * @param _foldScreen where output past the bound goes; without it, it is dropped
   */
  constructor(
    private readonly _limit: number = DEFAULT_RING_BYTES,
    private readonly _foldScreen?: FoldScreenFactory,
  ) {}

  /** Offset after the last byte ever pushed. */
  get end(): number {
    return this._end;
  }

  /** Offset of the oldest byte held. */
  get start(): number {
    return this._start;
  }

  /** True while output older than the ring has been applied to a host-side fold screen. */
  get folding(): boolean {
    return this._fold !== undefined;
  }

  /** Offset the screen of the replay is as of (checkpoint or fold; 0 for none). */
  private get _base(): number {
    return this._fold ? this._foldOffset : (this._checkpoint?.offset ?? 0);
  }

  /** Appends output; output past the limit goes to the fold screen (or, without one, is dropped). */
  push(data: Buffer): void {
    this._chunks.push(data);
    this._end += data.length;
    this.trim();
  }

  /**
   * While a daemon is attached the ring holds up to twice its bound before it folds: the daemon
   * checkpoints within 1.5 intervals (3/4 of the bound) plus what is in flight to it, and folding
   * parses the output a second time, in the host.
   */
  setAttached(attached: boolean): void {
    this._slack = attached ? 2 : 1;
    this.trim();
  }

  /** Moves output past the limit out of the ring (again once a fold screen that was 'later' can be made). */
  trim(): void {
    while (this._end - this._start > this._limit * this._slack && this._chunks.length - this._head > 1 && this._dropHead()) {
      // Each pass moved the oldest chunk out of the ring.
    }
    this._compact();
  }

  /**
   * Moves the head chunk out of the ring: its bytes past the base go to the fold screen, up to its
   * last line end (the rest joins the next chunk, so the fold screen stops between lines, not inside
   * an escape sequence its serialisation would lose), or with no line end, up to its last whole
   * UTF-8 character (so the replay never starts inside one). False when the head must stay (the
   * fold screen is not there yet).
   */
  private _dropHead(): boolean {
    const chunk = this._chunks[this._head];
    const base = this._base;
    if (this._start + chunk.length > base) {
      if (!this._fold && this._foldScreen) {
        const screen = this._foldScreen();
        if (screen === 'later') return false;
        if (screen) {
          if (this._checkpoint) screen.writeSync(this._checkpoint.screen);
          this._fold = screen;
          // Output already dropped before there was a fold screen stays a gap.
          if (base < this._start) this._gap = true;
          this._foldOffset = Math.max(base, this._start);
        }
      }
      if (!this._fold) {
        this._gap = true;
      } else {
        const piece = base > this._start ? chunk.subarray(base - this._start) : chunk;
        const cut = piece.lastIndexOf(0x0a) + 1 || completeUtf8Length(piece);
        if (cut > 0 && cut < piece.length) {
          this._fold.writeSync(piece.subarray(0, cut));
          this._foldOffset += cut;
          this._chunks[this._head + 1] = Buffer.concat([piece.subarray(cut), this._chunks[this._head + 1]]);
          this._start = this._foldOffset;
          this._chunks[this._head++] = EMPTY;
          return true;
        }
        this._fold.writeSync(piece);
        this._foldOffset += piece.length;
      }
    }
    this._start += chunk.length;
    this._chunks[this._head++] = EMPTY;
    return true;
  }

  private _compact(): void {
    if (this._head > 1024 && this._head * 2 > this._chunks.length) {
      this._chunks = this._chunks.slice(this._head);
      this._head = 0;
    }
  }

  /**
   * Takes the daemon's screen as of `checkpoint.offset` and drops the output it covers. Ignores
   * one past the end or older than the screen it has (a newer checkpoint, or the fold screen).
   */
  checkpoint(checkpoint: HostCheckpoint): void {
    if (checkpoint.offset > this._end || checkpoint.offset < this._base) return;
    this._checkpoint = checkpoint;
    this._fold?.dispose();
    this._fold = undefined;
    this._gap = false;
    while (this._chunks.length - this._head > 0 && this._start + this._chunks[this._head].length <= checkpoint.offset) {
      this._start += this._chunks[this._head].length;
      this._chunks[this._head++] = EMPTY;
    }
    this._compact();
  }

  /** Resizes the fold screen with the terminal (cells/rows). */
  resize(cols: number, rows: number): void {
    this._fold?.resize(cols, rows);
  }

  /** What rebuilds the screen now (serialising the fold screen, when there is one). */
  replay(): RingReplay {
    const checkpoint = this._fold ? { offset: this._foldOffset, screen: this._fold.serialize() } : this._checkpoint;
    const base = this._base;
    const chunks = this._chunks.slice(this._head);
    if (chunks.length > 0 && this._start < base) chunks[0] = chunks[0].subarray(base - this._start);
    const from = Math.max(base, this._start);
    return { checkpoint, from, chunks, gap: this._gap || this._start > base };
  }

  /** Frees the fold screen. */
  dispose(): void {
    this._fold?.dispose();
    this._fold = undefined;
  }
}
