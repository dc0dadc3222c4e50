/**
 * Tiny DOM helpers for the views: an element builder (text only, never innerHTML, so daemon
 * strings cannot inject markup), text with its hidden characters made visible, display labels
 * for wait types and statuses, and the badge a session shows in the lists.
 */
import type { SessionInfo } from '../../src/common/events.js';
import { splitHiddenCharacters } from '../../src/common/hiddenCharacters.js';

type Child = Node | string | null | undefined | false;

/** Creates an element with attributes (`on*` functions become listeners) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | boolean | number | EventListener | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/**
 * `text` as nodes, each bidi control or invisible character replaced by a visible mark
 * (`⟨U+202E⟩`, class `hidden-char`), so text that reads differently than it runs shows it.
 */
export function visibleText(text: string): Array<Node | string> {
  return splitHiddenCharacters(text).map((piece) =>
    'text' in piece ? piece.text : h('mark', { class: 'hidden-char', title: `hidden character ${piece.codePoint}` }, `⟨${piece.codePoint}⟩`),
  );
}

/** Sheet titles by wait type. */
export const WAIT_TITLES: Readonly<Record<string, string>> = {
  tool_approval: 'Approve tool use?',
  plan_approval: 'Approve the plan?',
  clarifying_question: 'Question',
  awaiting_response: 'Waiting for your reply',
};

/** Short badge labels by wait type. */
const WAIT_BADGES: Readonly<Record<string, string>> = {
  tool_approval: 'Approval',
  plan_approval: 'Plan',
  clarifying_question: 'Question',
};

/** Wait types that need the user's decision (they open the sheet); `awaiting_response` is just idle. */
export function needsDecision(waitType: string | undefined): boolean {
  return waitType === 'tool_approval' || waitType === 'plan_approval' || waitType === 'clarifying_question';
}

/** The badge of a session: its kind (for colour) and label. */
export function sessionBadge(session: SessionInfo): { kind: 'busy' | 'waiting' | 'idle' | 'exited'; label: string } {
  if (session.status === 'failed') return { kind: 'exited', label: `Failed ${session.exit_code ?? ''}`.trim() };
  if (session.status === 'exited') return { kind: 'exited', label: session.exit_code === null ? 'Exited' : `Exited ${session.exit_code}` };
  const waitType = session.waiting?.wait_type;
  if (waitType !== undefined && needsDecision(waitType)) return { kind: 'waiting', label: `Waiting · ${WAIT_BADGES[waitType]}` };
  if (waitType === 'awaiting_response') return { kind: 'idle', label: 'Idle' };
  return { kind: 'busy', label: 'Busy' };
}

/** The last path segment of a working directory ("app" for /home/ada/app). */
export function projectName(cwd: string): string {
  const parts = cwd.split(/[\\/]+/).filter((part) => part !== '');
  return parts.at(-1) ?? cwd;
}

/** A short name for this browser's device, sent when pairing. */
export function deviceName(): string {
  const agent = navigator.userAgent;
  if (/iPhone/.test(agent)) return 'iPhone';
  if (/iPad/.test(agent)) return 'iPad';
  if (/Android/.test(agent)) return 'Android phone';
  return 'Browser';
}
