/**
 * Drives a program in node-pty like a person at a real terminal: an @xterm/headless screen
 * renders its output and answers its terminal queries (onData piped back into the PTY), and
 * the driver waits for screen text, types keys, and dumps the viewport for study.
 */
import pty from 'node-pty';
import xterm from '@xterm/headless';

const { Terminal } = xterm;

/** Options for {@link PtyDriver.spawn}. */
export interface DriverOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cols: number;
  readonly rows: number;
  readonly cwd: string;
  readonly env: Record<string, string>;
}

/** Poll interval while waiting for screen text. */
const POLL_MS = 50;

/** A program in a PTY with a headless terminal as its screen. */
export class PtyDriver {
  readonly terminal: InstanceType<typeof Terminal>;
  readonly process: pty.IPty;
  title = '';
  exitCode: number | undefined;
  /** Time of the last output chunk (ms epoch). */
  lastOutputAt = Date.now();
  /** Every output chunk with its time, for later analysis. */
  readonly output: Array<{ at: number; data: string }> = [];
  private readonly exited: Promise<number>;

  private constructor(options: DriverOptions) {
    this.terminal = new Terminal({ cols: options.cols, rows: options.rows, allowProposedApi: true, scrollback: 1000 });
    this.terminal.onTitleChange((title) => (this.title = title));
    this.process = pty.spawn(options.command, [...options.args], {
      name: 'xterm-256color',
      cols: options.cols,
      rows: options.rows,
      cwd: options.cwd,
      env: options.env,
    });
    this.terminal.onData((data) => {
      if (this.exitCode === undefined) this.process.write(data);
    });
    this.process.onData((data) => {
      this.lastOutputAt = Date.now();
      this.output.push({ at: this.lastOutputAt, data });
      this.terminal.write(data);
    });
    this.exited = new Promise((resolve) => {
      this.process.onExit(({ exitCode }) => {
        this.exitCode = exitCode;
        resolve(exitCode);
      });
    });
  }

  /** Spawns the program. @throws Error when node-pty cannot start it. */
  static spawn(options: DriverOptions): PtyDriver {
    return new PtyDriver(options);
  }

  /** The viewport's rows (trailing blanks trimmed, NBSP kept). */
  rows(): string[] {
    const buffer = this.terminal.buffer.active;
    const rows: string[] = [];
    for (let y = 0; y < this.terminal.rows; y += 1) {
      rows.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
    }
    return rows;
  }

  /** The viewport as one string (rows joined with newlines). */
  text(): string {
    return this.rows().join('\n');
  }

  /** Rows drawn with the dim attribute somewhere, as `row: [start,end) ...`. */
  dimRanges(): string[] {
    const buffer = this.terminal.buffer.active;
    const result: string[] = [];
    for (let y = 0; y < this.terminal.rows; y += 1) {
      const line = buffer.getLine(buffer.viewportY + y);
      if (!line) continue;
      const ranges: string[] = [];
      let start = -1;
      for (let x = 0; x <= line.length; x += 1) {
        const cell = x < line.length ? line.getCell(x) : undefined;
        const dim = cell ? cell.isDim() !== 0 && cell.getChars() !== '' && cell.getChars() !== ' ' : false;
        if (dim && start < 0) start = x;
        if (!dim && start >= 0) {
          ranges.push(`[${start},${x})`);
          start = -1;
        }
      }
      if (ranges.length > 0) result.push(`${y}: ${ranges.join(' ')}`);
    }
    return result;
  }

  /** A dump: header line `# claude <version> CxR cursor=(x,y) title="..."` then the rows. */
  dump(version: string): string {
    const buffer = this.terminal.buffer.active;
    const header = `# claude ${version} ${this.terminal.cols}x${this.terminal.rows} cursor=(${buffer.cursorX},${buffer.cursorY}) title=${JSON.stringify(this.title)}`;
    return `${header}\n${this.rows().join('\n')}\n`;
  }

  /** Writes bytes to the program as typed input. */
  write(data: string): void {
    this.process.write(data);
  }

  /** Types `text` one character at a time, like a person. */
  async type(text: string, perCharMs = 30): Promise<void> {
    for (const char of text) {
      this.write(char);
      await sleep(perCharMs);
    }
  }

  /**
   * Waits until the screen matches `pattern`.
   * @throws Error on timeout (with the screen) or when the program exits first.
   */
  async waitFor(pattern: RegExp | string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const test = (text: string) => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
    for (;;) {
      await new Promise<void>((resolve) => this.terminal.write('', resolve));
      const text = this.text().replace(/\u00a0/g, ' ');
      if (test(text)) return;
      if (this.exitCode !== undefined) throw new Error(`exited (${this.exitCode}) before ${pattern}:\n${this.text()}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${this.text()}`);
      await sleep(POLL_MS);
    }
  }

  /** Waits until no output arrived for `quietMs`. */
  async settle(quietMs = 700, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() - this.lastOutputAt < quietMs) {
      if (Date.now() > deadline) return;
      await sleep(POLL_MS);
    }
    await new Promise<void>((resolve) => this.terminal.write('', resolve));
  }

  /** Resizes PTY and screen. */
  resize(cols: number, rows: number): void {
    this.process.resize(cols, rows);
    this.terminal.resize(cols, rows);
  }

  /** Ends the program: SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  async kill(graceMs = 3000): Promise<number> {
    if (this.exitCode !== undefined) return this.exitCode;
    try {
      this.process.kill('SIGTERM');
    } catch {
      /* already gone */
    }
    const timer = setTimeout(() => {
      try {
        this.process.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }, graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    this.terminal.dispose();
    return code;
  }

  /** Resolves when the program exits. */
  waitExit(): Promise<number> {
    return this.exited;
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
