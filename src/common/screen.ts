/**
 * The rendered screen as parsers see it: an immutable snapshot of the viewport's rows,
 * the cursor and the window title. Produced by core's HeadlessScreen from @xterm/headless.
 */

/** One rendered row of the viewport. */
export interface ScreenLine {
  /** The row's text with trailing blanks trimmed; U+00A0 is normalised to a space. */
  readonly text: string;
  /** True when the row continues the row above (soft wrap). */
  readonly isWrapped: boolean;
  /**
   * Cell ranges (start inclusive, end exclusive) drawn on a background other than the row's
   * dominant one, e.g. a focused button. Computed on first read (read it while parsing).
   */
  readonly highlights?: ReadonlyArray<{ readonly start: number; readonly end: number }>;
}

/** An immutable snapshot of a terminal's viewport. */
export interface ScreenSnapshot {
  /** Width in cells. */
  readonly cols: number;
  /** Height in rows. */
  readonly rows: number;
  /** Exactly `rows` lines, top to bottom. */
  readonly lines: readonly ScreenLine[];
  /** Cursor position, 0-based cells/rows within the viewport. */
  readonly cursor: { readonly x: number; readonly y: number; readonly visible: boolean };
  /** The last window title set with OSC 0/2 ('' when never set). */
  readonly title: string;
  /** True when the alternate screen buffer is active. */
  readonly altScreen: boolean;
  /**
   * The last shell-integration mark (OSC 133, FinalTerm semantic prompts): `A` prompt start,
   * `B` command start (prompt end), `C` command output start, `D` command finished; `row` is
   * its viewport row (negative once scrolled above the viewport). Absent when never seen.
   */
  readonly shellMark?: { readonly kind: 'A' | 'B' | 'C' | 'D'; readonly row: number; readonly exitCode?: number };
}

/** Builds a snapshot from plain text rows (for parser unit tests). */
export function snapshotFromText(
  text: string,
  opts: { cols?: number; rows?: number; title?: string; cursor?: { x: number; y: number } } = {},
): ScreenSnapshot {
  const raw = text.split('\n').map((l) => l.replace(/\u00a0/g, ' ').replace(/\s+$/, ''));
  const rows = opts.rows ?? Math.max(raw.length, 1);
  const cols = opts.cols ?? Math.max(80, ...raw.map((l) => l.length));
  while (raw.length < rows) raw.push('');
  const lines = raw.slice(raw.length - rows).map((t) => ({ text: t, isWrapped: false }));
  const lastNonEmpty = Math.max(0, lines.map((l) => l.text !== '').lastIndexOf(true));
  return {
    cols,
    rows,
    lines,
    cursor: { ...(opts.cursor ?? { x: 0, y: lastNonEmpty }), visible: true },
    title: opts.title ?? '',
    altScreen: false,
  };
}
