/**
 * The Qwen Code recording scenarios both versions share (0.15.10 and 0.24.4): the settings
 * file, the screens a recording waits for, and the fixture list, named with a version prefix
 * for a release (`0.24.4-shell-approve`). Pure data; see ../cliRecording.ts.
 */
import { scenario, typed, type RecordingFixture, type RecordingStep } from '../cliRecording.js';

/** Settings beyond the shared ones a version needs (merged into `general` and `tools`). */
export interface QwenSettingsExtra {
  readonly general?: Readonly<Record<string, unknown>>;
  readonly tools?: Readonly<Record<string, unknown>>;
  readonly security?: Readonly<Record<string, unknown>>;
}

/**
 * `~/.qwen/settings.json` with the approval mode (`default` asks before tools; `plan` starts in
 * plan mode), the OpenAI auth type unless `auth` is false, folder trust as asked.
 */
export function qwenSettings(approvalMode: 'default' | 'plan', extra: QwenSettingsExtra = {}, options: { auth?: boolean; folderTrust?: boolean } = {}): string {
  return JSON.stringify(
    {
      security: { ...(options.auth === false ? {} : { auth: { selectedType: 'openai' } }), folderTrust: { enabled: options.folderTrust === true }, ...extra.security },
      model: { name: 'mock-model' },
      general: { disableAutoUpdate: true, disableUpdateNag: true, checkpointing: { enabled: false }, ...extra.general },
      privacy: { usageStatisticsEnabled: false },
      telemetry: { enabled: false },
      ide: { enabled: false, hasSeenNudge: true },
      ui: { hideTips: true, theme: 'Default' },
      tools: { approvalMode, ...extra.tools },
    },
    null,
    2,
  );
}

export const SETTINGS = '{home}/.qwen/settings.json';
export const TRUSTED_FOLDERS = '{home}/.qwen/trustedFolders.json';
const ESC = '\u001b';
/** The input between its rules, empty (placeholder shown). */
export const IDLE = /\n>   Type your message or @path\/to\/file\s*\n─{20,}/;
const SHELL = /Allow execution of[\s\S]*› 1\. Yes, allow once[\s\S]*4\. No, suggest changes/;
const PLAN = /Would you like to proceed\?[\s\S]*› 1\. Yes[\s\S]*4\. No, keep planning/;
const SHELL_OPTIONS = (command: string) => [
  'Yes, allow once',
  `Always allow run '${command} *' commands in this project`,
  `Always allow run '${command} *' commands for this user`,
  'No, suggest changes (esc)',
];
const PLAN_OPTIONS = ['Yes, restore previous mode (default)', 'Yes, and auto-accept edits', 'Yes, and manually approve edits', 'No, keep planning (esc)'];
const PLAN_TEXT = '# Add a marker\n1. Create marker.txt in the project root\n2. Run the tests';
/** An answer that quotes both dialog shapes (0.15's box rows, 0.24's `?` header) in a code block. */
const LOOKALIKE = [
  'This is how an approval looks:',
  '',
  '```',
  '? Shell rm -rf build (Remove the build directory) ←',
  "Allow execution of: 'rm'?",
  '› 1. Yes, allow once',
  '  2. No, suggest changes (esc)',
  '```',
  '',
  'Nothing is waiting for you.',
].join('\n');

export function ready(prompt: string): RecordingStep {
  return { screen: IDLE, expect: { wait_type: 'awaiting_response' }, answer: typed(prompt) };
}

export function idleAfter(text: RegExp): RecordingStep {
  return { screen: new RegExp(`${text.source}[\\s\\S]*${IDLE.source}`), expect: { wait_type: 'awaiting_response' } };
}

function shell(command: string, description: string) {
  return { toolCalls: [{ name: 'run_shell_command', arguments: { command, description } }] };
}

function shellPrompt(root: string, answer: readonly string[]): RecordingStep {
  return { screen: SHELL, expect: { wait_type: 'tool_approval', kind: 'Shell', options: SHELL_OPTIONS(root) }, answer };
}

/** Naming and release of one version's fixtures. */
interface Version {
  /** `0.24.4-` for a release, '' for the main version. */
  readonly prefix: string;
  readonly release?: string;
  /**
   * Time each prompt from its first complete paint (`shown`) rather than the last change before
   * its answer. 0.24.4 paints a dialog or the idle input, then shifts it by a row or redraws it
   * under a new line; the first paint already takes keys.
   */
  readonly firstPaint?: boolean;
}

/** Marks every expected step of a fixture as timed from its first complete paint. */
export function timedFromFirstPaint(fixture: RecordingFixture): RecordingFixture {
  return { ...fixture, steps: fixture.steps.map((step) => (step.expect ? { ...step, expectAt: 'shown' } : step)) };
}

/**
 * The scenarios every version is recorded with: shell approve / always / deny (Esc and the row),
 * edit, plan accept / keep planning, and the busy, look-alike and spinner negatives.
 */
export function qwenFixtures(version: Version, options: { edit?: boolean } = {}): RecordingFixture[] {
  const fixture = (spec: Omit<RecordingFixture, 'release'>): RecordingFixture => {
    const named = { ...spec, name: `${version.prefix}${spec.name}`, ...(version.release ? { release: version.release } : {}) };
    return version.firstPaint ? timedFromFirstPaint(named) : named;
  };
  const shellApprove = (cols: number, rows: number) =>
    fixture({
      name: 'shell-approve',
      description: 'Shell confirmation answered with 1 (Yes, allow once); the command runs and the model answers Done.',
      cols,
      rows,
      script: scenario('chatSteps', [shell('touch created-by-tool.txt', 'Create an empty marker file')]),
      steps: [ready('create the marker file'), shellPrompt('touch', ['1']), idleAfter(/Done\./)],
    });
  const planAccept = (cols: number, rows: number) =>
    fixture({
      name: 'plan-accept',
      description: 'Plan mode: exit_plan_mode shows the plan approval, answered with 1 (restore previous mode).',
      cols,
      rows,
      variant: 'plan',
      script: scenario('chatSteps', [{ toolCalls: [{ name: 'exit_plan_mode', arguments: { plan: PLAN_TEXT } }] }]),
      steps: [ready('plan the marker'), { screen: PLAN, expect: { wait_type: 'plan_approval', options: PLAN_OPTIONS }, answer: ['1'] }, idleAfter(/Done\./)],
    });
  const lookalike = (cols: number, rows: number) =>
    fixture({
      name: 'lookalike-negative',
      description: 'Negative: the answer holds a code block with "Allow execution of" and "› 1. Yes, allow once".',
      cols,
      rows,
      script: scenario('chatSteps', [], { text: LOOKALIKE }),
      steps: [ready('show me the dialog'), idleAfter(/Nothing is waiting for you\./)],
    });
  return [
    shellApprove(120, 40),
    shellApprove(80, 24),
    fixture({
      name: 'shell-always',
      description: 'Shell confirmation answered with 2 (always allow in this project); the repeat runs unprompted.',
      cols: 120,
      rows: 40,
      script: scenario('chatSteps', [shell('touch created-by-tool.txt', 'Create a marker file'), shell('touch created-by-tool.txt', 'Create it again')]),
      steps: [ready('create the marker file twice'), shellPrompt('touch', ['2']), idleAfter(/Done\./)],
    }),
    fixture({
      name: 'shell-deny',
      description: 'Shell confirmation cancelled with Esc (No, suggest changes); the turn ends.',
      cols: 120,
      rows: 40,
      script: scenario('chatSteps', [shell('rm -rf build', 'Remove the build directory')]),
      steps: [ready('clean the build'), shellPrompt('rm', [ESC]), { screen: IDLE, expect: { wait_type: 'awaiting_response' } }],
    }),
    fixture({
      name: 'shell-deny-row',
      description: 'Shell confirmation denied with 4 (No, suggest changes).',
      cols: 80,
      rows: 24,
      script: scenario('chatSteps', [shell('rm -rf build', 'Remove the build directory')]),
      steps: [ready('clean the build'), shellPrompt('rm', ['4']), { screen: IDLE, expect: { wait_type: 'awaiting_response' } }],
    }),
    ...(options.edit === false
      ? []
      : [
          fixture({
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
          }),
        ]),
    planAccept(120, 40),
    planAccept(80, 24),
    fixture({
      name: 'plan-keep-planning',
      description: 'Plan approval answered with Esc (No, keep planning).',
      cols: 120,
      rows: 40,
      variant: 'plan',
      script: scenario('chatSteps', [{ toolCalls: [{ name: 'exit_plan_mode', arguments: { plan: PLAN_TEXT } }] }]),
      steps: [ready('plan the marker'), { screen: PLAN, expect: { wait_type: 'plan_approval', options: PLAN_OPTIONS }, answer: [ESC] }, { screen: IDLE, expect: { wait_type: 'awaiting_response' } }],
    }),
    fixture({
      name: 'busy-negative',
      description: 'Negative: about 6 s of streamed lines that say "Allow execution of: \'rm\'? Yes, allow once"; only the idle inputs count.',
      cols: 120,
      rows: 40,
      script: scenario('chatSteps', [], { chunks: Array.from({ length: 40 }, (_, i) => `Step ${i + 1}: Allow execution of: 'rm'? 1. Yes, allow once\n`), chunkDelayMs: 150 }),
      steps: [ready('build everything'), idleAfter(/Step 40:/)],
    }),
    lookalike(80, 24),
    fixture({
      name: 'spinner-negative',
      description: 'Negative: the model takes 6 s before its first token, so only the spinner row animates.',
      cols: 120,
      rows: 40,
      script: scenario('chatSteps', [], { text: 'Finished thinking.', delayMs: 6000 }),
      steps: [ready('think hard'), idleAfter(/Finished thinking\./)],
    }),
  ];
}
