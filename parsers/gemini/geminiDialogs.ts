/**
 * Classifies a Gemini CLI dialog box (0.61.0, and the older labels Qwen Code keeps) from its
 * text and radio options: tool approval (with option roles), plan approval, ask-user question,
 * folder trust, auth. Screen shapes are quoted in testdata/NOTES.md.
 */
import type { OptionRole, PromptInfo, PromptOption } from '../../src/common/index.js';
import type { RadioOption } from './geminiBox.js';

/** Esc cancels every Gemini dialog (deny for tools, "No, suggest changes"). */
export const ESCAPE = '\x1b';

/** What a dialog box says, as read off the screen. */
export interface BoxDialog {
  /** Rows above the radio list (title, subject, body, question) joined with newlines. */
  readonly content: string;
  readonly options: readonly RadioOption[];
  /** Rows under the list (hints such as "Enter to select · Esc to cancel"). */
  readonly footer: string;
  /** True when the box holds a text field (`> Enter your response`) instead of a list. */
  readonly textField?: boolean;
}

/** The review tab's only action: Enter submits the answers. */
const SUBMIT_OPTION: PromptOption = { id: 'submit', label: 'Submit answers', keys: '\r' };

/** Approval labels → role, current (0.61) and older (≤ 0.21, Qwen Code) wording. */
const ROLE_LABELS: ReadonlyArray<readonly [RegExp, OptionRole]> = [
  [/^(yes, )?allow once\b/i, 'approve'],
  [/^(yes, )?allow (always|for this session|tool for this session|all server tools|this command for all future|for this file|for all future|tool for all future)/i, 'approve_always'],
  [/^always allow\b/i, 'approve_always'],
  [/^no\b/i, 'deny'],
];
/** Questions of the tool confirmation box. */
const TOOL_QUESTION = /Allow execution of|Apply this change\?|Do you want to proceed\?|allow access to the following\?/i;
/** The subject row `? <Tool>  <description>` that opens a tool confirmation. */
const TOOL_ROW = /^\?\s+(\S+(?: \S+)*?)(?:\s{2,}|$)/u;
/** Free-text rows of ask-user / plan dialogs (placeholders as drawn). */
const TEXT_ROW = /^(Other|Enter a custom value|Enter your response|Type your feedback|Type something)/i;

function roleOf(label: string): OptionRole | undefined {
  for (const [pattern, role] of ROLE_LABELS) if (pattern.test(label)) return role;
  return undefined;
}

/** Trust-dialog roles: trusting the folder approves, "Don't trust" denies. */
function trustRole(label: string): { role?: OptionRole } {
  if (/^Trust folder\b/.test(label)) return { role: 'approve' };
  if (/^Don.t trust\b/.test(label)) return { role: 'deny' };
  return {};
}

/** The prompt options: digit keys select immediately (≤ 9 options). */
export function toPromptOptions(options: readonly RadioOption[], withRoles: boolean): PromptOption[] {
  return options.map((option) => {
    const role = withRoles ? roleOf(option.label) : undefined;
    return {
      id: String(option.number),
      label: option.label,
      keys: String(option.number),
      ...(role ? { role } : {}),
      ...(!withRoles && TEXT_ROW.test(option.label) ? { acceptsText: true } : {}),
    };
  });
}

/** The tool name from a confirmation's subject row, e.g. `? Shell  npm test` → Shell. */
export function toolNameOf(content: string): string | undefined {
  for (const row of content.split('\n')) {
    const match = TOOL_ROW.exec(row);
    if (match) return match[1];
  }
  return undefined;
}

/** Classifies a dialog box into a prompt; undefined when it is not a dialog Gemini asks with. */
export function classifyGeminiDialog(dialog: BoxDialog): PromptInfo | undefined {
  const { content, footer } = dialog;
  const all = `${content}\n${footer}`;
  const labels = dialog.options.map((o) => o.label);
  const base = { content, cancelKeys: ESCAPE };

  if (/trust the files in this folder/i.test(all) || labels.some((l) => /^Trust folder\b/.test(l))) {
    const options = toPromptOptions(dialog.options, false).map((o) => ({ ...o, ...trustRole(o.label) }));
    return { ...base, waitType: 'tool_approval', kind: 'trust_folder', options, acceptsText: false };
  }
  if (labels.some((l) => /^(Use Gemini API Key|Sign in with Google|Login with Google|Vertex AI)$/i.test(l))) {
    return { ...base, waitType: 'clarifying_question', kind: 'auth', options: toPromptOptions(dialog.options, false), acceptsText: false };
  }
  if (/Ready to start implementation\?|implementation plan|approve (this|the) plan/i.test(all) || labels.some((l) => /accept edits$/i.test(l) && /^yes\b/i.test(l))) {
    const options = toPromptOptions(dialog.options, false);
    return { ...base, waitType: 'plan_approval', kind: 'plan', options, acceptsText: options.some((o) => o.acceptsText) };
  }
  const isApproval = labels.some((l) => roleOf(l) === 'approve') && (TOOL_QUESTION.test(all) || toolNameOf(content) !== undefined);
  if (isApproval) {
    const tool = toolNameOf(content);
    return { ...base, waitType: 'tool_approval', ...(tool ? { toolName: tool, kind: tool } : {}), options: toPromptOptions(dialog.options, true), acceptsText: false };
  }
  if (dialog.options.length === 0) {
    // A text question takes typed text; the review tab ("Enter to submit") takes Enter.
    const options = dialog.textField ? [] : /^Enter to submit\b/.test(footer) ? [SUBMIT_OPTION] : [];
    return { ...base, waitType: 'clarifying_question', options, acceptsText: dialog.textField === true };
  }
  const options = toPromptOptions(dialog.options, false);
  return { ...base, waitType: 'clarifying_question', options, acceptsText: options.some((o) => o.acceptsText) };
}
