/**
 * The daemon log: one line per record on stderr, `LEVEL message key=value…`. Field values come
 * from clients too (device names, ids, addresses), so control characters in them (newlines,
 * ESC) are escaped: a value can never start a forged line or drive the terminal.
 */

/** Log levels, in order. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
/** A structured logger. */
export type Logger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

/** A logger writing to stderr; `quiet` drops debug lines. */
export function createLogger(options: { quiet?: boolean; stream?: NodeJS.WritableStream } = {}): Logger {
  const stream = options.stream ?? process.stderr;
  return (level, message, fields) => {
    if (level === 'debug' && options.quiet !== false) return;
    const extra = fields ? Object.entries(fields).map(([k, v]) => ` ${safe(k)}=${safe(typeof v === 'string' ? v : JSON.stringify(v))}`).join('') : '';
    stream.write(`${new Date().toISOString()} ${level.toUpperCase()} ${safe(message)}${extra}\n`);
  };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = () => {};

/** C0/C1 controls, DEL, the Unicode line and paragraph separators, and bidi controls (which reorder a line on screen). */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control character written as a `\uXXXX` escape. @throws never */
export function safe(text: string | undefined): string {
  return (text ?? 'undefined').replace(UNSAFE, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
