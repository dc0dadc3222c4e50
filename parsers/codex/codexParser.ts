/**
 * The Codex CLI parser (verified against @openai/codex 0.169.0 and 0.171.0, whose screens are the
 * same). It reads the screen bottom-up:
 *
 *   dialog    a numbered list with the `›` pointer at the bottom of the screen, no composer
 *             below it, only a hint row after it; the indented rows above it are the prompt.
 *             The first-run sign-in screens point with an ASCII `>` at column 0 and put a
 *             description row under each option, blank rows between options:
 *               `> 1. Sign in with ChatGPT` / `     Usage included with Plus, …` / `` /
 *               `  2. Sign in with Device Code` … `  Press enter to continue`
 *   text box  a rounded box with its label in the top border (`╭API key────╮`), one input row,
 *             hint rows under it (`Press enter to save` / `Press esc to go back`): the API-key
 *             entry (codexTextBox.ts); its typed text is never part of the prompt
 *   busy      the title starts with a braille spinner (`⠦ <thread> | <dir>`), or the status row
 *             `• Working (3s • esc to interrupt)` is on screen (the row hides while text streams)
 *   idle      the composer: a `› ` row at column 0 followed by the footer rows, one of them the
 *             status line (`GPT-5.5 default · /dir`); while the session loads (about 8 s) only
 *             `? for shortcuts` shows and typed input is lost, so that screen is not idle yet
 *
 * Option keys come from the `(y)` / `(a)` / `(p)` / `(d)` / `(esc)` hint that ends an approval row;
 * rows without a hint (questions, plan, startup dialogs) take their digit, which selects and
 * confirms. Dialog kinds are in codexDialogs.ts.
 */
import type { IPromptParser, ScreenLine, ScreenSnapshot, Verdict } from '../../src/common/index.js';
import { lastNonEmpty } from '../shared/screenText.js';
import { classifyCodexDialog, type CodexOption } from './codexDialogs.js';
import { readCodexTextBox } from './codexTextBox.js';

/** The banner box's first row. */
const BANNER = />_ OpenAI Codex\b/u;
/** Braille spinner frames Codex puts at the start of the title while a turn runs. */
const BUSY_TITLE = /^[\u2800-\u28ff]/u;
/** The status row while a turn runs: `• Working (12s • esc to interrupt)`, any heading. */
const STATUS_ROW = /^\S\s+\S.*\(\s*(?:\d+[hms]\s*)+•\s*esc to interrupt\)/u;
/** An option row: optional `›` (or, on the sign-in screens, `>`) pointer, number, label (and a description column). */
const OPTION_ROW = /^(\s*)([›>]\s+)?(\d{1,2})\.\s+(\S.*?)\s*$/u;
/** The key hint that ends an approval row. */
const KEY_HINT = /\s\((esc|[a-z])\)$/u;
/** How many rows after the last option may hold hints (footer, wrapped hint). */
const MAX_FOOTER_ROWS = 3;
/** How far above the list a dialog's prompt may start (rows). */
const MAX_PROMPT_ROWS = 24;
/** A history cell or the composer: a glyph at column 0 (`• `, `› `, `✔ `, `■ `…). */
const COLUMN_ZERO_CELL = /^\S/u;
/** The turn separator row between history and a dialog drawn after the turn. */
const TURN_SEPARATOR = /^\s*(?:─+\s*)?Worked for\b/u;

interface ListRow {
  readonly row: number;
  readonly number: number;
  readonly focused: boolean;
  /** Column of the number. */
  readonly indent: number;
  /** Label text, wrapped rows joined. */
  label: string;
  /** Column where the description column starts, if the row has one. */
  readonly descriptionColumn: number | undefined;
  /** The description column's text ('' when none). */
  readonly description: string;
  /** The option row's drawn length (cells): near the width, the next row may continue its label. */
  readonly rowLength: number;
}

function parseOptionRow(text: string, row: number): ListRow | undefined {
  const match = OPTION_ROW.exec(text);
  if (!match) return undefined;
  const indent = match[1].length + (match[2]?.length ?? 0);
  const body = match[4];
  // A description column follows the label after a gap of two or more spaces.
  const gap = /\s{2,}/u.exec(body);
  const label = gap ? body.slice(0, gap.index) : body;
  const bodyStart = text.length - text.slice(indent).trimStart().length + match[3].length + 2;
  const bodyColumn = text.indexOf(body, bodyStart - 2);
  const descriptionColumn = gap ? bodyColumn + gap.index + gap[0].length : undefined;
  const description = gap ? body.slice(gap.index + gap[0].length) : '';
  return { row, number: Number(match[3]), focused: match[2] !== undefined, indent, label, descriptionColumn, description, rowLength: text.length };
}

/** How far short of the width an option row may end and still have wrapped onto the next row (cells). */
const WRAP_SLACK = 16;

/** Finds the numbered list whose last option sits within MAX_FOOTER_ROWS of `bottom`. */
function findBottomList(lines: readonly ScreenLine[], bottom: number, cols: number): ListRow[] | undefined {
  // Walk up from the bottom past the footer to the last option row.
  let last = bottom;
  let option: ListRow | undefined;
  for (; last >= 0 && bottom - last <= MAX_FOOTER_ROWS + 2; last--) {
    option = parseOptionRow(lines[last].text, last);
    if (option) break;
  }
  if (!option) return undefined;
  const list: ListRow[] = [];
  let continuation: string[] = [];
  let blanks = 0;
  for (let i = last; i >= 0 && last - i <= MAX_PROMPT_ROWS; i--) {
    const text = lines[i].text;
    const parsed = parseOptionRow(text, i);
    const expected = list.length === 0 ? undefined : list[0].number - 1;
    if (parsed && (expected === undefined || parsed.number === expected)) {
      appendContinuation(parsed, continuation, cols);
      continuation = [];
      blanks = 0;
      list.unshift(parsed);
      if (parsed.number === 1) break;
      continue;
    }
    // One blank row may separate options that carry description rows (the sign-in screens).
    if (text.trim() === '' && list.length > 0 && blanks === 0) {
      blanks += 1;
      continue;
    }
    // A wrapped label or description: indented deeper than the option numbers.
    if (text.trim() !== '' && text.length - text.trimStart().length > option.indent) {
      continuation.unshift(text);
      blanks = 0;
      continue;
    }
    return undefined;
  }
  if (list.length < 2 || list[0].number !== 1 || !list.some((row) => row.focused)) return undefined;
  return list;
}

/**
 * Joins wrapped rows that continue the label (not the description column). A row under a short
 * option row is a description (the sign-in screens' `     Usage included with …`), not a wrap.
 */
function appendContinuation(row: ListRow, rows: readonly string[], cols: number): void {
  let wrapped = row.rowLength >= cols - WRAP_SLACK;
  for (const text of rows) {
    const start = text.length - text.trimStart().length;
    if (row.descriptionColumn !== undefined && start >= row.descriptionColumn) continue;
    if (!wrapped) return;
    wrapped = text.length >= cols - WRAP_SLACK;
    // Codex wraps at hyphens too: `created-by-` + `tool.txt` joins without a space.
    row.label = row.label.endsWith('-') ? `${row.label}${text.trim()}` : `${row.label} ${text.trim()}`;
  }
}

/** Rows under the last option until `bottom`: hints only, and no composer (the last option's description rows skipped). */
function footerOf(lines: readonly ScreenLine[], list: readonly ListRow[], bottom: number): string | undefined {
  const rows: string[] = [];
  const last = list[list.length - 1];
  let first = last.row + 1;
  while (first <= bottom && lines[first].text.trim() !== '' && lines[first].text.length - lines[first].text.trimStart().length > last.indent) first += 1;
  for (let i = first; i <= bottom; i++) {
    const text = lines[i].text;
    if (COLUMN_ZERO_CELL.test(text)) return undefined;
    if (text.trim() !== '') rows.push(text.trim());
  }
  return rows.join('\n');
}

/** The prompt rows above the list: indented paragraphs up to a history cell or a wide gap. */
function promptAbove(lines: readonly ScreenLine[], firstOption: number): string {
  const rows: string[] = [];
  let blanks = 0;
  for (let i = firstOption - 1; i >= 0 && firstOption - i <= MAX_PROMPT_ROWS; i--) {
    const text = lines[i].text;
    if (text.trim() === '') {
      blanks += 1;
      if (blanks >= 2 && rows.length > 0) break;
      continue;
    }
    if (COLUMN_ZERO_CELL.test(text) || TURN_SEPARATOR.test(text)) break;
    // A paragraph indented deeper than the dialog after a gap belongs to a history cell above it.
    if (blanks > 0 && rows.length > 0 && text.length - text.trimStart().length > 2) break;
    blanks = 0;
    rows.unshift(text.trim());
  }
  return rows.join('\n');
}

function toOptions(list: readonly ListRow[]): CodexOption[] {
  return list.map((row) => {
    const hint = KEY_HINT.exec(row.label);
    const label = hint ? row.label.slice(0, hint.index).trim() : row.label;
    const keys = hint ? (hint[1] === 'esc' ? '\x1b' : hint[1]) : String(row.number);
    return { id: String(row.number), label, keys, hint: hint?.[1], focused: row.focused, description: row.description };
  });
}

/**
 * True while a turn runs. The title spinner alone does not count before the first prompt: Codex
 * flashes it for ~80 ms once the session has loaded, while the banner and an empty history show.
 */
function isBusy(screen: ScreenSnapshot, composer: number | undefined): boolean {
  if (screen.lines.some((line) => STATUS_ROW.test(line.text))) return true;
  if (!BUSY_TITLE.test(screen.title)) return false;
  const banner = screen.lines.findIndex((line) => BANNER.test(line.text));
  if (banner < 0 || composer === undefined) return true;
  // A turn has a submitted prompt (`› …` at column 0) between the banner and the composer.
  return screen.lines.slice(banner + 1, composer).some((line) => /^›\s\S/u.test(line.text));
}

/** Row of the composer (`› ` at column 0 with only footer rows below), if any. */
export function findComposer(lines: readonly ScreenLine[], bottom: number): number | undefined {
  for (let i = bottom; i >= 0 && bottom - i <= 8; i--) {
    if (/^›(\s|$)/u.test(lines[i].text) && !OPTION_ROW.test(lines[i].text)) return i;
  }
  return undefined;
}

/** True when a footer row under the composer is the status line (fields joined with ` · `). */
function hasStatusLine(lines: readonly ScreenLine[], composer: number, bottom: number): boolean {
  for (let i = composer + 1; i <= bottom; i++) if (/\S \u00b7 \S/u.test(lines[i].text)) return true;
  return false;
}

/** The Codex prompt parser. */
export const codexParser: IPromptParser = {
  cli: 'codex',
  parse(screen: ScreenSnapshot): Verdict {
    const lines = screen.lines;
    const bottom = lastNonEmpty(lines);
    if (bottom < 0) return { state: 'unknown' };
    const list = findBottomList(lines, bottom, screen.cols);
    const footer = list ? footerOf(lines, list, bottom) : undefined;
    if (list && footer !== undefined) {
      const content = promptAbove(lines, list[0].row);
      const prompt = classifyCodexDialog({ content, options: toOptions(list), footer });
      if (prompt) return { state: 'waiting', prompt };
    }
    const textBox = readCodexTextBox(lines);
    if (textBox) return { state: 'waiting', prompt: textBox };
    const composer = findComposer(lines, bottom);
    if (isBusy(screen, composer)) return { state: 'busy' };
    if (composer !== undefined && hasStatusLine(lines, composer, bottom)) {
      return { state: 'waiting', prompt: { waitType: 'awaiting_response', content: '', options: [], acceptsText: true } };
    }
    return { state: 'unknown' };
  },
  matchesBanner(screen: ScreenSnapshot): boolean {
    return screen.lines.some((line) => BANNER.test(line.text));
  },
};
