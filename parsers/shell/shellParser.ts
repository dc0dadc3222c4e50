/**
 * The plain-shell parser (bash, zsh, fish, sh). A shell waits in one way only: its prompt is
 * back at the cursor (`awaiting_response`). A script it runs may ask a yes/no line prompt
 * (`read -p "Continue? [y/N] "`), read by the shared line-prompt reader (`tool_approval`).
 * Anything else with the cursor at the bottom of the output is a command running (`busy`).
 * With an OSC 133 mark on the snapshot (`shellMark`), the mark decides; without one (bash
 * and zsh emit none unless configured), the prompt is found by structure: a glyph before the cursor.
 */
import type { IPromptParser, ParseContext, PromptInfo, ScreenLine, ScreenSnapshot, Verdict } from '../../src/common/index.js';
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

/** The snapshot's OSC 133 mark. */
type ShellMark = NonNullable<ScreenSnapshot['shellMark']>;

/**
 * The verdict the last OSC 133 mark gives (FinalTerm semantic prompts: `A` prompt start, `B`
 * prompt end / input start, `C` output start, `D` done), or undefined to fall back to
 * structure. After `C` (or below `B`) a command runs: busy, unless it asks a line prompt. With `B` on the
 * cursor row the prompt waits while the structural prompt check finds the cursor right after
 * the prompt; later cursor positions are a command line being typed (busy).
 */
function verdictFromMark(screen: ScreenSnapshot, mark: ShellMark, cursor: CursorRow): Verdict | undefined {
  // Output below the prompt: a command runs (shells that emit no `C` leave `B` as the last mark).
  if (mark.kind === 'C' || (mark.kind === 'B' && mark.row >= 0 && cursor.row > mark.row)) {
    const question = readLinePrompt(screen);
    return question ? { state: 'waiting', prompt: question } : { state: 'busy' };
  }
  if (mark.kind !== 'B' || mark.row < 0 || cursor.row < mark.row) return undefined;
  const line = screen.lines[cursor.row];
  if (!isPromptAtCursor(cursor, screen.cols, line)) return { state: 'busy' };
  return { state: 'waiting', prompt: { waitType: 'awaiting_response', content: cursor.before.trim(), options: [], acceptsText: true } };
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
  parse(screen: ScreenSnapshot, _nowMs: number, context?: ParseContext): Verdict {
    // A full-screen program (less, vim, top) owns the screen: no prompt can be read there.
    if (screen.altScreen) return { state: 'unknown' };
    // `context.quietMs` is not used yet: the pipeline reads the screen once more after a forced
    // read only with the re-read proposed beside it; without that, a prompt drawn at the tail of
    // a stream would be read only while still "flowing" and be lost.
    void context;
    const cursor = readCursorRow(screen);
    if (!cursor) return { state: 'unknown' };
    const marked = screen.shellMark ? verdictFromMark(screen, screen.shellMark, cursor) : undefined;
    if (marked) return marked;
    const bottom = lastNonEmpty(screen.lines);
    // Text below the cursor: something drew a layout, not a stream of output.
    if (bottom < 0 || screen.cursor.y < bottom) return { state: 'unknown' };
    // A command line being typed (`$ read -p "Continue? [y/N] `) is not a question to answer.
    const typing = PROMPT_THEN_SPACE.test(cursor.before) && !ENDS_IN_PROMPT.test(cursor.before);
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
