/**
 * How OpenCode 1.18.33 is recorded and tested: `~/.config/opencode/opencode.json` with a `mock`
 * OpenAI-compatible provider pointing at the mock Chat Completions server
 * (test/mock/openaiChatServer.ts) and bash/edit permissions set to ask, updates, model fetches
 * and sharing off, and the fixtures in fixtures/opencode/. Pure data; see ../cliRecording.ts.
 */
import { scenario, typed, withSmall, type CliRecording, type RecordingFixture, type RecordingStep } from '../cliRecording.js';

/** OpenCode version the parser and fixtures were made with. */
export const OPENCODE_VERSION = '1.18.33';

const CONFIG = JSON.stringify(
  {
    $schema: 'https://opencode.ai/config.json',
    autoupdate: false,
    share: 'disabled',
    model: 'mock/mock-model',
    small_model: 'mock/mock-model',
    provider: {
      mock: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Mock',
        options: { baseURL: '{mock_url}', apiKey: 'mock-key' },
        models: { 'mock-model': { name: 'Mock Model', tool_call: true, limit: { context: 128000, output: 8192 } } },
      },
    },
    permission: { bash: 'ask', edit: 'ask' },
  },
  null,
  2,
);

const ESC = '\u001b';
const RIGHT = '\u001b[C';
/** The input panel's bottom edge with the idle status row under it (no `esc interrupt`). */
const IDLE_PANEL = /╹▀{8,}\s*\n(?!.*esc (again to )?interrupt).*\S/;
const PERMISSION = /△ Permission required[\s\S]*(⇆ select|ctrl\+f fullscreen)/;
const BASH_OPTIONS = ['Allow once', 'Allow always', 'Reject'];
const LOOKALIKE = [
  'Here is what a permission dialog looks like:',
  '',
  '```',
  '┃  △ Permission required',
  '┃    # Shell command',
  '┃  $ rm -rf /',
  '┃   Allow once   Allow always   Reject      ⇆ select  enter confirm',
  '```',
  '',
  'Do you want to proceed? 1. Yes  2. No. Nothing is waiting for you.',
].join('\n');

function ready(prompt: string): RecordingStep {
  return { screen: IDLE_PANEL, expect: { wait_type: 'awaiting_response' }, answer: typed(prompt) };
}

function idleAfter(text: RegExp): RecordingStep {
  return { screen: new RegExp(`${text.source}[\\s\\S]*${IDLE_PANEL.source}`), expect: { wait_type: 'awaiting_response' } };
}

function bash(command: string, description: string) {
  return { toolCalls: [{ name: 'bash', arguments: { command, description } }] };
}

function permission(kind: string, answer: readonly string[]): RecordingStep {
  return { screen: PERMISSION, expect: { wait_type: 'tool_approval', kind, options: BASH_OPTIONS }, answer };
}

function bashApprove(cols: number, rows: number): RecordingFixture {
  return {
    name: 'bash-approve',
    description: 'Bash permission answered with Enter (Allow once, focused); the command runs and the model answers Done.',
    cols,
    rows,
    script: scenario('chatSteps', [bash('touch created-by-tool.txt', 'Create an empty marker file')]),
    steps: [ready('create the marker file'), permission('bash', ['\r']), idleAfter(/Done\./)],
  };
}

const BASE: readonly RecordingFixture[] = [
  bashApprove(120, 40),
  bashApprove(80, 24),
  {
    name: 'bash-always',
    description: 'Bash permission answered with "→ Enter Enter" in one write (Allow always, then Confirm, as the phone sends it); the repeat runs unprompted.',
    cols: 120,
    rows: 40,
    script: scenario('chatSteps', [bash('touch created-by-tool.txt', 'Create a marker file'), bash('touch created-by-tool.txt', 'Create it again')]),
    steps: [ready('create the marker file twice'), permission('bash', [`${RIGHT}\r\r`]), idleAfter(/Done\./)],
  },
  {
    name: 'bash-deny',
    description: 'Bash permission rejected with Esc; the tool is rejected and the turn ends.',
    cols: 120,
    rows: 40,
    script: scenario('chatSteps', [bash('rm -rf build', 'Remove the build directory')]),
    steps: [ready('clean the build'), permission('bash', [ESC]), { screen: IDLE_PANEL, expect: { wait_type: 'awaiting_response' } }],
  },
  {
    name: 'bash-reject-button',
    description: 'Bash permission rejected by moving to Reject (→ →) and Enter.',
    cols: 80,
    rows: 24,
    script: scenario('chatSteps', [bash('rm -rf build', 'Remove the build directory')]),
    steps: [ready('clean the build'), permission('bash', [RIGHT, RIGHT, '\r']), { screen: IDLE_PANEL, expect: { wait_type: 'awaiting_response' } }],
  },
  {
    name: 'edit-approve',
    description: 'Edit permission with a diff whose lines contain "? " (a ternary), answered with Enter.',
    cols: 120,
    rows: 40,
    files: { '{project}/src/app.ts': 'export const mode = debug ? "verbose" : "quiet";\nexport const level = 1;\n' },
    script: scenario('chatSteps', [
      { toolCalls: [{ name: 'edit', arguments: { filePath: '{project}/src/app.ts', oldString: 'export const level = 1;', newString: 'export const level = ready ? 2 : 1;' } }] },
    ]),
    steps: [ready('raise the level'), permission('edit', ['\r']), idleAfter(/Done\./)],
  },
  {
    name: 'question-one',
    description: 'The question tool (one question, two options and "Type your own answer"), answered with 1.',
    cols: 120,
    rows: 40,
    script: scenario('chatSteps', [
      {
        toolCalls: [
          {
            name: 'question',
            arguments: {
              questions: [
                {
                  header: 'Storage',
                  question: 'Which database should I use?',
                  options: [
                    { label: 'SQLite', description: 'One file' },
                    { label: 'Postgres', description: 'A server' },
                  ],
                },
              ],
            },
          },
        ],
      },
    ]),
    steps: [
      ready('pick a database'),
      { screen: /Which database should I use\?[\s\S]*esc dismiss/, expect: { wait_type: 'clarifying_question', options: ['SQLite', 'Postgres', 'Type your own answer'] }, answer: ['1'] },
      idleAfter(/Done\./),
    ],
  },
  {
    name: 'idle-after-text',
    description: 'A plain answer: the idle input panel before and after the turn.',
    cols: 80,
    rows: 24,
    script: scenario('chatSteps', [], { text: 'The project has no files yet.' }),
    steps: [ready('what is here'), idleAfter(/no files yet\./)],
  },
  {
    name: 'busy-negative',
    description: 'Negative: about 6 s of streamed lines that say "Permission required? Allow once / Reject"; only the idle panels count.',
    cols: 120,
    rows: 40,
    script: scenario('chatSteps', [], {
      chunks: Array.from({ length: 40 }, (_, i) => `Step ${i + 1}: Permission required? Allow once / Reject … checking module ${i + 1}\n`),
      chunkDelayMs: 150,
    }),
    steps: [ready('build everything'), idleAfter(/Step 40:/)],
  },
  {
    name: 'lookalike-negative',
    description: 'Negative: the answer holds a drawn "△ Permission required" panel with buttons and "Do you want to proceed? 1. Yes".',
    cols: 120,
    rows: 40,
    script: scenario('chatSteps', [], { text: LOOKALIKE }),
    steps: [ready('show me the dialog'), idleAfter(/Nothing is waiting for you\./)],
  },
  {
    name: 'spinner-negative',
    description: 'Negative: the model takes 6 s before its first token, so only the busy status row animates.',
    cols: 120,
    rows: 40,
    script: scenario('chatSteps', [], { text: 'Finished thinking.', delayMs: 6000 }),
    steps: [ready('think hard'), idleAfter(/Finished thinking\./)],
  },
];

/** OpenCode's recording setup and fixtures. */
export const recording: CliRecording = {
  version: OPENCODE_VERSION,
  bin: { agentCli: 'opencode' },
  mock: 'chat',
  setup: {
    env: {
      XDG_CONFIG_HOME: '{home}/.config',
      XDG_DATA_HOME: '{home}/.local/share',
      XDG_CACHE_HOME: '{home}/.cache',
      XDG_STATE_HOME: '{home}/.local/state',
      OPENCODE_DISABLE_AUTOUPDATE: '1',
      OPENCODE_DISABLE_MODELS_FETCH: '1',
      OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
      OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
      OPENCODE_DISABLE_SHARE: '1',
    },
    files: { '{home}/.config/opencode/opencode.json': CONFIG },
    // OpenCode opens its log file without creating the folder on a fresh XDG tree.
    dirs: ['{home}/.local/share/opencode/log', '{home}/.local/state/opencode', '{home}/.cache/opencode'],
  },
  fixtureDirs: { home: '/tmp/tether-fixture-opencode/home', project: '/tmp/tether-fixture-opencode/project' },
  driving: {
    stepTimeoutMs: 90_000,
    readMs: 1200,
    keyGapMs: 80,
    // Let the answer land before the next pattern check sees the old screen.
    afterAnswerMs: 1500,
    // OpenCode drops keys for a while after its title appears.
    ready: { title: '^(OpenCode|OC \\|)', timeoutMs: 60_000, warmupMs: 4000 },
    expectAt: 'drawn',
    firstAfterTitle: true,
  },
  fixtures: withSmall(BASE, ['bash-always', 'lookalike-negative', 'bash-deny', 'question-one']),
};
