/**
 * The Qwen Code parser (a Gemini CLI fork), verified against @qwen-code/qwen-code 0.15.10 and
 * 0.24.4. It reads, bottom-up:
 *   dialog    0.15.10: a rounded box with a numbered radio list (`› 1. Yes, allow once`) and no
 *             input below it, read with Gemini's box reader and classifier (parsers/gemini),
 *             which know Qwen's labels. 0.24.4: no closed box — `? Shell touch a.txt (…) ←`,
 *             the command, `Allow execution of: 'touch'?`, `› 1. Yes, allow once` … `4. No,
 *             suggest changes (esc)` at indent 3 and a `⠏ Waiting for user confirmation...` row
 *             (plan approval the same under `? ExitPlanMode Plan:`); the trust dialog's box runs
 *             off the screen; the provider picker is an unnumbered `›` list (qwenDialogs.ts)
 *   busy      the spinner row above the input says `(… esc to cancel)` (0.15 `(2s · ↑ 6 tokens ·
 *             esc to cancel)`, 0.24 `(2s · esc to cancel)` with `Enter to steer · Ctrl+Q to queue`
 *             in the footer); at 0.15 start-up `⠋ Initializing...` under the input
 *   idle      the input row `>   Type your message…` between two full-width rules; under it the
 *             footer (0.15 `? for shortcuts`; 0.24 `➜ project · model` and the mode row)
 */
import type { IPromptParser, PromptInfo, ScreenLine, ScreenSnapshot, Verdict } from '../../src/common/index.js';
import { isSolidRule, lastNonEmpty } from '../shared/screenText.js';
import { boxText, findLastBox, readRadioList } from '../gemini/geminiBox.js';
import { classifyGeminiDialog } from '../gemini/geminiDialogs.js';
import { readQwenListDialog } from './qwenDialogs.js';

/** Busy hint in the spinner row (`⠋ Thinking... (3s · ↑ 15 tokens · esc to cancel)`). */
const CANCEL_HINT = /\(.*\besc to\s+cancel\b.*\)/i;
/** A spinner row (braille frame, then text) such as `⠋ Initializing...`. */
const SPINNER_ROW = /^\s*[\u2800-\u28ff]\s+\S/u;
/** The input row: prompt glyph (`>`, `!` shell mode, `*` YOLO) then the text or placeholder. */
const INPUT_ROW = /^\s*[>!*]\s/u;
/** Rows under the input's bottom rule (shortcut hint, status footer). */
const FOOTER_ROWS = 4;
/** Rows the input may span (multi-line input). */
const MAX_INPUT_ROWS = 10;
/** The subject row of a tool confirmation; the first word is the tool's display name. */
const TOOL_ROW = /^\?\s+(\S+)/mu;
/** Rows under a dialog box that still leave it the live block (the `Waiting for user confirmation` spinner). */
const DIALOG_TAIL_ROWS = 3;

/** Finds the input row between two full-width rules; undefined when none is live. */
export function findQwenInput(screen: ScreenSnapshot): number | undefined {
  const lines = screen.lines;
  const bottom = lastNonEmpty(lines);
  for (let edge = bottom; edge >= 2 && bottom - edge <= FOOTER_ROWS; edge--) {
    if (!isSolidRule(lines[edge].text, screen.cols, 0.9)) continue;
    for (let top = edge - 1; top >= 0 && edge - top <= MAX_INPUT_ROWS + 1; top--) {
      if (isSolidRule(lines[top].text, screen.cols, 0.9)) return INPUT_ROW.test(lines[top + 1]?.text ?? '') ? top + 1 : undefined;
    }
    return undefined;
  }
  return undefined;
}

function isBusy(lines: readonly ScreenLine[], inputRow: number | undefined): boolean {
  const to = inputRow ?? lines.length;
  // The spinner row wraps at 80 columns (`… esc to` / `cancel)`): read the rows above as one text.
  const above = lines.slice(Math.max(0, to - 6), to);
  if (CANCEL_HINT.test(above.map((line) => line.text.trim()).join(' '))) return true;
  if (above.some((line) => SPINNER_ROW.test(line.text))) return true;
  // At start-up the input is drawn with `⠋ Initializing...` under it; keys are not read yet.
  if (inputRow !== undefined) for (let i = inputRow + 1; i < lines.length; i++) if (SPINNER_ROW.test(lines[i].text)) return true;
  return false;
}

/** Reads the dialog box when it is the live block: only a spinner row or hints below it. */
export function readQwenDialog(lines: readonly ScreenLine[]): PromptInfo | undefined {
  const box = findLastBox(lines);
  if (!box) return undefined;
  const below = lines.slice(box.bottom + 1).filter((line) => line.text.trim() !== '');
  if (below.length > DIALOG_TAIL_ROWS || below.some((line) => /[╭│]/u.test(line.text) || INPUT_ROW.test(line.text))) return undefined;
  const list = readRadioList(box.rows, box.width);
  if (!list || !list.some((option) => option.focused)) return undefined;
  const first = list[0].row;
  const last = list[list.length - 1].row;
  const prompt = classifyGeminiDialog({ content: boxText(box.rows, 0, first), options: list, footer: boxText(box.rows, last + 1) });
  // Qwen's subject row is `?  Shell touch a (Create a) ←`: the tool is its first word.
  const tool = TOOL_ROW.exec(prompt?.content ?? '')?.[1];
  return prompt && prompt.waitType === 'tool_approval' && tool ? { ...prompt, toolName: tool, kind: tool } : prompt;
}

/** The Qwen Code prompt parser. */
export const qwenParser: IPromptParser = {
  cli: 'qwen',
  parse(screen: ScreenSnapshot): Verdict {
    const lines = screen.lines;
    if (lastNonEmpty(lines) < 0) return { state: 'unknown' };
    const inputRow = findQwenInput(screen);
    const dialog = inputRow === undefined ? (readQwenDialog(lines) ?? readQwenListDialog(screen)) : undefined;
    if (dialog) return { state: 'waiting', prompt: dialog };
    if (isBusy(lines, inputRow)) return { state: 'busy' };
    if (inputRow !== undefined) {
      return { state: 'waiting', prompt: { waitType: 'awaiting_response', content: '', options: [], acceptsText: true } };
    }
    return { state: 'unknown' };
  },
  matchesBanner(screen: ScreenSnapshot): boolean {
    return /^Qwen\b/.test(screen.title) || screen.lines.some((line) => /Qwen Code \(v\d/.test(line.text));
  },
};
