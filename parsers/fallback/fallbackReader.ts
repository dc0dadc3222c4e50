/**
 * The CLI-agnostic fallback reader: what every TUI prompt shares, read by structure alone, for
 * the screens a CLI's own parser does not know (a new version, a dialog nobody recorded).
 *
 *   list      a select list (numbered `1.` `2.` …, or plain labels) with exactly one option
 *             behind a pointer (`›` `❯` `>` `●` `▸`), the last block on screen: at most a few
 *             hint rows below it, no input box
 *   y/n       a yes/no question ending at the cursor (`Continue? [y/N]`, `(y/n)`)
 *   quiet     no busy indicator anywhere: no spinner title, no `(12s · esc to interrupt)` row
 *   cursor    hidden, or at or below the list (not in text above it); a cursor standing in the
 *             pointer row's text makes that row an input line (`› Ask…` composers), not a list
 *
 * It names no CLI and knows no CLI's wording beyond the approval words every CLI uses (Yes,
 * Allow, No, Deny…), which decide tool_approval versus clarifying_question and the roles.
 * Pure. The pipeline reports what it reads only after it stayed on screen for a while, with
 * `confidence: "low"`, and counts it as drift (src/core/detectionPipeline.ts).
 */
import type { OptionRole, PromptInfo, PromptOption, ScreenSnapshot, WaitType } from '../../src/common/index.js';
import { readLinePrompt, slug } from '../lineprompt/linePromptParser.js';
import { isRule, lastNonEmpty } from '../shared/screenText.js';
import { POINTER_GLYPHS, readNumberedList, readPointerList, stripBorders, type SelectList } from '../shared/selectList.js';

/** Rows under a list's last option that may hold hints, spinners or box borders. */
const MAX_TAIL_ROWS = 6;
/** Rows above the bottom searched for a plain list's pointer (a dozen items with descriptions). */
const MAX_POINTER_SCAN_ROWS = 36;
/** Non-blank rows allowed under the list (hints, a status row, a box's bottom border). */
const MAX_TAIL_TEXT_ROWS = 4;
/** Rows above the list read as the prompt's text. */
const MAX_CONTENT_ROWS = 8;
/** Rows above the first option the cursor may sit on (a question row right above the list). */
const CURSOR_SLACK_ROWS = 2;
/** A busy row: an elapsed time and an interrupt hint in one parenthesis (every CLI's spinner line). */
const BUSY_ROW = /\((?=[^)]*\b\d+(?:\.\d+)?\s*(?:s|ms|m \d+s)\b)(?=[^)]*\besc to (?:interrupt|cancel)\b)[^)]*\)/iu;
/** A spinner frame at the start of the window title (busy in Codex, Claude, Gemini). */
const BUSY_TITLE = /^\s*[\u2800-\u28ff]/u;
/** An input box's prompt row (`> `, `❯ `, `│ > `) with rules or borders around it: not a dialog. */
const INPUT_HINT = /\b(type your message|ask anything|ask codex|for shortcuts)\b/iu;
/** A row of the tail that is itself a list (another option) or an input prompt. */
const TAIL_INPUT = /^\s*[>❯›]\s/u;

/** What precedes an option's label on its row: indent, pointer, number. */
const LABEL_START = new RegExp(`^\\s*[${POINTER_GLYPHS}]?\\s*(?:\\d{1,2}[.)]\\s+)?`, 'u');

/** Words that open an approving option (every CLI's). */
const APPROVE = /^(yes|allow|approve|accept|proceed|trust|continue|run|confirm|ok)\b/iu;
/** Words that make an approving option a lasting one. */
const ALWAYS = /\balways\b|don.t ask again|for this session|during this session|for all\b|every time|remember|permanently|auto-accept/iu;
/** Words that open a declining option. */
const DENY = /^(no|deny|reject|decline|cancel|don.t|do not|skip|abort|stop|quit|exit)\b/iu;

const DOWN = '\x1b[B';
const UP = '\x1b[A';

/** True while any busy indicator is on screen. */
export function showsBusy(screen: ScreenSnapshot): boolean {
  if (BUSY_TITLE.test(screen.title)) return true;
  return screen.lines.some((line) => BUSY_ROW.test(line.text));
}

function roleOf(label: string): OptionRole | undefined {
  if (APPROVE.test(label)) return ALWAYS.test(label) ? 'approve_always' : 'approve';
  if (DENY.test(label)) return 'deny';
  return undefined;
}

/** The prompt text above the list: rows up to two blanks, a rule or MAX_CONTENT_ROWS. */
function contentAbove(screen: ScreenSnapshot, top: number): string {
  const rows: string[] = [];
  let blanks = 0;
  for (let i = top - 1; i >= 0 && top - i <= MAX_CONTENT_ROWS + blanks; i--) {
    const text = stripBorders(screen.lines[i].text).trim();
    if (text === '') {
      blanks += 1;
      if (blanks >= 2 && rows.length > 0) break;
      continue;
    }
    if (isRule(text) || /^[╭╰┌└][─━]/u.test(text)) break;
    blanks = 0;
    rows.unshift(text);
  }
  return rows.join('\n');
}

/** True when only hints (no input prompt, no option) follow the list, within the tail limits. */
function tailIsQuiet(screen: ScreenSnapshot, list: SelectList): boolean {
  const bottom = lastNonEmpty(screen.lines);
  if (bottom - list.bottom > MAX_TAIL_ROWS) return false;
  let text = 0;
  for (let i = list.bottom + 1; i <= bottom; i++) {
    const row = stripBorders(screen.lines[i].text);
    if (row.trim() === '') continue;
    text += 1;
    if (TAIL_INPUT.test(row) || INPUT_HINT.test(row)) return false;
  }
  return text <= MAX_TAIL_TEXT_ROWS;
}

function toOptions(list: SelectList): PromptOption[] {
  const focused = Math.max(0, list.options.findIndex((o) => o.focused));
  const ids = new Set<string>();
  return list.options.map((option, index) => {
    const role = roleOf(option.label);
    let id = list.numbered ? String(option.number) : slug(option.label) || String(index + 1);
    while (ids.has(id)) id = `${id}-${index + 1}`;
    ids.add(id);
    // A number selects at once in every numbered TUI list seen; plain lists take arrows + Enter.
    const keys = list.numbered
      ? String(option.number)
      : `${index >= focused ? DOWN.repeat(index - focused) : UP.repeat(focused - index)}\r`;
    return { id, label: option.label, keys, ...(role ? { role } : {}) };
  });
}

function waitTypeOf(content: string, options: readonly PromptOption[]): WaitType {
  const approves = options.some((o) => o.role === 'approve' || o.role === 'approve_always');
  if (approves && /\bplan\b/iu.test(content)) return 'plan_approval';
  return approves && options.some((o) => o.role === 'deny') ? 'tool_approval' : 'clarifying_question';
}

/** True when the cursor stands in the focused row's text: a text input with a prompt glyph. */
function isInputLine(screen: ScreenSnapshot, list: SelectList): boolean {
  const focused = list.options.find((o) => o.focused);
  if (!focused || screen.cursor.y !== focused.row) return false;
  const row = stripBorders(screen.lines[focused.row].text);
  const labelColumn = LABEL_START.exec(row)?.[0].length ?? 0;
  return screen.cursor.x >= labelColumn;
}

/** The select list at the bottom of the screen, if one is the last block. */
function bottomList(screen: ScreenSnapshot): SelectList | undefined {
  const bottom = lastNonEmpty(screen.lines);
  if (bottom < 0) return undefined;
  const from = Math.max(0, bottom - MAX_TAIL_ROWS);
  // A plain list's pointer may sit on its first item, items (and descriptions) above the tail.
  const list = readNumberedList(screen.lines, from, bottom, screen.cols) ?? readPointerList(screen.lines, Math.max(0, bottom - MAX_POINTER_SCAN_ROWS), bottom, screen.cols);
  return list && tailIsQuiet(screen, list) ? list : undefined;
}

/**
 * Reads a prompt any TUI could be showing, by structure alone.
 * @returns the prompt, or undefined when the screen shows none (or shows a busy indicator)
 */
export function readFallbackPrompt(screen: ScreenSnapshot): PromptInfo | undefined {
  if (showsBusy(screen)) return undefined;
  const list = bottomList(screen);
  if (list) {
    if (screen.cursor.visible && screen.cursor.y < list.top - CURSOR_SLACK_ROWS) return undefined;
    if (screen.cursor.visible && isInputLine(screen, list)) return undefined;
    const content = contentAbove(screen, list.top);
    const options = toOptions(list);
    return { waitType: waitTypeOf(content, options), content, options, acceptsText: false, confidence: 'low' };
  }
  const line = readLinePrompt(screen);
  return line ? { ...line, confidence: 'low' } : undefined;
}
