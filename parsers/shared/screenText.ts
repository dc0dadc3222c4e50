/**
 * Screen-reading helpers shared by the per-CLI parsers: rules, numbered select lists,
 * bottom-of-screen blocks. Pure functions over ScreenSnapshot rows; no CLI-specific text.
 */
import type { ScreenLine } from '../../src/common/index.js';

/** Box-drawing characters that make up horizontal rules and box borders. */
const RULE_CHARS = /^[─━═╌┄╭╮╰╯┌┐└┘├┤┬┴┼\- ]+$/u;
/** Minimum run of rule characters for a row to count as a rule (cells). */
const MIN_RULE_LENGTH = 8;

/** True when the row is a horizontal rule or a box's top/bottom border. */
export function isRule(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.length >= MIN_RULE_LENGTH && RULE_CHARS.test(trimmed) && /[─━═╌┄]{4,}/u.test(trimmed);
}

/**
 * True when the row is a solid horizontal rule spanning at least `fraction` of the width:
 * the kind that opens a dialog or frames an input box, not a dashed rule inside a diff.
 */
export function isSolidRule(text: string, cols: number, fraction = 0.6): boolean {
  const trimmed = text.trim();
  return /^[╭╰]?[─━]+[╮╯]?$/u.test(trimmed) && trimmed.length >= Math.min(cols * fraction, cols - 2);
}

/** Index of the last row with visible text, or -1. */
export function lastNonEmpty(lines: readonly ScreenLine[]): number {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i].text.trim() !== '') return i;
  return -1;
}

/** One numbered option row as drawn. */
export interface NumberedRow {
  /** Row index in the snapshot. */
  readonly row: number;
  readonly number: number;
  readonly label: string;
  /** True when the selection pointer is on this row. */
  readonly focused: boolean;
  /** Column where the number starts (cells). */
  readonly indent: number;
}

/**
 * Parses a row like `❯ 1. Yes`, `  2. No`, `│ ● 1. Allow once │`.
 * @param pointers glyphs that mark the focused row (e.g. `❯`, `›`, `●`)
 */
export function parseNumberedRow(text: string, row: number, pointers: string): NumberedRow | undefined {
  const inner = text.replace(/^\s*[│┃|]/u, ' ').replace(/[│┃|]\s*$/u, '');
  const pointerClass = pointers.replace(/[\]\\^-]/g, '\\$&');
  const match = new RegExp(`^(\\s*)([${pointerClass}])?\\s*(\\d{1,2})\\.\\s+(\\S.*?)\\s*$`, 'u').exec(inner);
  if (!match) return undefined;
  return {
    row,
    number: Number(match[3]),
    label: match[4],
    focused: match[2] !== undefined,
    indent: match[1].length + (match[2] ? match[2].length + 1 : 0),
  };
}

/**
 * Finds the last run of numbered rows numbered 1, 2, 3… within `[from, to)`, allowing
 * description or separator rows between them. Returns undefined without at least two options.
 */
export function findNumberedList(
  lines: readonly ScreenLine[],
  from: number,
  to: number,
  pointers: string,
): NumberedRow[] | undefined {
  let best: NumberedRow[] | undefined;
  let current: NumberedRow[] = [];
  for (let i = from; i < to; i++) {
    const parsed = parseNumberedRow(lines[i].text, i, pointers);
    if (!parsed) continue;
    if (parsed.number === 1) current = [parsed];
    else if (current.length > 0 && parsed.number === current[current.length - 1].number + 1) current.push(parsed);
    else current = [];
    if (current.length >= 2) best = current.slice();
  }
  return best;
}

/** Joins rows' text, trimmed, dropping blank rows and box side borders. */
export function joinRows(lines: readonly ScreenLine[], from: number, to: number): string {
  const out: string[] = [];
  for (let i = Math.max(0, from); i < Math.min(lines.length, to); i++) {
    const text = lines[i].text.replace(/^\s*[│┃]\s?/u, '').replace(/\s*[│┃]\s*$/u, '').trim();
    if (text !== '' && !isRule(text)) out.push(text);
  }
  return out.join('\n');
}
