/**
 * Qwen Code 0.24.4 dialogs, which have no closed box: the confirmation is a `? <Tool> … ←`
 * header, the command, the question and a `› 1.` numbered list at indent 3, with only the
 * `⠏ Waiting for user confirmation...` row under it; the folder-trust dialog is a box whose
 * right edge runs off the screen; the provider picker ("Connect a Provider") is an unnumbered
 * `›` list with a description row under each item. All are read as a select list that is the
 * last block on screen (parsers/shared/selectList.ts), the rows above it up to the `?` header or
 * the box's top border being the prompt. Screens in testdata/NOTES.md (0.24.4 section).
 */
import type { PromptInfo, PromptOption, ScreenSnapshot } from '../../src/common/index.js';
import { classifyGeminiDialog, ESCAPE } from '../gemini/geminiDialogs.js';
import { isRule, lastNonEmpty } from '../shared/screenText.js';
import { readNumberedList, readPointerList, stripBorders, type SelectList } from '../shared/selectList.js';

/** Rows under the list: blanks, the box's bottom border, the waiting spinner row. */
const MAX_TAIL_ROWS = 5;
/** Rows of a dialog box under its list (a terms-of-service footer). */
const MAX_BOX_TAIL_ROWS = 8;
/** Rows above the list read as the prompt (plan text can be long). */
const MAX_PROMPT_ROWS = 30;
/** Rows above the bottom searched for an unnumbered list's pointer (items with descriptions). */
const MAX_POINTER_SCAN_ROWS = 24;
/** The tool header that opens a confirmation: `? Shell touch a.txt (Create a file) ←`. */
const TOOL_HEADER = /^\?\s+(\S+)/u;
/** A spinner row (braille frame, then text), e.g. `⠏ Waiting for user confirmation...`. */
const SPINNER_ROW = /^[\u2800-\u28ff]\s+\S/u;
/** The busy hint of a working spinner row: `(2s · esc to cancel)`. */
const CANCEL_HINT = /\besc to\s+cancel\b/iu;
/** A box's top or bottom border, closed or running off the screen. */
const BOX_TOP = /^[╭┌][─━]/u;
const BOX_BOTTOM = /^[╰└][─━]/u;
/** The user's own prompt echoed in the history (`> create the marker file`). */
const HISTORY_PROMPT = /^>\s/u;

const DOWN = '\x1b[B';
const UP = '\x1b[A';

/**
 * True when only blanks, a waiting (not working) spinner row, or the rest of the list's own box
 * (rows inside its side border, then its bottom border: the picker's terms-of-service footer)
 * follow the list.
 */
function tailIsDialogs(screen: ScreenSnapshot, list: SelectList): boolean {
  const bottom = lastNonEmpty(screen.lines);
  const inBox = (i: number) => /^\s*[│┃]/u.test(screen.lines[i].text);
  let boxEnd = -1;
  for (let i = list.bottom + 1; i <= bottom && inBox(i); i++) boxEnd = i + 1;
  const boxed = boxEnd > 0 && BOX_BOTTOM.test(screen.lines[boxEnd]?.text.trim() ?? '');
  const from = boxed ? boxEnd + 1 : list.bottom + 1;
  if (bottom - (from - 1) > MAX_TAIL_ROWS || (boxed && boxEnd - list.bottom > MAX_BOX_TAIL_ROWS)) return false;
  for (let i = from; i <= bottom; i++) {
    const text = stripBorders(screen.lines[i].text).trim();
    if (text === '' || BOX_BOTTOM.test(text)) continue;
    if (SPINNER_ROW.test(text) && !CANCEL_HINT.test(text)) continue;
    return false;
  }
  return true;
}

/** The prompt rows above the list: up to the `?` header (kept) or a box's top border. */
function promptAbove(screen: ScreenSnapshot, top: number): string | undefined {
  const rows: string[] = [];
  let blanks = 0;
  for (let i = top - 1; i >= 0 && top - i <= MAX_PROMPT_ROWS; i--) {
    const text = stripBorders(screen.lines[i].text).trim();
    if (text === '') {
      blanks += 1;
      if (blanks >= 3) break;
      continue;
    }
    if (BOX_TOP.test(text) || isRule(text) || HISTORY_PROMPT.test(text)) break;
    blanks = 0;
    rows.unshift(text);
    if (TOOL_HEADER.test(text)) break;
  }
  return rows.length > 0 ? rows.join('\n') : undefined;
}

/** An unnumbered picker's options: Enter picks the focused one, arrows move the focus. */
function pickerOptions(list: SelectList): PromptOption[] {
  const focused = Math.max(0, list.options.findIndex((o) => o.focused));
  return list.options.map((option, index) => ({
    id: String(index + 1),
    label: option.label,
    keys: `${index >= focused ? DOWN.repeat(index - focused) : UP.repeat(focused - index)}\r`,
  }));
}

/**
 * Reads a 0.24.4 dialog: a select list that is the last block on screen, with its prompt above.
 * @returns undefined when the screen's last block is no such list
 */
export function readQwenListDialog(screen: ScreenSnapshot): PromptInfo | undefined {
  const bottom = lastNonEmpty(screen.lines);
  if (bottom < 0) return undefined;
  const list =
    readNumberedList(screen.lines, Math.max(0, bottom - MAX_TAIL_ROWS), bottom, screen.cols) ??
    readPointerList(screen.lines, Math.max(0, bottom - MAX_POINTER_SCAN_ROWS), bottom, screen.cols);
  if (!list || !tailIsDialogs(screen, list)) return undefined;
  const content = promptAbove(screen, list.top);
  if (content === undefined) return undefined;
  if (!list.numbered) {
    // The provider picker at start-up (no auth type configured): Enter picks, Esc is not offered.
    return { waitType: 'clarifying_question', kind: 'auth', content, options: pickerOptions(list), acceptsText: false };
  }
  const options = list.options.map((o) => ({ row: o.row, number: o.number ?? 0, label: o.label, focused: o.focused }));
  const prompt = classifyGeminiDialog({ content, options, footer: '' });
  if (!prompt) return undefined;
  const tool = TOOL_HEADER.exec(content)?.[1];
  if (prompt.waitType === 'tool_approval' && prompt.kind !== 'trust_folder' && tool) return { ...prompt, toolName: tool, kind: tool };
  return { ...prompt, cancelKeys: ESCAPE };
}
