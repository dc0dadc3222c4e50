/**
 * The OpenCode fixture specs: per fixture the mock Chat Completions script, the prompts in the
 * order they appear (screen pattern, expected wait, answer keys) and the terminal size.
 * recordChatCli.ts plays them against the real OpenCode 1.18.33 and writes fixtures/opencode/.
 */
import { chatSteps, type ChatReply, type ChatScript } from '../mock/openaiChatServer.js';
import type { PromptStep } from './claudeFixtures.js';

/** Stable paths per CLI (casts need no redaction; recordings of different CLIs may run at once). */
export function fixtureDirs(cli: string): { home: string; projectDir: string } {
  return { home: `/tmp/tether-fixture-${cli}/home`, projectDir: `/tmp/tether-fixture-${cli}/project` };
}
const PROJECT_DIR = fixtureDirs('opencode').projectDir;

/** One fixture of a CLI that talks to the Chat Completions mock. */
export interface ChatFixtureSpec {
  readonly name: string;
  readonly description: string;
  readonly cols: number;
  readonly rows: number;
  readonly script: ChatScript;
  /** Files to create in the project dir. */
  readonly files?: Readonly<Record<string, string>>;
  readonly args?: readonly string[];
  /** Start in plan mode (Qwen). */
  readonly mode?: 'plan';
  readonly prompts: readonly PromptStep[];
}

const ESC = '\u001b';
const RIGHT = '\u001b[C';
/** The input panel's bottom edge with the idle status row under it (no `esc interrupt`). */
const IDLE_PANEL = /╹▀{8,}\s*\n(?!.*esc (again to )?interrupt).*\S/;
const PERMISSION = /△ Permission required[\s\S]*(⇆ select|ctrl\+f fullscreen)/;
const BASH_OPTIONS = ['Allow once', 'Allow always', 'Reject'];

/** Types `text` one character per chunk, then Enter. */
function typed(text: string): string[] {
  return [...Array.from(text), '\r'];
}

function ready(prompt: string): PromptStep {
  return { screen: IDLE_PANEL, expect: { wait_type: 'awaiting_response' }, answer: typed(prompt) };
}

function idleAfter(text: RegExp): PromptStep {
  return { screen: new RegExp(`${text.source}[\\s\\S]*${IDLE_PANEL.source}`), expect: { wait_type: 'awaiting_response' } };
}

function bash(command: string, description: string): ChatReply {
  return { toolCalls: [{ name: 'bash', arguments: { command, description } }] };
}

function permission(kind: string, answer: readonly string[]): PromptStep {
  return { screen: PERMISSION, expect: { wait_type: 'tool_approval', kind, options: BASH_OPTIONS }, answer };
}

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

function busyText(lines: number): ChatReply {
  const chunks = Array.from({ length: lines }, (_, i) => `Step ${i + 1}: Permission required? Allow once / Reject … checking module ${i + 1}\n`);
  return { chunks, chunkDelayMs: 150 };
}

function bashApprove(cols: number, rows: number): ChatFixtureSpec {
  return {
    name: 'bash-approve',
    description: 'Bash permission answered with Enter (Allow once, focused); the command runs and the model answers Done.',
    cols,
    rows,
    script: chatSteps([bash('touch created-by-tool.txt', 'Create an empty marker file')]),
    prompts: [ready('create the marker file'), permission('bash', ['\r']), idleAfter(/Done\./)],
  };
}

const BASE: readonly ChatFixtureSpec[] = [
  bashApprove(120, 40),
  bashApprove(80, 24),
  {
    name: 'bash-always',
    description: 'Bash permission answered with "→ Enter Enter" in one write (Allow always, then Confirm, as the phone sends it); the repeat runs unprompted.',
    cols: 120,
    rows: 40,
    script: chatSteps([bash('touch created-by-tool.txt', 'Create a marker file'), bash('touch created-by-tool.txt', 'Create it again')]),
    prompts: [ready('create the marker file twice'), permission('bash', [`${RIGHT}\r\r`]), idleAfter(/Done\./)],
  },
  {
    name: 'bash-deny',
    description: 'Bash permission rejected with Esc; the tool is rejected and the turn ends.',
    cols: 120,
    rows: 40,
    script: chatSteps([bash('rm -rf build', 'Remove the build directory')]),
    prompts: [ready('clean the build'), permission('bash', [ESC]), { screen: IDLE_PANEL, expect: { wait_type: 'awaiting_response' } }],
  },
  {
    name: 'bash-reject-button',
    description: 'Bash permission rejected by moving to Reject (→ →) and Enter.',
    cols: 80,
    rows: 24,
    script: chatSteps([bash('rm -rf build', 'Remove the build directory')]),
    prompts: [ready('clean the build'), permission('bash', [RIGHT, RIGHT, '\r']), { screen: IDLE_PANEL, expect: { wait_type: 'awaiting_response' } }],
  },
  {
    name: 'edit-approve',
    description: 'Edit permission with a diff whose lines contain "? " (a ternary), answered with Enter.',
    cols: 120,
    rows: 40,
    files: { 'src/app.ts': 'export const mode = debug ? "verbose" : "quiet";\nexport const level = 1;\n' },
    script: chatSteps([
      {
        toolCalls: [
          {
            name: 'edit',
            arguments: { filePath: `${PROJECT_DIR}/src/app.ts`, oldString: 'export const level = 1;', newString: 'export const level = ready ? 2 : 1;' },
          },
        ],
      },
    ]),
    prompts: [ready('raise the level'), permission('edit', ['\r']), idleAfter(/Done\./)],
  },
  {
    name: 'question-one',
    description: 'The question tool (one question, two options and "Type your own answer"), answered with 1.',
    cols: 120,
    rows: 40,
    script: chatSteps([
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
    prompts: [
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
    script: chatSteps([], { text: 'The project has no files yet.' }),
    prompts: [ready('what is here'), idleAfter(/no files yet\./)],
  },
  {
    name: 'busy-negative',
    description: 'Negative: about 6 s of streamed lines that say "Permission required? Allow once / Reject"; only the idle panels count.',
    cols: 120,
    rows: 40,
    script: chatSteps([], busyText(40)),
    prompts: [ready('build everything'), idleAfter(/Step 40:/)],
  },
  {
    name: 'lookalike-negative',
    description: 'Negative: the answer holds a drawn "△ Permission required" panel with buttons and "Do you want to proceed? 1. Yes".',
    cols: 120,
    rows: 40,
    script: chatSteps([], { text: LOOKALIKE }),
    prompts: [ready('show me the dialog'), idleAfter(/Nothing is waiting for you\./)],
  },
  {
    name: 'spinner-negative',
    description: 'Negative: the model takes 6 s before its first token, so only the busy status row animates.',
    cols: 120,
    rows: 40,
    script: chatSteps([], { text: 'Finished thinking.', delayMs: 6000 }),
    prompts: [ready('think hard'), idleAfter(/Finished thinking\./)],
  },
];

/** Fixtures also recorded at the other size. */
const SMALL_TOO = ['bash-always', 'lookalike-negative', 'bash-deny', 'question-one'];

/** Every OpenCode fixture. */
export const OPENCODE_FIXTURES: readonly ChatFixtureSpec[] = [
  ...BASE,
  ...BASE.filter((spec) => SMALL_TOO.includes(spec.name) && spec.cols === 120).map((spec) => ({ ...spec, cols: 80, rows: 24 })),
];
