/**
 * The Qwen Code fixture specs (played by recordChatCli.ts against the real Qwen Code 0.15.10):
 * the mock Chat Completions script, the prompts in order with their answers, the size.
 */
import { chatSteps, type ChatReply } from '../mock/openaiChatServer.js';
import type { PromptStep } from './claudeFixtures.js';
import { fixtureDirs, type ChatFixtureSpec } from './opencodeFixtures.js';

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
const PROJECT_DIR = fixtureDirs('qwen').projectDir;

function typed(text: string): string[] {
  return [...Array.from(text), '\r'];
}

function ready(prompt: string): PromptStep {
  return { screen: IDLE, expect: { wait_type: 'awaiting_response' }, answer: typed(prompt) };
}

function idleAfter(text: RegExp): PromptStep {
  return { screen: new RegExp(`${text.source}[\\s\\S]*${IDLE.source}`), expect: { wait_type: 'awaiting_response' } };
}

function shell(command: string, description: string): ChatReply {
  return { toolCalls: [{ name: 'run_shell_command', arguments: { command, description } }] };
}

function shellPrompt(root: string, answer: readonly string[]): PromptStep {
  return { screen: SHELL, expect: { wait_type: 'tool_approval', kind: 'Shell', options: SHELL_OPTIONS(root) }, answer };
}

const PLAN_TEXT = '# Add a marker\n1. Create marker.txt in the project root\n2. Run the tests';
const LOOKALIKE = [
  'This is how an approval looks:',
  '',
  '```',
  "Allow execution of: 'rm'?",
  '› 1. Yes, allow once',
  '  2. No, suggest changes (esc)',
  '```',
  '',
  'Nothing is waiting for you.',
].join('\n');

function shellApprove(cols: number, rows: number): ChatFixtureSpec {
  return {
    name: 'shell-approve',
    description: 'Shell confirmation answered with 1 (Yes, allow once); the command runs and the model answers Done.',
    cols,
    rows,
    script: chatSteps([shell('touch created-by-tool.txt', 'Create an empty marker file')]),
    prompts: [ready('create the marker file'), shellPrompt('touch', ['1']), idleAfter(/Done\./)],
  };
}

function planAccept(cols: number, rows: number): ChatFixtureSpec {
  return {
    name: 'plan-accept',
    description: 'Plan mode: exit_plan_mode shows the plan approval, answered with 1 (restore previous mode).',
    cols,
    rows,
    mode: 'plan',
    script: chatSteps([{ toolCalls: [{ name: 'exit_plan_mode', arguments: { plan: PLAN_TEXT } }] }]),
    prompts: [ready('plan the marker'), { screen: PLAN, expect: { wait_type: 'plan_approval', options: PLAN_OPTIONS }, answer: ['1'] }, idleAfter(/Done\./)],
  };
}

const BASE: readonly ChatFixtureSpec[] = [
  shellApprove(120, 40),
  shellApprove(80, 24),
  {
    name: 'shell-always',
    description: 'Shell confirmation answered with 2 (always allow in this project); the repeat runs unprompted.',
    cols: 120,
    rows: 40,
    script: chatSteps([shell('touch created-by-tool.txt', 'Create a marker file'), shell('touch created-by-tool.txt', 'Create it again')]),
    prompts: [ready('create the marker file twice'), shellPrompt('touch', ['2']), idleAfter(/Done\./)],
  },
  {
    name: 'shell-deny',
    description: 'Shell confirmation cancelled with Esc (No, suggest changes); the turn ends.',
    cols: 120,
    rows: 40,
    script: chatSteps([shell('rm -rf build', 'Remove the build directory')]),
    prompts: [ready('clean the build'), shellPrompt('rm', [ESC]), { screen: IDLE, expect: { wait_type: 'awaiting_response' } }],
  },
  {
    name: 'shell-deny-row',
    description: 'Shell confirmation denied with 4 (No, suggest changes).',
    cols: 80,
    rows: 24,
    script: chatSteps([shell('rm -rf build', 'Remove the build directory')]),
    prompts: [ready('clean the build'), shellPrompt('rm', ['4']), { screen: IDLE, expect: { wait_type: 'awaiting_response' } }],
  },
  {
    name: 'edit-approve',
    description: 'Edit confirmation with a diff whose lines contain "? " (a ternary), answered with 1.',
    cols: 120,
    rows: 40,
    files: { 'src/app.ts': 'export const mode = debug ? "verbose" : "quiet";\nexport const level = 1;\n' },
    script: chatSteps([
      // Qwen refuses to edit a file it has not read in the session.
      { toolCalls: [{ name: 'read_file', arguments: { file_path: `${PROJECT_DIR}/src/app.ts` } }] },
      {
        toolCalls: [
          {
            name: 'edit',
            arguments: { file_path: `${PROJECT_DIR}/src/app.ts`, old_string: 'export const level = 1;', new_string: 'export const level = ready ? 2 : 1;' },
          },
        ],
      },
    ]),
    prompts: [ready('raise the level'), { screen: /Apply this change\?[\s\S]*› 1\./, expect: { wait_type: 'tool_approval' }, answer: ['1'] }, idleAfter(/Done\./)],
  },
  planAccept(120, 40),
  planAccept(80, 24),
  {
    name: 'plan-keep-planning',
    description: 'Plan approval answered with Esc (No, keep planning).',
    cols: 120,
    rows: 40,
    mode: 'plan',
    script: chatSteps([{ toolCalls: [{ name: 'exit_plan_mode', arguments: { plan: PLAN_TEXT } }] }]),
    prompts: [ready('plan the marker'), { screen: PLAN, expect: { wait_type: 'plan_approval', options: PLAN_OPTIONS }, answer: [ESC] }, { screen: IDLE, expect: { wait_type: 'awaiting_response' } }],
  },
  {
    name: 'busy-negative',
    description: 'Negative: about 6 s of streamed lines that say "Allow execution of: \'rm\'? Yes, allow once"; only the idle inputs count.',
    cols: 120,
    rows: 40,
    script: chatSteps([], {
      chunks: Array.from({ length: 40 }, (_, i) => `Step ${i + 1}: Allow execution of: 'rm'? 1. Yes, allow once\n`),
      chunkDelayMs: 150,
    }),
    prompts: [ready('build everything'), idleAfter(/Step 40:/)],
  },
  {
    name: 'lookalike-negative',
    description: 'Negative: the answer holds a code block with "Allow execution of" and "› 1. Yes, allow once".',
    cols: 80,
    rows: 24,
    script: chatSteps([], { text: LOOKALIKE }),
    prompts: [ready('show me the dialog'), idleAfter(/Nothing is waiting for you\./)],
  },
  {
    name: 'spinner-negative',
    description: 'Negative: the model takes 6 s before its first token, so only the spinner row animates.',
    cols: 120,
    rows: 40,
    script: chatSteps([], { text: 'Finished thinking.', delayMs: 6000 }),
    prompts: [ready('think hard'), idleAfter(/Finished thinking\./)],
  },
];

/** Every Qwen fixture. */
export const QWEN_FIXTURES: readonly ChatFixtureSpec[] = BASE;
