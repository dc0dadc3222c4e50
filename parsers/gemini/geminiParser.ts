/**
 * The Gemini CLI parser (verified against @google/gemini-cli 0.61.0). It reads the rendered
 * screen's structure, bottom-up:
 *
 *   busy      a spinner row `⠋ <phrase> (esc to cancel, 3s)` above the input box
 *   dialog    the last block on screen is a rounded box (╭─╮ … ╰─╯) holding a radio list
 *             (`● 1. Allow once` / `  2. …`); rows above the list are the prompt
 *   idle      the input box as the last block but the footer: ` > ` between a ▄ row and a
 *             ▀ row (or ─ rules), placeholder `Type your message or @path/to/file` when empty
 *
 * Dialog kinds are told apart in geminiDialogs.ts; the box reader is geminiBox.ts (shared
 * with Qwen Code).
 */
import type { IPromptParser, PromptInfo, ScreenLine, ScreenSnapshot, Verdict } from '../../src/common/index.js';
import { lastNonEmpty } from '../shared/screenText.js';
import { boxText, findLastBox, isLastBlock, readRadioList } from './geminiBox.js';
import { classifyGeminiDialog, ESCAPE } from './geminiDialogs.js';

/** The busy row's hint (`(esc to cancel, 12s)`, `(esc to cancel, 1m 5s)`). */
const CANCEL_HINT = /\(esc to cancel, \d/u;
/** The input row: ` > `, or `! ` (shell mode), `* ` (YOLO), `(r:) ` (reverse search). */
const INPUT_ROW = /^\s?(>|!|\*|\(r:\))\s/u;
/** Edges of the input box: half-block runs (background-coloured box) or rules. */
const INPUT_EDGE = /^(▄{8,}|▀{8,}|─{8,})$/u;
/** Rows the status footer under the input box may take (workspace / sandbox / model). */
const FOOTER_ROWS = 4;
/** How many rows an input box may hold (multi-line input). */
const MAX_INPUT_ROWS = 10;
/** Hint rows right above the input box (`? for shortcuts` or the spinner, a rule, the mode hint). */
const HINT_ROWS = 3;

/** Finds the live input box: returns the row of its ` > ` line, or undefined. */
export function findGeminiInput(lines: readonly ScreenLine[]): number | undefined {
  const bottom = lastNonEmpty(lines);
  for (let edge = bottom; edge >= 2 && bottom - edge <= FOOTER_ROWS + 1; edge--) {
    if (!INPUT_EDGE.test(lines[edge].text.trim())) continue;
    // The footer under the box holds no box border or radio row.
    for (let i = edge + 1; i <= bottom; i++) if (/[╭╰│●]/u.test(lines[i].text)) return undefined;
    for (let top = edge - 1; top >= 0 && edge - top <= MAX_INPUT_ROWS + 1; top--) {
      if (INPUT_EDGE.test(lines[top].text.trim())) {
        if (!INPUT_ROW.test(lines[top + 1]?.text ?? '')) return undefined;
        return isFirstPaint(lines, top - HINT_ROWS) ? undefined : top + 1;
      }
    }
    return undefined;
  }
  return undefined;
}

/**
 * True when the frame starting at `row` is a first paint: 0.61 draws the input box alone, then
 * clears and redraws it under the banner about a second later, and keys typed before that redraw
 * are lost (an Enter becomes a newline). A first paint has nothing above it. (After a relaunch
 * the new process paints under the old screen: that paint is not caught.) Start-up dialogs (trust,
 * auth) are painted twice the same way, but their first paint already takes the answer (the
 * study in docs/cli-screens-newest.md: `1` pressed 80 ms after it trusted the folder), so a
 * dialog counts from its first complete paint.
 */
function isFirstPaint(lines: readonly ScreenLine[], row: number): boolean {
  return !lines.slice(0, Math.max(0, row)).some((line) => line.text.trim() !== '');
}

function isBusy(lines: readonly ScreenLine[], inputRow: number | undefined): boolean {
  const to = inputRow ?? lines.length;
  for (let i = Math.max(0, to - 8); i < to; i++) if (CANCEL_HINT.test(lines[i].text)) return true;
  return false;
}

/** The window title 0.61 sets: state glyph, state, the folder in parentheses (`◇  Ready (project)`). */
const GEMINI_TITLE = /^[◇✦✋]\s+\S.*\(.+\)\s*$/u;

/** A dialog's hint row (the box's last row): `Enter to select · … · Esc to cancel`. */
const DIALOG_HINT = /^Enter to (select|submit)\b.*\bEsc to cancel\b/u;
/** A text field inside a dialog box: `> Enter your response` (or what the user typed). */
const TEXT_FIELD = /^\s*>\s/u;

/** A title naming a secret the field takes. */
const SECRET_TITLE = /\b(api key|token|password|secret)\b/iu;

/**
 * A dialog whose input is a nested one-row box followed by an Enter hint: the API-key entry
 * (`Enter Gemini API Key` / `╭──╮ │ Paste your API key here │ ╰──╯` / `(Press Enter to submit,
 * Esc to cancel, …)`). The field's row (what was typed) never enters the content.
 */
function readTextEntry(rows: readonly string[]): PromptInfo | undefined {
  const field = rows.findIndex((row, i) => /^\s*╭─+╮\s*$/u.test(row) && /^\s*│.*│\s*$/u.test(rows[i + 1] ?? '') && /^\s*╰─+╯\s*$/u.test(rows[i + 2] ?? ''));
  if (field < 0 || !/\benter\b/iu.test(boxText(rows, field + 3))) return undefined;
  const content = boxText(rows, 0, field);
  const sensitive = SECRET_TITLE.test(content.split('\n')[0] ?? '');
  return {
    waitType: 'clarifying_question',
    ...(sensitive ? { kind: 'api_key', sensitive: true } : {}),
    content,
    options: [],
    cancelKeys: ESCAPE,
    acceptsText: true,
  };
}

/** Reads the dialog box when it is the last block on screen. */
export function readGeminiDialog(lines: readonly ScreenLine[]): PromptInfo | undefined {
  const box = findLastBox(lines);
  if (!box || !isLastBlock(lines, box.bottom)) return undefined;
  const list = readRadioList(box.rows, box.width);
  if (list && list.some((option) => option.focused)) {
    const first = list[0].row;
    const last = list[list.length - 1].row;
    return classifyGeminiDialog({ content: boxText(box.rows, 0, first), options: list, footer: boxText(box.rows, last + 1) });
  }
  const entry = readTextEntry(box.rows);
  if (entry) return entry;
  // A question without choices (a text question, the review tab): no list, but the hint row.
  const hintRow = box.rows.map((row) => row.trim()).findLastIndex((row) => row !== '');
  if (hintRow < 0 || !DIALOG_HINT.test(box.rows[hintRow].trim())) return undefined;
  const fieldRow = box.rows.findIndex((row) => TEXT_FIELD.test(row));
  const contentEnd = fieldRow >= 0 ? fieldRow : hintRow;
  return classifyGeminiDialog({
    content: boxText(box.rows, 0, contentEnd),
    options: [],
    footer: box.rows[hintRow].trim(),
    textField: fieldRow >= 0,
  });
}

/** The Gemini CLI prompt parser. */
export const geminiParser: IPromptParser = {
  cli: 'gemini',
  parse(screen: ScreenSnapshot): Verdict {
    const lines = screen.lines;
    if (lastNonEmpty(lines) < 0) return { state: 'unknown' };
    const inputRow = findGeminiInput(lines);
    if (isBusy(lines, inputRow)) return { state: 'busy' };
    const dialog = readGeminiDialog(lines);
    if (dialog) return { state: 'waiting', prompt: dialog };
    if (inputRow !== undefined) {
      return { state: 'waiting', prompt: { waitType: 'awaiting_response', content: '', options: [], acceptsText: true } };
    }
    return { state: 'unknown' };
  },
  matchesBanner(screen: ScreenSnapshot): boolean {
    // The title is set before the first paint, which may be a start-up dialog without the banner.
    return GEMINI_TITLE.test(screen.title) || screen.lines.some((line) => /\bGemini CLI v\d/.test(line.text));
  },
};
