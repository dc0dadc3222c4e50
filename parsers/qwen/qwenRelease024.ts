/**
 * Qwen Code 0.24.4, the newest release, recorded beside 0.15.10 (issue 13): installed into
 * .cache/agent-clis as the npm alias `qwen-code-0.24.4` (test/agentClis.json; its `engines`
 * says Node ≥ 22, it runs on Node 20), its settings, start-up variants and fixtures
 * (`fixtures/qwen/0.24.4-*`). Pure data; see ../cliRecording.ts.
 *
 * Seen with 0.24.4 (docs/cli-screens-newest.md): `general.enableAutoUpdate: false` is what stops
 * the start-up update check now (`disableUpdateNag` no longer does); the npm tarball's vendored
 * `rg` is not executable, so `tools.useRipgrep: false` spares the warning box that names the
 * install path; folder trust on and the project not trusted → the trust dialog; no auth type and
 * no OPENAI_* key → the "Connect a Provider" picker.
 */
import { scenario, typed, type CliRelease, type RecordingFixture } from '../cliRecording.js';
import { IDLE, idleAfter, qwenFixtures, qwenSettings, SETTINGS, timedFromFirstPaint, TRUSTED_FOLDERS, type QwenSettingsExtra } from './qwenSteps.js';

/** The newest Qwen Code release the project runs. */
export const QWEN_NEWEST = '0.24.4';

const EXTRA: QwenSettingsExtra = { general: { enableAutoUpdate: false }, tools: { useRipgrep: false } };
/** Its own fixture dirs: no clash with recordings of 0.15.10 or of other CLIs. */
const DIRS = { home: '/tmp/tether-fixture-qwen-0.24.4/home', project: '/tmp/tether-fixture-qwen-0.24.4/project' };

/** Qwen Code 0.24.4 as a release of the Qwen recording. */
export const release024: CliRelease = {
  version: QWEN_NEWEST,
  bin: { agentCli: 'qwen', agentPackage: 'qwen-code-0.24.4' },
  setup: { files: { [SETTINGS]: qwenSettings('default', EXTRA) } },
  variants: {
    plan: { files: { [SETTINGS]: qwenSettings('plan', EXTRA) } },
    /** Folder trust on, the project not trusted: the trust dialog first. */
    untrusted: { files: { [SETTINGS]: qwenSettings('default', EXTRA, { folderTrust: true }), [TRUSTED_FOLDERS]: '{}' } },
    /** No auth type and no key: the provider picker first. */
    'no-auth': { env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', OPENAI_MODEL: '' }, files: { [SETTINGS]: qwenSettings('default', EXTRA, { auth: false }) } },
  },
  fixtureDirs: DIRS,
};

const TRUST_OPTIONS = ['Trust folder (project)', 'Trust parent folder (tether-fixture-qwen-0.24.4)', "Don't trust (esc)"];
const PROVIDERS = ['Alibaba ModelStudio', 'Third-party Providers', 'Custom Provider'];

const trustDialog = (cols: number, rows: number): RecordingFixture => timedFromFirstPaint({
  name: '0.24.4-trust-dialog',
  description: 'Folder trust on and the project not trusted: the trust dialog (its box runs off the screen) answered with 1, then the idle input.',
  cols,
  rows,
  release: QWEN_NEWEST,
  variant: 'untrusted',
  script: scenario('chatSteps', [], { text: 'Hi.' }),
  steps: [
    { screen: /Do you trust this folder\?[\s\S]*3\. Don't trust/, expect: { wait_type: 'tool_approval', kind: 'trust_folder', options: TRUST_OPTIONS }, answer: ['1'] },
    { screen: IDLE, expect: { wait_type: 'awaiting_response' } },
  ],
});

/** 0.24.4's fixtures: the shared scenarios, its start-up dialogs and a plain turn, each prompt timed from its first complete paint. */
export const fixtures024: readonly RecordingFixture[] = [
  ...qwenFixtures({ prefix: `${QWEN_NEWEST}-`, release: QWEN_NEWEST, firstPaint: true }),
  trustDialog(120, 40),
  trustDialog(80, 24),
  timedFromFirstPaint({
    name: '0.24.4-auth-picker',
    description: 'No auth type and no key: the "Connect a Provider" picker (unnumbered, a description under each item) is the first screen; left up.',
    cols: 120,
    rows: 40,
    release: QWEN_NEWEST,
    variant: 'no-auth',
    steps: [{ screen: /Connect a Provider[\s\S]*Custom Provider/, expect: { wait_type: 'clarifying_question', kind: 'auth', options: PROVIDERS } }],
  }),
  timedFromFirstPaint({
    name: '0.24.4-idle-after-text',
    description: 'A plain text turn: the idle input at start, the answer, the idle input again.',
    cols: 120,
    rows: 40,
    release: QWEN_NEWEST,
    script: scenario('chatSteps', [], { text: 'Hi there, nothing to run.' }),
    steps: [{ screen: IDLE, expect: { wait_type: 'awaiting_response' }, answer: typed('say hi') }, idleAfter(/Hi there, nothing to run\./)],
  }),
];
