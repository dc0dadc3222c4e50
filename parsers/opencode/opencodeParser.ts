/**
 * The OpenCode parser (verified against opencode-ai 1.18.33, OpenTUI). It reads, bottom-up:
 *   busy      the status row under the input box says `esc interrupt` / `esc again to interrupt`
 *   dialog    a `┃`-bordered panel: `△ <title>` header, body, a row of horizontal buttons
 *             (`Allow once   Allow always   Reject`) and the `⇆ select  enter confirm` hint
 *   question  the question tool: `1. <label>` rows and an `esc dismiss` hint (digits select)
 *   idle      the input panel closed by its `╹▀▀▀…` bottom edge, once the title is set (the
 *             splash draws the same panel but drops keys until the title `OpenCode` appears);
 *             on the home view a tip may sit between the panel's hint row and the footer
 */
import type { IPromptParser, PromptInfo, PromptOption, ScreenLine, ScreenSnapshot, Verdict } from '../../src/common/index.js';
import { findNumberedList, lastNonEmpty } from '../shared/screenText.js';
import { buttonKeys, readButtonRow, type ButtonRow } from './opencodeButtons.js';

/** Busy hint in the status row (one Esc arms `esc again to interrupt`). */
const INTERRUPT_HINT = /\besc (again to )?interrupt\b/;
/** The buttons' hint: `ctrl+f fullscreen  ⇆ select  enter confirm` (cut off at the right edge at 80 columns). */
const BUTTON_HINT = /(ctrl\+f (fullscreen|minimize)|⇆ select)\b/u;
/** The question tool's footer hint. */
const QUESTION_HINT = /\besc dismiss\b/;
/** The input panel's bottom edge (half-block line under a `╹` corner). */
const INPUT_BOTTOM = /^\s*╹▀{8,}/u;
/** The hint row under the home view's input panel. */
const HOME_HINT = /\btab agents\b/;
/** Panel header: the warning triangle and the dialog title. */
const HEADER = /^△\s+(\S.*)$/u;
/** Rows the status row may sit below the input panel's bottom edge. */
const STATUS_ROWS = 3;
/** How far above the buttons a dialog's header may be (rows). */
const DIALOG_SEARCH_ROWS = 30;
/** Titles the TUI sets once it is ready (`OpenCode`, then `OC | <session title>`). */
const READY_TITLE = /^(OpenCode|OC \|)/;

/** A row's text inside the panel's left border `┃` (trimmed), or undefined outside a panel. */
export function panelText(line: ScreenLine | undefined): string | undefined {
  const match = /^\s*┃(.*)$/u.exec(line?.text ?? '');
  // A scrollable body (a long diff) draws its scrollbar at the right edge while it is focused.
  return match ? match[1].trim().replace(/(^|\s+)[█▀▄]$/u, '') : undefined;
}

function isBusy(lines: readonly ScreenLine[], bottom: number): boolean {
  for (let i = Math.max(0, bottom - STATUS_ROWS); i <= bottom; i++) if (INTERRUPT_HINT.test(lines[i].text)) return true;
  return false;
}

/** Tool name from the permission body's first row (`# Shell command`, `→ Edit src/a.ts`, …). */
function toolOf(body: readonly string[]): string | undefined {
  const first = body[0] ?? '';
  if (/^#\s+Shell command\b/u.test(first)) return 'bash';
  if (/^→\s+Edit\b/u.test(first)) return 'edit';
  if (/^→\s+Write\b/u.test(first)) return 'write';
  if (/^→\s+Read\b/u.test(first)) return 'read';
  if (/^%\s+WebFetch\b/u.test(first)) return 'webfetch';
  if (/^←\s+Access external directory\b/u.test(first)) return 'external_directory';
  if (/^⟳/u.test(first)) return 'doom_loop';
  const call = /^⚙\s+Call tool\s+(\S+)/u.exec(first);
  if (call) return call[1];
  const task = /^#\s+(.+)\s+Task$/u.exec(first);
  return task ? 'task' : undefined;
}

/** Role of a button by its label. */
function roleOf(label: string): PromptOption['role'] {
  if (/^Allow once$/i.test(label)) return 'approve';
  if (/^Allow always$/i.test(label) || /^Confirm$/i.test(label)) return 'approve_always';
  if (/^Reject$/i.test(label)) return 'deny';
  return undefined;
}

/** Reads the permission panel whose buttons are at `buttons.row`. */
function readDialog(lines: readonly ScreenLine[], buttons: ButtonRow): PromptInfo | undefined {
  let header = -1;
  let title = '';
  for (let i = buttons.row - 1; i >= Math.max(0, buttons.row - DIALOG_SEARCH_ROWS); i--) {
    const text = panelText(lines[i]);
    if (text === undefined) break;
    const match = HEADER.exec(text);
    if (match) {
      header = i;
      title = match[1];
      break;
    }
  }
  if (header < 0) return undefined;
  const body: string[] = [];
  for (let i = header + 1; i < buttons.row; i++) {
    const text = panelText(lines[i]);
    if (text) body.push(text);
  }
  const stage = /^Always allow$/i.test(title) ? 'always' : 'permission';
  const options: PromptOption[] = buttons.labels.map((label, index) => ({
    id: label.toLowerCase().replace(/\s+/g, '_'),
    label,
    keys: buttonKeys(buttons, index, stage === 'permission' && roleOf(label) === 'approve_always'),
    ...(roleOf(label) ? { role: roleOf(label) } : {}),
  }));
  const toolName = toolOf(body);
  return {
    waitType: 'tool_approval',
    kind: stage === 'always' ? 'always_confirm' : (toolName ?? 'permission'),
    ...(toolName ? { toolName } : {}),
    content: [title, ...body].join('\n'),
    options,
    cancelKeys: '\u001b',
    acceptsText: false,
  };
}

/** Reads the question tool's numbered list above its `esc dismiss` hint. */
function readQuestion(lines: readonly ScreenLine[], hintRow: number): PromptInfo | undefined {
  const from = Math.max(0, hintRow - DIALOG_SEARCH_ROWS);
  const list = findNumberedList(
    lines.map((line) => ({ ...line, text: (panelText(line) ?? line.text).replace(/^[›>❯]\s*/u, '') })),
    from,
    hintRow,
    '›❯>',
  );
  if (!list) return undefined;
  const content: string[] = [];
  for (let i = from; i < list[0].row; i++) {
    const text = panelText(lines[i]);
    if (text === undefined) content.length = 0;
    else if (text) content.push(text);
  }
  const options: PromptOption[] = list.map((row) => ({
    id: String(row.number),
    label: row.label,
    keys: String(row.number),
    ...(/^Type your own answer$/i.test(row.label) ? { acceptsText: true } : {}),
  }));
  return { waitType: 'clarifying_question', content: content.join('\n'), options, cancelKeys: '\u001b', acceptsText: false };
}

/**
 * Row of the input panel's bottom edge: near the bottom in a session, or (home view) centred
 * under the logo with its `tab agents` hint row right under it. Below the hint the home view
 * draws only rows that are not a panel: a tip (`● Tip …`, shown once a session exists, one or
 * two rows) and the footer row (folder, version).
 */
function findInputBottom(lines: readonly ScreenLine[], bottom: number): number | undefined {
  for (let i = bottom; i >= Math.max(0, bottom - STATUS_ROWS); i--) if (INPUT_BOTTOM.test(lines[i].text)) return i;
  for (let row = bottom - 1; row >= 1; row--) {
    if (HOME_HINT.test(lines[row].text)) return INPUT_BOTTOM.test(lines[row - 1].text) ? row - 1 : undefined;
    if (panelText(lines[row]) !== undefined || INPUT_BOTTOM.test(lines[row].text)) return undefined;
  }
  return undefined;
}

/** The OpenCode prompt parser. */
export const opencodeParser: IPromptParser = {
  cli: 'opencode',
  parse(screen: ScreenSnapshot): Verdict {
    const lines = screen.lines;
    const bottom = lastNonEmpty(lines);
    if (bottom < 0) return { state: 'unknown' };
    // The permission panel replaces the input panel, so its buttons are the bottom block.
    for (let i = bottom; i >= Math.max(0, bottom - 4); i--) {
      const buttons = readButtonRow(lines, i, BUTTON_HINT);
      if (!buttons) continue;
      const dialog = readDialog(lines, buttons);
      if (dialog) return { state: 'waiting', prompt: dialog };
    }
    for (let i = bottom; i >= Math.max(0, bottom - 4); i--) {
      if (!QUESTION_HINT.test(lines[i].text)) continue;
      const question = readQuestion(lines, i);
      if (question) return { state: 'waiting', prompt: question };
    }
    if (isBusy(lines, bottom)) return { state: 'busy' };
    const panelBottom = findInputBottom(lines, bottom);
    if (panelBottom === undefined) return { state: 'unknown' };
    if (!READY_TITLE.test(screen.title)) return { state: 'unknown' };
    return { state: 'waiting', prompt: { waitType: 'awaiting_response', content: '', options: [], acceptsText: true } };
  },
  matchesBanner(screen: ScreenSnapshot): boolean {
    return READY_TITLE.test(screen.title) || screen.lines.some((line) => /\btab agents\s+ctrl\+p commands\b/.test(line.text));
  },
};
