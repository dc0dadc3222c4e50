/**
 * The Claude fixture specs: per fixture the mock scenario, the seeded env, the prompts in the
 * order they appear (screen pattern, expected wait, answer keys), and the terminal size.
 * recordClaude.ts plays them against the real CLI and writes fixtures/claude/.
 */
import type { MockScript } from '../mock/anthropicServer.js';
import * as scenarios from '../mock/scenarios.js';
import type { ClaudeEnvOptions } from '../support/claudeEnv.js';

/** Stable paths so casts need no redaction. */
export const PROJECT_DIR = '/tmp/tether-fixture/project';
export const HOME_DIR = '/tmp/tether-fixture/home';

/** What the fixture expects for one prompt. */
export interface PromptExpect {
  readonly wait_type: 'tool_approval' | 'plan_approval' | 'clarifying_question' | 'awaiting_response';
  readonly kind?: string;
  readonly options?: readonly string[];
}

/** One prompt the recording waits for and answers. */
export interface PromptStep {
  /** Screen text (NBSP normalised) that shows the prompt is up. */
  readonly screen: RegExp;
  /** Omitted for screens that must produce no event. */
  readonly expect?: PromptExpect;
  /** Key chunks to write (the first one clears the wait); omitted on the last prompt. */
  readonly answer?: readonly string[] | ((screen: string) => readonly string[]);
  /** Resize the outer terminal while the prompt is up. */
  readonly resizeTo?: [number, number];
}

/** One fixture. */
export interface FixtureSpec {
  readonly name: string;
  readonly description: string;
  readonly cols: number;
  readonly rows: number;
  readonly script: MockScript;
  readonly env?: Partial<ClaudeEnvOptions>;
  readonly args?: readonly string[];
  readonly prompts: readonly PromptStep[];
}

/** Types `text` one character per chunk, then Enter as its own chunk. */
function typed(text: string): string[] {
  return [...Array.from(text), '\r'];
}

/** The digit of the option row whose label starts with `label`. */
function digitOf(label: string): (screen: string) => string[] {
  return (screen) => {
    const match = new RegExp(`(\\d)\\. ${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).exec(screen);
    if (!match) throw new Error(`no option "${label}" on screen:\n${screen}`);
    return [match[1]];
  };
}

const ESC = '\u001b';
/** The idle box's last rows: input row, bottom rule, footer (any mode's idle footer). */
const IDLE_BOX = /❯ +\n─+\n +(\? for shortcuts|\S+ [\w ]+ on \(shift\+tab to cycle\))/;
const READY: PromptStep = { screen: IDLE_BOX, expect: { wait_type: 'awaiting_response' } };
const BASH_OPTIONS = ['Yes', 'Yes, and always allow access to project/ from this project', 'No'];
const EDIT_OPTIONS = ['Yes', 'Yes, allow all edits during this session (shift+tab)', 'No'];

function ready(prompt: string): PromptStep {
  return { ...READY, answer: typed(prompt) };
}

/** The idle box after a turn whose last text was `text`. */
function idleAfter(text: RegExp): PromptStep {
  return { screen: new RegExp(`${text.source}[\\s\\S]*${IDLE_BOX.source}`), expect: { wait_type: 'awaiting_response' } };
}

const BASH_PROMPT: PromptStep = {
  screen: /Do you want to proceed\?[\s\S]*Esc to cancel/,
  expect: { wait_type: 'tool_approval', kind: 'Bash', options: BASH_OPTIONS },
  answer: ['1'],
};

function bashApprove(cols: number, rows: number): FixtureSpec {
  return {
    name: 'bash-approve',
    description: 'Bash approval answered with 1 (Yes); the command runs and Claude answers Done.',
    cols,
    rows,
    script: scenarios.bashScenario('touch created-by-tool.txt', 'Create an empty marker file'),
    prompts: [ready('create the marker file'), BASH_PROMPT, idleAfter(/Done\./)],
  };
}

/** The fixtures at their main size. */
const BASE_FIXTURES: readonly FixtureSpec[] = [
  bashApprove(120, 40),
  bashApprove(80, 24),
  bashApprove(200, 50),
  {
    name: 'bash-deny',
    description: 'Bash approval denied with Esc; Claude stops and asks what to do instead.',
    cols: 120,
    rows: 40,
    script: scenarios.bashScenario('rm -rf build', 'Remove the build directory'),
    prompts: [ready('clean the build'), { ...BASH_PROMPT, answer: [ESC] }, idleAfter(/What should Claude do instead\?/)],
  },
  {
    name: 'bash-deny-no-row',
    description: 'Bash approval denied by picking the No row (3).',
    cols: 120,
    rows: 40,
    script: scenarios.bashScenario('rm -rf build', 'Remove the build directory'),
    prompts: [ready('clean the build'), { ...BASH_PROMPT, answer: digitOf('No') }, idleAfter(/What should Claude do instead\?/)],
  },
  {
    name: 'bash-always',
    description: "Bash approval answered with 2 (don't ask again); the second identical call runs without a prompt.",
    cols: 120,
    rows: 40,
    script: scenarios.stepsScenario([
      { toolUse: { name: 'Bash', input: { command: 'touch created-by-tool.txt', description: 'Create an empty marker file' } } },
      { toolUse: { name: 'Bash', input: { command: 'touch created-by-tool.txt', description: 'Create it again' } } },
    ]),
    prompts: [ready('create the marker file twice'), { ...BASH_PROMPT, answer: ['2'] }, idleAfter(/Done\./)],
  },
  {
    name: 'bash-dont-ask-again',
    description: "Bash approval for npm test answered with 2 (don’t ask again for: npm test *); the repeat runs unprompted.",
    cols: 120,
    rows: 40,
    script: scenarios.stepsScenario([
      { toolUse: { name: 'Bash', input: { command: 'npm test', description: 'Run the tests' } } },
      { toolUse: { name: 'Bash', input: { command: 'npm test', description: 'Run the tests again' } } },
    ]),
    env: { files: { 'package.json': '{"name":"fixture","private":true,"scripts":{"test":"echo tests passed"}}\n' } },
    prompts: [
      ready('run the tests twice'),
      { ...BASH_PROMPT, expect: { ...BASH_PROMPT.expect!, options: ['Yes', 'Yes, and don’t ask again for: npm test *', 'No'] }, answer: ['2'] },
      idleAfter(/Done\./),
    ],
  },
  {
    name: 'bash-resize',
    description: 'The terminal is resized from 120x40 to 100x30 while the Bash approval is shown, then 1.',
    cols: 120,
    rows: 40,
    script: scenarios.bashScenario('touch created-by-tool.txt', 'Create an empty marker file'),
    prompts: [ready('create the marker file'), { ...BASH_PROMPT, resizeTo: [100, 30] }, idleAfter(/Done\./)],
  },
  {
    name: 'edit-approve',
    description: 'Edit approval with a diff, answered with 1.',
    cols: 120,
    rows: 40,
    script: scenarios.editScenario(`${PROJECT_DIR}/greeting.txt`, 'hello world', 'hello tether'),
    env: { files: { 'greeting.txt': 'first line\nhello world\nlast line\n' } },
    prompts: [
      ready('change the greeting'),
      { screen: /Do you want to make this edit[\s\S]*Esc to cancel/, expect: { wait_type: 'tool_approval', kind: 'Edit', options: EDIT_OPTIONS }, answer: ['1'] },
      idleAfter(/Done\./),
    ],
  },
  {
    name: 'write-approve',
    description: 'Create-file approval, answered with 1.',
    cols: 120,
    rows: 40,
    script: scenarios.writeScenario(`${PROJECT_DIR}/notes.md`, '# Notes\n\nCreated by the mock model.\n'),
    prompts: [
      ready('write some notes'),
      { screen: /Do you want to create notes\.md\?[\s\S]*Esc to cancel/, expect: { wait_type: 'tool_approval', kind: 'Write', options: EDIT_OPTIONS }, answer: ['1'] },
      idleAfter(/Done\./),
    ],
  },
  ...planFixtures(),
  ...askFixtures(),
  {
    name: 'idle-after-text',
    description: 'Two plain-text turns: idle when ready, after the first answer, and after the second.',
    cols: 120,
    rows: 40,
    script: scenarios.textScenario('The answer is 42.', 'You are welcome.'),
    prompts: [ready('what is the answer?'), { ...idleAfter(/The answer is 42\./), answer: typed('thanks') }, idleAfter(/You are welcome\./)],
  },
  {
    name: 'trust-dialog',
    description: 'The trust-folder dialog at startup, answered with 1, then the ready idle box.',
    cols: 120,
    rows: 40,
    script: scenarios.textScenario('Hi.'),
    env: { trust: false },
    prompts: [
      {
        screen: /Yes, I trust this folder[\s\S]*Enter to confirm/,
        expect: { wait_type: 'tool_approval', kind: 'trust_folder', options: ['Yes, I trust this folder', 'No, exit'] },
        answer: ['1'],
      },
      READY,
    ],
  },
  {
    name: 'api-key-dialog',
    description: 'The custom API key dialog (focus starts on No), answered with 1 (Yes), then the ready idle box.',
    cols: 120,
    rows: 40,
    script: scenarios.textScenario('Hi.'),
    env: { apiKeyApproved: false },
    prompts: [
      {
        screen: /Do you want to use this API key\?[\s\S]*Enter to confirm/,
        expect: { wait_type: 'tool_approval', kind: 'api_key', options: ['Yes', 'No (recommended)'] },
        answer: ['1'],
      },
      READY,
    ],
  },
  {
    name: 'busy-negative',
    description: 'Negative: about 8 s of streamed output with "Do you want to proceed?" log lines; only the idle boxes count.',
    cols: 120,
    rows: 40,
    script: scenarios.busyScenario(8),
    prompts: [ready('build everything'), idleAfter(/Step 40:/)],
  },
  {
    name: 'lookalike-negative',
    description: 'Negative: the answer text holds a code block with "Do you want to proceed?" and "❯ 1. Yes".',
    cols: 120,
    rows: 40,
    script: scenarios.lookalikeScenario(),
    prompts: [ready('show me the prompt'), idleAfter(/nothing is waiting for you\./)],
  },
  {
    name: 'spinner-negative',
    description: 'Negative: the model takes 6 s before its first token, so only the spinner row animates.',
    cols: 120,
    rows: 40,
    script: scenarios.stepsScenario([{ text: 'Finished thinking.', delayMs: 6000 }]),
    prompts: [ready('think hard'), idleAfter(/Finished thinking\./)],
  },
];

/** Fixtures also recorded at 80x24, where dialogs wrap and the banner scrolls away. */
const SMALL_TOO = ['edit-approve', 'ask-several', 'plan-accept', 'trust-dialog', 'busy-negative', 'lookalike-negative'];

/** Every Claude fixture. */
export const FIXTURES: readonly FixtureSpec[] = [
  ...BASE_FIXTURES,
  ...BASE_FIXTURES.filter((spec) => SMALL_TOO.includes(spec.name) && spec.cols === 120).map((spec) => ({ ...spec, cols: 80, rows: 24 })),
];

function planFixtures(): FixtureSpec[] {
  const base = {
    cols: 120,
    rows: 40,
    args: ['--permission-mode', 'plan'],
    script: scenarios.planScenario(),
  };
  const planReady = ready('plan a greeting script');
  const planPrompt = {
    screen: /ready to execute[\s\S]*ctrl\+g to edit/,
    expect: { wait_type: 'plan_approval' as const, options: ['Yes, and use auto mode', 'Yes, manually approve edits', 'Tell Claude what to change'] },
  };
  return [
    {
      ...base,
      name: 'plan-accept',
      description: 'Plan mode: the plan approval answered with the first Yes row.',
      prompts: [planReady, { ...planPrompt, answer: ['1'] }, idleAfter(/Done\./)],
    },
    {
      ...base,
      name: 'plan-keep-planning',
      description: 'Plan mode: "Tell Claude what to change" (keep planning) picked by its digit, feedback typed, Enter.',
      prompts: [
        planReady,
        { ...planPrompt, answer: (screen) => [...digitOf('Tell Claude what to change')(screen), ...typed('use zsh instead')] },
        idleAfter(/Done\./),
      ],
    },
  ];
}

function askFixtures(): FixtureSpec[] {
  const auth = scenarios.AUTH_QUESTION;
  const storage = scenarios.STORAGE_QUESTION;
  const labels = (question: scenarios.QuestionSpec) => [...question.options.map((option) => option.label), 'Type something.', 'Chat about this'];
  const question = (spec: scenarios.QuestionSpec, answer: PromptStep['answer']): PromptStep => ({
    screen: new RegExp(`${spec.question.replace('?', '\\?')}[\\s\\S]*Esc to cancel`),
    expect: { wait_type: 'clarifying_question', options: labels(spec) },
    answer,
  });
  return [
    {
      name: 'ask-one',
      description: 'AskUserQuestion with one question, answered with 1.',
      cols: 120,
      rows: 40,
      script: scenarios.askScenario([auth]),
      prompts: [ready('set up auth'), question(auth, ['1']), idleAfter(/Done\./)],
    },
    {
      name: 'ask-free-text',
      description: 'AskUserQuestion answered with free text: 3 (Type something.), text, Enter.',
      cols: 120,
      rows: 40,
      script: scenarios.askScenario([auth]),
      prompts: [ready('set up auth'), question(auth, ['3', ...typed('mutual TLS')]), idleAfter(/Done\./)],
    },
    {
      name: 'ask-several',
      description: 'AskUserQuestion with two questions: 1, then 2, then Submit answers on the review tab.',
      cols: 120,
      rows: 40,
      script: scenarios.askScenario([auth, storage]),
      prompts: [
        ready('set up auth and storage'),
        question(auth, ['1']),
        question(storage, ['2']),
        { screen: /Ready to submit your answers\?/, expect: { wait_type: 'clarifying_question', options: ['Submit answers', 'Cancel'] }, answer: digitOf('Submit answers') },
        idleAfter(/Done\./),
      ],
    },
  ];
}
