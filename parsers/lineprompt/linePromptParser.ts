/**
 * The line-prompt reader: a yes/no question typed at the cursor, the way Aider (prompt_toolkit)
 * and shell scripts ask, answered by typing a word and Enter. It reads only the cursor row (and
 * the rows it wraps from), so the same text printed in scrollback or followed by more output
 * never counts. Reusable by any parser (`readLinePrompt`) and as a whole parser for line-prompt
 * CLIs (`linePromptParserFor`: Aider, and the generic fallback).
 */
import type { CliType, IPromptParser, OptionRole, ParseContext, PromptInfo, PromptOption, ScreenSnapshot, Verdict } from '../../src/common/index.js';
import { cellWidth, readCursorRow } from './cursorRow.js';

/** A line prompt's text, parsed. */
export interface LinePromptText {
  /** `aider`: `(Y)es/(N)o… [Yes]:` groups; `short`: a bracketed `[y/N]`, `(y/n)`, `(yes/no)` list. */
  readonly shape: 'aider' | 'short';
  /** The question before the option list ('' when the line is only the list). */
  readonly question: string;
  readonly options: readonly PromptOption[];
  /** The label Enter picks, when the prompt shows one (`[Yes]`, the capital in `[y/N]`). */
  readonly defaultLabel?: string;
}

/**
 * Quiet time (ms) below which output is still flowing: the pipeline's QUIET_MS. A screen read
 * sooner (the pipeline's forced read, 120 ms into continuous output) shows no settled prompt.
 */
export const SETTLED_MS = 40;

/**
 * True when the pipeline says output was still flowing when the screen was read (the pipeline
 * reads the settled screen once more after such a forced read, so waiting for it loses nothing).
 */
export function isStillWriting(context: ParseContext | undefined): boolean {
  return context?.quietMs !== undefined && context.quietMs < SETTLED_MS;
}

/** Blank cells the cursor may sit after the prompt's last glyph (prompts end in `: ` or `] `). */
const MAX_GAP = 2;
/** Rows a wrapped prompt may span above the cursor row. */
const MAX_WRAPPED_ROWS = 4;
/** Subject rows Aider prints right above its question (the command or file name). */
const MAX_SUBJECT_ROWS = 3;

/**
 * Aider's confirm_ask shape, from aider/io.py `InputOutput.confirm_ask`: the question, then
 * `options = " (Y)es/(N)o"` plus `/(A)ll` and `/(S)kip all` for groups and `/(D)on't ask again`
 * with allow_never, then `" [Yes]: "` / `" [No]: "` / `" [<default>]: "`.
 */
const AIDER_PROMPT = /^(.*?)\s*(\([A-Za-z]\)[^/()[\]]+(?:\/\([A-Za-z]\)[^/()[\]]+)+?)\s*\[([^\]]*)\]\s*:$/u;
/** One `(X)word` group of Aider's list. */
const AIDER_GROUP = /^\(([A-Za-z])\)(.*)$/u;
/**
 * Common shell shapes: `Continue? [y/N]`, `Proceed (y/n)?`, `Is this ok [y/N]:` (dnf),
 * `Do you want to continue? [Y/n]` (apt), `(yes/no/[fingerprint])?` (ssh), `[y,n,q,a,d,e,?]?`
 * (git add -p); optionally followed by a default in brackets (`(y/n) [n]:`).
 */
const SHORT_PROMPT = /^(.*?)\s*[[(]\s*((?:\[?[A-Za-z?]+\]?)(?:\s*[/,]\s*\[?[A-Za-z?]+\]?){1,9})\s*[\])]\s*[?:]?\s*(?:\[(\w*)\]\s*:?)?$/u;

/** Labels of the words short prompts use. */
const SHORT_LABELS: Readonly<Record<string, string>> = { y: 'Yes', yes: 'Yes', n: 'No', no: 'No' };

/**
 * What Aider does with each answer (aider/io.py confirm_ask): `y` yes; `a` yes and the rest of
 * the group too; `n` no; `s` no to the rest of the group; `d` adds the question to
 * `never_prompts` and returns False — a lasting No, not a lasting Yes.
 */
function aiderRole(label: string): OptionRole | undefined {
  if (/^yes$/iu.test(label)) return 'approve';
  if (/^all$/iu.test(label)) return 'approve_always';
  if (/^(no|skip all)$/iu.test(label) || /don.t ask again/iu.test(label)) return 'deny';
  return undefined;
}

/** A label as an option id: lowercase words joined with `-` ("Don't ask again" → "don-t-ask-again"). */
export function slug(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/gu, '-').replace(/^-|-$/gu, '');
}

function parseAider(text: string): LinePromptText | undefined {
  const match = AIDER_PROMPT.exec(text);
  if (!match) return undefined;
  const options: PromptOption[] = [];
  for (const part of match[2].split('/')) {
    const group = AIDER_GROUP.exec(part.trim());
    if (!group) return undefined;
    const label = `${group[1].toUpperCase()}${group[2]}`.trim();
    const role = aiderRole(label);
    options.push({ id: slug(label), label, keys: `${group[1].toLowerCase()}\r`, ...(role ? { role } : {}) });
  }
  if (!options.some((o) => o.role === 'approve') || !options.some((o) => o.role === 'deny')) return undefined;
  const defaultLabel = match[3].trim();
  return { shape: 'aider', question: match[1].trim(), options, ...(defaultLabel ? { defaultLabel } : {}) };
}

function parseShort(text: string): LinePromptText | undefined {
  const match = SHORT_PROMPT.exec(text);
  if (!match) return undefined;
  const words = match[2].split(/\s*[/,]\s*/u).filter((w) => !w.startsWith('[') && w !== '?');
  const lower = words.map((w) => w.toLowerCase());
  if (!lower.some((w) => w === 'y' || w === 'yes') || !lower.some((w) => w === 'n' || w === 'no')) return undefined;
  const options: PromptOption[] = [];
  let defaultLabel: string | undefined;
  const capitals = words.filter((w) => w.length === 1 && w !== w.toLowerCase());
  for (const word of words) {
    const key = word.toLowerCase();
    const label = SHORT_LABELS[key] ?? word;
    if (options.some((o) => o.keys === `${key}\r`)) continue;
    const role: OptionRole | undefined = label === 'Yes' ? 'approve' : label === 'No' ? 'deny' : undefined;
    options.push({ id: slug(label) || key, label, keys: `${key}\r`, ...(role ? { role } : {}) });
    // `[Y/n]`: the one capital letter is what Enter picks.
    if (capitals.length === 1 && word === capitals[0]) defaultLabel = label;
  }
  if (match[3]) defaultLabel = SHORT_LABELS[match[3].toLowerCase()] ?? match[3];
  return { shape: 'short', question: match[1].trim(), options, ...(defaultLabel ? { defaultLabel } : {}) };
}

/**
 * Parses one logical line of prompt text (right-trimmed) as a yes/no line prompt.
 * @returns undefined when the text does not end in a recognised option list
 */
export function parseLinePromptText(text: string): LinePromptText | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return parseAider(trimmed) ?? parseShort(trimmed);
}

/** True when row `row` is followed by a soft-wrapped row, or is filled to the right edge (prompt_toolkit wraps itself). */
function continuesBelow(screen: ScreenSnapshot, row: number): boolean {
  return screen.lines[row + 1]?.isWrapped === true || cellWidth(screen.lines[row].text) >= screen.cols;
}

/**
 * Reads a yes/no line prompt whose text ends at the cursor: the cursor sits right after it
 * (at most two blank cells), nothing is drawn right of the cursor or on any row below it.
 * Wrapped prompts are joined from the rows above; for Aider's shape, the subject rows printed
 * right above the question (a command, a file name) are part of the content.
 * @returns a `tool_approval` prompt whose content is the subject rows and the prompt line as drawn
 */
export function readLinePrompt(screen: ScreenSnapshot): PromptInfo | undefined {
  const cursor = readCursorRow(screen);
  if (!cursor || cursor.after !== '' || cursor.gap < 0 || cursor.gap > MAX_GAP) return undefined;
  for (let i = cursor.row + 1; i < screen.lines.length; i++) if (screen.lines[i].text.trim() !== '') return undefined;
  let top = cursor.row;
  let text = cursor.before;
  while (top > 0 && cursor.row - top < MAX_WRAPPED_ROWS && continuesBelow(screen, top - 1)) {
    top -= 1;
    text = screen.lines[top].text + text;
  }
  const parsed = parseLinePromptText(text);
  if (!parsed) return undefined;
  const rows: string[] = [];
  if (parsed.shape === 'aider') {
    for (let i = top - 1; i >= 0 && rows.length < MAX_SUBJECT_ROWS; i--) {
      const row = screen.lines[i].text.trim();
      // A blank row opens Aider's subject block; an earlier (answered) prompt ends it.
      if (row === '' || AIDER_PROMPT.test(row.replace(/:\s*\S+$/u, ':'))) break;
      rows.unshift(row);
    }
  }
  rows.push(text.trim());
  return { waitType: 'tool_approval', content: rows.join('\n'), options: parsed.options, acceptsText: false };
}

/**
 * A parser for `cli` that reports only line prompts at the cursor, once output has settled,
 * and nothing on a full-screen program (`unknown`), so it never raises a false alarm elsewhere.
 */
export function linePromptParserFor(cli: CliType): IPromptParser {
  return {
    cli,
    parse(screen: ScreenSnapshot, _nowMs: number, context?: ParseContext): Verdict {
      if (screen.altScreen || isStillWriting(context)) return { state: 'unknown' };
      const prompt = readLinePrompt(screen);
      return prompt ? { state: 'waiting', prompt } : { state: 'unknown' };
    },
  };
}

/** The line-prompt parser of commands without a descriptor of their own (`generic`). */
export const linePromptParser = linePromptParserFor('generic');
