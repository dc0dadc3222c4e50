/**
 * Reads the dialog box Gemini CLI (and its fork Qwen Code) draws at the bottom of the screen:
 * a rounded border (╭─╮ │ │ ╰─╯), inner rows with the borders stripped, and the radio list
 * (`● 1. Label` focused, `  2. Label`) inside it. Pure, no CLI wording: dialogs are classified
 * elsewhere (geminiDialogs.ts).
 */
import type { ScreenLine } from '../../src/common/index.js';

/** The focused-row marker of Gemini's radio list (U+25CF); Qwen also draws `›`/`>` in some lists. */
export const RADIO_POINTERS = '●›>';

/** A rounded box as drawn on screen. */
export interface DialogBox {
  /** Rows of the top (╭) and bottom (╰) borders. */
  readonly top: number;
  readonly bottom: number;
  /** Column of the left border. */
  readonly left: number;
  /** Inner rows top to bottom, side borders and the one-cell padding removed, right-trimmed. */
  readonly rows: readonly string[];
  /** Cells available to the inner rows. */
  readonly width: number;
}

/** One radio-list option. */
export interface RadioOption {
  /** Index into {@link DialogBox.rows}. */
  readonly row: number;
  readonly number: number;
  /** Label with wrapped continuation rows joined by a space. */
  readonly label: string;
  readonly focused: boolean;
}

const TOP_BORDER = /^╭─+╮$/u;
const BOTTOM_BORDER = /^╰─+╯$/u;
const OPTION_ROW = new RegExp(`^(\\s*)([${RADIO_POINTERS}])?(\\s*)(\\d{1,2})\\.\\s+(\\S.*?)\\s*$`, 'u');

function indentOf(text: string): number {
  return text.length - text.trimStart().length;
}

/** How far short of the box width a row may end and still have wrapped (one long word). */
const WRAP_SLACK = 16;

/** Column where an option row's label starts (after `● 1. `). */
function labelColumnOf(text: string): number {
  return /^.*?\d{1,2}\.\s+/u.exec(text)?.[0].length ?? 0;
}

/** Strips one box's side borders from a row, given the left border's column. */
function innerText(text: string, left: number): string {
  const body = text.slice(left + 1);
  const right = body.lastIndexOf('│');
  return (right >= 0 ? body.slice(0, right) : body).replace(/^ /, '').trimEnd();
}

/**
 * Finds the last outer box on screen whose bottom border is at or above `to` (exclusive end).
 * Nested boxes (a command or diff framed inside a dialog) are part of their outer box's rows.
 */
export function findLastBox(lines: readonly ScreenLine[], to = lines.length): DialogBox | undefined {
  for (let bottom = to - 1; bottom >= 1; bottom--) {
    const bottomText = lines[bottom].text;
    if (!BOTTOM_BORDER.test(bottomText.trim())) continue;
    const left = indentOf(bottomText);
    for (let top = bottom - 1; top >= 0; top--) {
      const text = lines[top].text;
      if (indentOf(text) === left && TOP_BORDER.test(text.trim())) {
        const rows: string[] = [];
        for (let i = top + 1; i < bottom; i++) rows.push(innerText(lines[i].text, left));
        return { top, bottom, left, rows, width: bottomText.trim().length - 4 };
      }
      // Every row between the borders starts with the left side border.
      if (text.charAt(left) !== '│') break;
    }
  }
  return undefined;
}

/** True when nothing but blank rows follows `row` on screen. */
export function isLastBlock(lines: readonly ScreenLine[], row: number): boolean {
  for (let i = row + 1; i < lines.length; i++) if (lines[i].text.trim() !== '') return false;
  return true;
}

/**
 * Reads the last radio list in `rows` (options numbered 1, 2, 3…). A row at or beyond an
 * option's label column right after it continues the label only when the option's row was
 * full (Ink wrapped it: within {@link WRAP_SLACK} cells of `width`); otherwise it is a
 * description, skipped. Without `width` nothing is joined. Undefined without two options.
 */
export function readRadioList(rows: readonly string[], width?: number): RadioOption[] | undefined {
  let best: RadioOption[] | undefined;
  let current: Array<{ row: number; number: number; label: string; focused: boolean; labelColumn: number }> = [];
  let previousFull = false;
  for (let i = 0; i < rows.length; i++) {
    const match = OPTION_ROW.exec(rows[i]);
    const last = current[current.length - 1];
    if (match) {
      const number = Number(match[4]);
      const option = { row: i, number, label: match[5], focused: match[2] !== undefined, labelColumn: labelColumnOf(rows[i]) };
      if (number === 1) current = [option];
      else if (last && number === last.number + 1) current.push(option);
      else current = [];
      previousFull = width !== undefined && rows[i].length >= width - WRAP_SLACK;
    } else if (previousFull && last && rows[i].trim() !== '' && indentOf(rows[i]) === last.labelColumn) {
      last.label = `${last.label} ${rows[i].trim()}`;
      previousFull = width !== undefined && rows[i].length >= width - WRAP_SLACK;
    } else {
      previousFull = false;
    }
    if (current.length >= 2) best = current.map(({ row, number, label, focused }) => ({ row, number, label, focused }));
  }
  return best;
}

/** Joins box rows `[from, to)` trimmed, dropping blanks and nested-box borders/side bars. */
export function boxText(rows: readonly string[], from = 0, to = rows.length): string {
  const out: string[] = [];
  for (let i = Math.max(0, from); i < Math.min(rows.length, to); i++) {
    const text = rows[i].replace(/^\s*[│┃]\s?/u, '').replace(/\s*[│┃]\s*$/u, '').trim();
    if (text !== '' && !/^[╭╰][─]+[╮╯]$/u.test(text)) out.push(text);
  }
  return out.join('\n');
}
