/**
 * The Claude Code parser (verified against @anthropic-ai/claude-code 2.1.197 and 2.1.332). It
 * reads the rendered screen's structure, bottom-up:
 *
 *   busy      the title starts with a braille spinner (⠂/⠐), or the footer under the input box
 *             says "esc to interrupt" (2.1.x moved it out of the spinner line)
 *   dialog    below the input box (or with none drawn), under the full-width rule that opens it:
 *             a numbered select list (`❯ 1. Yes` / `  2. …`), a pointer list without numbers
 *             (`❯ No` / `  Yes`, 2.1.332), or no list but a footer of key choices (`Enter to … ·
 *             shift+Tab to … · Esc to cancel`, 2.1.332); the rows above the choices are the prompt
 *             (claudeLists.ts reads the choices, claudeDialogs.ts classifies)
 *   idle      the input box: a rule, a `❯ ` row, a rule, a footer; in 2.1.332 not before the
 *             footer shows its hints (the box's first frame has the bare mode only)
 *
 * testdata/NOTES.md lists each shape with the versions it was seen in.
 */
import type { InputBox, IPromptParser, PromptInfo, PromptOption, ScreenLine, ScreenSnapshot, Verdict } from '../../src/common/index.js';
import { readBoxRows } from '../shared/inputBox.js';
import { isRule, joinRows, lastNonEmpty } from '../shared/screenText.js';
import { classifyClaudeDialog } from './claudeDialogs.js';
import { findSelectList, keysFor, readFooterChoices, ruleAbove } from './claudeLists.js';

/** Braille frames of Claude's busy title (`⠂ <title>` / `⠐ <title>`); idle and waiting use `✳`. */
const BUSY_TITLE = /^[\u2800-\u28ff]/u;
/** Busy footer hint under the input box (2.1.x) or inside the spinner parentheses (≤ 2.0). */
const INTERRUPT_HINT = /\besc to interrupt\b/i;
/** The spinner row: a glyph from Claude's spinner set, a verb, an ellipsis. */
const SPINNER_ROW = /^\s*[·✢*✳✶✻✽]\s+\S[^…]*…/u;
/**
 * Option rows that open a text field when picked (2.1.197: AskUserQuestion "Type something.",
 * plan "Tell Claude what to change"; ≤ 2.0: plan "No, keep planning").
 */
const TEXT_OPTION = /^(type something|tell claude what to|no, keep planning)/i;
/** Rows above an unframed select list that still belong to its prompt. */
const UNFRAMED_CONTENT_ROWS = 3;
/** Rows above an unframed footer-only screen that make up its prompt. */
const UNFRAMED_FOOTER_ROWS = 10;
/** How far up from the bottom a dialog's select list may start (rows). */
const DIALOG_SEARCH_ROWS = 40;
/** 2.1.332's bold hint row under a tool dialog's title (`Tip: auto mode handles these prompts…`). */
const TIP_ROW = /^Tip:\s/u;
/** A footer's mode alone: `⏵⏵ auto mode on`, `⏸ manual mode on` (2.1.332's first frame, or while typing). */
const BARE_MODE = /^[^\w\s]{1,2} [a-z][a-z ]* on$/u;
/** Cells the hints after the mode take (` (shift+tab to cycle) · ← for agents`, 2.1.332). */
const HINTS_WIDTH = 36;

/** Finds the idle input box (rule / `❯ …` / rule) and returns the row of the `❯` line. */
export function findInputBox(lines: readonly ScreenLine[]): number | undefined {
  for (let i = lines.length - 2; i >= 1; i--) {
    if (/^\s*[❯>!]\s/u.test(lines[i].text) || /^\s*[❯>]$/u.test(lines[i].text)) {
      let below = i + 1;
      while (below < lines.length && !isRule(lines[below].text) && below - i <= 8) below++;
      if (isRule(lines[i - 1].text) && below < lines.length && isRule(lines[below].text)) return i;
    }
  }
  return undefined;
}

function isBusy(screen: ScreenSnapshot, inputRow: number | undefined): boolean {
  if (BUSY_TITLE.test(screen.title)) return true;
  const footerFrom = inputRow ?? Math.max(0, screen.lines.length - 4);
  for (let i = footerFrom; i < screen.lines.length; i++) {
    if (INTERRUPT_HINT.test(screen.lines[i].text)) return true;
  }
  if (inputRow !== undefined) {
    // The spinner row sits just above the input box while a turn runs.
    for (let i = Math.max(0, inputRow - 4); i < inputRow; i++) {
      if (SPINNER_ROW.test(screen.lines[i].text) && /\(\s*\d/u.test(screen.lines[i].text)) return true;
    }
    if (replyPending(screen.lines, inputRow)) return true;
  }
  return false;
}

/**
 * True when the last thing above the input box is the user's own message (`❯ text` at column 0,
 * wrapped rows indented 2): it was just submitted and nothing of the reply is drawn yet, not
 * even the spinner (2.1.197 and 2.1.332 draw the moved message a frame before the spinner).
 * Every turn draws something under it (a reply, a tool row, `⎿  Interrupted`), so this passes.
 */
function replyPending(lines: readonly ScreenLine[], inputRow: number): boolean {
  let row = inputRow - 2;
  while (row >= 0 && lines[row].text.trim() === '') row--;
  while (row > 0 && /^ {2}[^\s⎿]/u.test(lines[row].text)) row--;
  return row >= 0 && /^❯ \S/u.test(lines[row].text) && (row === 0 || lines[row - 1].text.trim() === '');
}

/** Todo rows of Claude's task list (`☐ open`, `☒ done`; `◻`/`◼` and `✔` in other builds). */
const TODO_ROW = /^\s*(?:⎿\s*)?([☐◻☒◼✔])\s+\S/u;

/** The busy verdict with the spinner's text and the on-screen todo progress, when drawn. */
function busyVerdict(lines: readonly ScreenLine[], inputRow: number): Verdict {
  let activity: string | undefined;
  let completed = 0;
  let total = 0;
  for (let i = 0; i < inputRow; i++) {
    const text = lines[i].text;
    if (SPINNER_ROW.test(text)) activity = text.replace(/^\s*\S\s+/u, '').replace(/\s*\(.*$/u, '').trim();
    const todo = TODO_ROW.exec(text);
    if (todo) {
      total += 1;
      if (/[☒◼✔]/u.test(todo[1])) completed += 1;
    }
  }
  return { state: 'busy', ...(activity ? { activity } : {}), ...(total > 0 ? { todo: { completed, total } } : {}) };
}

/** A dialog read off the screen and the row its choices start on. */
interface Dialog {
  readonly prompt: PromptInfo;
  /** Row of the first option (or of the footer, for footer-only choices). */
  readonly top: number;
}

/** True when a tool call waits right above row `top` (`● Bash(…)` / `  ⎿  Waiting…`). */
function pendingCallAbove(lines: readonly ScreenLine[], top: number): boolean {
  let row = top - 1;
  while (row >= 0 && lines[row].text.trim() === '') row--;
  return row >= 0 && (/^\s*⎿\s+Waiting…/u.test(lines[row].text) || /^●\s+[\w.-]+\(/u.test(lines[row].text));
}

/** The prompt's text: rows between the opening rule and the choices, without the bold `Tip:` hint row (2.1.332). */
function contentBetween(lines: readonly ScreenLine[], from: number, to: number): string {
  return joinRows(lines, from, to)
    .split('\n')
    .filter((row) => !TIP_ROW.test(row))
    .join('\n');
}

/** Reads a dialog whose select list sits at the bottom of the screen, below the input box if any. */
function readListDialog(screen: ScreenSnapshot, from: number, bottom: number): Dialog | undefined {
  const lines = screen.lines;
  const list = findSelectList(lines, from, bottom + 1, screen.cols);
  // Claude's select always draws its pointer on one row; a list without one is just text.
  if (!list || !list.rows.some((row) => row.focused)) return undefined;
  const first = list.rows[0].row;
  const lastOption = list.rows[list.rows.length - 1].row;
  // A pointer list is the dialog's last block: no solid rule under it (that would open another dialog).
  if (!list.numbered && ruleAbove(lines, bottom, screen.cols) > lastOption) return undefined;
  // The dialog opens with a full-width solid rule; dashed rules (╌) frame diffs inside it.
  let top = ruleAbove(lines, first - 1, screen.cols);
  const pendingCall = top >= 0 && pendingCallAbove(lines, top);
  // Without the opening rule on screen (a dialog taller than the screen, or the onboarding
  // screen), the prompt is the few rows right above the list.
  if (top < 0) top = Math.max(-1, first - 1 - UNFRAMED_CONTENT_ROWS);
  const options: PromptOption[] = list.rows.map((row, index) => ({
    id: row.number !== undefined ? String(row.number) : slug(row.label),
    label: row.label,
    keys: keysFor(list, index),
    ...(TEXT_OPTION.test(row.label) ? { acceptsText: true } : {}),
  }));
  const footer = joinRows(lines, lastOption + 1, bottom + 1);
  return { prompt: classifyClaudeDialog({ content: contentBetween(lines, top + 1, first), options, footer, pendingCall }), top: first };
}

/** Reads a dialog whose only choices are the keys its footer names (2.1.332 auto mode, onboarding's notes). */
function readFooterDialog(screen: ScreenSnapshot, from: number, bottom: number, inputRow: number | undefined): Dialog | undefined {
  const lines = screen.lines;
  const choices = readFooterChoices(lines, bottom);
  if (!choices || choices.top <= from) return undefined;
  let top = ruleAbove(lines, choices.top - 1, screen.cols);
  // Unframed (onboarding's screens have no rule): only on a screen without an input box.
  if (top < from) {
    if (inputRow !== undefined || top >= 0) return undefined;
    top = Math.max(-1, choices.top - 1 - UNFRAMED_FOOTER_ROWS);
  }
  const content = contentBetween(lines, top + 1, choices.top);
  if (content === '') return undefined;
  const pendingCall = top >= 0 && pendingCallAbove(lines, top);
  return { prompt: classifyClaudeDialog({ content, options: choices.options, footer: '', pendingCall, footerOnly: true }), top: choices.top };
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'option';
}

/** The dialog at the bottom of the screen, below the input box when one is drawn. */
function readDialog(screen: ScreenSnapshot, bottom: number, inputRow: number | undefined): Dialog | undefined {
  const from = Math.max(0, bottom - DIALOG_SEARCH_ROWS, inputRow === undefined ? 0 : inputRow + 1);
  return readListDialog(screen, from, bottom) ?? readFooterDialog(screen, from, bottom, inputRow);
}

/** Row of the input box's bottom rule. */
function bottomRuleOf(lines: readonly ScreenLine[], inputRow: number): number {
  let below = inputRow + 1;
  while (below < lines.length && !isRule(lines[below].text)) below++;
  return below;
}

/** The pointer of the input box's first row (`❯ `, `> `, `! ` in bash mode) and a continuation row's indent. */
const CLAUDE_PROMPT = /^\s*[❯>!]\s?/u;
const CLAUDE_CONTINUATION = /^ {1,2}/u;

/**
 * The draft in the input box whose `❯` row is `inputRow`, one line per row of the box: the pointer
 * and the continuation indent stripped, trailing blanks dropped. An empty last line stays (a
 * draft that ends in a newline: an Enter read as a newline).
 */
function draftAt(lines: readonly ScreenLine[], inputRow: number): string {
  const rows = lines.slice(inputRow, bottomRuleOf(lines, inputRow)).map((line, i) => (i === 0 ? line.text.replace(/^\s*[❯>!]\s?/u, '') : line.text.replace(/^ {1,2}/u, '')));
  const draft = rows.map((row) => row.trimEnd()).join('\n');
  return draft.trim() === '' ? '' : draft.trimStart();
}

/**
 * False while the input box is drawn but does not take input yet (2.1.332): its first frame has
 * only the bare mode (`⏵⏵ auto mode on`, `⏸ manual mode on`) in the footer; the hints
 * (` (shift+tab to cycle) · ← for agents`, `· ? for shortcuts`) follow with the REPL's terminal
 * queries, when keys reach the input. Typing also drops the hints, so only an empty box counts,
 * and only when the row has room for the hints (Claude leaves them out of a narrow footer).
 */
function boxReady(screen: ScreenSnapshot, inputRow: number): boolean {
  const lines = screen.lines;
  if (draftAt(lines, inputRow) !== '') return true;
  const footer = lines[bottomRuleOf(lines, inputRow) + 1]?.text ?? '';
  const left = footer.trim().split(/\s{2,}/u)[0] ?? '';
  const indent = footer.length - footer.trimStart().length;
  return !(BARE_MODE.test(left) && indent + left.length + HINTS_WIDTH <= screen.cols);
}

/**
 * The draft in Claude's input box when the box is the live element of the screen ('' when
 * empty), busy or idle; undefined while a dialog replaces it or no box is drawn.
 */
export function readClaudeInput(screen: ScreenSnapshot): string | undefined {
  const inputRow = findInputBox(screen.lines);
  if (inputRow === undefined) return undefined;
  const bottom = lastNonEmpty(screen.lines);
  if (readDialog(screen, bottom, inputRow)) return undefined;
  return draftAt(screen.lines, inputRow);
}

/** The Claude Code prompt parser. */
export const claudeParser: IPromptParser = {
  cli: 'claude',
  parse(screen: ScreenSnapshot): Verdict {
    const bottom = lastNonEmpty(screen.lines);
    if (bottom < 0) return { state: 'unknown' };
    const inputRow = findInputBox(screen.lines);
    if (isBusy(screen, inputRow)) return busyVerdict(screen.lines, inputRow ?? screen.lines.length);
    const dialog = readDialog(screen, bottom, inputRow);
    if (dialog) return { state: 'waiting', prompt: dialog.prompt };
    if (inputRow !== undefined && boxReady(screen, inputRow)) {
      return {
        state: 'waiting',
        prompt: { waitType: 'awaiting_response', content: '', options: [], acceptsText: true },
      };
    }
    return { state: 'unknown' };
  },
  readInput(screen: ScreenSnapshot): InputBox | undefined {
    const inputRow = findInputBox(screen.lines);
    if (inputRow === undefined || readDialog(screen, lastNonEmpty(screen.lines), inputRow)) return undefined;
    return readBoxRows(screen, inputRow, bottomRuleOf(screen.lines, inputRow), CLAUDE_PROMPT, CLAUDE_CONTINUATION);
  },
  matchesBanner(screen: ScreenSnapshot): boolean {
    // The banner, or the API-key dialog that can come before it (it names Claude's own env var).
    return screen.lines.some((line) => /Claude Code\b|ANTHROPIC_API_KEY:/.test(line.text)) || /Claude Code/.test(screen.title);
  },
};
