/**
 * The select list every TUI prompt draws, read by structure alone: options in one column
 * (numbered `1.` `2.` … or plain labels), exactly one of them marked by a pointer glyph in
 * front (`›`, `❯`, `>`, `●`, `▸`), optional description rows under each option, optionally
 * inside a box whose side borders are stripped. No CLI wording: callers classify the list.
 */
import type { ScreenLine } from '../../src/common/index.js';
import { isRule } from './screenText.js';

/** Glyphs that mark the focused row of a select list (Codex `›`/`>`, Claude `❯`, Gemini `●`, Qwen `›`). */
export const POINTER_GLYPHS = '›❯>●▸▶';

/** One option as drawn. */
export interface SelectOption {
  /** Row index in the snapshot. */
  readonly row: number;
  /** The on-screen number, for numbered lists. */
  readonly number?: number;
  /** The label, wrapped rows joined with a space. */
  readonly label: string;
  readonly focused: boolean;
  /** Description rows under the option (not part of the label), joined with a space. */
  readonly description: string;
}

/** A select list found on screen. */
export interface SelectList {
  readonly options: readonly SelectOption[];
  /** Row of the first option. */
  readonly top: number;
  /** Last row belonging to the list (its last option or that option's description). */
  readonly bottom: number;
  readonly numbered: boolean;
}

/** Rows a numbered list may hold between two options (descriptions, wrapped labels, blanks). */
const MAX_ROWS_BETWEEN = 3;
/** Options a list may have. */
const MAX_OPTIONS = 12;
/** How far short of the width a label row may end and still have wrapped onto the next row (cells). */
const WRAP_SLACK = 16;
/** Longest label an unnumbered option may have: a longer row is prose, not a choice (cells). */
const MAX_PLAIN_LABEL = 90;
/** A row that starts like a history or bullet cell, never an option label. */
const BULLET_START = /^[•◦·∙‣⁃○◆◇■□▪✓✔✗✘⎿│┃├└╰╭─━=#*+-]/u;

/** A row with one box side border stripped on each side (`│ text │` → ` text`), right-trimmed. */
export function stripBorders(text: string): string {
  const left = /^(\s*)[│┃║|](?=\s|$)/u.exec(text);
  let body = left ? `${left[1]} ${text.slice(left[0].length)}` : text;
  body = body.replace(/\s+[│┃║|█]+\s*$/u, '');
  return body.replace(/\s+$/u, '');
}

function indentOf(text: string): number {
  return text.length - text.trimStart().length;
}

const NUMBERED = new RegExp(`^(\\s*)([${POINTER_GLYPHS}])?(\\s*)(\\d{1,2})[.)]\\s+(\\S.*?)$`, 'u');
const POINTED = new RegExp(`^(\\s*)([${POINTER_GLYPHS}])\\s+(\\S.*?)$`, 'u');

interface NumberedRow {
  readonly number: number;
  /** Column of the number. */
  readonly numberColumn: number;
  /** Column where the label starts. */
  readonly labelColumn: number;
  readonly focused: boolean;
  readonly label: string;
}

function parseNumbered(text: string): NumberedRow | undefined {
  const match = NUMBERED.exec(text);
  if (!match) return undefined;
  const numberColumn = match[1].length + (match[2]?.length ?? 0) + match[3].length;
  // A pointer sits in front of the number, apart from it or right beside it; never both missing
  // and indented less than the other options (checked by the caller through numberColumn).
  const labelColumn = text.length - match[5].length;
  return { number: Number(match[4]), numberColumn, labelColumn, focused: match[2] !== undefined, label: match[5] };
}

/**
 * Reads the numbered list whose last option lies in rows `[from, to]` (scanning up from `to`):
 * options numbered 1…n (n ≥ 2) in one number column, exactly one behind a pointer.
 */
export function readNumberedList(lines: readonly ScreenLine[], from: number, to: number, cols: number): SelectList | undefined {
  let last = -1;
  let lastRow: NumberedRow | undefined;
  for (let i = to; i >= from; i--) {
    lastRow = parseNumbered(stripBorders(lines[i].text));
    if (lastRow) {
      last = i;
      break;
    }
  }
  if (!lastRow || lastRow.number < 2) return undefined;
  const found: Array<{ row: number; parsed: NumberedRow }> = [{ row: last, parsed: lastRow }];
  let between = 0;
  for (let i = last - 1; i >= 0 && found[0].parsed.number > 1; i--) {
    const parsed = parseNumbered(stripBorders(lines[i].text));
    if (parsed && parsed.number === found[0].parsed.number - 1 && parsed.numberColumn === lastRow.numberColumn) {
      found.unshift({ row: i, parsed });
      between = 0;
      continue;
    }
    between += 1;
    if (between > MAX_ROWS_BETWEEN) return undefined;
    // A row between options belongs to the option above: it is indented at least to the number.
    const text = stripBorders(lines[i].text);
    // A separator rule may split a list (Claude's "Chat about this" under a `───` row).
    if (text.trim() !== '' && indentOf(text) < lastRow.numberColumn && !isRule(text)) return undefined;
  }
  if (found[0].parsed.number !== 1 || found.length > MAX_OPTIONS) return undefined;
  if (found.filter((f) => f.parsed.focused).length !== 1) return undefined;
  const options = found.map(({ row, parsed }, index) => {
    const end = index + 1 < found.length ? found[index + 1].row : Math.min(lines.length, row + MAX_ROWS_BETWEEN + 1);
    const { label, description } = continuation(lines, row, end, parsed.label, parsed.labelColumn, cols);
    return { row, number: parsed.number, label, focused: parsed.focused, description };
  });
  const bottom = Math.max(last, ...descriptionRows(lines, last, lastRow.labelColumn));
  return { options, top: found[0].row, bottom, numbered: true };
}

/** Rows after `row` (up to a blank) indented to the label column: the last option's description. */
function descriptionRows(lines: readonly ScreenLine[], row: number, labelColumn: number): number[] {
  const rows: number[] = [];
  for (let i = row + 1; i < lines.length && i <= row + MAX_ROWS_BETWEEN; i++) {
    const text = stripBorders(lines[i].text);
    if (text.trim() === '' || indentOf(text) < labelColumn || parseNumbered(text)) break;
    rows.push(i);
  }
  return rows;
}

/** Joins wrapped label rows (the option row ran to the edge) and collects description rows. */
function continuation(lines: readonly ScreenLine[], row: number, end: number, first: string, labelColumn: number, cols: number) {
  let label = first;
  const description: string[] = [];
  let wrapped = stripBorders(lines[row].text).length >= cols - WRAP_SLACK;
  for (let i = row + 1; i < end; i++) {
    const text = stripBorders(lines[i].text);
    if (text.trim() === '') break;
    if (indentOf(text) < labelColumn) break;
    if (wrapped && description.length === 0) {
      label = label.endsWith('-') ? `${label}${text.trim()}` : `${label} ${text.trim()}`;
      wrapped = text.length >= cols - WRAP_SLACK;
    } else {
      description.push(text.trim());
    }
  }
  return { label, description: description.join(' ') };
}

/**
 * Reads an unnumbered pointer list around a pointer row in `[from, to]` (scanning up from `to`):
 * plain labels in one column, the focused one behind a pointer, either on consecutive rows or as
 * items (label row + description rows) separated by one blank row.
 */
export function readPointerList(lines: readonly ScreenLine[], from: number, to: number, cols: number): SelectList | undefined {
  let pointer = -1;
  let match: RegExpExecArray | null = null;
  for (let i = to; i >= from; i--) {
    const text = stripBorders(lines[i].text);
    match = NUMBERED.exec(text) ? null : POINTED.exec(text);
    if (match) {
      pointer = i;
      break;
    }
  }
  if (!match || pointer < 0) return undefined;
  const column = stripBorders(lines[pointer].text).length - match[3].length;
  const atColumn = (i: number): string | undefined => {
    const text = stripBorders(lines[i]?.text ?? '');
    if (text.trim() === '' || indentOf(text) !== column || BULLET_START.test(text.trim())) return undefined;
    return text.trim();
  };
  // Items: runs of rows at the label column, split by single blank rows.
  const items: Array<{ rows: number[] }> = [{ rows: [pointer] }];
  for (let i = pointer + 1; i < lines.length; i++) {
    if (atColumn(i) !== undefined) items[items.length - 1].rows.push(i);
    else if (stripBorders(lines[i].text).trim() === '' && atColumn(i + 1) !== undefined) items.push({ rows: [] });
    else break;
  }
  const before: Array<{ rows: number[] }> = [];
  let current: number[] = [];
  let splitAbove = false;
  for (let i = pointer - 1; i >= 0; i--) {
    if (atColumn(i) !== undefined) current.unshift(i);
    else if (stripBorders(lines[i].text).trim() === '' && atColumn(i - 1) !== undefined) {
      if (current.length > 0) before.unshift({ rows: current });
      current = [];
      splitAbove = true;
    } else break;
  }
  if (current.length > 0) before.unshift({ rows: current });
  const separated = items.length > 1 || splitAbove;
  const all = separated ? [...before, ...items].filter((item) => item.rows.length > 0) : [{ rows: [...before.flatMap((b) => b.rows), ...items[0].rows] }];
  const optionRows = separated ? all.map((item) => item.rows[0]) : all[0].rows;
  if (optionRows.length < 2 || optionRows.length > MAX_OPTIONS) return undefined;
  // With items, the pointer row must open its item (the focused label, not a description).
  if (separated && !optionRows.includes(pointer)) return undefined;
  const options = optionRows.map((row, index) => {
    const label = row === pointer ? match![3].trim() : atColumn(row)!;
    const item = separated ? all[index].rows.slice(1) : [];
    return { row, label, focused: row === pointer, description: item.map((r) => atColumn(r) ?? '').join(' ') };
  });
  if (options.some((o) => o.label.length > MAX_PLAIN_LABEL)) return undefined;
  // Rows running to the right edge are a wrapped paragraph (a `●` history cell), not choices.
  if (options.slice(0, -1).some((o) => stripBorders(lines[o.row].text).length >= cols - WRAP_SLACK)) return undefined;
  const lastItem = separated ? all[all.length - 1].rows : optionRows;
  return { options, top: optionRows[0], bottom: lastItem[lastItem.length - 1], numbered: false };
}
