/**
 * How Claude Code 2.1.197 (and, as a release beside it, 2.1.332: claudeRecording332.ts) is recorded and tested: the native binary against the mock Messages
 * API (test/mock/anthropicServer.ts), a seeded `~/.claude.json` that skips (or shows) the
 * startup dialogs, and the fixtures in fixtures/claude/. Pure data; see ../cliRecording.ts.
 * Seen with 2.1.197: all defaults → the idle box; `untrusted` → trust dialog; `key-unapproved`
 * → API-key dialog; `onboarding` → theme, security notes, trust. Onboarding shown *and* key not
 * approved → "Unable to connect to Anthropic services", exit 1, so never combine those two.
 */
import { scenario, typed, withSmall, type CliRecording, type RecordingFixture, type RecordingStep } from '../cliRecording.js';
import { CLAUDE_MOCK_KEY, CONFIG, claudeConfig as seedConfig } from './claudeSeeds.js';
import { CLAUDE_NEWEST, fixtures332, release332 } from './claudeRecording332.js';

/** Claude Code version the main seeds and fixtures were made with (the root devDependency). */
export const CLAUDE_VERSION = '2.1.197';
export { CLAUDE_MOCK_KEY } from './claudeSeeds.js';

/** `~/.claude.json` of a 2.1.197 start. */
function claudeConfig(options: { trust: boolean; keyApproved: boolean; onboarded: boolean }): string {
  return seedConfig({ ...options, version: CLAUDE_VERSION });
}

const ESC = '\u001b';
/** The idle box's last rows: input row, bottom rule, footer (any mode's idle footer). */
const IDLE_BOX = /❯ +\n─+\n +(\? for shortcuts|\S+ [\w ]+ on \(shift\+tab to cycle\))/;
const READY: RecordingStep = { screen: IDLE_BOX, expect: { wait_type: 'awaiting_response' } };
const BASH_OPTIONS = ['Yes', 'Yes, and always allow access to project/ from this project', 'No'];
const EDIT_OPTIONS = ['Yes', 'Yes, allow all edits during this session (shift+tab)', 'No'];
const PACKAGE_JSON = '{"name":"fixture","private":true,"scripts":{"test":"echo tests passed"}}\n';
const GREETING = 'first line\nhello world\nlast line\n';
/** test/mock/scenarios.ts AUTH_QUESTION and STORAGE_QUESTION, as the screen shows them. */
const AUTH = { question: 'Which auth method should we use?', labels: ['OAuth', 'API key'] };
const STORAGE = { question: 'Where should sessions be stored?', labels: ['Memory', 'SQLite'] };

function ready(prompt: string): RecordingStep {
  return { ...READY, answer: typed(prompt) };
}

/** The idle box after a turn whose last text was `text`. */
function idleAfter(text: RegExp): RecordingStep {
  return { screen: new RegExp(`${text.source}[\\s\\S]*${IDLE_BOX.source}`), expect: { wait_type: 'awaiting_response' } };
}

const BASH_PROMPT: RecordingStep = {
  screen: /Do you want to proceed\?[\s\S]*Esc to cancel/,
  expect: { wait_type: 'tool_approval', kind: 'Bash', options: BASH_OPTIONS },
  answer: ['1'],
};

function bashApprove(cols: number, rows: number): RecordingFixture {
  return {
    name: 'bash-approve',
    description: 'Bash approval answered with 1 (Yes); the command runs and Claude answers Done.',
    cols,
    rows,
    script: scenario('bashScenario', 'touch created-by-tool.txt', 'Create an empty marker file'),
    steps: [ready('create the marker file'), BASH_PROMPT, idleAfter(/Done\./)],
  };
}

function planFixtures(): RecordingFixture[] {
  const base = { cols: 120, rows: 40, args: ['--permission-mode', 'plan'], script: scenario('planScenario') };
  const planReady = ready('plan a greeting script');
  const planPrompt = {
    screen: /ready to execute[\s\S]*ctrl\+g to edit/,
    expect: { wait_type: 'plan_approval' as const, options: ['Yes, and use auto mode', 'Yes, manually approve edits', 'Tell Claude what to change'] },
  };
  return [
    {
      ...base,
      name: 'plan-accept',
      description:
        'Plan mode: the plan approval answered with the first Yes row. The idle box is drawn (turn done) before the auto-mode notice that follows ~750 ms later; the wait starts with the box.',
      steps: [planReady, { ...planPrompt, answer: ['1'] }, { ...idleAfter(/Done\./), expectAt: 'shown' }],
    },
    {
      ...base,
      name: 'plan-keep-planning',
      description: 'Plan mode: "Tell Claude what to change" (keep planning) picked by its digit, feedback typed, Enter.',
      steps: [planReady, { ...planPrompt, answer: { digitOf: 'Tell Claude what to change', then: typed('use zsh instead') } }, idleAfter(/Done\./)],
    },
  ];
}

function askFixtures(): RecordingFixture[] {
  const question = (spec: typeof AUTH, answer: RecordingStep['answer']): RecordingStep => ({
    screen: new RegExp(`${spec.question.replace('?', '\\?')}[\\s\\S]*Esc to cancel`),
    expect: { wait_type: 'clarifying_question', options: [...spec.labels, 'Type something.', 'Chat about this'] },
    answer,
  });
  const auth = scenario('askScenario', [{ const: 'AUTH_QUESTION' }]);
  return [
    { name: 'ask-one', description: 'AskUserQuestion with one question, answered with 1.', cols: 120, rows: 40, script: auth, steps: [ready('set up auth'), question(AUTH, ['1']), idleAfter(/Done\./)] },
    {
      name: 'ask-free-text',
      description: 'AskUserQuestion answered with free text: 3 (Type something.), text, Enter.',
      cols: 120,
      rows: 40,
      script: auth,
      steps: [ready('set up auth'), question(AUTH, ['3', ...typed('mutual TLS')]), idleAfter(/Done\./)],
    },
    {
      name: 'ask-several',
      description: 'AskUserQuestion with two questions: 1, then 2, then Submit answers on the review tab.',
      cols: 120,
      rows: 40,
      script: scenario('askScenario', [{ const: 'AUTH_QUESTION' }, { const: 'STORAGE_QUESTION' }]),
      steps: [
        ready('set up auth and storage'),
        question(AUTH, ['1']),
        question(STORAGE, ['2']),
        { screen: /Ready to submit your answers\?/, expect: { wait_type: 'clarifying_question', options: ['Submit answers', 'Cancel'] }, answer: { digitOf: 'Submit answers' } },
        idleAfter(/Done\./),
      ],
    },
  ];
}

/** The fixtures at their main size. */
const BASE_FIXTURES: readonly RecordingFixture[] = [
  bashApprove(120, 40),
  bashApprove(80, 24),
  bashApprove(200, 50),
  {
    name: 'bash-deny',
    description: 'Bash approval denied with Esc; Claude stops and asks what to do instead.',
    cols: 120,
    rows: 40,
    script: scenario('bashScenario', 'rm -rf build', 'Remove the build directory'),
    steps: [ready('clean the build'), { ...BASH_PROMPT, answer: [ESC] }, idleAfter(/What should Claude do instead\?/)],
  },
  {
    name: 'bash-deny-no-row',
    description: 'Bash approval denied by picking the No row (3).',
    cols: 120,
    rows: 40,
    script: scenario('bashScenario', 'rm -rf build', 'Remove the build directory'),
    steps: [ready('clean the build'), { ...BASH_PROMPT, answer: { digitOf: 'No' } }, idleAfter(/What should Claude do instead\?/)],
  },
  {
    name: 'bash-always',
    description: "Bash approval answered with 2 (don't ask again); the second identical call runs without a prompt.",
    cols: 120,
    rows: 40,
    script: scenario('stepsScenario', [
      { toolUse: { name: 'Bash', input: { command: 'touch created-by-tool.txt', description: 'Create an empty marker file' } } },
      { toolUse: { name: 'Bash', input: { command: 'touch created-by-tool.txt', description: 'Create it again' } } },
    ]),
    steps: [ready('create the marker file twice'), { ...BASH_PROMPT, answer: ['2'] }, idleAfter(/Done\./)],
  },
  {
    name: 'bash-dont-ask-again',
    description: 'Bash approval for npm test answered with 2 (don’t ask again for: npm test *); the repeat runs unprompted.',
    cols: 120,
    rows: 40,
    script: scenario('stepsScenario', [
      { toolUse: { name: 'Bash', input: { command: 'npm test', description: 'Run the tests' } } },
      { toolUse: { name: 'Bash', input: { command: 'npm test', description: 'Run the tests again' } } },
    ]),
    files: { '{project}/package.json': PACKAGE_JSON },
    steps: [
      ready('run the tests twice'),
      { ...BASH_PROMPT, expect: { wait_type: 'tool_approval', kind: 'Bash', options: ['Yes', 'Yes, and don’t ask again for: npm test *', 'No'] }, answer: ['2'] },
      idleAfter(/Done\./),
    ],
  },
  {
    name: 'bash-resize',
    description: 'The terminal is resized from 120x40 to 100x30 while the Bash approval is shown, then 1.',
    cols: 120,
    rows: 40,
    script: scenario('bashScenario', 'touch created-by-tool.txt', 'Create an empty marker file'),
    steps: [ready('create the marker file'), { ...BASH_PROMPT, resizeTo: [100, 30] }, idleAfter(/Done\./)],
  },
  {
    name: 'edit-approve',
    description: 'Edit approval with a diff, answered with 1.',
    cols: 120,
    rows: 40,
    script: scenario('editScenario', '{project}/greeting.txt', 'hello world', 'hello tether'),
    files: { '{project}/greeting.txt': GREETING },
    steps: [
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
    script: scenario('writeScenario', '{project}/notes.md', '# Notes\n\nCreated by the mock model.\n'),
    steps: [
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
    script: scenario('textScenario', 'The answer is 42.', 'You are welcome.'),
    steps: [ready('what is the answer?'), { ...idleAfter(/The answer is 42\./), answer: typed('thanks') }, idleAfter(/You are welcome\./)],
  },
  {
    name: 'trust-dialog',
    description: 'The trust-folder dialog at startup, answered with 1, then the ready idle box.',
    cols: 120,
    rows: 40,
    script: scenario('textScenario', 'Hi.'),
    variant: 'untrusted',
    steps: [
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
    script: scenario('textScenario', 'Hi.'),
    variant: 'key-unapproved',
    steps: [
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
    script: scenario('busyScenario', 8),
    steps: [ready('build everything'), idleAfter(/Step 40:/)],
  },
  {
    name: 'lookalike-negative',
    description: 'Negative: the answer text holds a code block with "Do you want to proceed?" and "❯ 1. Yes".',
    cols: 120,
    rows: 40,
    script: scenario('lookalikeScenario'),
    steps: [ready('show me the prompt'), idleAfter(/nothing is waiting for you\./)],
  },
  {
    name: 'spinner-negative',
    description: 'Negative: the model takes 6 s before its first token, so only the spinner row animates.',
    cols: 120,
    rows: 40,
    script: scenario('stepsScenario', [{ text: 'Finished thinking.', delayMs: 6000 }]),
    steps: [ready('think hard'), idleAfter(/Finished thinking\./)],
  },
];

/** Claude Code's recording setup and fixtures. */
export const recording: CliRecording = {
  version: CLAUDE_VERSION,
  bin: { repo: 'node_modules/@anthropic-ai/claude-code/bin/claude.exe' },
  mock: 'anthropic',
  setup: {
    env: {
      ANTHROPIC_BASE_URL: '{mock_url}',
      ANTHROPIC_API_KEY: CLAUDE_MOCK_KEY,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
    },
    files: { [CONFIG]: claudeConfig({ trust: true, keyApproved: true, onboarded: true }) },
    dirs: ['{home}/.claude'],
  },
  variants: {
    untrusted: { files: { [CONFIG]: claudeConfig({ trust: false, keyApproved: true, onboarded: true }) } },
    'key-unapproved': { files: { [CONFIG]: claudeConfig({ trust: true, keyApproved: false, onboarded: true }) } },
    onboarding: { files: { [CONFIG]: claudeConfig({ trust: true, keyApproved: true, onboarded: false }) } },
  },
  fixtureDirs: { home: '/tmp/tether-fixture/home', project: '/tmp/tether-fixture/project' },
  driving: { stepTimeoutMs: 30_000, readMs: 1200, keyGapMs: 80, expectAt: 'drawn' },
  // At 80x24 dialogs wrap and the banner scrolls away.
  fixtures: [...withSmall(BASE_FIXTURES, ['edit-approve', 'ask-several', 'plan-accept', 'trust-dialog', 'busy-negative', 'lookalike-negative']), ...fixtures332],
  releases: { [CLAUDE_NEWEST]: release332 },
  newest: CLAUDE_NEWEST,
};
