/**
 * How Codex CLI 0.169 (and, as a release beside it, 0.171.0: codexRelease0171.ts) is recorded and tested: against the mock Responses API
 * (test/mock/openaiResponsesServer.ts) through a `$CODEX_HOME/config.toml` with a `mock`
 * provider (no retries, on-request approvals, workspace-write sandbox, trusted project,
 * analytics and update checks off), and the fixtures in fixtures/codex/. Pure data; see
 * ../cliRecording.ts. Codex leaves a detached `codex app-server` behind; the env builder's
 * cleanup ends every process that uses the fixture's HOME.
 */
import { scenario, typed, withSmall, type CliRecording, type RecordingFixture } from '../cliRecording.js';
import { CODEX_NEWEST, fixtures0171, release0171 } from './codexRelease0171.js';
import { CODEX_KEY_ENV, codexConfig, CONFIG, ESC, execPrompt, GREETING, idleAfter, patchPrompt, PLAN_OPTIONS, QUESTION, READY, ready, SHIFT_TAB, TOUCH } from './codexSteps.js';

export { CODEX_KEY_ENV, CODEX_MODEL } from './codexSteps.js';

/** Codex version the config, screens and fixtures were made with. */
export const CODEX_VERSION = '0.169.0';

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
    // The first-run sign-in screen comes after 20–30 s of loading under load.
    stepTimeoutMs: 60_000,
    readMs: 1200,
    settleTimeoutMs: 4000,
    afterReadMs: 300,
    keyGapMs: 80,
    // Codex reads an Enter that arrives inside a burst of typed characters as a newline.
    submitPause: { ms: 400, when: 'after_text' },
    expectAt: 'shown',
  },
  fixtures: [...withSmall(BASE_FIXTURES, ['patch-approve', 'plan-stay', 'lookalike-negative', 'busy-negative']), ...fixtures0171],
  releases: { [CODEX_NEWEST]: release0171 },
  newest: CODEX_NEWEST,
};
