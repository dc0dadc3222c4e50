/**
 * The plain-shell parser (bash, zsh, fish, sh). A shell waits in one way only: its prompt is
 * back at the cursor (`awaiting_response`). A script it runs may ask a yes/no line prompt
 * (`read -p "Continue? [y/N] "`), read by the shared line-prompt reader (`tool_approval`).
 * Anything else with the cursor at the bottom of the output is a command running (`busy`).
 * With an OSC 133 mark on the snapshot (proposed `promptMark`), the mark decides; without
 * one (today), the prompt is found by structure: a prompt glyph right before the cursor.
 */
import type { IPromptParser, PromptInfo, ScreenLine, ScreenSnapshot, Verdict } from '../../src/common/index.js';
import { lastNonEmpty } from '../shared/screenText.js';
import { readCursorRow, splitAtCell } from '../lineprompt/cursorRow.js';
import type { CursorRow } from '../lineprompt/cursorRow.js';
import { readLinePrompt } from '../lineprompt/linePromptParser.js';

/**
 * Glyphs that end a shell prompt: `$`/`#` (bash, sh, dash: root uses `#`), `%` (zsh's `%#`),
 * `>` (fish's `~>`, bash's PS2, REPLs), `❯` (starship, pure, powerlevel10k).
 */
const PROMPT_END = '$#%>❯';
/** The prompt's last glyph with the one or two spaces the shell prints after it. */
const ENDS_IN_PROMPT = new RegExp(`[${PROMPT_END}]$`, 'u');
/** A prompt glyph followed by a space: a prompt with text after it is a command line. */
const PROMPT_THEN_SPACE = new RegExp(`[${PROMPT_END}] `, 'u');
/** A right-hand prompt (zsh RPROMPT): at least two blank cells after the cursor, then text near the right edge. */
const RIGHT_PROMPT_SLACK = 2;

/**
 * The last OSC 133 (FinalTerm semantic prompt) mark, as the snapshot is proposed to carry it:
 * `A` prompt start, `B` prompt end / input start at (row, col), `C` command output start,
 * `D;<exit>` command finished. Row is viewport-relative. Marks per the FinalTerm spec as
 * implemented by VS Code's shell integration (`vs/platform/terminal/common/capabilities`).
 */
export interface PromptMark {
  readonly kind: 'A' | 'B' | 'C' | 'D';
  readonly row: number;
  readonly col: number;
  readonly exitCode?: number;
}

/** The snapshot's OSC 133 mark, when the snapshot carries one (a proposed optional field). */
function promptMarkOf(screen: ScreenSnapshot): PromptMark | undefined {
  return (screen as ScreenSnapshot & { readonly promptMark?: PromptMark }).promptMark;
}

/**
 * The verdict an OSC 133 mark gives, or undefined to fall back to structure: after `C` a
 * command runs (busy, unless it asks a line prompt); after `B` the prompt waits while the
 * cursor sits where input starts, and anything typed after it is a command line (busy).
 */
function verdictFromMark(screen: ScreenSnapshot, mark: PromptMark): Verdict | undefined {
  if (mark.kind === 'C') {
    const question = readLinePrompt(screen);
    return question ? { state: 'waiting', prompt: question } : { state: 'busy' };
  }
  if (mark.kind !== 'B' || mark.row < 0 || mark.row >= screen.lines.length) return undefined;
  const { x, y } = screen.cursor;
  if (y === mark.row && x === mark.col) {
    const content = splitAtCell(screen.lines[mark.row].text, mark.col)[0].trim();
    return { state: 'waiting', prompt: { waitType: 'awaiting_response', content, options: [], acceptsText: true } };
  }
  return y > mark.row || (y === mark.row && x > mark.col) ? { state: 'busy' } : undefined;
}

/** True when the text left of the cursor is a prompt the shell drew, with the cursor right after it. */
function isPromptAtCursor(cursor: CursorRow, cols: number, line: ScreenLine): boolean {
  if (cursor.isWrapped || cursor.gap < 1 || cursor.gap > 2 || !ENDS_IN_PROMPT.test(cursor.before)) return false;
  // `$ echo a > ` is a command being typed: a prompt has one prompt glyph-and-space, its last.
  if (PROMPT_THEN_SPACE.test(cursor.before.slice(0, -1))) return false;
  if (cursor.after === '') return true;
  const lead = /^\s*/u.exec(line.text.slice(line.text.length - cursor.after.length))?.[0].length ?? 0;
  return lead >= RIGHT_PROMPT_SLACK && line.text.length >= cols - RIGHT_PROMPT_SLACK - 1;
}

/**
 * True when a bare `> ` prompt is bash's PS2: the rows above it are the command being continued
 * (the line that opened it ends in `\` or starts with a different prompt than `>`).
 */
function isContinuation(screen: ScreenSnapshot, cursor: CursorRow): boolean {
  if (cursor.before !== '>') return false;
  for (let row = cursor.row - 1; row >= 0; row--) {
    const text = screen.lines[row].text;
    if (/\\$/u.test(text)) return true;
    if (/^> /u.test(text)) continue;
    return new RegExp(`^[^${PROMPT_END}]*[${PROMPT_END}] \\S`, 'u').test(text) && !/^>/u.test(text);
  }
  return false;
}

/** The shell prompt back at the cursor: `awaiting_response`, content = the prompt as drawn. */
export function readShellPrompt(screen: ScreenSnapshot): PromptInfo | undefined {
  const cursor = readCursorRow(screen);
  const line = cursor ? screen.lines[cursor.row] : undefined;
  if (!cursor || !line || !isPromptAtCursor(cursor, screen.cols, line) || isContinuation(screen, cursor)) return undefined;
  return { waitType: 'awaiting_response', content: cursor.before.trim(), options: [], acceptsText: true };
}

/** The shell parser. */
export const shellParser: IPromptParser = {
  cli: 'shell',
  parse(screen: ScreenSnapshot): Verdict {
    // A full-screen program (less, vim, top) owns the screen: no prompt can be read there.
    if (screen.altScreen) return { state: 'unknown' };
    const mark = promptMarkOf(screen);
    const marked = mark ? verdictFromMark(screen, mark) : undefined;
    if (marked) return marked;
    const bottom = lastNonEmpty(screen.lines);
    // Text below the cursor: something drew a layout, not a stream of output.
    if (bottom < 0 || screen.cursor.y < bottom) return { state: 'unknown' };
    const cursor = readCursorRow(screen);
    // A command line being typed (`$ read -p "Continue? [y/N] `) is not a question to answer.
    const typing = cursor !== undefined && PROMPT_THEN_SPACE.test(cursor.before) && !ENDS_IN_PROMPT.test(cursor.before);
    if (!typing) {
      const question = readLinePrompt(screen);
      if (question) return { state: 'waiting', prompt: question };
    }
    const prompt = readShellPrompt(screen);
    if (prompt) return { state: 'waiting', prompt };
    // Output at the bottom: a command running (or a command line being typed, which must count
    // as a turn so the prompt that follows a fast command fires again).
    return { state: 'busy' };
  },
};
