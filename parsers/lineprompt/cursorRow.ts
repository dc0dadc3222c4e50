/**
 * Reads the cursor row of a snapshot: the text left of the cursor (in cells, wide glyphs
 * counted as two) and the text right of it. Line prompts and shell prompts are both "text
 * that ends where the cursor sits", so both parsers start here.
 */
import type { ScreenSnapshot } from '../../src/common/index.js';

/** The cursor row split at the cursor. */
export interface CursorRow {
  /** Row index of the cursor in the snapshot. */
  readonly row: number;
  /** Text left of the cursor, right-trimmed. */
  readonly before: string;
  /** Blank cells between `before` and the cursor (the prompt's trailing spaces). */
  readonly gap: number;
  /** Text from the cursor to the end of the row, as drawn (right-trimmed). */
  readonly after: string;
  /** True when the row continues the row above (soft wrap). */
  readonly isWrapped: boolean;
}

/**
 * Cell width of one code point: 0 for combining marks, 2 for East Asian wide and emoji
 * ranges (the ranges xterm.js's Unicode 6 width table marks wide), else 1.
 */
export function codePointWidth(codePoint: number): number {
  if (codePoint >= 0x300 && codePoint <= 0x36f) return 0;
  if (codePoint === 0x200b || codePoint === 0x200d || (codePoint >= 0xfe00 && codePoint <= 0xfe0f)) return 0;
  const wide =
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf && codePoint !== 0x303f) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1f64f) ||
    (codePoint >= 0x1f900 && codePoint <= 0x1f9ff) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd);
  return wide ? 2 : 1;
}

/** Cell width of a string. */
export function cellWidth(text: string): number {
  let width = 0;
  for (const char of text) width += codePointWidth(char.codePointAt(0) ?? 0);
  return width;
}

/** Splits `text` at cell `x`: the code points that start left of `x`, and the rest. */
export function splitAtCell(text: string, x: number): [string, string] {
  let cells = 0;
  let index = 0;
  for (const char of text) {
    if (cells >= x) break;
    cells += codePointWidth(char.codePointAt(0) ?? 0);
    index += char.length;
  }
  return [text.slice(0, index), text.slice(index)];
}

/** The cursor row split at the cursor, or undefined when the cursor is off the viewport. */
export function readCursorRow(screen: ScreenSnapshot): CursorRow | undefined {
  const row = screen.cursor.y;
  const line = screen.lines[row];
  if (!line) return undefined;
  const [left, right] = splitAtCell(line.text, screen.cursor.x);
  const before = left.replace(/\s+$/u, '');
  return {
    row,
    before,
    gap: screen.cursor.x - cellWidth(before),
    after: right.replace(/\s+$/u, ''),
    isWrapped: line.isWrapped,
  };
}
