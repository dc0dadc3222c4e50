/**
 * Codex's text-entry box (0.169.0 and 0.171.0: the first-run "Use your own OpenAI API key"
 * screen): a rounded box whose top border carries its label, one input row, hint rows under it,
 * and the heading rows above it; nothing else below.
 *
 *   > Use your own OpenAI API key for usage-based billing
 *     Paste or type your API key below.
 *   ╭API key──────────────────────────────╮
 *   │Paste or type your API key           │      ← placeholder, or the typed key in clear
 *   ╰─────────────────────────────────────╯
 *     Press enter to save
 *     Press esc to go back
 *
 * The prompt's content is the heading rows only: the input row (a key, typed in clear) never
 * enters it. A box labelled as a key is `sensitive`.
 */
import type { PromptInfo, ScreenLine } from '../../src/common/index.js';
import { lastNonEmpty } from '../shared/screenText.js';

/** A labelled top border: `╭API key────╮` (the label right after the corner). */
const LABELLED_TOP = /^╭([^─╮]+)─+╮$/u;
const BOTTOM = /^╰─+╯$/u;
/** Hint rows under the box. */
const MAX_HINT_ROWS = 3;
/** Heading rows above the box. */
const MAX_HEADING_ROWS = 16;
/** A label naming a secret. */
const SECRET_LABEL = /\b(api[ -]?key|token|password|secret)\b/iu;
const ESCAPE = '\x1b';

/** Reads the text-entry box when it is the last block on screen (hints under it only). */
export function readCodexTextBox(lines: readonly ScreenLine[]): PromptInfo | undefined {
  const bottom = lastNonEmpty(lines);
  let boxBottom = -1;
  for (let i = bottom; i >= 0 && bottom - i <= MAX_HINT_ROWS; i--) {
    if (BOTTOM.test(lines[i].text.trim())) {
      boxBottom = i;
      break;
    }
  }
  if (boxBottom < 2) return undefined;
  const top = LABELLED_TOP.exec(lines[boxBottom - 2].text.trim());
  if (!top || !/^│.*│$/u.test(lines[boxBottom - 1].text.trim())) return undefined;
  const hints = lines.slice(boxBottom + 1, bottom + 1).map((line) => line.text.trim()).filter((text) => text !== '');
  if (hints.length === 0 || !hints.some((hint) => /\benter\b/iu.test(hint))) return undefined;
  const heading: string[] = [];
  for (let i = boxBottom - 3; i >= 0 && boxBottom - 3 - i < MAX_HEADING_ROWS; i--) {
    const text = lines[i].text.trim();
    if (/^[╭╰│]/u.test(text)) break;
    if (text !== '') heading.unshift(text.replace(/^>\s+/u, ''));
  }
  const label = top[1].trim();
  const sensitive = SECRET_LABEL.test(label);
  return {
    waitType: 'clarifying_question',
    kind: sensitive ? 'api_key' : 'text_entry',
    content: [...heading, label].join('\n'),
    options: [],
    cancelKeys: ESCAPE,
    acceptsText: true,
    ...(sensitive ? { sensitive: true } : {}),
  };
}
