/**
 * How Gemini CLI 0.61.0 is recorded and tested: against the mock Gemini API
 * (test/mock/geminiServer.ts) with `~/.gemini/settings.json` (API-key auth, telemetry,
 * statistics and updates off, folder trust on, optional plan mode) and `trustedFolders.json`,
 * and the fixtures in fixtures/gemini/. Pure data; see ../cliRecording.ts.
 */
import { FIXTURE_API_KEY, scenario, typed, withSmall, type CliRecording, type RecordingFixture, type RecordingStep } from '../cliRecording.js';

/** Gemini CLI version the screens and fixtures were made with. */
export const GEMINI_VERSION = '0.61.0';
/** A fake key; the mock accepts anything. */
export const GEMINI_MOCK_KEY = 'tether-mock-gemini-key';

/** `~/.gemini/settings.json`. */
function settings(options: { auth: boolean; approvalMode?: string }): string {
  return JSON.stringify(
    {
      security: { ...(options.auth ? { auth: { selectedType: 'gemini-api-key' } } : {}), folderTrust: { enabled: true } },
      telemetry: { enabled: false },
      privacy: { usageStatisticsEnabled: false },
      general: { enableAutoUpdate: false, enableAutoUpdateNotification: false, ...(options.approvalMode ? { defaultApprovalMode: options.approvalMode } : {}) },
      ui: { hideTips: true, showReleaseNotes: false },
    },
    null,
    2,
  );
}

const SETTINGS = '{home}/.gemini/settings.json';
const TRUSTED = '{home}/.gemini/trustedFolders.json';
const ESC = '\u001b';
/** The empty input box: placeholder row, then the box's bottom edge. */
const IDLE_BOX = /\n > +Type your message or @path\/to\/file *\n▀+\n/;
/**
 * Ready when first started: 0.61 paints the box alone, then redraws it under the banner about
 * a second later; keys typed before that redraw are lost or turn Enter into a newline.
 */
const READY: RecordingStep = { screen: new RegExp(`Gemini CLI v[\\s\\S]*${IDLE_BOX.source}`), expect: { wait_type: 'awaiting_response' } };
const SHELL_OPTIONS = ['Allow once', 'Allow for this session', 'No, suggest changes (esc)'];
const EDIT_OPTIONS = ['Allow once', 'Allow for this session', 'Modify with external editor', 'No, suggest changes (esc)'];
/** test/mock/geminiScenarios.ts AUTH_QUESTION and STORAGE_QUESTION, as the screen shows them. */
const AUTH = { question: 'Which auth method should we use?', labels: ['OAuth', 'API key'] };
const STORAGE = { question: 'Where should sessions be stored?', labels: ['Memory', 'SQLite'] };

function ready(prompt: string): RecordingStep {
  return { ...READY, answer: typed(prompt) };
}

/** The idle box after a turn whose last text was `text`. */
function idleAfter(text: RegExp): RecordingStep {
  return { screen: new RegExp(`${text.source}[\\s\\S]*${IDLE_BOX.source}`), expect: { wait_type: 'awaiting_response' } };
}

/** The shell confirmation box, fully drawn (its bottom border under the last option). */
const SHELL_PROMPT: RecordingStep = {
  screen: /Allow execution of[\s\S]*No, suggest changes \(esc\) *│\n╰─+╯/,
  expect: { wait_type: 'tool_approval', kind: 'Shell', options: SHELL_OPTIONS },
  answer: ['1'],
};

function shellApprove(cols: number, rows: number): RecordingFixture {
  return {
    name: 'shell-approve',
    description: 'Shell confirmation answered with 1 (Allow once); the command runs and the model answers Done.',
    cols,
    rows,
    script: scenario('shellScenario', 'touch created-by-tool.txt', 'Create an empty marker file'),
    steps: [ready('create the marker file'), SHELL_PROMPT, idleAfter(/Done\./)],
  };
}

/** The fixtures at their main size. */
const BASE_FIXTURES: readonly RecordingFixture[] = [
  shellApprove(120, 40),
  shellApprove(80, 24),
  {
    name: 'shell-deny',
    description: 'Shell confirmation cancelled with Esc; the request is cancelled and the idle box returns.',
    cols: 120,
    rows: 40,
    script: scenario('shellScenario', 'rm -rf build', 'Remove the build directory'),
    steps: [ready('clean the build'), { ...SHELL_PROMPT, answer: [ESC] }, idleAfter(/Request cancelled\./)],
  },
  {
    name: 'shell-always',
    description: 'Shell confirmation answered with 2 (Allow for this session); the second identical call runs unprompted.',
    cols: 120,
    rows: 40,
    script: scenario('geminiSteps', [
      { functionCall: { name: 'run_shell_command', args: { command: 'touch created-by-tool.txt', description: 'Create an empty marker file' } } },
      { functionCall: { name: 'run_shell_command', args: { command: 'touch created-by-tool.txt', description: 'Create it again' } } },
    ]),
    steps: [ready('create the marker file twice'), { ...SHELL_PROMPT, answer: ['2'] }, idleAfter(/Done\./)],
  },
  {
    name: 'write-approve',
    description: 'WriteFile confirmation (new file preview) answered with 1.',
    cols: 120,
    rows: 40,
    script: scenario('writeFileScenario', '{project}/notes.md', '# Notes\n\nCreated by the mock model.\n'),
    steps: [
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
    script: scenario('replaceScenario', '{project}/greeting.txt', 'hello world', 'hello tether'),
    files: { '{project}/greeting.txt': 'first line\nhello world\nlast line\n' },
    steps: [
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
    script: scenario('geminiText', 'The answer is 42.', 'You are welcome.'),
    steps: [ready('what is the answer?'), { ...idleAfter(/The answer is 42\./), answer: typed('thanks') }, idleAfter(/You are welcome\./)],
  },
  {
    name: 'busy-negative',
    description: 'Negative: about 8 s of streamed output with "Allow execution of [Shell]?" log lines; only the idle boxes count.',
    cols: 120,
    rows: 40,
    script: scenario('busyScenario', 8),
    steps: [ready('build everything'), idleAfter(/Step 40:/)],
  },
  {
    name: 'lookalike-negative',
    description: 'Negative: the answer holds a code block with "Allow execution of [Shell]?" and "● 1. Allow once".',
    cols: 120,
    rows: 40,
    script: scenario('geminiText', { const: 'LOOKALIKE_TEXT' }),
    steps: [ready('show me the prompt'), idleAfter(/nothing is waiting for you\./)],
  },
  {
    name: 'diff-negative',
    description: 'Negative: the answer holds a diff with "? " lines and "Apply this change?".',
    cols: 120,
    rows: 40,
    script: scenario('geminiText', { const: 'DIFF_TEXT' }),
    steps: [ready('show me the diff'), idleAfter(/Review it when you like\./)],
  },
];

/** The dialog fixtures: plan approval, ask_user, folder trust. */
function dialogFixtures(): RecordingFixture[] {
  const planPrompt: RecordingStep = {
    screen: /Ready to start implementation\?[\s\S]*Esc to cancel *│\n╰─+╯/,
    expect: { wait_type: 'plan_approval', kind: 'plan', options: ['Yes, automatically accept edits', 'Yes, manually accept edits', 'Type your feedback...'] },
  };
  const question = (spec: typeof AUTH, answer: RecordingStep['answer']): RecordingStep => ({
    screen: new RegExp(`${spec.question.replace('?', '\\?')}[\\s\\S]*Esc to cancel *│\\n╰─+╯`),
    expect: { wait_type: 'clarifying_question', options: [...spec.labels, 'Enter a custom value'] },
    answer,
  });
  const auth = scenario('askUserScenario', [{ const: 'AUTH_QUESTION' }]);
  return [
    {
      name: 'plan-accept',
      description: 'Plan mode (general.defaultApprovalMode "plan"): the plan is written, exit_plan_mode shows the approval, answered with 1.',
      cols: 120,
      rows: 40,
      variant: 'plan',
      script: scenario('planScenario'),
      steps: [ready('plan a greeting script'), { ...planPrompt, answer: ['1'] }, idleAfter(/Done\./)],
    },
    {
      name: 'plan-feedback',
      description: 'Plan mode: 3 (Type your feedback...), feedback typed, Enter; the model answers Done.',
      cols: 120,
      rows: 40,
      variant: 'plan',
      script: scenario('planScenario'),
      steps: [ready('plan a greeting script'), { ...planPrompt, answer: ['3', ...typed('use zsh instead')] }, idleAfter(/Done\./)],
    },
    {
      name: 'ask-free-text',
      description: 'ask_user answered with free text: 3 (Enter a custom value), text, Enter.',
      cols: 120,
      rows: 40,
      script: auth,
      steps: [ready('set up auth'), question(AUTH, ['3', ...typed('mutual TLS')]), idleAfter(/Done\./)],
    },
    { name: 'ask-one', description: 'ask_user with one choice question, answered with 1.', cols: 120, rows: 40, script: auth, steps: [ready('set up auth'), question(AUTH, ['1']), idleAfter(/Done\./)] },
    {
      name: 'ask-several',
      description: 'ask_user with two questions: 1, then 2, then Enter on the review tab.',
      cols: 120,
      rows: 40,
      script: scenario('askUserScenario', [{ const: 'AUTH_QUESTION' }, { const: 'STORAGE_QUESTION' }]),
      steps: [
        ready('set up auth and storage'),
        question(AUTH, ['1']),
        question(STORAGE, ['2']),
        { screen: /Review your answers:[\s\S]*Enter to submit/, expect: { wait_type: 'clarifying_question', options: ['Submit answers'] }, answer: ['\r'] },
        idleAfter(/Done\./),
      ],
    },
    {
      name: 'ask-text',
      description: 'ask_user with a text question: the answer typed into the field, Enter.',
      cols: 120,
      rows: 40,
      script: scenario('askUserScenario', [{ question: 'What should the service be called?', header: 'Name', type: 'text' }]),
      steps: [
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
      variant: 'untrusted',
      script: scenario('geminiText', 'Hi.'),
      steps: [
        {
          // Reported from its first paint (alone on the screen), which already takes the answer;
          // the recorder answers once it is drawn again under the banner.
          screen: /Authenticated with[\s\S]*Do you trust the files in this folder\?[\s\S]*Don't trust/,
          expectAt: 'shown',
          shown: /Do you trust the files in this folder\?[\s\S]*Don't trust/,
          expect: { wait_type: 'tool_approval', kind: 'trust_folder', options: ['Trust folder (project)', 'Trust parent folder (tether-gemini)', "Don't trust"] },
          answer: ['1'],
        },
        // The relaunched CLI paints its idle box under the old screen (no banner above it).
        { screen: IDLE_BOX, expect: { wait_type: 'awaiting_response' } },
      ],
    },
    {
      name: 'auth-api-key',
      description: 'No auth type and no GEMINI_API_KEY: the auth dialog answered with 2, then the "Enter Gemini API Key" box (a text field; its content is a secret) gets a fake key and Enter; then the idle box.',
      cols: 120,
      rows: 40,
      variant: 'no-auth-no-key',
      script: scenario('geminiText', 'Hi.'),
      steps: [
        { ...authPrompt, answer: ['2'] },
        { screen: /Enter Gemini API Key[\s\S]*Press Enter to submit/, expect: { wait_type: 'clarifying_question', kind: 'api_key' }, answer: [...typed(FIXTURE_API_KEY)] },
        { screen: IDLE_BOX, expect: { wait_type: 'awaiting_response' } },
      ],
    },
  ];
}

const AUTH_OPTIONS = ['Sign in with Google', 'Use Gemini API Key', 'Vertex AI'];
/**
 * The auth dialog, counted from its first complete paint: it is painted alone, then (not always)
 * again under the banner; the first paint already takes the answer.
 */
const authPrompt: RecordingStep = {
  screen: /How would you like to authenticate[\s\S]*Vertex AI[\s\S]*Terms of Services/,
  expectAt: 'shown',
  expect: { wait_type: 'clarifying_question', kind: 'auth', options: AUTH_OPTIONS },
};

/** Gemini CLI's recording setup and fixtures. */
export const recording: CliRecording = {
  version: GEMINI_VERSION,
  bin: { agentCli: 'gemini' },
  mock: 'gemini',
  setup: {
    env: { COLORTERM: 'truecolor', GEMINI_API_KEY: GEMINI_MOCK_KEY, GOOGLE_GEMINI_BASE_URL: '{mock_url}', NO_BROWSER: 'true' },
    files: { [SETTINGS]: settings({ auth: true }), [TRUSTED]: JSON.stringify({ '{project}': 'TRUST_FOLDER' }, null, 2) },
  },
  variants: {
    plan: { files: { [SETTINGS]: settings({ auth: true, approvalMode: 'plan' }) } },
    untrusted: { files: { [TRUSTED]: JSON.stringify({}, null, 2) } },
    'no-auth': { files: { [SETTINGS]: settings({ auth: false }) } },
    'no-auth-no-key': { env: { GEMINI_API_KEY: '' }, files: { [SETTINGS]: settings({ auth: false }) } },
  },
  fixtureDirs: { home: '/tmp/tether-gemini/home', project: '/tmp/tether-gemini/project' },
  driving: {
    stepTimeoutMs: 40_000,
    readMs: 1200,
    keyGapMs: 80,
    // Gemini applies typed keys on a React re-render; an Enter read before it drops the last character or lands as a newline.
    submitPause: { ms: 700, when: 'in_sequence' },
    expectAt: 'drawn',
  },
  fixtures: withSmall([...BASE_FIXTURES, ...dialogFixtures()], ['busy-negative', 'lookalike-negative', 'plan-accept', 'trust-dialog']),
};
