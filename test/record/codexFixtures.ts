/**
 * The Codex fixture specs: per fixture the mock Responses script, the seeded env, the prompts
 * in the order they appear (screen pattern, expected wait, answer keys), and the terminal size.
 * recordCodex.ts plays them against the real Codex 0.169 and writes fixtures/codex/.
 */
import * as scenarios from '../mock/responsesScenarios.js';
import type { ResponsesScript } from '../mock/responsesScenarios.js';
import type { CodexEnvOptions } from '../support/codexEnv.js';

/** Stable paths so casts need no redaction. */
export const PROJECT_DIR = '/tmp/tether-fixture/project';
export const HOME_DIR = '/tmp/tether-fixture/home';

/** What the fixture expects for one prompt. */
export interface CodexPromptExpect {
  readonly wait_type: 'tool_approval' | 'plan_approval' | 'clarifying_question' | 'awaiting_response';
  readonly kind?: string;
  readonly options?: readonly string[];
}

/** One prompt the recording waits for and answers. */
export interface CodexPromptStep {
  /** Screen text (NBSP normalised) that shows the prompt is fully up (the recorder waits for it). */
  readonly screen: RegExp;
  /** Screen text that shows the prompt first appeared (for the expected time); default `screen`. */
  readonly shown?: RegExp;
  /** Omitted for screens that must produce no event. */
  readonly expect?: CodexPromptExpect;
  /** Key chunks to write, one write each (the first one clears the wait). */
  readonly answer?: readonly string[];
}

/** One fixture. */
export interface CodexFixtureSpec {
  readonly name: string;
  readonly description: string;
  readonly cols: number;
  readonly rows: number;
  readonly script: ResponsesScript;
  readonly env?: Partial<CodexEnvOptions>;
  /** Files written into HOME before the start (outside the sandbox's writable roots). */
  readonly homeFiles?: Readonly<Record<string, string>>;
  readonly prompts: readonly CodexPromptStep[];
}

/** Shift+Tab: Default → Plan collaboration mode. */
export const SHIFT_TAB = '\x1b[Z';
const ESC = '\x1b';

/** Types `text` one character per chunk, then Enter (the recorder pauses before a lone `\r`). */
function typed(text: string): string[] {
  return [...Array.from(text), '\r'];
}

/** The composer with its footer (model line), i.e. ready for typing. */
const COMPOSER_READY = /\n› [^\n]*\n\s*\n +\S[^\n]*(default|medium|high|low)[^\n]* · \/tmp\/tether-fixture\/project/;
/** The composer with the status line under it (` · `-joined fields): what the parser reads as idle. */
const COMPOSER = /\n› [^\n]*\n\s*\n +\S[^\n]* · /;
const READY: CodexPromptStep = { screen: COMPOSER_READY, shown: COMPOSER, expect: { wait_type: 'awaiting_response' } };

function ready(prompt: string): CodexPromptStep {
  return { ...READY, answer: typed(prompt) };
}

/** The composer after a turn whose last text matched `text`. */
function idleAfter(text: RegExp): CodexPromptStep {
  return {
    screen: new RegExp(`${text.source}[\\s\\S]*${COMPOSER_READY.source}`),
    shown: new RegExp(`${text.source}[\\s\\S]*${COMPOSER.source}`),
    expect: { wait_type: 'awaiting_response' },
  };
}

const APPROVAL_FOOTER = /Press enter to confirm or esc to cancel/;
const TOUCH = 'touch created-by-tool.txt';
const EXEC_OPTIONS = ['Yes, proceed', `Yes, and don't ask again for commands that start with \`${TOUCH}\``, 'No, and tell Codex what to do differently'];
const PATCH_OPTIONS = ['Yes, proceed', "Yes, and don't ask again for these files", 'No, and tell Codex what to do differently'];
const PLAN_OPTIONS = ['Yes, implement this plan', 'Yes, clear context and implement', 'No, stay in Plan mode'];

function execPrompt(answer: string[], options = EXEC_OPTIONS): CodexPromptStep {
  return { screen: new RegExp(`run the following command\\?[\\s\\S]*${APPROVAL_FOOTER.source}`), expect: { wait_type: 'tool_approval', kind: 'exec_command', options }, answer };
}

function patchPrompt(answer: string[]): CodexPromptStep {
  return { screen: new RegExp(`make the following edits\\?[\\s\\S]*${APPROVAL_FOOTER.source}`), expect: { wait_type: 'tool_approval', kind: 'apply_patch', options: PATCH_OPTIONS }, answer };
}

function execApprove(cols: number, rows: number): CodexFixtureSpec {
  return {
    name: 'exec-approve',
    description: 'Escalated exec_command approval answered with y (Yes, proceed); the command runs and Codex answers Done.',
    cols,
    rows,
    script: scenarios.execScenario(TOUCH, 'Create the marker file'),
    prompts: [ready('create the marker file'), execPrompt(['y']), idleAfter(/Done\./)],
  };
}

const QUESTION = {
  id: 'auth_method',
  header: 'Auth',
  question: 'Which auth method should we use?',
  options: [
    { label: 'OAuth (Recommended)', description: "Use the provider's OAuth flow." },
    { label: 'API key', description: 'A static key in the environment.' },
  ],
};

function planFixture(name: string, cols: number, rows: number, questionKey: string, planKey: string, description: string): CodexFixtureSpec {
  const implementing = planKey === '1' || planKey === '2';
  return {
    name,
    description,
    cols,
    rows,
    script: scenarios.turnsScenario([[scenarios.questionCall([QUESTION]), scenarios.proposedPlan(scenarios.SAMPLE_PLAN)]]),
    prompts: [
      { ...READY, answer: [SHIFT_TAB] },
      { screen: /Plan mode \(shift\+tab to cycle\)/, answer: typed('plan a greeting script') },
      {
        screen: /Which auth method should we use\?[\s\S]*enter to submit answer/,
        expect: { wait_type: 'clarifying_question', kind: 'request_user_input', options: ['OAuth (Recommended)', 'API key', 'None of the above'] },
        answer: [questionKey],
      },
      { screen: /Implement this plan\?[\s\S]*esc back/, expect: { wait_type: 'plan_approval', kind: 'plan', options: PLAN_OPTIONS }, answer: [planKey] },
      implementing ? idleAfter(/Done\./) : idleAfter(/Proposed Plan/),
    ],
  };
}

/** The fixtures at their main size. */
const BASE_FIXTURES: readonly CodexFixtureSpec[] = [
  execApprove(120, 40),
  execApprove(80, 24),
  {
    name: 'exec-deny-esc',
    description: 'Command approval denied with Esc (No, and tell Codex what to do differently); the turn stops at the composer.',
    cols: 120,
    rows: 40,
    script: scenarios.execScenario('rm -rf build', 'Remove the build directory'),
    prompts: [
      ready('clean the build'),
      execPrompt([ESC], ['Yes, proceed', "Yes, and don't ask again for commands that start with `rm -rf build`", 'No, and tell Codex what to do differently']),
      idleAfter(/Conversation interrupted/),
    ],
  },
  {
    name: 'exec-prefix-always',
    description: "Command approval for npm test answered with p (don't ask again for commands that start with `npm test`); the repeat runs unprompted.",
    cols: 120,
    rows: 40,
    script: scenarios.stepsScenario([
      { functionCall: { name: 'exec_command', arguments: { cmd: 'npm test', sandbox_permissions: 'require_escalated', justification: 'Run the tests', prefix_rule: ['npm', 'test'] } } },
      { functionCall: { name: 'exec_command', arguments: { cmd: 'npm test', sandbox_permissions: 'require_escalated', justification: 'Run the tests again', prefix_rule: ['npm', 'test'] } } },
    ]),
    env: { files: { 'package.json': '{"name":"fixture","private":true,"scripts":{"test":"echo tests passed"}}\n' } },
    prompts: [
      ready('run the tests twice'),
      execPrompt(['p'], ['Yes, proceed', "Yes, and don't ask again for commands that start with `npm test`", 'No, and tell Codex what to do differently']),
      idleAfter(/Done\./),
    ],
  },
  {
    name: 'patch-approve',
    description: 'apply_patch approval for a file outside the workspace, answered with y.',
    cols: 120,
    rows: 40,
    script: scenarios.stepsScenario([scenarios.patchCall(`${HOME_DIR}/greeting.txt`, 'hello world', 'hello tether')]),
    homeFiles: { 'greeting.txt': 'first line\nhello world\nlast line\n' },
    prompts: [ready('change the greeting'), patchPrompt(['y']), idleAfter(/Done\./)],
  },
  {
    name: 'patch-always',
    description: "apply_patch approval answered with a (don't ask again for these files); the second patch to the file runs unprompted.",
    cols: 120,
    rows: 40,
    script: scenarios.stepsScenario([
      scenarios.patchCall(`${HOME_DIR}/greeting.txt`, 'hello world', 'hello tether'),
      scenarios.patchCall(`${HOME_DIR}/greeting.txt`, 'hello tether', 'hello again'),
    ]),
    homeFiles: { 'greeting.txt': 'first line\nhello world\nlast line\n' },
    prompts: [ready('change the greeting twice'), patchPrompt(['a']), idleAfter(/Done\./)],
  },
  planFixture('plan-implement', 120, 40, '1', '1', 'Plan mode (Shift+Tab): request_user_input answered with 1, then "Implement this plan?" answered with 1; Codex implements and answers Done.'),
  planFixture('plan-stay', 120, 40, '2', '3', 'Plan mode (Shift+Tab): the question answered with 2, the plan with 3 (No, stay in Plan mode); back at the plan-mode composer.'),
  {
    name: 'model-migration',
    description: 'Startup dialog "Meet GPT-6 Sol" (model migration notice unseen), answered with 2 (Use existing model), then the ready composer.',
    cols: 120,
    rows: 40,
    script: scenarios.textScenario('Hi.'),
    env: { migrationSeen: false },
    prompts: [
      { screen: /Use existing model[\s\S]*enter\/esc confirm/, expect: { wait_type: 'clarifying_question', kind: 'model_migration', options: ['Try new model', 'Use existing model'] }, answer: ['2'] },
      READY,
    ],
  },
  {
    name: 'idle-after-text',
    description: 'Two plain-text turns: the composer when ready, after the first answer, and after the second.',
    cols: 120,
    rows: 40,
    script: scenarios.textScenario('The answer is 42.', 'You are welcome.'),
    prompts: [ready('what is the answer?'), { ...idleAfter(/The answer is 42\./), answer: typed('thanks') }, idleAfter(/You are welcome\./)],
  },
  {
    name: 'busy-negative',
    description: 'Negative: about 8 s of streamed output with "Would you like to run the following command?" log lines; only the composers count.',
    cols: 120,
    rows: 40,
    script: scenarios.busyScenario(8),
    prompts: [ready('build everything'), idleAfter(/Step 40:/)],
  },
  {
    name: 'lookalike-negative',
    description: 'Negative: the answer holds a code block with "Would you like to run the following command?" and "› 1. Yes, proceed (y)".',
    cols: 120,
    rows: 40,
    script: scenarios.textScenario(scenarios.LOOKALIKE_TEXT),
    prompts: [ready('show me the prompt'), idleAfter(/nothing is waiting for you\./)],
  },
  {
    name: 'diff-negative',
    description: 'Negative: the answer holds a diff whose lines contain "? " (Q: Is it fast? A: …).',
    cols: 120,
    rows: 40,
    script: scenarios.textScenario(scenarios.DIFF_TEXT),
    prompts: [ready('show me the change'), idleAfter(/Nothing has been changed yet\./)],
  },
];

/** Fixtures also recorded at 80x24. */
const SMALL_TOO = ['patch-approve', 'plan-stay', 'lookalike-negative', 'busy-negative'];

/** Every Codex fixture. */
export const CODEX_FIXTURES: readonly CodexFixtureSpec[] = [
  ...BASE_FIXTURES,
  ...BASE_FIXTURES.filter((spec) => SMALL_TOO.includes(spec.name) && spec.cols === 120).map((spec) => ({ ...spec, cols: 80, rows: 24 })),
];
