/**
 * The plain-shell parser (bash, zsh, fish, sh). A shell waits in one way only: its prompt is
 * back at the cursor (`awaiting_response`). A script it runs may ask a yes/no line prompt
 * (`read -p "Continue? [y/N] "`), read by the shared line-prompt reader (`tool_approval`).
 * Anything else with the cursor at the bottom of the output is a command running (`busy`).
 * Until the screen snapshot carries OSC 133 marks, the prompt is found by structure.
 */
import type { IPromptParser, PromptInfo, ScreenLine, ScreenSnapshot, Verdict } from '../../src/common/index.js';
import { lastNonEmpty } from '../shared/screenText.js';
import { readCursorRow } from '../lineprompt/cursorRow.js';
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
