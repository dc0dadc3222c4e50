/**
 * Classifies a Codex 0.169 dialog from its prompt rows, options and hint row: approvals (rows
 * end in a `(y)`-style key hint), the plan approval, request_user_input questions, and startup
 * dialogs (model migration, trust). Screen shapes are in testdata/NOTES.md.
 */
import type { OptionRole, PromptInfo, PromptOption } from '../../src/common/index.js';

/** ESC cancels every Codex dialog (deny and tell Codex for approvals, back for the plan). */
const ESCAPE = '\x1b';

/** An option as read off the screen, with the key hint it carried. */
export interface CodexOption extends PromptOption {
  /** The hint letter (`y`, `a`, `p`, `d`, `esc`), when the row had one. */
  readonly hint?: string;
  /** True for the row the `›` pointer is on. */
  readonly focused?: boolean;
  /** The description column (questions, plan), dropped from the prompt. */
  readonly description?: string;
}

const DOWN = '\x1b[B';
const UP = '\x1b[A';

/** What a dialog says, as read off the screen. */
export interface CodexDialogText {
  /** Prompt rows above the list, trimmed, joined with newlines. */
  readonly content: string;
  readonly options: readonly CodexOption[];
  /** Hint rows under the list. */
  readonly footer: string;
}

/** Approval titles → the tool that asked. */
const TOOL_TITLES: ReadonlyArray<readonly [RegExp, string]> = [
  [/run the following command/i, 'exec_command'],
  [/make the following edits/i, 'apply_patch'],
  [/grant these permissions/i, 'request_permissions'],
  [/send input to the existing terminal/i, 'write_stdin'],
  [/network access/i, 'network'],
  [/needs your approval/i, 'mcp'],
];

/** Role of an approval row from its key hint. */
function roleOf(hint: string | undefined, hasDecline: boolean): OptionRole | undefined {
  switch (hint) {
    case 'y':
      return 'approve';
    case 'a':
    case 'p':
      return 'approve_always';
    case 'd':
      return 'deny';
    case 'esc':
    case 'n':
      return hasDecline ? undefined : 'deny';
    default:
      return undefined;
  }
}

function strip(option: CodexOption): PromptOption {
  const { hint: _hint, focused: _focused, description: _description, ...rest } = option;
  return rest;
}

/**
 * request_user_input options. A digit picks and submits at once. The row whose description
 * offers notes via `(tab)` ("None of the above") takes free text: arrow to it, Tab opens the
 * notes field, the text and Enter submit (seen: `["None of the above", "user_note: …"]`).
 */
function questionOptions(options: readonly CodexOption[]): PromptOption[] {
  const focused = Math.max(0, options.findIndex((o) => o.focused));
  return options.map((option, index) => {
    if (!/\(tab\)\s*$/u.test(option.description ?? '')) return strip(option);
    const moves = index >= focused ? DOWN.repeat(index - focused) : UP.repeat(focused - index);
    return { ...strip(option), keys: `${moves}\t`, acceptsText: true };
  });
}

function approval(text: CodexDialogText): PromptInfo {
  const hasDecline = text.options.some((o) => o.hint === 'd');
  const options = text.options.map((option) => {
    const role = roleOf(option.hint, hasDecline);
    // Esc denies and hands the composer back for "what to do differently".
    const acceptsText = option.hint === 'esc';
    return { ...strip(option), ...(role ? { role } : {}), ...(acceptsText ? { acceptsText } : {}) };
  });
  // `approve_always`: prefer the session-scoped row (a) over the persistent prefix rule (p).
  const always = options.filter((o) => o.role === 'approve_always');
  const fixed = always.length > 1 ? options.map((o) => (o.role === 'approve_always' && text.options.find((x) => x.id === o.id)?.hint === 'p' ? { ...o, role: undefined } : o)) : options;
  const title = text.content.split('\n')[0] ?? '';
  const tool = TOOL_TITLES.find(([pattern]) => pattern.test(title))?.[1];
  return {
    waitType: 'tool_approval',
    ...(tool ? { toolName: tool, kind: tool } : {}),
    content: text.content,
    options: fixed,
    cancelKeys: ESCAPE,
    acceptsText: false,
  };
}

/** Classifies a dialog; undefined when the list is not a Codex dialog. */
export function classifyCodexDialog(text: CodexDialogText): PromptInfo | undefined {
  const { content, options, footer } = text;
  if (options.some((o) => o.hint !== undefined)) return approval(text);
  const base = { content, options: options.map(strip), cancelKeys: ESCAPE, acceptsText: false };
  if (/^Question \d+\/\d+/mu.test(content) || /submit (answer|all)/i.test(footer)) {
    const questionOptionsRead = questionOptions(options);
    return { ...base, options: questionOptionsRead, waitType: 'clarifying_question', kind: 'request_user_input', acceptsText: questionOptionsRead.some((o) => o.acceptsText === true) };
  }
  if (/\bplan\b/i.test(content) && options.some((o) => /^yes\b/i.test(o.label))) {
    return { ...base, waitType: 'plan_approval', kind: 'plan' };
  }
  if (/trust|Do you trust/i.test(content)) {
    // `1. Trust and continue` trusts; the other row (`2. Back to Agent Command Center`, older `Quit`)
    // does not. This screen takes Enter on the focused row (codex's own trust test answers `\r`);
    // a digit did nothing here (0.169.0 and 0.171.0), so the keys are arrows from the focus, then Enter.
    const focused = Math.max(0, options.findIndex((o) => o.focused));
    const trustOptions = base.options.map((o, index): PromptOption => ({
      ...o,
      keys: `${index >= focused ? DOWN.repeat(index - focused) : UP.repeat(focused - index)}\r`,
      role: /^(yes|trust)\b/i.test(o.label) ? 'approve' : 'deny',
    }));
    return { ...base, options: trustOptions, waitType: 'tool_approval', kind: 'trust_folder' };
  }
  if (/^Welcome to Codex\b/mu.test(content)) return { ...base, waitType: 'clarifying_question', kind: 'sign_in' };
  if (/existing model/i.test(options.map((o) => o.label).join('\n'))) {
    return { ...base, waitType: 'clarifying_question', kind: 'model_migration' };
  }
  if (!/enter|esc|confirm|select/i.test(footer)) return undefined;
  return { ...base, waitType: 'clarifying_question' };
}
