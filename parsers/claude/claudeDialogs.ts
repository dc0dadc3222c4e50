/**
 * Classifies a Claude Code dialog (2.1.197 and 2.1.332) from its text and options: tool approval,
 * plan approval, startup dialogs (trust folder, custom API key, theme, the 2.1.332 fullscreen
 * offer and auto-mode default), the 2.1.332 auto-mode dialog whose choices are keys in its footer,
 * or a clarifying question. Approval options get their roles here. Screen shapes are quoted in
 * claudeParser.ts, claudeLists.ts and testdata/NOTES.md.
 */
import type { OptionRole, PromptInfo, PromptOption } from '../../src/common/index.js';
import { ESCAPE } from './claudeLists.js';

/** Tool dialog titles (first row of the dialog) → tool name. */
const TOOL_TITLES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^Bash command\b/, 'Bash'],
  [/^Create file\b/, 'Write'],
  [/^(Edit|Overwrite|Read) file\b/, 'Edit'],
  [/^Edit notebook\b/, 'NotebookEdit'],
  [/^Fetch\b/, 'WebFetch'],
  [/^Tool use\b/, 'Tool'],
];

/** "Yes, and …" rows that allow more than this call from now on (2.1.197 and 2.1.332 wordings). */
const ALWAYS = /always allow|don.t ask again|allow all edits|for this session|during this session|switch to accept edits/i;
/**
 * 2.1.332's "Yes, and switch to auto mode": it approves this call and hands every later one to
 * auto mode's server-side check, which behind any other base URL cannot run. A mode change, not
 * an "always" for this kind of call, so no role: the phone's yes/always never pick it; its id does.
 */
const AUTO_MODE_SWITCH = /switch to auto mode/i;

/** What a dialog says, as read off the screen. */
export interface DialogText {
  /** Title, body and question rows joined with newlines. */
  readonly content: string;
  readonly options: readonly PromptOption[];
  /** Hint rows under the list (e.g. "Esc to cancel · tab to amend"). */
  readonly footer: string;
  /** A tool call waits right above the dialog (`● Bash(…)` / `⎿  Waiting…`). */
  readonly pendingCall: boolean;
  /** The choices are keys named in the footer; there is no list. */
  readonly footerOnly?: boolean;
}

function toolName(title: string): string | undefined {
  for (const [pattern, name] of TOOL_TITLES) if (pattern.test(title)) return name;
  return undefined;
}

/** Roles of approval options from their labels: No… denies, the first plain Yes… approves once. */
export function withApprovalRoles(options: readonly PromptOption[]): PromptOption[] {
  let approved = false;
  return options.map((option) => {
    let role: OptionRole | undefined = option.role;
    if (role === undefined && !option.acceptsText) {
      if (/^no\b/i.test(option.label)) role = 'deny';
      else if (/^yes\b/i.test(option.label) && !AUTO_MODE_SWITCH.test(option.label)) {
        if (ALWAYS.test(option.label)) role = 'approve_always';
        else if (!approved) role = 'approve';
      }
    }
    if (role === 'approve') approved = true;
    return role === undefined ? option : { ...option, role };
  });
}

/** Kinds of Claude's own yes/no questions that are not tool approvals (2.1.332). */
function settingKind(all: string): string | undefined {
  if (/fullscreen renderer/i.test(all)) return 'fullscreen_offer';
  if (/default permission mode/i.test(all)) return 'default_mode';
  return undefined;
}

/** Classifies a dialog into a prompt. */
export function classifyClaudeDialog(text: DialogText): PromptInfo {
  const { content, options, footer } = text;
  const title = content.split('\n')[0] ?? '';
  const all = `${content}\n${footer}`;
  const hasYes = options.some((o) => /^yes\b/i.test(o.label));
  const base = { content, options, cancelKeys: ESCAPE };
  const acceptsText = options.some((o) => o.acceptsText === true);
  const approval = (extra: Partial<PromptInfo>): PromptInfo => ({ ...base, waitType: 'tool_approval', acceptsText, ...extra, options: withApprovalRoles(options) });

  if (/trust this folder|trust the files|Accessing workspace/i.test(all)) return approval({ kind: 'trust_folder' });
  if (/custom API key/i.test(all)) return approval({ kind: 'api_key' });
  if (/text style|Dark mode|Light mode/i.test(all) && !hasYes) {
    return { ...base, waitType: 'clarifying_question', kind: 'onboarding', acceptsText: false };
  }
  const tool = toolName(title);
  if (text.footerOnly) {
    // 2.1.332 "Auto mode can't check actions in this session": the call above waits on the answer.
    const kind = /^auto mode\b/i.test(title) ? 'auto_mode_unavailable' : /security notes/i.test(content) ? 'onboarding' : undefined;
    if (text.pendingCall || tool) return { ...approval({ ...(kind ? { kind } : {}) }), options };
    // Roles mean something only to approvals.
    const plain = options.map(({ role: _role, ...option }) => option);
    return { ...base, options: plain, waitType: 'clarifying_question', ...(kind ? { kind } : {}), acceptsText: false };
  }
  // AskUserQuestion draws a tab bar of checkboxes (☐ unanswered, ☒ answered, ✔ Submit) and a
  // free-text row; whatever its options say, it is a question.
  const isQuestionWidget = /[☐☒✔]/u.test(title) || options.some((o) => /^type something/i.test(o.label));
  if (!isQuestionWidget && hasYes && options.length >= 2) {
    if (/\bplan\b/i.test(all) && !tool) return { ...base, waitType: 'plan_approval', kind: 'plan', acceptsText };
    if (tool || text.pendingCall) return approval(tool ? { toolName: tool } : {});
    const kind = settingKind(all);
    return { ...base, waitType: 'clarifying_question', ...(kind ? { kind } : {}), acceptsText };
  }
  const kind = settingKind(all);
  return { ...base, waitType: 'clarifying_question', ...(kind ? { kind } : {}), acceptsText };
}
