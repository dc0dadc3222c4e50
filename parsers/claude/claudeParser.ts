/**
 * The Claude Code parser (verified against @anthropic-ai/claude-code 2.1.197). It reads the
 * rendered screen's structure, bottom-up:
 *
 *   busy      the title starts with a braille spinner (⠂/⠐), or the footer under the input box
 *             says "esc to interrupt" (2.1.x moved it out of the spinner line)
 *   dialog    a numbered select list (`❯ 1. Yes` / `  2. …`) in the bottom block with no input
 *             box below it, under a rule that opens the dialog; its rows above the list are the
 *             prompt (title, body, question)
 *   idle      the input box: a rule, a `❯ ` row, a rule (placeholder `Try "…"` when empty)
 *
 * Dialog kinds: options with a Yes… row and a No… row are approvals (plan approval when the
 * dialog talks about a plan); the trust-folder, API-key and theme dialogs are startup kinds;
 * any other select list is a clarifying question (AskUserQuestion).
 */
import type { IPromptParser, PromptInfo, PromptOption, ScreenLine, ScreenSnapshot, Verdict } from '../../src/common/index.js';
import { findNumberedList, isRule, isSolidRule, joinRows, lastNonEmpty } from '../shared/screenText.js';
import { classifyClaudeDialog } from './claudeDialogs.js';

/** Claude's selection pointer (U+276F; `>` in the Windows fallback figure set). */
const POINTER = '❯>';
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
/** How far up from the bottom a dialog's select list may start (rows). */
const DIALOG_SEARCH_ROWS = 40;

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
  }
  return false;
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

/** Reads a dialog whose select list sits at the bottom of the screen. */
function readDialog(screen: ScreenSnapshot, bottom: number): PromptInfo | undefined {
  const lines = screen.lines;
  const from = Math.max(0, bottom - DIALOG_SEARCH_ROWS);
  const list = findNumberedList(lines, from, bottom + 1, POINTER);
  if (!list) return undefined;
  const lastOption = list[list.length - 1].row;
  // Only hints and description rows may follow the list: no input box, no more content.
  for (let i = lastOption + 1; i <= bottom; i++) {
    if (/^\s*[❯>]\s/u.test(lines[i].text) && findInputBox(lines.slice(lastOption)) !== undefined) return undefined;
  }
  // The dialog opens with a full-width solid rule; dashed rules (╌) frame diffs inside it.
  let top = list[0].row - 1;
  while (top >= 0 && !isSolidRule(lines[top].text, screen.cols)) top--;
  // Claude's select always draws its pointer on one row; a list without one is just text.
  if (!list.some((row) => row.focused)) return undefined;
  const footer = joinRows(lines, lastOption + 1, bottom + 1);
  // Without the opening rule on screen (a dialog taller than the screen, or the onboarding
  // screen), the prompt is the few rows right above the list.
  if (top < 0) top = Math.max(-1, list[0].row - 1 - UNFRAMED_CONTENT_ROWS);
  const content = joinRows(lines, top + 1, list[0].row);
  const options: PromptOption[] = list.map((row) => ({
    id: String(row.number),
    label: row.label,
    keys: String(row.number),
    ...(TEXT_OPTION.test(row.label) ? { acceptsText: true } : {}),
  }));
  return classifyClaudeDialog({ content, options, footer });
}

/** The Claude Code prompt parser. */
export const claudeParser: IPromptParser = {
  cli: 'claude',
  parse(screen: ScreenSnapshot): Verdict {
    const bottom = lastNonEmpty(screen.lines);
    if (bottom < 0) return { state: 'unknown' };
    const inputRow = findInputBox(screen.lines);
    if (isBusy(screen, inputRow)) return busyVerdict(screen.lines, inputRow ?? screen.lines.length);
    const dialog = readDialog(screen, bottom);
    if (dialog && (inputRow === undefined || inputRow < findDialogTop(screen, dialog))) {
      return { state: 'waiting', prompt: dialog };
    }
    if (inputRow !== undefined) {
      return {
        state: 'waiting',
        prompt: { waitType: 'awaiting_response', content: '', options: [], acceptsText: true },
      };
    }
    return { state: 'unknown' };
  },
  matchesBanner(screen: ScreenSnapshot): boolean {
    // The banner, or the API-key dialog that can come before it (it names Claude's own env var).
    return screen.lines.some((line) => /Claude Code\b|ANTHROPIC_API_KEY:/.test(line.text)) || /Claude Code/.test(screen.title);
  },
};

/** Row where the dialog's select list starts (for ordering against the input box). */
function findDialogTop(screen: ScreenSnapshot, dialog: PromptInfo): number {
  const first = dialog.options[0]?.label ?? '';
  for (let i = screen.lines.length - 1; i >= 0; i--) {
    if (screen.lines[i].text.includes(`1. ${first}`)) return i;
  }
  return 0;
}
