/**
 * Scripts for the mock Responses API (Codex): the conversation state a script sees (read from
 * the request's `input` items), the replies it returns, and ready-made Codex scenarios
 * (escalated exec_command, apply_patch, request_user_input, plans, text, look-alikes, busy).
 */

/** A function_call_output item Codex sent back. */
export interface ToolOutput {
  readonly callId: string;
  readonly output: string;
}

/** What a script sees of the conversation. */
export interface ResponsesState {
  /** Assistant outputs so far (messages and function calls) since the last user message. */
  readonly stepInTurn: number;
  /** User messages so far (typed prompts, not instructions). */
  readonly userTurns: number;
  readonly toolOutputs: readonly ToolOutput[];
  readonly lastUserText: string;
  /** Names of the tools offered. */
  readonly toolNames: readonly string[];
  readonly body: any;
}

/** The next model output: text, a function call, or both. */
export interface ResponsesReply {
  /** A reasoning summary streamed before everything else (a `reasoning` output item). */
  readonly reasoning?: string;
  readonly text?: string;
  readonly functionCall?: { readonly name: string; readonly arguments: Record<string, unknown> };
  /** A freeform (custom) tool call such as `apply_patch`, whose input is raw text. */
  readonly customToolCall?: { readonly name: string; readonly input: string };
  /** Wait this long after response.created. */
  readonly delayMs?: number;
  /** Stream the text as these deltas. */
  readonly chunks?: readonly string[];
  /** Wait between text deltas. */
  readonly chunkDelayMs?: number;
}

/** Maps the conversation state to the next reply. */
export type ResponsesScript = (state: ResponsesState) => ResponsesReply;

/** One scenario step. */
export type ResponsesStep = ResponsesReply | ((state: ResponsesState) => ResponsesReply);

const DONE: ResponsesReply = { text: 'Done.' };

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: any) => (typeof part?.text === 'string' ? part.text : '')).join('\n');
}

/** True for a user message that carries context Codex adds (AGENTS.md, environment, permissions). */
function isContextMessage(text: string): boolean {
  return /^\s*<(environment_context|user_instructions|permissions|collaboration_mode|turn_aborted|skill)/i.test(text) || text.startsWith('# AGENTS.md');
}

/** Reads a request body into the state scripts see. */
export function responsesState(body: any): ResponsesState {
  const items: any[] = Array.isArray(body?.input) ? body.input : [];
  const toolOutputs: ToolOutput[] = [];
  let lastUserText = '';
  let userTurns = 0;
  let stepInTurn = 0;
  for (const item of items) {
    if (item?.type === 'function_call_output' || item?.type === 'custom_tool_call_output') {
      const output = typeof item.output === 'string' ? item.output : contentText(item.output?.content ?? item.output);
      toolOutputs.push({ callId: String(item.call_id), output });
    } else if ((item?.type === 'message' || item?.type === undefined) && item?.role === 'user') {
      const text = contentText(item.content);
      if (isContextMessage(text)) continue;
      lastUserText = text;
      userTurns += 1;
      stepInTurn = 0;
    } else if ((item?.type === 'message' && item?.role === 'assistant') || item?.type === 'function_call' || item?.type === 'custom_tool_call') {
      stepInTurn += 1;
    }
  }
  const toolNames = (Array.isArray(body?.tools) ? body.tools : []).map((tool: any) => String(tool?.name ?? tool?.type ?? ''));
  return { stepInTurn, userTurns, toolOutputs, lastUserText, toolNames, body };
}

/** Plays `steps` in order within each user turn, then `finalReply`. */
export function stepsScenario(steps: readonly ResponsesStep[], finalReply: ResponsesReply = DONE): ResponsesScript {
  return (state) => {
    const step = steps[state.stepInTurn];
    if (step === undefined) return finalReply;
    return typeof step === 'function' ? step(state) : step;
  };
}

/** One reply per user turn: turn n gets `turns[n-1]` (a list of steps), later turns "Done.". */
export function turnsScenario(turns: ReadonlyArray<readonly ResponsesStep[]>): ResponsesScript {
  return (state) => stepsScenario(turns[state.userTurns - 1] ?? [])(state);
}

/** An exec_command call that asks to run outside the sandbox (so on-request asks the user). */
export function escalatedExec(cmd: string, justification: string): ResponsesReply {
  return {
    functionCall: {
      name: 'exec_command',
      arguments: { cmd, sandbox_permissions: 'require_escalated', justification },
    },
  };
}

/** Step 1: escalated `cmd`; step 2: "Done.". */
export function execScenario(cmd: string, justification = 'Run the requested command'): ResponsesScript {
  return stepsScenario([escalatedExec(cmd, justification)]);
}

/** An apply_patch call (freeform tool) that replaces `oldLine` with `newLine` in `file`. */
export function patchCall(file: string, oldLine: string, newLine: string): ResponsesReply {
  const patch = ['*** Begin Patch', `*** Update File: ${file}`, '@@', `-${oldLine}`, `+${newLine}`, '*** End Patch', ''].join('\n');
  return { customToolCall: { name: 'apply_patch', input: patch } };
}

/** A request_user_input call (Plan mode only) with one question per entry. */
export function questionCall(questions: ReadonlyArray<{ id: string; header: string; question: string; options: ReadonlyArray<{ label: string; description: string }> }>): ResponsesReply {
  return { functionCall: { name: 'request_user_input', arguments: { questions } } };
}

/** A Plan-mode answer that proposes `plan` (Codex shows "Implement this plan?" after it). */
export function proposedPlan(plan: string): ResponsesReply {
  return { text: `Here is the plan.\n\n<proposed_plan>\n${plan}\n</proposed_plan>\n` };
}

/** The plan the plan scenarios propose. */
export const SAMPLE_PLAN = ['# Add a greeting script', '', '1. Create `hello.sh` that prints "hello".', '2. Make it executable.', '3. Run it once.'].join('\n');

/**
 * Answers each user turn with the next text (then "Done.") after `FIRST_TOKEN_MS`, like a real
 * model: a turn shorter than the detector's evaluation window would show no busy screen at all.
 */
export function textScenario(...texts: string[]): ResponsesScript {
  return (state) => ({ text: texts[state.userTurns - 1] ?? 'Done.', delayMs: FIRST_TOKEN_MS });
}

/** First-token latency of the text scenarios (ms). */
export const FIRST_TOKEN_MS = 600;

/** An answer whose code block merely looks like a Codex approval prompt. */
export const LOOKALIKE_TEXT = [
  'Here is what the approval prompt looks like:',
  '',
  '```',
  'Would you like to run the following command?',
  '',
  '$ rm -rf build',
  '',
  '› 1. Yes, proceed (y)',
  '  2. No, and tell Codex what to do differently (esc)',
  '',
  'Press enter to confirm or esc to cancel',
  '```',
  '',
  'That is only an example; nothing is waiting for you.',
].join('\n');

/** A diff in the answer text whose lines contain "? " (questions in a changelog). */
export const DIFF_TEXT = [
  'Here is the change I would make:',
  '',
  '```diff',
  '--- a/FAQ.md',
  '+++ b/FAQ.md',
  '@@ -1,3 +1,4 @@',
  '-Q: Is it fast? A: yes',
  '+Q: Is it fast? A: very',
  '+Q: Does it need a network? A: no',
  ' Q: Can I cancel? Press esc.',
  '```',
  '',
  'Nothing has been changed yet.',
].join('\n');

/** Negative: a long answer streamed over about `seconds` with prompt-like log lines. */
export function busyScenario(seconds = 6): ResponsesScript {
  const lines: string[] = [];
  for (let i = 1; i <= 40; i += 1) {
    lines.push(i % 10 === 0 ? `Step ${i}: Would you like to run the following command? (just a log line)` : `Step ${i}: compiling module ${i}`);
  }
  const chunks = lines.map((line) => `${line}\n`);
  return stepsScenario([{ text: chunks.join(''), chunks, chunkDelayMs: Math.round((seconds * 1000) / chunks.length) }]);
}
