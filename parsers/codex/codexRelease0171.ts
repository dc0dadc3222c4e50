/**
 * Codex CLI 0.171.0, the newest release, recorded beside 0.169.0 (issue 13): installed into
 * .cache/agent-clis as the npm alias `codex-0.171.0` (test/agentClis.json), the same mock
 * provider config, the start-up variants (first-run sign-in, an untrusted git project) and its
 * fixtures (`fixtures/codex/0.171.0-*`). Pure data; see ../cliRecording.ts.
 *
 * Seen with 0.169.0 and 0.171.0 alike (docs/cli-screens-newest.md): without a provider in the
 * config and without `auth.json` the TUI loads for 20–30 s, then asks how to sign in ("Welcome to
 * Codex … Choose how you want to use Codex"); a digit picks and activates; "Sign in another way"
 * → "Use an OpenAI API key" → a box labelled `API key` that echoes the key in clear. An untrusted
 * project with a `.git` folder first shows "Folder access / Trust this folder?".
 */
import { FIXTURE_API_KEY, scenario, typed, type CliRelease, type RecordingFixture, type RecordingStep } from '../cliRecording.js';
import { codexConfig, COMPOSER, CONFIG, execPrompt, idleAfter, TOUCH } from './codexSteps.js';

/** The newest Codex release the project runs. */
export const CODEX_NEWEST = '0.171.0';
/** Its own fixture dirs: no clash with recordings of 0.169.0 or of other CLIs. */
const DIRS = { home: '/tmp/tether-fixture-codex-0.171.0/home', project: '/tmp/tether-fixture-codex-0.171.0/project' };
/** A first-run config: no provider, no update check, analytics and feedback off. */
const SIGN_IN_CONFIG = ['check_for_update_on_startup = false', '', '[analytics]', 'enabled = false', '', '[feedback]', 'enabled = false', ''].join('\n');

/** Codex 0.171.0 as a release of the Codex recording. */
export const release0171: CliRelease = {
  version: CODEX_NEWEST,
  bin: { agentCli: 'codex', agentPackage: 'codex-0.171.0' },
  variants: {
    /** No provider and no auth.json: the first-run sign-in screens. */
    'sign-in': { files: { [CONFIG]: SIGN_IN_CONFIG } },
    /** The mock provider, the project untrusted and a git repository: the trust screen. */
    'untrusted-git': { files: { [CONFIG]: codexConfig(true, false), '{project}/.git/HEAD': 'ref: refs/heads/main\n' } },
  },
  fixtureDirs: DIRS,
};

/** The composer with its status line (any model, any project path). */
const READY: RecordingStep = { screen: COMPOSER, expect: { wait_type: 'awaiting_response' } };

/**
 * The composer after a turn: 0.171.0 names the thread after the first answer (a second request;
 * `Mock session` in the footer) and keeps the title's spinner until then, so the turn ends with
 * the `Worked for 2s` row, after the composer is back: counted from that last change.
 */
const turnDone = (text: RegExp): RecordingStep => ({ ...idleAfter(text), expectAt: 'drawn' });

const fixture = (spec: Omit<RecordingFixture, 'release'>): RecordingFixture => ({ ...spec, name: `${CODEX_NEWEST}-${spec.name}`, release: CODEX_NEWEST });

/** 0.171.0's fixtures: sign-in and trust at start-up, an approval and plain turns. */
export const fixtures0171: readonly RecordingFixture[] = [
  fixture({
    name: 'sign-in-api-key',
    description: 'First run (no provider, no auth.json): the sign-in choice answered with 3 (Sign in another way), then 1 (Use an OpenAI API key), a fake key typed into the API-key box and Enter; then the ready composer.',
    cols: 120,
    rows: 40,
    variant: 'sign-in',
    steps: [
      {
        screen: /Choose how you want to use Codex\.[\s\S]*Press enter to continue/,
        expect: { wait_type: 'clarifying_question', kind: 'sign_in', options: ['Sign in with ChatGPT', 'Sign in with Device Code', 'Sign in another way'] },
        answer: ['3'],
      },
      { screen: /Sign in another way[\s\S]*Press esc to go back/, expect: { wait_type: 'clarifying_question', kind: 'sign_in', options: ['Use an OpenAI API key', 'Use Amazon Bedrock'] }, answer: ['1'] },
      { screen: /╭API key[\s\S]*Press enter to save/, expect: { wait_type: 'clarifying_question', kind: 'api_key' }, answer: typed(FIXTURE_API_KEY) },
      READY,
    ],
  }),
  fixture({
    name: 'trust-git',
    description: 'An untrusted project that is a git repository: "Folder access / Trust this folder?" answered with Enter (Trust and continue, focused) 25 s later; then the ready composer.',
    cols: 120,
    rows: 40,
    variant: 'untrusted-git',
    script: scenario('textScenario', 'Hi.'),
    steps: [
      {
        screen: /Trust this folder\?[\s\S]*enter continue · esc back/,
        expect: { wait_type: 'tool_approval', kind: 'trust_folder', options: ['Trust and continue', 'Back to Agent Command Center'] },
        // Enter on the focused "Trust and continue", once the TUI has finished loading and reads keys.
        answer: ['\r'],
        answerAfterMs: 25_000,
      },
      READY,
    ],
  }),
  fixture({
    name: 'exec-approve',
    description: 'Escalated exec_command approval answered with y (Yes, proceed); the command runs and Codex answers Done.',
    cols: 120,
    rows: 40,
    script: scenario('execScenario', TOUCH, 'Create the marker file'),
    steps: [{ ...READY, answer: typed('create the marker file') }, execPrompt(['y']), turnDone(/Done\./)],
  }),
  fixture({
    name: 'idle-after-text',
    description: 'Two plain-text turns: the composer when ready, after the first answer, and after the second.',
    cols: 120,
    rows: 40,
    script: scenario('textScenario', 'The answer is 42.', 'You are welcome.'),
    steps: [{ ...READY, answer: typed('what is the answer?') }, { ...turnDone(/The answer is 42\./), answer: typed('thanks') }, turnDone(/You are welcome\./)],
  }),
];
