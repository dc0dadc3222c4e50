/**
 * HeadlessScreen: one session's VT state in @xterm/headless (5k lines of scrollback), the
 * immutable snapshots parsers read, the serialised screen for late subscribers, and the
 * terminal's replies to queries (DA, DSR, OSC colours) that must go back to the PTY.
 */
import xtermHeadless from '@xterm/headless';
import serializeAddon from '@xterm/addon-serialize';
import { BugError, Disposable, Emitter, toDisposable } from '../common/index.js';
import type { ScreenLine, ScreenSnapshot } from '../common/index.js';

// Under Node ESM the named export is undefined; the default export carries the classes.
const { Terminal } = xtermHeadless as unknown as typeof import('@xterm/headless');
const { SerializeAddon } = serializeAddon as unknown as typeof import('@xterm/addon-serialize');

/** OSC number of shell-integration marks (FinalTerm semantic prompts). */
const OSC_SHELL_INTEGRATION = 133;
/** Scrollback kept per session (lines): enough for a long diff, bounded for memory. */
export const SCROLLBACK_LINES = 5000;

type XtermTerminal = InstanceType<typeof Terminal>;
/** The part of xterm's private core that parses without yielding (xterm.js 6.0.0, src/common/input/WriteBuffer.ts). */
type SyncWriter = { writeSync(data: string | Uint8Array): void };
type BufferLine = NonNullable<ReturnType<XtermTerminal['buffer']['active']['getLine']>>;

/** Runs of cells whose background differs from the row's most common background. */
function backgroundHighlights(line: BufferLine, cols: number): Array<{ start: number; end: number }> {
  const keys: string[] = [];
  const counts = new Map<string, number>();
  for (let x = 0; x < cols; x++) {
    const cell = line.getCell(x);
    const key = cell ? `${cell.getBgColorMode()}:${cell.getBgColor()}:${cell.isInverse()}` : '';
    keys.push(key);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let dominant = '';
  let best = -1;
  for (const [key, count] of counts) if (count > best) [dominant, best] = [key, count];
  const runs: Array<{ start: number; end: number }> = [];
  for (let x = 0; x < cols; x++) {
    if (keys[x] === dominant) continue;
    const last = runs[runs.length - 1];
    if (last && last.end === x) last.end = x + 1;
    else runs.push({ start: x, end: x + 1 });
  }
  return runs;
}

/** A headless terminal with snapshots and reply forwarding. */
export class HeadlessScreen extends Disposable {
  private readonly _terminal: XtermTerminal;
  private readonly _serializer: InstanceType<typeof SerializeAddon>;
  private _title = '';
  /** Last OSC 133 mark and the absolute buffer line it was seen on. */
  private _shellMark: { kind: 'A' | 'B' | 'C' | 'D'; line: number; exitCode?: number } | undefined;

  private readonly _onWriteParsed = this._register(new Emitter<void>());
  /** Fires after a batch of writes has been applied to the screen (at most once per batch). */
  readonly onWriteParsed = this._onWriteParsed.event;

  private readonly _onReply = this._register(new Emitter<string>());
  /** Bytes the terminal answers with (query replies); forward them to the PTY. */
  readonly onReply = this._onReply.event;

  /**
   * @param cols width in cells
   * @param rows height in rows
   */
  constructor(cols: number, rows: number) {
    super();
    // logLevel off: xterm logs each malformed escape sequence with its parser state (kilobytes,
    // at error level); PTY output is outside input, so a binary `cat` would flood the daemon's stderr.
    this._terminal = new Terminal({ cols, rows, scrollback: SCROLLBACK_LINES, allowProposedApi: true, logLevel: 'off' });
    this._serializer = new SerializeAddon();
    this._terminal.loadAddon(this._serializer as never);
    this._register(this._terminal.onData((data) => this._onReply.fire(data)));
    this._register(this._terminal.onBinary((data) => this._onReply.fire(data)));
    this._register(this._terminal.onTitleChange((title) => (this._title = title)));
    this._register(this._terminal.onWriteParsed(() => this._onWriteParsed.fire()));
    // OSC 133 shell-integration marks (FinalTerm; also emitted by VS Code, iTerm2, WezTerm shells).
    this._register(
      this._terminal.parser.registerOscHandler(OSC_SHELL_INTEGRATION, (data) => {
        const [kind, ...params] = data.split(';');
        if (kind === 'A' || kind === 'B' || kind === 'C' || kind === 'D') {
          const buffer = this._terminal.buffer.active;
          const exitCode = kind === 'D' && params[0] !== undefined && /^\d+$/.test(params[0]) ? Number(params[0]) : undefined;
          this._shellMark = { kind, line: buffer.baseY + buffer.cursorY, ...(exitCode !== undefined ? { exitCode } : {}) };
        }
        return true;
      }),
    );
    this._register(toDisposable(() => this._terminal.dispose()));
  }

  get cols(): number {
    return this._terminal.cols;
  }

  get rows(): number {
    return this._terminal.rows;
  }

  /** True while the application holds a synchronized-output frame open (DEC mode 2026). */
  get isFrameOpen(): boolean {
    return this._terminal.modes.synchronizedOutputMode;
  }

  /** True when the application enabled bracketed paste (DECSET 2004). */
  get bracketedPaste(): boolean {
    return this._terminal.modes.bracketedPasteMode;
  }

  /** Parses `data`; `callback` runs once it has been applied to the screen. */
  write(data: string | Uint8Array, callback?: () => void): void {
    this._terminal.write(data, callback);
  }

  /**
   * True when {@link writeSync} can parse without yielding. It reaches into xterm's private
   * write buffer (pinned @xterm/headless 6.0.0); an xterm without it leaves only `write`.
   */
  get canWriteSync(): boolean {
    return this._syncWriter() !== undefined;
  }

  /**
   * Parses `data` before returning, then fires `onWriteParsed` (replay: each write costs no timer
   * tick). Only for a screen that is never written asynchronously: data queued by `write` would
   * be applied after it.
   * @throws BugError when {@link canWriteSync} is false
   */
  writeSync(data: string | Uint8Array): void {
    const writer = this._syncWriter();
    if (!writer) throw new BugError('this @xterm/headless has no synchronous write buffer');
    writer.writeSync(data);
    this._onWriteParsed.fire();
  }

  private _syncWriter(): SyncWriter | undefined {
    // writeSync on the core itself logs a deprecation warning; its write buffer does the same work quietly.
    const buffer = (this._terminal as unknown as { _core?: { _writeBuffer?: Partial<SyncWriter> } })._core?._writeBuffer;
    return typeof buffer?.writeSync === 'function' ? (buffer as SyncWriter) : undefined;
  }

  /** Resizes the screen (cells/rows). */
  resize(cols: number, rows: number): void {
    this._terminal.resize(cols, rows);
  }

  /** The VT sequences that redraw the current screen and `scrollback` lines above it (default all kept), for late subscribers. */
  serialize(scrollback = SCROLLBACK_LINES): string {
    return this._serializer.serialize({ scrollback });
  }

  /** An immutable snapshot of the viewport (NBSP normalised to space, right-trimmed). */
  snapshot(): ScreenSnapshot {
    const buffer = this._terminal.buffer.active;
    const lines: ScreenLine[] = [];
    for (let y = 0; y < this._terminal.rows; y++) {
      const line = buffer.getLine(buffer.viewportY + y);
      const cols = this._terminal.cols;
      let highlights: Array<{ start: number; end: number }> | undefined;
      lines.push({
        text: line ? line.translateToString(true).replace(/\u00a0/g, ' ') : '',
        isWrapped: line?.isWrapped ?? false,
        // Lazy: a per-cell scan costs more than the rest of the snapshot, and few parsers need it.
        get highlights() {
          highlights ??= line ? backgroundHighlights(line, cols) : [];
          return highlights;
        },
      });
    }
    return {
      cols: this._terminal.cols,
      rows: this._terminal.rows,
      lines,
      cursor: { x: buffer.cursorX, y: buffer.cursorY, visible: true },
      title: this._title,
      altScreen: buffer.type === 'alternate',
      ...(this._shellMark
        ? { shellMark: { kind: this._shellMark.kind, row: this._shellMark.line - buffer.viewportY, ...(this._shellMark.exitCode !== undefined ? { exitCode: this._shellMark.exitCode } : {}) } }
        : {}),
    };
  }
}
