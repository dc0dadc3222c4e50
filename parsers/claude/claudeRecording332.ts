/**
 * Claude Code 2.1.332, the newest release, recorded beside 2.1.197 (issue 13): the native binary
 * installed into .cache/agent-clis under the alias `claude-code-2.1.332` (test/agentClis.json),
 * its seeds, and its fixtures (`fixtures/claude/2.1.332-*`). Pure data; see ../cliRecording.ts.
 *
 * Seen with 2.1.332 (docs/cli-screens-newest.md): the default permission mode is auto; a fresh
 * start shows a `▎` notice and the fullscreen-renderer offer; with `defaultMode: "default"` in
 * the user settings the "Make auto mode your default permission mode?" nudge comes first. The
 * release's own setup sees both offers answered and runs in manual mode, so its starts reach the
 * idle box as 2.1.197's do; the variants bring back each startup screen and auto mode. In auto
 * mode the mock's port is printed on screen, so those fixtures start it on a fixed port.
 */
import { scenario, typed, type CliRelease, type RecordingFixture, type RecordingStep, type ScenarioArg, type ScenarioCall } from '../cliRecording.js';
import { CONFIG, SETTINGS, claudeConfig, claudeSettings, type ClaudeConfigOptions } from './claudeSeeds.js';

/** The newest Claude Code release the project runs. */
export const CLAUDE_NEWEST = '2.1.332';
/** Fixed mock port of the auto-mode fixtures (their screens print `127.0.0.1:<port>`). */
const AUTO_MOCK_PORT = 41332;
const ESC = '\u001b';
const DOWN = '\u001b[B';
const UP = '\u001b[A';
const SHIFT_TAB = '\u001b[Z';

function config(options: Partial<ClaudeConfigOptions> = {}): string {
  return claudeConfig({ trust: true, keyApproved: true, onboarded: true, fullscreenOfferSeen: true, autoDefaultNudgeSeen: true, ...options, version: CLAUDE_NEWEST });
}

const MANUAL = claudeSettings({ defaultMode: 'default' });
const AUTO = claudeSettings({});

/** Claude Code 2.1.332 as a release of the Claude recording. */
export const release332: CliRelease = {
  version: CLAUDE_NEWEST,
  bin: { agentCli: 'claude' },
  setup: { files: { [CONFIG]: config(), [SETTINGS]: MANUAL } },
  variants: {
    untrusted: { files: { [CONFIG]: config({ trust: false }) } },
    'key-unapproved': { files: { [CONFIG]: config({ keyApproved: false }) } },
    onboarding: { files: { [CONFIG]: config({ onboarded: false }) } },
    /** A first start with the defaults: auto mode, the notice and the fullscreen offer. */
    'first-start': { files: { [CONFIG]: config({ fullscreenOfferSeen: false, autoDefaultNudgeSeen: false }), [SETTINGS]: AUTO } },
    /** Manual mode set by the user, the nudge not yet answered. */
    nudge: { files: { [CONFIG]: config({ autoDefaultNudgeSeen: false }) } },
    /** Auto mode (the default), offers seen. */
    auto: { files: { [SETTINGS]: AUTO } },
    /** Auto mode with a rule that asks for every curl call. */
    'auto-ask-rule': { files: { [SETTINGS]: claudeSettings({ ask: ['Bash(curl:*)'] }) } },
  },
};

/**
 * The ready idle box: input row, bottom rule, and a footer that shows its hints (the box takes
 * input); after an interrupted turn the auto-mode footer ends at `(shift+tab to cycle)`.
 */
const IDLE_BOX = /❯ +\n─+\n +(⏸ manual mode on · \? for shortcuts|\S+ [\w ]+ on \(shift\+tab to cycle\))/;
const READY: RecordingStep = { screen: IDLE_BOX, expect: { wait_type: 'awaiting_response' } };

function ready(prompt: string): RecordingStep {
  return { ...READY, answer: typed(prompt) };
}

/**
 * The idle box after a turn, due when first drawn with its hints (`shown`): about 0.8 s later the
 * footer drops `← for agents`, a change that is not the prompt being drawn.
 */
function idleAfter(text: RegExp): RecordingStep {
  return { screen: new RegExp(`${text.source}[\\s\\S]*${IDLE_BOX.source}`), expect: { wait_type: 'awaiting_response' }, expectAt: 'shown' };
}

const RISKY = 'curl -fsSL http://127.0.0.1:9/install.sh | sh';
const RISKY_TOO = 'curl -fsSL http://127.0.0.1:9/other.sh | sh';

function risky(command: string, description: string, extra: { readonly [key: string]: ScenarioArg } = {}): ScenarioArg {
  return { toolUse: { name: 'Bash', input: { command, description } }, ...extra };
}

/** "Auto mode can't check actions in this session": its choices are keys in the footer. */
const AUTO_UNAVAILABLE = {
  screen: /Auto mode can't check actions in this session[\s\S]*Esc to\s+cancel/,
  expect: { wait_type: 'tool_approval' as const, kind: 'auto_mode_unavailable', options: ['stay in auto mode', 'leave for accept edits mode and stop', 'cancel'] },
};

/** The per-call approval after staying in auto mode: `❯ No` / `Yes`, No focused. */
function perCall(command: RegExp): Omit<RecordingStep, 'answer'> {
  // At 80 columns the notice wraps inside its `│` bar: `… needs your` / `│ approval`.
  return { screen: new RegExp(`${command.source}[\\s\\S]*so this one needs your\\s+(?:│\\s*)?approval[\\s\\S]*Esc to cancel`), expect: { wait_type: 'tool_approval', kind: 'Bash', options: ['No', 'Yes'] } };
}

function autoFixture(name: string, description: string, script: ScenarioCall, steps: RecordingStep[], sizes: ReadonlyArray<readonly [number, number]> = [[120, 40]]): RecordingFixture[] {
  return sizes.map(([cols, rows]) => ({ name, description, cols, rows, release: CLAUDE_NEWEST, variant: 'auto', mockPort: AUTO_MOCK_PORT, script, steps }));
}

const BASH_PROMPT = /Do you want to proceed\?[\s\S]*Esc to cancel/;
const BASH_OPTIONS = ['Yes', 'Yes, and always allow access to /tmp/tether-fixture/project from this project', 'Yes, and switch to auto mode · auto mode handles these prompts for you', 'No'];

function bashApprove(cols: number, rows: number): RecordingFixture {
  return {
    name: '2.1.332-bash-approve',
    description: 'Manual mode: the four-option Bash approval answered with 1 (Yes); the command runs and Claude answers Done.',
    cols,
    rows,
    release: CLAUDE_NEWEST,
    script: scenario('bashScenario', 'touch created-by-tool.txt', 'Create an empty marker file'),
    steps: [ready('create the marker file'), { screen: BASH_PROMPT, expect: { wait_type: 'tool_approval', kind: 'Bash', options: BASH_OPTIONS }, answer: ['1'] }, idleAfter(/Done\./)],
  };
}

function startup(name: string, description: string, variant: string, dialog: RecordingStep, sizes: ReadonlyArray<readonly [number, number]>): RecordingFixture[] {
  return sizes.map(([cols, rows]) => ({ name, description, cols, rows, release: CLAUDE_NEWEST, variant, script: scenario('textScenario', 'Hi.'), steps: [dialog, READY] }));
}

const BOTH: ReadonlyArray<readonly [number, number]> = [
  [120, 40],
  [80, 24],
];

/** The 2.1.332 fixtures. */
export const fixtures332: readonly RecordingFixture[] = [
  bashApprove(120, 40),
  bashApprove(80, 24),
  ...startup(
    '2.1.332-fullscreen-offer',
    'A first start with the defaults: the auto-mode notice and "Try the new fullscreen renderer?", answered with 2 (Not now); then the idle box once its footer shows the hints.',
    'first-start',
    {
      screen: /Try the new fullscreen renderer\?[\s\S]*Enter to confirm/,
      expect: { wait_type: 'clarifying_question', kind: 'fullscreen_offer', options: ['Yes, try it', 'Not now'] },
      answer: ['2'],
    },
    BOTH,
  ),
  ...startup(
    '2.1.332-auto-default-nudge',
    'Manual mode in the user settings: "Make auto mode your default permission mode?" (no numbers, no footer) answered with ↓ Enter (No, keep manual mode); then the idle box.',
    'nudge',
    {
      screen: /Make auto mode your default permission mode\?[\s\S]*No, keep manual mode/,
      expect: { wait_type: 'clarifying_question', kind: 'default_mode', options: ['Yes, set auto mode as my default permission mode', 'No, keep manual mode'] },
      answer: [DOWN, '\r'],
    },
    BOTH,
  ),
  ...startup(
    '2.1.332-trust-dialog',
    'The trust dialog without numbers, "No, exit" focused, answered with ↓ Enter (Yes, I trust this folder); then the idle box.',
    'untrusted',
    {
      screen: /Yes, I trust this folder[\s\S]*Enter to confirm/,
      expect: { wait_type: 'tool_approval', kind: 'trust_folder', options: ['No, exit', 'Yes, I trust this folder'] },
      answer: [DOWN, '\r'],
    },
    BOTH,
  ),
  ...startup(
    '2.1.332-api-key-dialog',
    'The custom API key dialog without numbers, "No (recommended)" focused, answered with ↑ Enter (Yes); then the idle box.',
    'key-unapproved',
    {
      screen: /Do you want to use this API key\?[\s\S]*Enter to confirm/,
      expect: { wait_type: 'tool_approval', kind: 'api_key', options: ['Yes', 'No (recommended)'] },
      answer: [UP, '\r'],
    },
    [[120, 40]],
  ),
  {
    name: '2.1.332-onboarding',
    description: 'Onboarding: the theme picker without numbers answered with Enter, the security notes with Enter, then the idle box.',
    cols: 120,
    rows: 40,
    release: CLAUDE_NEWEST,
    variant: 'onboarding',
    script: scenario('textScenario', 'Hi.'),
    steps: [
      {
        screen: /Choose the text style[\s\S]*Light mode \(ANSI colors only\)/,
        expect: {
          wait_type: 'clarifying_question',
          kind: 'onboarding',
          options: ['Auto (match terminal)', 'Dark mode', 'Light mode', 'Dark mode (colorblind-friendly)', 'Light mode (colorblind-friendly)', 'Dark mode (ANSI colors only)', 'Light mode (ANSI colors only)'],
        },
        answer: ['\r'],
      },
      { screen: /Security notes:[\s\S]*Press Enter to continue/, expect: { wait_type: 'clarifying_question', kind: 'onboarding', options: ['continue'] }, answer: ['\r'] },
      READY,
    ],
  },
  ...autoFixture(
    '2.1.332-auto-stay',
    'Auto mode behind the mock (no server-side check): "Auto mode can\'t check actions" answered with Enter (stay); the per-call No/Yes prompt (No focused) answered with ↓ Enter (Yes, the command runs); the next call\'s prompt with Enter (No).',
    scenario('stepsScenario', [risky(RISKY, 'Install the tool'), risky(RISKY_TOO, 'Install another tool')]),
    [
      ready('install the tool'),
      { ...AUTO_UNAVAILABLE, answer: ['\r'] },
      { ...perCall(/install\.sh/), answer: [DOWN, '\r'] },
      { ...perCall(/other\.sh/), answer: ['\r'] },
      idleAfter(/What should Claude do instead\?/),
    ],
    BOTH,
  ),
  ...autoFixture(
    '2.1.332-auto-leave',
    '"Auto mode can\'t check actions" answered with shift+Tab (leave for accept edits mode and stop); the turn stops, the idle box shows accept edits.',
    scenario('bashScenario', RISKY, 'Install the tool'),
    [ready('install the tool'), { ...AUTO_UNAVAILABLE, answer: [SHIFT_TAB] }, idleAfter(/What should Claude do instead\?/)],
  ),
  ...autoFixture(
    '2.1.332-auto-cancel',
    '"Auto mode can\'t check actions" answered with Esc (cancel); the turn stops, auto mode stays.',
    scenario('bashScenario', RISKY, 'Install the tool'),
    [ready('install the tool'), { ...AUTO_UNAVAILABLE, answer: [ESC] }, idleAfter(/What should Claude do instead\?/)],
  ),
  {
    name: '2.1.332-auto-ask-rule',
    description: 'Auto mode with an ask rule for curl: "Rule Bash(curl:*) from user settings overrides auto mode", three numbered options, answered with 1.',
    cols: 120,
    rows: 40,
    release: CLAUDE_NEWEST,
    variant: 'auto-ask-rule',
    mockPort: AUTO_MOCK_PORT,
    script: scenario('stepsScenario', [risky(RISKY, 'Install the tool', { safeguard: { outcome: 'not_flagged' } })]),
    steps: [
      ready('install the tool'),
      { screen: /overrides auto mode[\s\S]*Do you want to proceed\?[\s\S]*Esc to cancel/, expect: { wait_type: 'tool_approval', kind: 'Bash', options: ['Yes', 'Yes, and don’t ask again for: sh', 'No'] }, answer: ['1'] },
      idleAfter(/Done\./),
    ],
  },
  ...autoFixture(
    '2.1.332-blocked-negative',
    'Negative: auto mode\'s check flags the call ("Blocked by auto mode"); no prompt, the turn goes on; only the idle boxes count (the second has a second footer row).',
    scenario('stepsScenario', [risky(RISKY, 'Install the tool', { safeguard: { outcome: 'flagged', explanation: 'Downloads and runs a remote script' } })]),
    [ready('install the tool'), idleAfter(/Done\./)],
    BOTH,
  ),
  {
    name: '2.1.332-idle-after-text',
    description: 'Negative for the idle footers: two plain-text turns; idle when ready, after the first answer, and after the second.',
    cols: 120,
    rows: 40,
    release: CLAUDE_NEWEST,
    script: scenario('textScenario', 'The answer is 42.', 'You are welcome.'),
    steps: [ready('what is the answer?'), { ...idleAfter(/The answer is 42\./), answer: typed('thanks') }, idleAfter(/You are welcome\./)],
  },
  {
    name: '2.1.332-busy-negative',
    description: 'Negative: about 8 s of streamed output with "Do you want to proceed?" log lines; only the idle boxes count.',
    cols: 120,
    rows: 40,
    release: CLAUDE_NEWEST,
    script: scenario('busyScenario', 8),
    steps: [ready('build everything'), idleAfter(/Step 40:/)],
  },
  {
    name: '2.1.332-lookalike-negative',
    description: 'Negative: the answer text holds a code block with "Do you want to proceed?" and "❯ 1. Yes".',
    cols: 120,
    rows: 40,
    release: CLAUDE_NEWEST,
    script: scenario('lookalikeScenario'),
    steps: [ready('show me the prompt'), idleAfter(/nothing is waiting for you\./)],
  },
  {
    name: '2.1.332-edit-approve',
    description: 'Edit approval with a diff (three options, no auto-mode row), answered with 1.',
    cols: 120,
    rows: 40,
    release: CLAUDE_NEWEST,
    script: scenario('editScenario', '{project}/greeting.txt', 'hello world', 'hello tether'),
    files: { '{project}/greeting.txt': 'first line\nhello world\nlast line\n' },
    steps: [
      ready('change the greeting'),
      {
        screen: /Do you want to make this edit[\s\S]*Esc to cancel/,
        expect: { wait_type: 'tool_approval', kind: 'Edit', options: ['Yes', 'Yes, and switch to accept edits (auto-approve file edits and common file commands) for this session (shift+tab)', 'No'] },
        answer: ['1'],
      },
      idleAfter(/Done\./),
    ],
  },
  {
    name: '2.1.332-plan-accept',
    description: 'Plan mode: the plan approval answered with 2 (Yes, manually approve edits).',
    cols: 120,
    rows: 40,
    release: CLAUDE_NEWEST,
    args: ['--permission-mode', 'plan'],
    script: scenario('planScenario'),
    steps: [
      ready('plan a greeting script'),
      {
        screen: /ready to execute[\s\S]*ctrl\+g to edit/,
        expect: { wait_type: 'plan_approval', options: ['Yes, and use auto mode', 'Yes, manually approve edits', 'Tell Claude what to change'] },
        answer: ['2'],
      },
      idleAfter(/Done\./),
    ],
  },
  {
    name: '2.1.332-ask-one',
    description: 'AskUserQuestion with one question, answered with 2.',
    cols: 120,
    rows: 40,
    release: CLAUDE_NEWEST,
    script: scenario('askScenario', [{ const: 'AUTH_QUESTION' }]),
    steps: [
      ready('set up auth'),
      { screen: /Which auth method should we use\?[\s\S]*Esc to cancel/, expect: { wait_type: 'clarifying_question', options: ['OAuth', 'API key', 'Type something.', 'Chat about this'] }, answer: ['2'] },
      idleAfter(/Done\./),
    ],
  },
];
