/**
 * Scripts for the mock Anthropic server: the conversation state a script sees, the replies it
 * returns, and ready-made scenarios (Bash, Edit, Write, plan mode, AskUserQuestion, plain text,
 * look-alike text, long busy output) shared by the e2e tests and the fixture recorder.
 */

/** A tool_result block the CLI sent back. */
export interface ToolResult {
  readonly toolUseId: string;
  /** The result's text (text blocks joined). */
  readonly content: string;
  readonly isError: boolean;
}

/** What a script sees of the main conversation. */
export interface ConversationState {
  /** Assistant messages so far: 0 on the first main request. */
  readonly assistantTurns: number;
  readonly toolResults: readonly ToolResult[];
  readonly lastToolResult: ToolResult | undefined;
  /** The last text the user typed (system reminders skipped), '' when none. */
  readonly lastUserText: string;
  /** The plan file path named in plan mode's system reminder, when present. */
  readonly planFilePath: string | undefined;
  /** The raw request body. */
  readonly body: any;
}

/** The next assistant message: text, a tool call, or text then a tool call. */
export interface MockReply {
  /** Extended thinking streamed before the text (a `thinking` block with a mock signature). */
  readonly thinking?: string;
  readonly text?: string;
  readonly toolUse?: { readonly name: string; readonly input: Record<string, unknown> };
  /** Wait this long after message_start before the first content block. */
  readonly delayMs?: number;
  /** Stream the text as these deltas instead of fixed-size chunks. */
  readonly chunks?: readonly string[];
  /** Wait this long between text deltas (keeps the CLI busy). */
  readonly chunkDelayMs?: number;
  /**
   * Claude Code 2.1.332's auto mode: the verdict of Anthropic's server-side check on this reply's
   * tool call, sent when the request asks for the check (a `safeguards` field) as
   * `message_delta.delta.safeguard_results` (shape read from the 2.1.332 binary, see
   * docs/cli-screens-newest.md). Absent: no verdict, as through any other base URL, so the CLI
   * concludes the check cannot run ("Auto mode can't check actions in this session").
   */
  readonly safeguard?: SafeguardVerdict;
}

/** A verdict of the server-side auto-mode check on one tool call. */
export type SafeguardVerdict =
  | { readonly outcome: 'flagged' | 'not_flagged'; readonly explanation?: string }
  | { readonly unavailable: string };

/** Maps the main conversation state to the next reply. */
export type MockScript = (state: ConversationState) => MockReply;

/** One step of a scenario: a fixed reply or one computed from the state. */
export type ScenarioStep = MockReply | ((state: ConversationState) => MockReply);

/** The final reply once a scenario's steps run out. */
const DONE: MockReply = { text: 'Done.' };

function blockText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((block: any) => block?.type === 'text')
    .map((block: any) => String(block.text))
    .join('\n');
}

/** Reads a request body into the state scripts see. */
export function conversationState(body: any): ConversationState {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  const toolResults: ToolResult[] = [];
  let lastUserText = '';
  let planFilePath: string | undefined;
  for (const message of messages) {
    const blocks: any[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content ?? [];
    for (const block of blocks) {
      if (message.role === 'user' && block?.type === 'tool_result') {
        toolResults.push({ toolUseId: block.tool_use_id, content: blockText(block.content), isError: block.is_error === true });
      } else if (block?.type === 'text') {
        // Plan mode names the plan file in a system reminder (a user or system message).
        const text = String(block.text);
        const plan = /(\/[^\s`'"]*\/plans\/[^\s`'"]+\.md)/.exec(text);
        if (plan) planFilePath = plan[1];
        if (message.role === 'user' && !text.trimStart().startsWith('<')) lastUserText = text;
      }
    }
  }
  return {
    assistantTurns: messages.filter((message) => message.role === 'assistant').length,
    toolResults,
    lastToolResult: toolResults[toolResults.length - 1],
    lastUserText,
    planFilePath,
    body,
  };
}

/** Plays `steps` in order, one per assistant turn, then answers "Done.". */
export function stepsScenario(steps: readonly ScenarioStep[], finalReply: MockReply = DONE): MockScript {
  return (state) => {
    const step = steps[state.assistantTurns];
    if (step === undefined) return finalReply;
    return typeof step === 'function' ? step(state) : step;
  };
}

/** Turn 1: Bash `command`; turn 2: "Done.". */
export function bashScenario(command: string, description = 'Run the requested command'): MockScript {
  return stepsScenario([{ toolUse: { name: 'Bash', input: { command, description } } }]);
}

/** Turn 1: Read `filePath` (Edit needs it); turn 2: Edit it; turn 3: "Done.". */
export function editScenario(filePath: string, oldString: string, newString: string): MockScript {
  return stepsScenario([
    { toolUse: { name: 'Read', input: { file_path: filePath } } },
    { toolUse: { name: 'Edit', input: { file_path: filePath, old_string: oldString, new_string: newString } } },
  ]);
}

/** Turn 1: Write `content` to `filePath` (a new file); turn 2: "Done.". */
export function writeScenario(filePath: string, content: string): MockScript {
  return stepsScenario([{ toolUse: { name: 'Write', input: { file_path: filePath, content } } }]);
}

/** The plan the plan-mode scenario writes and proposes. */
export const SAMPLE_PLAN = [
  '# Plan: add a greeting script',
  '',
  '1. Create `hello.sh` that prints "hello".',
  '2. Make it executable.',
  '3. Run it once to check the output.',
].join('\n');

/**
 * Plan mode: turn 1 writes the plan file named in the system reminder, turn 2 calls
 * ExitPlanMode, and any later turn answers `afterPlan` (default "Done.").
 */
export function planScenario(plan = SAMPLE_PLAN, afterPlan: MockReply = DONE): MockScript {
  return stepsScenario(
    [
      (state) => ({
        toolUse: { name: 'Write', input: { file_path: state.planFilePath ?? '/tmp/plan.md', content: plan } },
      }),
      // 2.1.197's ExitPlanMode takes no plan: it reads the plan file written above.
      { toolUse: { name: 'ExitPlanMode', input: {} } },
    ],
    afterPlan,
  );
}

/** One AskUserQuestion question. */
export interface QuestionSpec {
  readonly question: string;
  /** Short chip label (max 12 chars). */
  readonly header: string;
  readonly options: ReadonlyArray<{ readonly label: string; readonly description: string }>;
  readonly multiSelect?: boolean;
}

/** A single question with two options. */
export const AUTH_QUESTION: QuestionSpec = {
  question: 'Which auth method should we use?',
  header: 'Auth',
  options: [
    { label: 'OAuth', description: "Use the provider's OAuth flow" },
    { label: 'API key', description: 'A static key in the environment' },
  ],
};

/** A second question for the several-questions scenario. */
export const STORAGE_QUESTION: QuestionSpec = {
  question: 'Where should sessions be stored?',
  header: 'Storage',
  options: [
    { label: 'Memory', description: 'Lost on restart' },
    { label: 'SQLite', description: 'A file beside the app' },
  ],
};

/** Turn 1: AskUserQuestion with `questions`; turn 2: "Done.". */
export function askScenario(questions: readonly QuestionSpec[] = [AUTH_QUESTION]): MockScript {
  const input = { questions: questions.map((question) => ({ multiSelect: false, ...question })) };
  return stepsScenario([{ toolUse: { name: 'AskUserQuestion', input } }]);
}

/** Answers each user turn with the next text (then "Done."). */
export function textScenario(...texts: string[]): MockScript {
  return stepsScenario(texts.map((text) => ({ text })));
}

/** An answer whose code block merely looks like a Claude approval prompt. */
export const LOOKALIKE_TEXT = [
  'Here is what the approval prompt looks like:',
  '',
  '```',
  'Bash command',
  '  rm -rf build',
  'Do you want to proceed?',
  '❯ 1. Yes',
  '  2. No',
  '```',
  '',
  'That is only an example; nothing is waiting for you.',
].join('\n');

/** Negative: a plain answer containing a look-alike prompt in a code block. */
export function lookalikeScenario(): MockScript {
  return textScenario(LOOKALIKE_TEXT);
}

/**
 * Negative: a long answer streamed slowly (about `seconds` seconds) so the CLI stays busy,
 * with lines that look like prompts among ordinary output.
 */
export function busyScenario(seconds = 6): MockScript {
  const lines: string[] = [];
  for (let i = 1; i <= 40; i += 1) {
    lines.push(i % 10 === 0 ? `Step ${i}: Do you want to proceed? (just a log line)` : `Step ${i}: compiling module ${i}`);
  }
  const chunks = lines.map((line) => `${line}\n`);
  return stepsScenario([{ text: chunks.join(''), chunks, chunkDelayMs: Math.round((seconds * 1000) / chunks.length) }]);
}
