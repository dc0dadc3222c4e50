/**
 * OpenCode's horizontal dialog buttons (`Allow once   Allow always   Reject`): reads the
 * button row of a `┃` panel and computes the keys that pick a button from the focused one
 * (←/→ move the focus and wrap around, Enter picks; Esc rejects from anywhere).
 */
import type { ScreenLine } from '../../src/common/index.js';

/**
 * A screen row that may carry the cells drawn with a highlighted background (the focused
 * button). Today's snapshots have no cell styles; the field is read when a snapshot has it.
 */
export type HighlightedLine = ScreenLine & { readonly highlights?: ReadonlyArray<{ readonly start: number; readonly end: number }> };

/** A row of buttons as drawn. */
export interface ButtonRow {
  /** Row index of the buttons. */
  readonly row: number;
  readonly labels: readonly string[];
  /** Column (cells) where each label starts. */
  readonly columns: readonly number[];
  /** Index of the focused button: from the row's highlight when known, else 0. */
  readonly focused: number;
}

/** The key hints that share the button row in wide layouts. */
const HINTS = /\s*(ctrl\+f (fullscreen|minimize)\b|⇆ select\b).*$/u;
/** Gap between buttons: one cell of padding each side plus one cell of gap. */
const BUTTON_GAP = /\s{3,}/u;
/** A button label: short words, no punctuation beyond spaces. */
const LABEL = /^[A-Z][A-Za-z]*( [a-z][A-Za-z]*){0,3}$/u;
const RIGHT = '\u001b[C';
const LEFT = '\u001b[D';

/** Reads `row` as buttons when it (or the row below, in narrow layouts) carries `hint`. */
export function readButtonRow(lines: readonly ScreenLine[], row: number, hint: RegExp): ButtonRow | undefined {
  const text = lines[row]?.text ?? '';
  if (!hint.test(text)) return undefined;
  let buttonsRow = row;
  let inner = text.replace(HINTS, '');
  if (/^\s*┃?\s*$/u.test(inner)) {
    // Narrow layout: the hint sits under the buttons.
    buttonsRow = row - 1;
    while (buttonsRow >= 0 && /^\s*┃?\s*$/u.test(lines[buttonsRow].text)) buttonsRow--;
    if (buttonsRow < 0) return undefined;
    inner = lines[buttonsRow].text;
  }
  const border = /^(\s*┃)?/u.exec(inner)?.[0].length ?? 0;
  const labels: string[] = [];
  const columns: number[] = [];
  const pattern = new RegExp(`\\S+(?:\\s(?!\\s)\\S+)*`, 'gu');
  for (const match of inner.slice(border).matchAll(pattern)) {
    labels.push(match[0]);
    columns.push(border + (match.index ?? 0));
  }
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return undefined;
  if (inner.slice(border).trim().split(BUTTON_GAP).length !== labels.length) return undefined;
  return { row: buttonsRow, labels, columns, focused: focusedButton(lines[buttonsRow] as HighlightedLine, columns, labels) };
}

/** The button drawn on a highlighted background (OpenTUI marks focus only by colour); else the first. */
function focusedButton(line: HighlightedLine, columns: readonly number[], labels: readonly string[]): number {
  for (const highlight of line.highlights ?? []) {
    const index = columns.findIndex((column, i) => column < highlight.end && column + labels[i].length > highlight.start);
    if (index >= 0) return index;
  }
  return 0;
}

/**
 * Keys that pick button `target`: arrows from the focused button, then Enter; plus a second
 * Enter when the pick opens the confirm stage (`Allow always` → `Confirm`, focused first).
 * A deny button (`Reject`/`Cancel`) is Esc, which works whatever is focused.
 */
export function buttonKeys(buttons: ButtonRow, target: number, opensConfirm: boolean): string {
  const label = buttons.labels[target];
  if (/^(Reject|Cancel)$/i.test(label)) return '\u001b';
  const steps = target - buttons.focused;
  const moves = steps >= 0 ? RIGHT.repeat(steps) : LEFT.repeat(-steps);
  return `${moves}\r${opensConfirm ? '\r' : ''}`;
}
