/**
 * TranscriptTail: follows one JSONL file an agent CLI appends to, handing each complete line,
 * parsed, to `onLine`. Polls (a stat per interval; fs.watch misses renames and network disks),
 * reads at most CHUNK_BYTES per read so a 50 MB file never sits in memory, skips lines that are
 * not JSON or are longer than MAX_LINE_BYTES (reported to `onSkip`), and starts over when the
 * file shrinks or is replaced (the reader's keys keep that from duplicating events).
 */
import { open, stat } from 'node:fs/promises';
import { Disposable, toDisposable } from '../common/index.js';

/** How often the file is checked (ms): a timeline a quarter second behind reads as live. */
export const TAIL_POLL_MS = 250;
/** Bytes read at once. */
const CHUNK_BYTES = 1 << 20;
/** Bytes read per poll at most, so catching up on a large file shares the event loop. */
const MAX_BYTES_PER_POLL = 8 << 20;
/** Longest line kept (bytes); longer ones (2.1.332's request shapes are ~20 KB, pasted files more) are skipped. */
export const MAX_LINE_BYTES = 4 << 20;

/** What a tail reports to. */
export interface TranscriptTailOptions {
  readonly path: string;
  /** A file last written before this (ms since epoch) is history: it is followed from its end. */
  readonly startedAtMs: number;
  readonly onLine: (value: unknown) => void;
  readonly onSkip: (reason: string) => void;
  readonly pollMs?: number;
}

/** Follows one transcript file until disposed. */
export class TranscriptTail extends Disposable {
  private _offset = 0;
  private _inode: number | undefined;
  private _pending: Buffer[] = [];
  private _pendingBytes = 0;
  /** True while the rest of an over-long line is being skipped. */
  private _discarding = false;
  /** Polls queued or running; the timer adds none while one is. */
  private _queued = 0;
  private _chain: Promise<void> = Promise.resolve();
  private _first = true;

  constructor(private readonly _options: TranscriptTailOptions) {
    super();
    const timer = setInterval(() => this._queued === 0 && void this.poll(), _options.pollMs ?? TAIL_POLL_MS);
    timer.unref();
    this._register(toDisposable(() => clearInterval(timer)));
    void this.poll();
  }

  /** Reads what was appended since the last poll (after any poll still running). Never rejects. */
  poll(): Promise<void> {
    this._queued += 1;
    this._chain = this._chain.then(async () => {
      try {
        if (!this.isDisposed) await this._read();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this._options.onSkip(`transcript unreadable: ${(err as Error).message}`);
      } finally {
        this._queued -= 1;
      }
    });
    return this._chain;
  }

  private async _read(): Promise<void> {
    const info = await stat(this._options.path);
    if (this._first) {
      this._first = false;
      if (info.mtimeMs < this._options.startedAtMs) this._offset = info.size;
      this._inode = info.ino;
    }
    if (info.ino !== this._inode || info.size < this._offset) {
      this._inode = info.ino;
      this._offset = 0;
      this._pending = [];
      this._pendingBytes = 0;
      this._discarding = false;
    }
    if (info.size === this._offset) return;
    const file = await open(this._options.path, 'r');
    try {
      const end = Math.min(info.size, this._offset + MAX_BYTES_PER_POLL);
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      while (this._offset < end && !this.isDisposed) {
        const { bytesRead } = await file.read(buffer, 0, Math.min(CHUNK_BYTES, end - this._offset), this._offset);
        if (bytesRead === 0) break;
        this._offset += bytesRead;
        this._take(buffer.subarray(0, bytesRead));
      }
    } finally {
      await file.close();
    }
  }

  /** Splits a chunk into lines; keeps the unfinished last one. */
  private _take(chunk: Buffer): void {
    let start = 0;
    for (let newline = chunk.indexOf(10, start); newline !== -1; newline = chunk.indexOf(10, start)) {
      this._append(chunk.subarray(start, newline));
      this._line();
      start = newline + 1;
    }
    this._append(chunk.subarray(start));
  }

  private _append(part: Buffer): void {
    if (this._discarding || part.length === 0) return;
    if (this._pendingBytes + part.length > MAX_LINE_BYTES) {
      this._options.onSkip(`transcript line longer than ${MAX_LINE_BYTES} bytes skipped`);
      this._discarding = true;
      this._pending = [];
      this._pendingBytes = 0;
      return;
    }
    this._pending.push(Buffer.from(part));
    this._pendingBytes += part.length;
  }

  private _line(): void {
    const discarded = this._discarding;
    const text = Buffer.concat(this._pending).toString('utf8').trim();
    this._pending = [];
    this._pendingBytes = 0;
    this._discarding = false;
    if (discarded || text === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this._options.onSkip('transcript line is not JSON');
      return;
    }
    try {
      this._options.onLine(value);
    } catch (err) {
      this._options.onSkip(`transcript line failed: ${(err as Error).message}`);
    }
  }
}
