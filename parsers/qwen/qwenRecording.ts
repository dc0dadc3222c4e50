/**
 * How Qwen Code 0.15.10 is recorded and tested: `~/.qwen/settings.json` with the OpenAI auth
 * type (so the CLI talks to the mock Chat Completions server, test/mock/openaiChatServer.ts,
 * from OPENAI_BASE_URL), telemetry, update checks and usage statistics off, the project
 * trusted, and the fixtures in fixtures/qwen/. Pure data; see ../cliRecording.ts.
 */
import { scenario, typed, type CliRecording, type RecordingFixture, type RecordingStep } from '../cliRecording.js';

/** Qwen Code version the parser and fixtures were made with. */
export const QWEN_VERSION = '0.15.10';

/** `~/.qwen/settings.json` with the approval mode (`default` asks before tools; `plan` starts in plan mode). */
function settings(approvalMode: 'default' | 'plan'): string {
  return JSON.stringify(
    {
      security: { auth: { selectedType: 'openai' }, folderTrust: { enabled: false } },
      model: { name: 'mock-model' },
      general: { disableAutoUpdate: true, disableUpdateNag: true, checkpointing: { enabled: false } },
      privacy: { usageStatisticsEnabled: false },
      telemetry: { enabled: false },
      ide: { enabled: false, hasSeenNudge: true },
      ui: { hideTips: true, theme: 'Default' },
      tools: { approvalMode },
    },
    null,
    2,
  );
}

const SETTINGS = '{home}/.qwen/settings.json';
const ESC = '\u001b';
/** The input between its rules, empty (placeholder shown). */
const IDLE = /\n>   Type your message or @path\/to\/file\s*\n─{20,}/;
const SHELL = /Allow execution of[\s\S]*› 1\. Yes, allow once/;
const PLAN = /Would you like to proceed\?[\s\S]*› 1\. Yes/;
const SHELL_OPTIONS = (command: string) => [
  'Yes, allow once',
  `Always allow run '${command} *' commands in this project`,
  `Always allow run '${command} *' commands for this user`,
  'No, suggest changes (esc)',
];
const PLAN_OPTIONS = ['Yes, restore previous mode (default)', 'Yes, and auto-accept edits', 'Yes, and manually approve edits', 'No, keep planning (esc)'];
const PLAN_TEXT = '# Add a marker\n1. Create marker.txt in the project root\n2. Run the tests';
const LOOKALIKE = ['This is how an approval looks:', '', '```', "Allow execution of: 'rm'?", '› 1. Yes, allow once', '  2. No, suggest changes (esc)', '```', '', 'Nothing is waiting for you.'].join('\n');

function ready(prompt: string): RecordingStep {
  return { screen: IDLE, expect: { wait_type: 'awaiting_response' }, answer: typed(prompt) };
}

function idleAfter(text: RegExp): RecordingStep {
  return { screen: new RegExp(`${text.source}[\\s\\S]*${IDLE.source}`), expect: { wait_type: 'awaiting_response' } };
}

function shell(command: string, description: string) {
  return { toolCalls: [{ name: 'run_shell_command', arguments: { command, description } }] };
}

function shellPrompt(root: string, answer: readonly string[]): RecordingStep {
  return { screen: SHELL, expect: { wait_type: 'tool_approval', kind: 'Shell', options: SHELL_OPTIONS(root) }, answer };
}

function shellApprove(cols: number, rows: number): RecordingFixture {
  return {
    name: 'shell-approve',
    description: 'Shell confirmation answered with 1 (Yes, allow once); the command runs and the model answers Done.',
    cols,
    rows,
    script: scenario('chatSteps', [shell('touch created-by-tool.txt', 'Create an empty marker file')]),
    steps: [ready('create the marker file'), shellPrompt('touch', ['1']), idleAfter(/Done\./)],
  };
}

function planAccept(cols: number, rows: number): RecordingFixture {
  return {
    name: 'plan-accept',
    description: 'Plan mode: exit_plan_mode shows the plan approval, answered with 1 (restore previous mode).',
    cols,
    rows,
    variant: 'plan',
    script: scenario('chatSteps', [{ toolCalls: [{ name: 'exit_plan_mode', arguments: { plan: PLAN_TEXT } }] }]),
    steps: [ready('plan the marker'), { screen: PLAN, expect: { wait_type: 'plan_approval', options: PLAN_OPTIONS }, answer: ['1'] }, idleAfter(/Done\./)],
  };
}

const FIXTURES: readonly RecordingFixture[] = [
  shellApprove(120, 40),
  shellApprove(80, 24),
  {
    name: 'shell-always',
    description: 'Shell confirmation answered with 2 (always allow in this project); the repeat runs unprompted.',
    cols: 120,
    rows: 40,
    script: scenario('chatSteps', [shell('touch created-by-tool.txt', 'Create a marker file'), shell('touch created-by-tool.txt', 'Create it again')]),
    steps: [ready('create the marker file twice'), shellPrompt('touch', ['2']), idleAfter(/Done\./)],
  },
  {
    name: 'shell-deny',
    description: 'Shell confirmation cancelled with Esc (No, suggest changes); the turn ends.',
    cols: 120,
    rows: 40,
    script: scenario('chatSteps', [shell('rm -rf build', 'Remove the build directory')]),
    steps: [ready('clean the build'), shellPrompt('rm', [ESC]), { screen: IDLE, expect: { wait_type: 'awaiting_response' } }],
  },
  {
    name: 'shell-deny-row',
    description: 'Shell confirmation denied with 4 (No, suggest changes).',
    cols: 80,
    rows: 24,
    script: scenario('chatSteps', [shell('rm -rf build', 'Remove the build directory')]),
    steps: [ready('clean the build'), shellPrompt('rm', ['4']), { screen: IDLE, expect: { wait_type: 'awaiting_response' } }],
  },
  {
    name: 'edit-approve',
    description: 'Edit confirmation with a diff whose lines contain "? " (a ternary), answered with 1.',
    cols: 120,
    rows: 40,
    files: { '{project}/src/app.ts': 'export const mode = debug ? "verbose" : "quiet";\nexport const level = 1;\n' },
    script: scenario('chatSteps', [
      // Qwen refuses to edit a file it has not read in the session.
      { toolCalls: [{ name: 'read_file', arguments: { file_path: '{project}/src/app.ts' } }] },
      { toolCalls: [{ name: 'edit', arguments: { file_path: '{project}/src/app.ts', old_string: 'export const level = 1;', new_string: 'export const level = ready ? 2 : 1;' } }] },
    ]),
    steps: [ready('raise the level'), { screen: /Apply this change\?[\s\S]*› 1\./, expect: { wait_type: 'tool_approval' }, answer: ['1'] }, idleAfter(/Done\./)],
  },
  planAccept(120, 40),
  planAccept(80, 24),
  {
    name: 'plan-keep-planning',
    description: 'Plan approval answered with Esc (No, keep planning).',
    cols: 120,
    rows: 40,
    variant: 'plan',
    script: scenario('chatSteps', [{ toolCalls: [{ name: 'exit_plan_mode', arguments: { plan: PLAN_TEXT } }] }]),
    steps: [ready('plan the marker'), { screen: PLAN, expect: { wait_type: 'plan_approval', options: PLAN_OPTIONS }, answer: [ESC] }, { screen: IDLE, expect: { wait_type: 'awaiting_response' } }],
  },
  {
    name: 'busy-negative',
    description: 'Negative: about 6 s of streamed lines that say "Allow execution of: \'rm\'? Yes, allow once"; only the idle inputs count.',
    cols: 120,
    rows: 40,
    script: scenario('chatSteps', [], { chunks: Array.from({ length: 40 }, (_, i) => `Step ${i + 1}: Allow execution of: 'rm'? 1. Yes, allow once\n`), chunkDelayMs: 150 }),
    steps: [ready('build everything'), idleAfter(/Step 40:/)],
  },
  {
    name: 'lookalike-negative',
    description: 'Negative: the answer holds a code block with "Allow execution of" and "› 1. Yes, allow once".',
    cols: 80,
    rows: 24,
    script: scenario('chatSteps', [], { text: LOOKALIKE }),
    steps: [ready('show me the dialog'), idleAfter(/Nothing is waiting for you\./)],
  },
  {
    name: 'spinner-negative',
    description: 'Negative: the model takes 6 s before its first token, so only the spinner row animates.',
    cols: 120,
    rows: 40,
    script: scenario('chatSteps', [], { text: 'Finished thinking.', delayMs: 6000 }),
    steps: [ready('think hard'), idleAfter(/Finished thinking\./)],
  },
];

/** Qwen Code's recording setup and fixtures. */
export const recording: CliRecording = {
  version: QWEN_VERSION,
  bin: { agentCli: 'qwen' },
  mock: 'chat',
  setup: {
    env: { OPENAI_API_KEY: 'sk-tether-mock', OPENAI_BASE_URL: '{mock_url}', OPENAI_MODEL: 'mock-model', NO_BROWSER: 'true' },
    files: { [SETTINGS]: settings('default'), '{home}/.qwen/trustedFolders.json': JSON.stringify({ '{project}': 'TRUST_FOLDER' }, null, 2) },
  },
  variants: { plan: { files: { [SETTINGS]: settings('plan') } } },
  fixtureDirs: { home: '/tmp/tether-fixture-qwen/home', project: '/tmp/tether-fixture-qwen/project' },
  driving: { stepTimeoutMs: 90_000, readMs: 1200, keyGapMs: 80, afterAnswerMs: 1500, expectAt: 'drawn', firstAfterTitle: true },
  fixtures: FIXTURES,
};
