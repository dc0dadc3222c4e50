/** The daemon log: one line per record on stderr, `LEVEL message key=value…`. */

/** Log levels, in order. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
/** A structured logger. */
export type Logger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

/** A logger writing to stderr; `quiet` drops debug lines. */
export function createLogger(options: { quiet?: boolean; stream?: NodeJS.WritableStream } = {}): Logger {
  const stream = options.stream ?? process.stderr;
  return (level, message, fields) => {
    if (level === 'debug' && options.quiet !== false) return;
    const extra = fields ? Object.entries(fields).map(([k, v]) => ` ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join('') : '';
    stream.write(`${new Date().toISOString()} ${level.toUpperCase()} ${message}${extra}\n`);
  };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = () => {};
