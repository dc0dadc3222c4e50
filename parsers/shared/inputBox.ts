/**
 * Reading the draft in an agent's input box: the rows of the box with the prompt glyph and the
 * continuation indent stripped, and the screen cursor mapped into the text. Pure. A parser that
 * knows its box's rows calls `readBoxRows`; the registry falls back to `readInputAtCursor`.
 */
import type { InputBox, ScreenSnapshot } from '../../src/common/index.js';

/**
 * A prompt row of an agent input box: optional box border, then `>`, `❯`, `›` or `»` and a
 * space (Claude Code `❯ `/`> `, Codex `› `, Gemini CLI and Qwen Code `│ > `).
 */
const AGENT_PROMPT = /^\s*[│┃║]?\s*[>❯›»]\s?/u;
/** Continuation rows of a multi-line draft are indented to the text column. */
const CONTINUATION = /^\s*[│┃║]?\s{0,2}/u;
/** A right-hand box border and the blanks before it. */
const RIGHT_BORDER = /\s*[│┃║]?\s*$/u;

/**
 * The draft in rows [`first`, `end`) of `screen`: the first row's prefix matched by `prompt`
 * and later rows' `continuation` prefix are stripped, right borders and trailing blank rows
 * dropped. The cursor maps into the text when it is inside those rows, else it sits at the end.
 */
export function readBoxRows(screen: ScreenSnapshot, first: number, end: number, prompt: RegExp = AGENT_PROMPT, continuation: RegExp = CONTINUATION): InputBox {
  const rows: Array<{ text: string; start: number }> = [];
  for (let row = first; row < Math.min(end, screen.lines.length); row++) {
    const raw = screen.lines[row].text;
    const start = (row === first ? prompt : continuation).exec(raw)?.[0].length ?? 0;
    rows.push({ text: raw.slice(start).replace(RIGHT_BORDER, ''), start });
  }
  while (rows.length > 1 && rows[rows.length - 1].text === '') rows.pop();
  const text = rows.map((row) => row.text).join('\n');
  let cursor = text.length;
  const index = screen.cursor.y - first;
  if (index >= 0 && index < rows.length) {
    const before = rows.slice(0, index).reduce((sum, row) => sum + row.text.length + 1, 0);
    cursor = before + Math.min(Math.max(0, screen.cursor.x - rows[index].start), rows[index].text.length);
  }
  return { text, cursor };
}

/**
 * The generic reader: the cursor's row, when it is an agent prompt row (`> `, `❯ `, `› `,
 * optionally inside a box border). Undefined on any other row, so a screen without an input
 * box reports nothing.
 */
export function readInputAtCursor(screen: ScreenSnapshot): InputBox | undefined {
  const row = screen.cursor.y;
  const line = screen.lines[row];
  if (line === undefined || !AGENT_PROMPT.test(line.text)) return undefined;
  return readBoxRows(screen, row, row + 1);
}
