/**
 * asciicast v2: the types, a strict parser that names the offending line, and a streaming
 * writer that appends events with times relative to its start (rounded to microseconds).
 * Fixtures and `tether record` use this format; asciinema's player reads it.
 */
import fs from 'node:fs';
import { TetherError } from '../common/index.js';

/** The first line of a cast. */
export interface CastHeader {
  readonly version: 2;
  readonly width: number;
  readonly height: number;
  /** Unix seconds when the recording started. */
  readonly timestamp?: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly title?: string;
}

/**
 * Event codes: output, input, resize (`"COLSxROWS"`), marker, and Tether's own: `h` a hook
 * payload of the agent CLI (its JSON text), `t` a transcript line (its JSON text). asciicast v2
 * allows extra codes ("Additional event types may be added in the future", docs.asciinema.org,
 * asciicast v2, "Event stream"); asciinema's player plays `o` (and `r`, `m`) and skips the rest.
 */
export type CastEventCode = 'o' | 'i' | 'r' | 'm' | 'h' | 't';

/** One event: seconds since start, code, data. */
export type CastEvent = readonly [time: number, code: CastEventCode, data: string];

/** A parsed recording. */
export interface Cast {
  readonly header: CastHeader;
  readonly events: readonly CastEvent[];
}

const EVENT_CODES: ReadonlySet<string> = new Set(['o', 'i', 'r', 'm', 'h', 't']);
/** Resize event data: columns x rows. */
const RESIZE_DATA = /^[1-9]\d*x[1-9]\d*$/;

function invalid(line: number, message: string): TetherError {
  return new TetherError('CAST_INVALID', `line ${line}: ${message}`);
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function parseHeader(text: string): CastHeader {
  let value: any;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid(1, 'header is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(1, 'header is not an object');
  if (value.version !== 2) throw invalid(1, `unsupported version ${JSON.stringify(value.version)}`);
  if (!isPositiveInteger(value.width) || !isPositiveInteger(value.height)) {
    throw invalid(1, 'width and height must be positive integers');
  }
  if (value.timestamp !== undefined && typeof value.timestamp !== 'number') throw invalid(1, 'timestamp is not a number');
  if (value.title !== undefined && typeof value.title !== 'string') throw invalid(1, 'title is not a string');
  if (value.env !== undefined) {
    const entries = typeof value.env === 'object' && value.env !== null ? Object.values(value.env) : [0];
    if (entries.some((entry) => typeof entry !== 'string')) throw invalid(1, 'env must map names to strings');
  }
  return value as CastHeader;
}

function parseEvent(text: string, line: number, previousTime: number): CastEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid(line, 'event is not JSON');
  }
  if (!Array.isArray(value) || value.length !== 3) throw invalid(line, 'event must be [time, code, data]');
  const [time, code, data] = value as [unknown, unknown, unknown];
  if (typeof time !== 'number' || !Number.isFinite(time) || time < 0) throw invalid(line, 'time must be a number ≥ 0');
  if (time < previousTime) throw invalid(line, `time ${time} goes back (previous ${previousTime})`);
  if (typeof code !== 'string' || !EVENT_CODES.has(code)) throw invalid(line, `unknown event code ${JSON.stringify(code)}`);
  if (typeof data !== 'string') throw invalid(line, 'data must be a string');
  if (code === 'r' && !RESIZE_DATA.test(data)) throw invalid(line, `resize data ${JSON.stringify(data)} is not COLSxROWS`);
  return [time, code as CastEventCode, data];
}

/**
 * Parses an asciicast v2 text. Blank lines are skipped; every other line is validated.
 * @throws TetherError CAST_INVALID naming the first bad line (1-based).
 */
export function parseCast(text: string): Cast {
  const lines = text.split('\n');
  if (lines[0] === undefined || lines[0].trim() === '') throw invalid(1, 'missing header');
  const header = parseHeader(lines[0]);
  const events: CastEvent[] = [];
  let previousTime = 0;
  for (let index = 1; index < lines.length; index += 1) {
    const lineText = lines[index];
    if (lineText.trim() === '') continue;
    const event = parseEvent(lineText, index + 1, previousTime);
    previousTime = event[0];
    events.push(event);
  }
  return { header, events };
}

/** Parses `"COLSxROWS"` resize data. @throws TetherError CAST_INVALID when malformed. */
export function parseResize(data: string): { cols: number; rows: number } {
  if (!RESIZE_DATA.test(data)) throw new TetherError('CAST_INVALID', `resize data ${JSON.stringify(data)} is not COLSxROWS`);
  const [cols, rows] = data.split('x').map(Number);
  return { cols, rows };
}

/** Rounds seconds to microseconds (asciinema's precision). */
function roundSeconds(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}

/** Options for {@link CastWriter}. */
export interface CastWriterOptions {
  readonly width: number;
  readonly height: number;
  readonly title?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Clock in milliseconds; defaults to `performance.now()` (tests pass a fake). */
  readonly now?: () => number;
  /** Unix seconds for the header; defaults to now. */
  readonly timestamp?: number;
}

/** Streams a cast to a file: the header at open, then one line per event. */
export class CastWriter {
  private readonly stream: fs.WriteStream;
  private readonly now: () => number;
  private readonly startMs: number;
  private lastSeconds = 0;
  private closed = false;
  private readonly failure: Promise<never>;

  /** Opens `file` (truncating it) and writes the header. */
  constructor(file: string, options: CastWriterOptions) {
    this.now = options.now ?? (() => performance.now());
    this.startMs = this.now();
    this.stream = fs.createWriteStream(file);
    this.failure = new Promise<never>((_, reject) => this.stream.once('error', reject));
    this.failure.catch(() => {});
    const header: CastHeader = {
      version: 2,
      width: options.width,
      height: options.height,
      timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
      ...(options.env ? { env: options.env } : {}),
      ...(options.title ? { title: options.title } : {}),
    };
    this.stream.write(`${JSON.stringify(header)}\n`);
  }

  /** Seconds since the writer opened, rounded to microseconds, never going back. */
  elapsed(): number {
    this.lastSeconds = Math.max(this.lastSeconds, roundSeconds((this.now() - this.startMs) / 1000));
    return this.lastSeconds;
  }

  /** Appends an event stamped now. Ignored after close. */
  write(code: CastEventCode, data: string): void {
    if (this.closed) return;
    this.stream.write(`${JSON.stringify([this.elapsed(), code, data])}\n`);
  }

  /** Appends output. */
  output(data: string): void {
    this.write('o', data);
  }

  /** Appends input. */
  input(data: string): void {
    this.write('i', data);
  }

  /** Appends a resize. */
  resize(cols: number, rows: number): void {
    this.write('r', `${cols}x${rows}`);
  }

  /** Appends one hook payload the agent posted (its JSON text). */
  hook(json: string): void {
    this.write('h', json);
  }

  /** Appends one transcript line the agent wrote (its JSON text). */
  transcript(json: string): void {
    this.write('t', json);
  }

  /** Appends a marker. */
  marker(label: string): void {
    this.write('m', label);
  }

  /**
   * Flushes and closes the file.
   * @throws Error when the file could not be written.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const ended = new Promise<void>((resolve, reject) => this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
    await Promise.race([ended, this.failure]);
  }
}
