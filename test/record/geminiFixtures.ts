/**
 * The Gemini CLI fixture specs: per fixture the mock script, the seeded env, the prompts in
 * the order they appear (screen pattern, expected wait, answer keys) and the terminal size.
 * recordGemini.ts plays them against the real CLI and writes fixtures/gemini/.
 */
import type { GeminiScript } from '../mock/geminiServer.js';
import * as scenarios from '../mock/geminiScenarios.js';
import type { GeminiEnvOptions } from '../support/geminiEnv.js';
import type { PromptStep } from './claudeFixtures.js';

/** Stable paths so casts need no redaction (not shared with other CLIs' recorders). */
export const PROJECT_DIR = '/tmp/tether-gemini/project';
export const HOME_DIR = '/tmp/tether-gemini/home';

/** One fixture. */
export interface GeminiFixtureSpec {
  readonly name: string;
  readonly description: string;
  readonly cols: number;
  readonly rows: number;
  readonly script: GeminiScript;
  readonly env?: Partial<GeminiEnvOptions>;
  readonly args?: readonly string[];
  readonly prompts: readonly PromptStep[];
}

/** Types `text` one character per chunk, then Enter as its own chunk. */
function typed(text: string): string[] {
  return [...Array.from(text), '\r'];
}

const ESC = '\u001b';
/** The empty input box: placeholder row, then the box's bottom edge. */
const IDLE_BOX = /\n > +Type your message or @path\/to\/file *\n▀+\n/;
/**
 * Ready when first started: 0.61 paints the box alone, then redraws it under the banner about
 * a second later; keys typed before that redraw are lost or turn Enter into a newline.
 */
const READY: PromptStep = { screen: new RegExp(`Gemini CLI v[\\s\\S]*${IDLE_BOX.source}`), expect: { wait_type: 'awaiting_response' } };
const SHELL_OPTIONS = ['Allow once', 'Allow for this session', 'No, suggest changes (esc)'];
const EDIT_OPTIONS = ['Allow once', 'Allow for this session', 'Modify with external editor', 'No, suggest changes (esc)'];

function ready(prompt: string): PromptStep {
  return { ...READY, answer: typed(prompt) };
}

/** The idle box after a turn whose last text was `text`. */
function idleAfter(text: RegExp): PromptStep {
  return { screen: new RegExp(`${text.source}[\\s\\S]*${IDLE_BOX.source}`), expect: { wait_type: 'awaiting_response' } };
}

/** The shell confirmation box, fully drawn (its bottom border under the last option). */
const SHELL_PROMPT: PromptStep = {
  screen: /Allow execution of[\s\S]*No, suggest changes \(esc\) *│\n╰─+╯/,
  expect: { wait_type: 'tool_approval', kind: 'Shell', options: SHELL_OPTIONS },
  answer: ['1'],
};

function shellApprove(cols: number, rows: number): GeminiFixtureSpec {
  return {
    name: 'shell-approve',
    description: 'Shell confirmation answered with 1 (Allow once); the command runs and the model answers Done.',
    cols,
    rows,
    script: scenarios.shellScenario('touch created-by-tool.txt', 'Create an empty marker file'),
    prompts: [ready('create the marker file'), SHELL_PROMPT, idleAfter(/Done\./)],
  };
}

/** The fixtures at their main size. */
const BASE_FIXTURES: readonly GeminiFixtureSpec[] = [
  shellApprove(120, 40),
  shellApprove(80, 24),
  {
    name: 'shell-deny',
    description: 'Shell confirmation cancelled with Esc; the request is cancelled and the idle box returns.',
    cols: 120,
    rows: 40,
    script: scenarios.shellScenario('rm -rf build', 'Remove the build directory'),
    prompts: [ready('clean the build'), { ...SHELL_PROMPT, answer: [ESC] }, idleAfter(/Request cancelled\./)],
  },
  {
    name: 'shell-always',
    description: 'Shell confirmation answered with 2 (Allow for this session); the second identical call runs unprompted.',
    cols: 120,
    rows: 40,
    script: scenarios.geminiSteps([
      { functionCall: { name: 'run_shell_command', args: { command: 'touch created-by-tool.txt', description: 'Create an empty marker file' } } },
      { functionCall: { name: 'run_shell_command', args: { command: 'touch created-by-tool.txt', description: 'Create it again' } } },
    ]),
    prompts: [ready('create the marker file twice'), { ...SHELL_PROMPT, answer: ['2'] }, idleAfter(/Done\./)],
  },
  {
    name: 'write-approve',
    description: 'WriteFile confirmation (new file preview) answered with 1.',
    cols: 120,
    rows: 40,
    script: scenarios.writeFileScenario(`${PROJECT_DIR}/notes.md`, '# Notes\n\nCreated by the mock model.\n'),
    prompts: [
      ready('write some notes'),
      { screen: /Apply this change\?[\s\S]*No, suggest changes \(esc\) *│\n╰─+╯/, expect: { wait_type: 'tool_approval', kind: 'WriteFile', options: EDIT_OPTIONS }, answer: ['1'] },
      idleAfter(/Done\./),
    ],
  },
  {
    name: 'edit-approve',
    description: 'Edit (replace) confirmation with a diff, answered with 1.',
    cols: 120,
    rows: 40,
    script: scenarios.replaceScenario(`${PROJECT_DIR}/greeting.txt`, 'hello world', 'hello tether'),
    env: { files: { 'greeting.txt': 'first line\nhello world\nlast line\n' } },
    prompts: [
      ready('change the greeting'),
      { screen: /Apply this change\?[\s\S]*No, suggest changes \(esc\) *│\n╰─+╯/, expect: { wait_type: 'tool_approval', kind: 'Edit', options: EDIT_OPTIONS }, answer: ['1'] },
      idleAfter(/Done\./),
    ],
  },
  {
    name: 'idle-after-text',
    description: 'Two plain-text turns: idle when ready, after the first answer, and after the second.',
    cols: 120,
    rows: 40,
    script: scenarios.geminiText('The answer is 42.', 'You are welcome.'),
    prompts: [ready('what is the answer?'), { ...idleAfter(/The answer is 42\./), answer: typed('thanks') }, idleAfter(/You are welcome\./)],
  },
  {
    name: 'busy-negative',
    description: 'Negative: about 8 s of streamed output with "Allow execution of [Shell]?" log lines; only the idle boxes count.',
    cols: 120,
    rows: 40,
    script: scenarios.busyScenario(8),
    prompts: [ready('build everything'), idleAfter(/Step 40:/)],
  },
  {
    name: 'lookalike-negative',
    description: 'Negative: the answer holds a code block with "Allow execution of [Shell]?" and "● 1. Allow once".',
    cols: 120,
    rows: 40,
    script: scenarios.geminiText(scenarios.LOOKALIKE_TEXT),
    prompts: [ready('show me the prompt'), idleAfter(/nothing is waiting for you\./)],
  },
  {
    name: 'diff-negative',
    description: 'Negative: the answer holds a diff with "? " lines and "Apply this change?".',
    cols: 120,
    rows: 40,
    script: scenarios.geminiText(scenarios.DIFF_TEXT),
    prompts: [ready('show me the diff'), idleAfter(/Review it when you like\./)],
  },
];

/** The dialog fixtures: plan approval, ask_user, folder trust. */
function dialogFixtures(): GeminiFixtureSpec[] {
  const planPrompt: PromptStep = {
    screen: /Ready to start implementation\?[\s\S]*Esc to cancel *│\n╰─+╯/,
    expect: { wait_type: 'plan_approval', kind: 'plan', options: ['Yes, automatically accept edits', 'Yes, manually accept edits', 'Type your feedback...'] },
  };
  const question = (spec: scenarios.GeminiQuestion, answer: PromptStep['answer']): PromptStep => ({
    screen: new RegExp(`${spec.question.replace('?', '\\?')}[\\s\\S]*Esc to cancel *│\\n╰─+╯`),
    expect: { wait_type: 'clarifying_question', options: [...(spec.options ?? []).map((option) => option.label), 'Enter a custom value'] },
    answer,
  });
  const auth = scenarios.AUTH_QUESTION;
  const storage = scenarios.STORAGE_QUESTION;
  return [
    {
      name: 'plan-accept',
      description: 'Plan mode (general.defaultApprovalMode "plan"): the plan is written, exit_plan_mode shows the approval, answered with 1.',
      cols: 120,
      rows: 40,
      env: { approvalMode: 'plan' },
      script: scenarios.planScenario(),
      prompts: [ready('plan a greeting script'), { ...planPrompt, answer: ['1'] }, idleAfter(/Done\./)],
    },
    {
      name: 'plan-feedback',
      description: 'Plan mode: 3 (Type your feedback...), feedback typed, Enter; the model answers Done.',
      cols: 120,
      rows: 40,
      env: { approvalMode: 'plan' },
      script: scenarios.planScenario(),
      prompts: [ready('plan a greeting script'), { ...planPrompt, answer: ['3', ...typed('use zsh instead')] }, idleAfter(/Done\./)],
    },
    {
      name: 'ask-free-text',
      description: 'ask_user answered with free text: 3 (Enter a custom value), text, Enter.',
      cols: 120,
      rows: 40,
      script: scenarios.askUserScenario([auth]),
      prompts: [ready('set up auth'), question(auth, ['3', ...typed('mutual TLS')]), idleAfter(/Done\./)],
    },
    {
      name: 'ask-one',
      description: 'ask_user with one choice question, answered with 1.',
      cols: 120,
      rows: 40,
      script: scenarios.askUserScenario([auth]),
      prompts: [ready('set up auth'), question(auth, ['1']), idleAfter(/Done\./)],
    },
    {
      name: 'ask-several',
      description: 'ask_user with two questions: 1, then 2, then Enter on the review tab.',
      cols: 120,
      rows: 40,
      script: scenarios.askUserScenario([auth, storage]),
      prompts: [
        ready('set up auth and storage'),
        question(auth, ['1']),
        question(storage, ['2']),
        { screen: /Review your answers:[\s\S]*Enter to submit/, expect: { wait_type: 'clarifying_question', options: ['Submit answers'] }, answer: ['\r'] },
        idleAfter(/Done\./),
      ],
    },
    {
      name: 'ask-text',
      description: 'ask_user with a text question: the answer typed into the field, Enter.',
      cols: 120,
      rows: 40,
      script: scenarios.askUserScenario([{ question: 'What should the service be called?', header: 'Name', type: 'text' }]),
      prompts: [
        ready('name the service'),
        { screen: /What should the service be called\?[\s\S]*Enter to submit/, expect: { wait_type: 'clarifying_question' }, answer: typed('billing') },
        idleAfter(/Done\./),
      ],
    },
    {
      name: 'trust-dialog',
      description: 'Folder trust enabled and the project not trusted: the trust dialog answered with 1 (the CLI relaunches), then the idle box.',
      cols: 120,
      rows: 40,
      env: { trust: false },
      script: scenarios.geminiText('Hi.'),
      prompts: [
        {
          // Drawn under the banner (its first paint, alone on the screen, loses keys).
          screen: /Authenticated with[\s\S]*Do you trust the files in this folder\?[\s\S]*Don't trust/,
          expect: { wait_type: 'tool_approval', kind: 'trust_folder', options: ['Trust folder (project)', 'Trust parent folder (tether-gemini)', "Don't trust"] },
          answer: ['1'],
        },
        // The relaunched CLI paints its idle box under the old screen (no banner above it).
        { screen: IDLE_BOX, expect: { wait_type: 'awaiting_response' } },
      ],
    },
  ];
}

/** Fixtures also recorded at 80x24. */
const SMALL_TOO = ['busy-negative', 'lookalike-negative', 'plan-accept', 'trust-dialog'];

const ALL_BASE = [...BASE_FIXTURES, ...dialogFixtures()];

/** Every Gemini fixture. */
export const GEMINI_FIXTURES: readonly GeminiFixtureSpec[] = [
  ...ALL_BASE,
  ...ALL_BASE.filter((spec) => SMALL_TOO.includes(spec.name) && spec.cols === 120).map((spec) => ({ ...spec, cols: 80, rows: 24 })),
];
