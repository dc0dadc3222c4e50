/**
 * Scripts for the mock Gemini API: ready-made scenarios (shell command, file write, ask_user,
 * plan mode, plain text, look-alike text, long busy output) shared by the Gemini e2e test,
 * the screen study and the fixture recorder.
 */
import type { GeminiReply, GeminiScript, GeminiState } from './geminiServer.js';

/** One step: a fixed reply or one computed from the state. */
export type GeminiStep = GeminiReply | ((state: GeminiState) => GeminiReply);

const DONE: GeminiReply = { text: 'Done.' };

/** Plays `steps` one per model turn, then answers `finalReply`. */
export function geminiSteps(steps: readonly GeminiStep[], finalReply: GeminiReply = DONE): GeminiScript {
  return (state) => {
    const step = steps[state.modelTurns];
    if (step === undefined) return finalReply;
    return typeof step === 'function' ? step(state) : step;
  };
}

/** Turn 1: run_shell_command `command`; then "Done.". */
export function shellScenario(command: string, description = 'Run the requested command'): GeminiScript {
  return geminiSteps([{ functionCall: { name: 'run_shell_command', args: { command, description } } }]);
}

/** Turn 1: write_file `filePath` with `content`; then "Done.". */
export function writeFileScenario(filePath: string, content: string): GeminiScript {
  return geminiSteps([{ functionCall: { name: 'write_file', args: { file_path: filePath, content } } }]);
}

/** Turn 1: replace `oldString` with `newString` in `filePath`; then "Done.". */
export function replaceScenario(filePath: string, oldString: string, newString: string): GeminiScript {
  return geminiSteps([
    { functionCall: { name: 'replace', args: { file_path: filePath, old_string: oldString, new_string: newString, instruction: 'Update the greeting' } } },
  ]);
}

/** One ask_user question. */
export interface GeminiQuestion {
  readonly question: string;
  readonly header: string;
  readonly type?: 'choice' | 'text' | 'yesno';
  readonly options?: ReadonlyArray<{ readonly label: string; readonly description: string }>;
  readonly multiSelect?: boolean;
}

/** A single-choice question. */
export const AUTH_QUESTION: GeminiQuestion = {
  question: 'Which auth method should we use?',
  header: 'Auth',
  type: 'choice',
  options: [
    { label: 'OAuth', description: "Use the provider's OAuth flow" },
    { label: 'API key', description: 'A static key in the environment' },
  ],
};

/** A second question. */
export const STORAGE_QUESTION: GeminiQuestion = {
  question: 'Where should sessions be stored?',
  header: 'Storage',
  type: 'choice',
  options: [
    { label: 'Memory', description: 'Lost on restart' },
    { label: 'SQLite', description: 'A file beside the app' },
  ],
};

/** Turn 1: ask_user with `questions`; then "Done.". */
export function askUserScenario(questions: readonly GeminiQuestion[] = [AUTH_QUESTION]): GeminiScript {
  return geminiSteps([{ functionCall: { name: 'ask_user', args: { questions: questions.map((q) => ({ multiSelect: false, ...q })) } } }]);
}

/** The plan the plan scenario writes. */
export const SAMPLE_PLAN = ['# Plan: add a greeting script', '', '1. Create `hello.sh` that prints "hello".', '2. Make it executable.', '3. Run it once.'].join('\n');

/** The plans directory plan mode's system instruction names (relative to the project, e.g. `../home/.gemini/tmp/…/plans`). */
export function plansDirOf(state: GeminiState): string | undefined {
  const text = JSON.stringify(state.body?.systemInstruction ?? '');
  return /`([^`\s]*\/plans)\/`/.exec(text)?.[1];
}

/**
 * Plan mode: turn 1 writes the plan into the plans directory the CLI names, turn 2 calls
 * exit_plan_mode with its file name; later turns answer "Done.".
 */
export function planScenario(fileName = 'greeting-plan.md', plan = SAMPLE_PLAN): GeminiScript {
  return geminiSteps([
    (state) => ({ functionCall: { name: 'write_file', args: { file_path: `${plansDirOf(state) ?? '/tmp/plans'}/${fileName}`, content: plan } } }),
    { functionCall: { name: 'exit_plan_mode', args: { plan_filename: fileName } } },
  ]);
}

/** Answers each user turn with the next text (then "Done."). */
export function geminiText(...texts: string[]): GeminiScript {
  return geminiSteps(texts.map((text) => ({ text })));
}

/** An answer that merely looks like Gemini's approval box. */
export const LOOKALIKE_TEXT = [
  'Here is what the approval box looks like:',
  '',
  '```',
  'Action Required',
  '? Shell  rm -rf build',
  'Allow execution of [Shell]?',
  '● 1. Allow once',
  '  2. Allow for this session',
  '  3. No, suggest changes (esc)',
  '```',
  '',
  'That is only an example; nothing is waiting for you.',
].join('\n');

/** A diff-like answer with "? " lines. */
export const DIFF_TEXT = [
  'Here is the diff:',
  '',
  '```diff',
  '--- a/prompt.ts',
  '+++ b/prompt.ts',
  '-const q = "Continue? ";',
  '+const q = "Apply this change? ";',
  '? 1. Yes',
  '```',
  '',
  'Review it when you like.',
].join('\n');

/** Negative: about `seconds` of streamed log lines, some prompt-like. */
export function busyScenario(seconds: number): GeminiScript {
  const lines: string[] = [];
  for (let step = 1; step <= 40; step++) {
    lines.push(step % 10 === 5 ? `Step ${step}: Allow execution of [Shell]? (log line)\n` : `Step ${step}: compiling module ${step}\n`);
  }
  return geminiSteps([{ chunks: lines, chunkDelayMs: Math.round((seconds * 1000) / lines.length) }]);
}
