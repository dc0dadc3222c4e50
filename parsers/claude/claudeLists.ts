/**
 * The choices a Claude Code dialog offers, read by structure (shapes quoted with the version
 * they were seen in; testdata/NOTES.md has the dumps):
 *
 *   numbered list   ` ❯ 1. Yes` / `   2. No` (2.1.197 and 2.1.332): a digit picks at once
 *   pointer list    ` ❯ No` / `   Yes`, `  ❯ Yes, set auto mode…` / `    No, keep manual mode`,
 *                   ` ❯ ✔ Auto (match terminal)` / `     Dark mode` (2.1.332): no numbers, one row
 *                   carries `❯`, the others are blank where the pointer would be; digits do not
 *                   pick (they are ignored, or leak into the input box), so the keys are arrows
 *                   from the focused row, then Enter
 *   footer choices  `Enter to stay in auto mode · shift+Tab to leave … · Esc to cancel` (2.1.332,
 *                   "Auto mode can't check actions in this session"): no list at all, every choice
 *                   is a key named in the footer row (wrapped over two rows at 80 columns)
 */
import type { OptionRole, PromptOption, ScreenLine } from '../../src/common/index.js';
import { findNumberedList, isSolidRule } from '../shared/screenText.js';

/** Claude's selection pointer (U+276F; `>` in the Windows fallback figure set). */
export const POINTER = '❯>';
const DOWN = '\x1b[B';
const UP = '\x1b[A';
export const ENTER = '\r';
export const ESCAPE = '\x1b';
/** Shift+Tab as the terminal sends it (CSI Z, back-tab). */
const SHIFT_TAB = '\x1b[Z';
/** The mark of the current value in front of a pointer-list label (`✔ Auto (match terminal)`). */
const CURRENT_MARK = /^✔\s/u;
/** How far short of the width a label row may end and still have wrapped onto the next row (cells). */
const WRAP_SLACK = 16;
/** Rows a footer may wrap over. */
const MAX_FOOTER_ROWS = 3;

/** One option row of a select list as drawn. */
export interface ListRow {
  readonly row: number;
  readonly label: string;
  readonly focused: boolean;
  /** The on-screen number of a numbered list's row. */
  readonly number?: number;
}

/** A select list: its rows top to bottom and whether digits pick them. */
export interface SelectList {
  readonly rows: readonly ListRow[];
  readonly numbered: boolean;
}

/**
 * A pointer list without numbers whose focused row is `focusRow`: the rows above and below it
 * with the pointer's cells blank and their labels in the same column; a deeper-indented row is a
 * description of the option above it. Undefined when fewer than two options line up.
 */
function pointerListAt(lines: readonly ScreenLine[], focusRow: number, to: number): SelectList | undefined {
  // Only `❯`: a `>` row without numbers is as likely a quote or a shell line.
  const match = /^(\s*)❯ (.*\S)$/u.exec(lines[focusRow].text);
  if (!match || /^\d{1,2}\.\s/u.test(match[2])) return undefined;
  const gutter = match[1].length + 2;
  // Lists that mark the current value draw a two-cell slot (`✔ ` or blank) in front of every label.
  const slotted = /^(✔ | {2})\S/u.test(match[2]);
  const column = gutter + (slotted ? 2 : 0);
  const labelOf = (body: string): string | undefined => {
    if (slotted) return /^(✔ | {2})\S/u.test(body) ? body.slice(2).trim() : undefined;
    return /^\S/u.test(body) ? body.replace(CURRENT_MARK, '').trim() : undefined;
  };
  const sibling = (text: string) => (text.slice(0, gutter).trim() === '' ? labelOf(text.slice(gutter)) : undefined);
  const focusedLabel = labelOf(match[2]);
  if (focusedLabel === undefined) return undefined;
  // A row indented deeper than the labels describes the option above it; anything else ends the list.
  const isDescription = (text: string) => text.trim() !== '' && text.length - text.trimStart().length > column;
  const rows: ListRow[] = [{ row: focusRow, label: focusedLabel, focused: true }];
  for (let i = focusRow - 1; i >= 0; i--) {
    const label = sibling(lines[i].text);
    if (label !== undefined) rows.unshift({ row: i, label, focused: false });
    else if (!isDescription(lines[i].text)) break;
  }
  for (let i = focusRow + 1; i < to; i++) {
    const label = sibling(lines[i].text);
    if (label !== undefined) rows.push({ row: i, label, focused: false });
    else if (!isDescription(lines[i].text)) break;
  }
  return rows.length >= 2 ? { rows, numbered: false } : undefined;
}

/** The bottom-most pointer list within rows [from, to). */
function findPointerList(lines: readonly ScreenLine[], from: number, to: number): SelectList | undefined {
  for (let i = to - 1; i >= from; i--) {
    if (!/^\s*❯ +\S/u.test(lines[i].text)) continue;
    const list = pointerListAt(lines, i, to);
    if (list && list.rows[0].row >= from) return list;
  }
  return undefined;
}

/**
 * The select list lowest on screen within rows [from, to): numbered or pointer, whichever ends
 * lower. Undefined when there is none.
 */
export function findSelectList(lines: readonly ScreenLine[], from: number, to: number, cols: number): SelectList | undefined {
  const numbered = findNumberedList(lines, from, to, POINTER);
  const pointer = findPointerList(lines, from, to);
  const asList: SelectList | undefined = numbered && {
    numbered: true,
    rows: numbered.map((row, index) => ({ row: row.row, label: wrappedLabel(lines, row.row, row.label, numbered[index + 1]?.row ?? to, cols), focused: row.focused, number: row.number })),
  };
  if (!asList) return pointer;
  if (!pointer) return asList;
  return pointer.rows[pointer.rows.length - 1].row > asList.rows[asList.rows.length - 1].row ? pointer : asList;
}

/**
 * A numbered option's label with the rows it wrapped onto (2.1.332 at 80 columns: `2. Yes, and
 * always allow access to /tmp/…/project from this` / `project`): rows under a label that reached
 * the right edge, in the label's column, before the next option.
 */
function wrappedLabel(lines: readonly ScreenLine[], row: number, label: string, next: number, cols: number): string {
  const column = lines[row].text.lastIndexOf(label);
  let text = label;
  let last = lines[row].text;
  for (let i = row + 1; i < next && last.length >= cols - WRAP_SLACK; i++) {
    const continued = lines[i].text;
    if (continued.length - continued.trimStart().length !== column) break;
    text = `${text} ${continued.trim()}`;
    last = continued;
  }
  return text;
}

/**
 * Keys that pick `target` in `list` as drawn now: its digit in a numbered list; in a pointer
 * list the arrows from the focused row to it, then Enter.
 */
export function keysFor(list: SelectList, target: number): string {
  const row = list.rows[target];
  if (list.numbered && row.number !== undefined) return String(row.number);
  const focused = Math.max(0, list.rows.findIndex((r) => r.focused));
  const moves = target >= focused ? DOWN.repeat(target - focused) : UP.repeat(focused - target);
  return `${moves}${ENTER}`;
}

/** Key names as Claude prints them in footers → the bytes the terminal sends for them. */
function keyBytes(name: string): string | undefined {
  switch (name.toLowerCase()) {
    case 'enter':
      return ENTER;
    case 'esc':
      return ESCAPE;
    case 'shift+tab':
      return SHIFT_TAB;
    case 'tab':
      return '\t';
    default:
      return undefined;
  }
}

/** A footer segment `<Key> to <action>`. */
const SEGMENT = /^(Enter|Esc|shift\+Tab|Tab)\s+to\s+(\S.*?)…?$/iu;
/** A footer that is one instruction: `Press Enter to continue…` (onboarding's security notes). */
const PRESS_ENTER = /^Press (Enter) to (\S.*?)…?$/u;

/** A footer whose segments are all `<Key> to <action>` choices, read from its first row `top`. */
export interface FooterChoices {
  /** First row of the footer. */
  readonly top: number;
  readonly options: readonly PromptOption[];
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** The footer text starting at row `top` (its rows joined), or undefined unless a blank row sets it apart above. */
function footerText(lines: readonly ScreenLine[], top: number, bottom: number): string | undefined {
  if (top <= 0 || lines[top - 1].text.trim() !== '') return undefined;
  return lines
    .slice(top, bottom + 1)
    .map((line) => line.text.trim())
    .join(' ');
}

/**
 * The choices of a footer-only dialog: the last rows up to `bottom` (one row, or up to three when
 * it wraps), set apart by a blank row, read as `<Key> to <action>` segments joined by ` · `, or
 * as the one instruction `Press Enter to <action>`. Enter's action gets the role `approve` (it
 * carries on towards the pending call), Esc's `deny`; any other key changes more than this call
 * (shift+Tab: another permission mode) and gets no role. Undefined unless every segment is a key
 * choice, there are at least two (or the one Press Enter), and Enter is one of them.
 */
export function readFooterChoices(lines: readonly ScreenLine[], bottom: number): FooterChoices | undefined {
  for (let top = bottom; top > bottom - MAX_FOOTER_ROWS && top > 0; top--) {
    if (lines[top].text.trim() === '') return undefined;
    const text = footerText(lines, top, bottom);
    if (text === undefined) continue;
    const single = PRESS_ENTER.exec(text);
    const segments = single ? [single] : text.split(/\s+·\s+/u).map((segment) => SEGMENT.exec(segment));
    if ((!single && segments.length < 2) || segments.some((segment) => segment === null)) return undefined;
    const options: PromptOption[] = [];
    for (const segment of segments as RegExpExecArray[]) {
      const keys = keyBytes(segment[1]);
      if (keys === undefined) return undefined;
      const role: OptionRole | undefined = keys === ENTER ? 'approve' : keys === ESCAPE ? 'deny' : undefined;
      options.push({ id: slug(segment[2]) || 'option', label: segment[2], keys, ...(role ? { role } : {}) });
    }
    return options.some((o) => o.keys === ENTER) ? { top, options } : undefined;
  }
  return undefined;
}

/** Row of the last full-width solid rule at or above `from` (a dialog's opening rule), or -1. */
export function ruleAbove(lines: readonly ScreenLine[], from: number, cols: number): number {
  let top = from;
  while (top >= 0 && !isSolidRule(lines[top].text, cols)) top--;
  return top;
}
