/**
 * How Codex CLI 0.169 is recorded and tested: against the mock Responses API
 * (test/mock/openaiResponsesServer.ts) through a `$CODEX_HOME/config.toml` with a `mock`
 * provider (no retries, on-request approvals, workspace-write sandbox, trusted project,
 * analytics and update checks off), and the fixtures in fixtures/codex/. Pure data; see
 * ../cliRecording.ts. Codex leaves a detached `codex app-server` behind; the env builder's
 * cleanup ends every process that uses the fixture's HOME.
 */
import { scenario, typed, withSmall, type CliRecording, type RecordingFixture, type RecordingStep } from '../cliRecording.js';

/** Codex version the config, screens and fixtures were made with. */
export const CODEX_VERSION = '0.169.0';
/** The env var the mock provider reads its (fake) key from (not TETHER_*: the daemon strips those). */
export const CODEX_KEY_ENV = 'CODEX_MOCK_API_KEY';
/**
 * The model slug: one from Codex's bundled catalog, so the tool set is the real one (apply_patch
 * as a freeform tool) and no "unknown model" warning shows; the mock answers any name.
 */
export const CODEX_MODEL = 'gpt-5.5';

/** config.toml for the mock provider. /tmp is not writable in the sandbox, so edits outside the project ask. */
function codexConfig(migrationSeen: boolean): string {
  return [
    `model = "${CODEX_MODEL}"`,
    'model_provider = "mock"',
    'approval_policy = "on-request"',
    'sandbox_mode = "workspace-write"',
    'check_for_update_on_startup = false',
    'hide_agent_reasoning = true',
    '',
    '[model_providers.mock]',
    'name = "Mock"',
    'base_url = "{mock_url}"',
    'wire_api = "responses"',
    `env_key = "${CODEX_KEY_ENV}"`,
    'request_max_retries = 0',
    'stream_max_retries = 0',
    'stream_idle_timeout_ms = 60000',
    '',
    '[sandbox_workspace_write]',
    'exclude_slash_tmp = true',
    'exclude_tmpdir_env_var = true',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[feedback]',
    'enabled = false',
    '',
    ...(migrationSeen ? ['[notice.model_migrations]', `"${CODEX_MODEL}" = "gpt-6-sol"`, ''] : []),
    '[projects."{project}"]',
    'trust_level = "trusted"',
    '',
  ].join('\n');
}

const CONFIG = '{home}/.codex/config.toml';
/** Shift+Tab: Default → Plan collaboration mode. */
const SHIFT_TAB = '\x1b[Z';
const ESC = '\x1b';
/** The composer with its footer (model line), i.e. ready for typing. */
const COMPOSER_READY = /\n› [^\n]*\n\s*\n +\S[^\n]*(default|medium|high|low)[^\n]* · \/tmp\/tether-fixture\/project/;
/** The composer with the status line under it (` · `-joined fields): what the parser reads as idle. */
const COMPOSER = /\n› [^\n]*\n\s*\n +\S[^\n]* · /;
const READY: RecordingStep = { screen: COMPOSER_READY, shown: COMPOSER, expect: { wait_type: 'awaiting_response' } };
const APPROVAL_FOOTER = /Press enter to confirm or esc to cancel/;
const TOUCH = 'touch created-by-tool.txt';
const EXEC_OPTIONS = ['Yes, proceed', `Yes, and don't ask again for commands that start with \`${TOUCH}\``, 'No, and tell Codex what to do differently'];
const PATCH_OPTIONS = ['Yes, proceed', "Yes, and don't ask again for these files", 'No, and tell Codex what to do differently'];
const PLAN_OPTIONS = ['Yes, implement this plan', 'Yes, clear context and implement', 'No, stay in Plan mode'];
const GREETING = 'first line\nhello world\nlast line\n';
const QUESTION = {
  id: 'auth_method',
  header: 'Auth',
  question: 'Which auth method should we use?',
  options: [
    { label: 'OAuth (Recommended)', description: "Use the provider's OAuth flow." },
    { label: 'API key', description: 'A static key in the environment.' },
  ],
};

function ready(prompt: string): RecordingStep {
  return { ...READY, answer: typed(prompt) };
}

/** The composer after a turn whose last text matched `text`. */
function idleAfter(text: RegExp): RecordingStep {
  return {
    screen: new RegExp(`${text.source}[\\s\\S]*${COMPOSER_READY.source}`),
    shown: new RegExp(`${text.source}[\\s\\S]*${COMPOSER.source}`),
    expect: { wait_type: 'awaiting_response' },
  };
}

function execPrompt(answer: string[], options = EXEC_OPTIONS): RecordingStep {
  return { screen: new RegExp(`run the following command\\?[\\s\\S]*${APPROVAL_FOOTER.source}`), expect: { wait_type: 'tool_approval', kind: 'exec_command', options }, answer };
}

function patchPrompt(answer: string[]): RecordingStep {
  return { screen: new RegExp(`make the following edits\\?[\\s\\S]*${APPROVAL_FOOTER.source}`), expect: { wait_type: 'tool_approval', kind: 'apply_patch', options: PATCH_OPTIONS }, answer };
}

function execApprove(cols: number, rows: number): RecordingFixture {
  return {
    name: 'exec-approve',
    description: 'Escalated exec_command approval answered with y (Yes, proceed); the command runs and Codex answers Done.',
    cols,
    rows,
    script: scenario('execScenario', TOUCH, 'Create the marker file'),
    steps: [ready('create the marker file'), execPrompt(['y']), idleAfter(/Done\./)],
  };
}

function planFixture(name: string, questionKey: string, planKey: string, description: string): RecordingFixture {
  const implementing = planKey === '1' || planKey === '2';
  return {
    name,
    description,
    cols: 120,
    rows: 40,
    script: scenario('turnsScenario', [[scenario('questionCall', [QUESTION]), scenario('proposedPlan', { const: 'SAMPLE_PLAN' })]]),
    steps: [
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
const BASE_FIXTURES: readonly RecordingFixture[] = [
  execApprove(120, 40),
  execApprove(80, 24),
  {
    name: 'exec-deny-esc',
    description: 'Command approval denied with Esc (No, and tell Codex what to do differently); the turn stops at the composer.',
    cols: 120,
    rows: 40,
    script: scenario('execScenario', 'rm -rf build', 'Remove the build directory'),
    steps: [
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
    script: scenario('stepsScenario', [
      { functionCall: { name: 'exec_command', arguments: { cmd: 'npm test', sandbox_permissions: 'require_escalated', justification: 'Run the tests', prefix_rule: ['npm', 'test'] } } },
      { functionCall: { name: 'exec_command', arguments: { cmd: 'npm test', sandbox_permissions: 'require_escalated', justification: 'Run the tests again', prefix_rule: ['npm', 'test'] } } },
    ]),
    files: { '{project}/package.json': '{"name":"fixture","private":true,"scripts":{"test":"echo tests passed"}}\n' },
    steps: [
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
    script: scenario('stepsScenario', [scenario('patchCall', '{home}/greeting.txt', 'hello world', 'hello tether')]),
    files: { '{home}/greeting.txt': GREETING },
    steps: [ready('change the greeting'), patchPrompt(['y']), idleAfter(/Done\./)],
  },
  {
    name: 'patch-always',
    description: "apply_patch approval answered with a (don't ask again for these files); the second patch to the file runs unprompted.",
    cols: 120,
    rows: 40,
    script: scenario('stepsScenario', [
      scenario('patchCall', '{home}/greeting.txt', 'hello world', 'hello tether'),
      scenario('patchCall', '{home}/greeting.txt', 'hello tether', 'hello again'),
    ]),
    files: { '{home}/greeting.txt': GREETING },
    steps: [ready('change the greeting twice'), patchPrompt(['a']), idleAfter(/Done\./)],
  },
  planFixture('plan-implement', '1', '1', 'Plan mode (Shift+Tab): request_user_input answered with 1, then "Implement this plan?" answered with 1; Codex implements and answers Done.'),
  planFixture('plan-stay', '2', '3', 'Plan mode (Shift+Tab): the question answered with 2, the plan with 3 (No, stay in Plan mode); back at the plan-mode composer.'),
  {
    name: 'model-migration',
    description: 'Startup dialog "Meet GPT-6 Sol" (model migration notice unseen), answered with 2 (Use existing model), then the ready composer.',
    cols: 120,
    rows: 40,
    script: scenario('textScenario', 'Hi.'),
    variant: 'migration-unseen',
    steps: [
      { screen: /Use existing model[\s\S]*enter\/esc confirm/, expect: { wait_type: 'clarifying_question', kind: 'model_migration', options: ['Try new model', 'Use existing model'] }, answer: ['2'] },
      READY,
    ],
  },
  {
    name: 'idle-after-text',
    description: 'Two plain-text turns: the composer when ready, after the first answer, and after the second.',
    cols: 120,
    rows: 40,
    script: scenario('textScenario', 'The answer is 42.', 'You are welcome.'),
    steps: [ready('what is the answer?'), { ...idleAfter(/The answer is 42\./), answer: typed('thanks') }, idleAfter(/You are welcome\./)],
  },
  {
    name: 'busy-negative',
    description: 'Negative: about 8 s of streamed output with "Would you like to run the following command?" log lines; only the composers count.',
    cols: 120,
    rows: 40,
    script: scenario('busyScenario', 8),
    steps: [ready('build everything'), idleAfter(/Step 40:/)],
  },
  {
    name: 'lookalike-negative',
    description: 'Negative: the answer holds a code block with "Would you like to run the following command?" and "› 1. Yes, proceed (y)".',
    cols: 120,
    rows: 40,
    script: scenario('textScenario', { const: 'LOOKALIKE_TEXT' }),
    steps: [ready('show me the prompt'), idleAfter(/nothing is waiting for you\./)],
  },
  {
    name: 'diff-negative',
    description: 'Negative: the answer holds a diff whose lines contain "? " (Q: Is it fast? A: …).',
    cols: 120,
    rows: 40,
    script: scenario('textScenario', { const: 'DIFF_TEXT' }),
    steps: [ready('show me the change'), idleAfter(/Nothing has been changed yet\./)],
  },
];

/** Codex's recording setup and fixtures. */
export const recording: CliRecording = {
  version: CODEX_VERSION,
  bin: { agentCli: 'codex' },
  mock: 'responses',
  setup: {
    env: { CODEX_HOME: '{home}/.codex', [CODEX_KEY_ENV]: 'sk-tether-mock-key' },
    files: { [CONFIG]: codexConfig(true) },
  },
  variants: { 'migration-unseen': { files: { [CONFIG]: codexConfig(false) } } },
  fixtureDirs: { home: '/tmp/tether-fixture/home', project: '/tmp/tether-fixture/project' },
  driving: {
    stepTimeoutMs: 40_000,
    readMs: 1200,
    settleTimeoutMs: 4000,
    afterReadMs: 300,
    keyGapMs: 80,
    // Codex reads an Enter that arrives inside a burst of typed characters as a newline.
    submitPause: { ms: 400, when: 'after_text' },
    expectAt: 'shown',
  },
  fixtures: withSmall(BASE_FIXTURES, ['patch-approve', 'plan-stay', 'lookalike-negative', 'busy-negative']),
};
