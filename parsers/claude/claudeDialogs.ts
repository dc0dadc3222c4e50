/**
 * Classifies a Claude Code dialog (2.1.197) from its text and options: tool approval, plan
 * approval, startup dialogs (trust folder, custom API key, theme/onboarding), or a
 * clarifying question. Screen shapes are quoted in claudeParser.ts and testdata/NOTES.md.
 */
import type { PromptInfo, PromptOption } from '../../src/common/index.js';

/** ESC cancels every Claude dialog (deny for tools, keep planning for plans). */
const ESCAPE = '\x1b';

/** Tool dialog titles (first row of the dialog) → tool name. */
const TOOL_TITLES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^Bash command\b/, 'Bash'],
  [/^(Edit|Create|Overwrite|Read) file\b/, 'Edit'],
  [/^Edit notebook\b/, 'NotebookEdit'],
  [/^Fetch\b/, 'WebFetch'],
  [/^Tool use\b/, 'Tool'],
];

/** What a dialog says, as read off the screen. */
export interface DialogText {
  /** Title, body and question rows joined with newlines. */
  readonly content: string;
  readonly options: readonly PromptOption[];
  /** Hint rows under the list (e.g. "Esc to cancel · tab to amend"). */
  readonly footer: string;
}

function toolName(title: string): string | undefined {
  for (const [pattern, name] of TOOL_TITLES) if (pattern.test(title)) return name;
  if (/^Create file\b/.test(title)) return 'Write';
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

  if (/trust this folder|trust the files|Accessing workspace/i.test(all)) {
    return { ...base, waitType: 'tool_approval', kind: 'trust_folder', acceptsText: false };
  }
  if (/custom API key/i.test(all)) {
    return { ...base, waitType: 'tool_approval', kind: 'api_key', acceptsText: false };
  }
  if (/text style|Dark mode|Light mode/i.test(all) && !hasYes) {
    return { ...base, waitType: 'clarifying_question', kind: 'onboarding', acceptsText: false };
  }
  // AskUserQuestion draws a tab bar of checkboxes (☐ unanswered, ☒ answered, ✔ Submit) and a
  // free-text row; whatever its options say, it is a question.
  const isQuestionWidget = /[☐☒✔]/u.test(title) || options.some((o) => /^type something/i.test(o.label));
  if (!isQuestionWidget && hasYes && options.length >= 2) {
    if (/\bplan\b/i.test(all) && !toolName(title)) {
      return { ...base, waitType: 'plan_approval', kind: 'plan', acceptsText };
    }
    const tool = toolName(title);
    return { ...base, waitType: 'tool_approval', ...(tool ? { toolName: tool } : {}), acceptsText };
  }
  return { ...base, waitType: 'clarifying_question', acceptsText };
}
