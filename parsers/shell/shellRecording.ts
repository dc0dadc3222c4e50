/**
 * How the shell fixtures are recorded: `bash --norc --noprofile` with a stable prompt
 * (`tether$ `) in a fresh HOME holding the scripts the fixtures run, typed at like a person,
 * into fixtures/shell/. Pure data; see ../cliRecording.ts.
 */
import { typed, type CliRecording, type RecordingFixture, type RecordingStep, type PromptExpect } from '../cliRecording.js';

/** The prompt every fixture's bash draws. */
export const SHELL_PS1 = 'tether$ ';

/** The prompt back at the bottom of the screen (the cursor is after it). */
const PROMPT_AT_END = /tether\$\s*$/;
const IDLE: PromptExpect = { wait_type: 'awaiting_response' };
const YES_NO = ['Yes', 'No'];
const AIDER_SHELL = ['Yes', 'No', "Don't ask again"];
const AIDER_GROUP = ['Yes', 'No', 'All', 'Skip all', "Don't ask again"];

/** The first prompt, answered by typing `command`. */
function run(command: string): RecordingStep {
  return { screen: PROMPT_AT_END, expect: IDLE, answer: typed(command) };
}

/** The prompt back after `marker` was printed (the last step: nothing typed). */
function idleAfter(marker: string): RecordingStep {
  return { screen: new RegExp(`${marker}\\s*\\ntether\\$\\s*$`), expect: IDLE };
}

/**
 * `aider-prompts.py` asks the way Aider's `InputOutput.confirm_ask` (aider/io.py) does: a blank
 * line, the subject, then the question with `(Y)es/(N)o[/(A)ll/(S)kip all][/(D)on't ask again]
 * [Yes]: ` through prompt_toolkit's PromptSession.prompt (prompt_toolkit 3.0.52, the library
 * Aider uses). Shared with the Aider fixtures.
 */
export const AIDER_PROMPTS_PY = [
  'from prompt_toolkit import PromptSession',
  'session = PromptSession()',
  'def confirm(question, subject=None, default="y", group=False, allow_never=False):',
  '    options = " (Y)es/(N)o"',
  '    if group:',
  '        options += "/(A)ll/(S)kip all"',
  '    if allow_never:',
  '        options += "/(D)on\'t ask again"',
  '    question += options + (" [Yes]: " if default == "y" else " [No]: ")',
  '    if subject:',
  '        print()',
  '        print("\\x1b[1m" + subject + "\\x1b[0m")',
  '    answer = session.prompt(question, complete_while_typing=False) or default',
  '    print("answer:", answer[0].lower())',
  'confirm("Run shell command?", subject="npm test", allow_never=True)',
  'confirm("Add file to the chat?", subject="src/app.py", group=True, allow_never=True)',
  'confirm("Create new file?", subject="notes/todo.md", default="n")',
  'confirm("Allow edits to file that has not been added to the chat?", subject="src/util.py", group=True)',
  'print("aider-prompts done")',
].join('\n');

/** Scripts written into HOME before each recording (executable). */
const SCRIPTS: Readonly<Record<string, string>> = {
  'confirm.sh': ['#!/bin/bash', 'echo "Installing tether-demo..."', 'read -r -p "Continue? [y/N] " answer', 'if [ "$answer" = y ]; then echo "continued"; else echo "aborted"; fi'].join('\n'),
  'aider-prompts.py': AIDER_PROMPTS_PY,
  'noisy.sh': [
    '#!/bin/bash',
    '# Prompt-shaped text in a stream of output; nothing ever waits at the cursor.',
    'for i in $(seq 1 60); do',
    '  echo "row $i: cost 5$ "',
    '  echo "Run shell command? (Y)es/(N)o/(D)on\'t ask again [Yes]: "',
    '  echo "Continue? [y/N] "',
    '  echo "[root box]# "',
    '  sleep 0.03',
    'done',
    'echo "noisy done"',
  ].join('\n'),
};

/** Long output: 3000 lines in bursts of 100 with short pauses, so the screen is read mid-stream. */
const LONG_COMMAND = 'for i in $(seq 1 3000); do echo "line $i of 3000"; (( i % 100 )) || sleep 0.05; done';

/**
 * A minimal OSC 133 shell integration for bash 5.2 (FinalTerm marks as VS Code's and
 * WezTerm's bash integrations emit them): `A` … `B` around PS1, `C` from PS0 (printed after
 * Enter, before the command runs), `D;<exit>` from PROMPT_COMMAND.
 */
const OSC133_ENV: Readonly<Record<string, string>> = {
  PS1: '\\[\\e]133;A\\a\\]tether$ \\[\\e]133;B\\a\\]',
  PS0: '\\e]133;C\\a',
  PROMPT_COMMAND: 'printf "\\033]133;D;%s\\007" $?',
};

const SCENARIOS: ReadonlyArray<Omit<RecordingFixture, 'cols' | 'rows'>> = [
  { name: 'idle-after-command', description: 'The first prompt; `echo hello tether` is typed; the prompt returns.', steps: [run('echo hello tether'), idleAfter('hello tether')] },
  {
    name: 'long-output',
    description: 'A loop prints 3000 lines (with pauses every 100); no wait until the prompt returns.',
    steps: [run(LONG_COMMAND), idleAfter('line 3000 of 3000')],
  },
  {
    name: 'read-yes',
    description: 'confirm.sh asks `Continue? [y/N] ` with read -p; answered y; the prompt returns.',
    steps: [run('./confirm.sh'), { screen: /Continue\? \[y\/N\]\s*$/, expect: { wait_type: 'tool_approval', options: YES_NO }, answer: ['y', '\r'] }, idleAfter('continued')],
  },
  {
    name: 'read-no',
    description: 'confirm.sh asks `Continue? [y/N] ` with read -p; answered n; the prompt returns.',
    steps: [run('./confirm.sh'), { screen: /Continue\? \[y\/N\]\s*$/, expect: { wait_type: 'tool_approval', options: YES_NO }, answer: ['n', '\r'] }, idleAfter('aborted')],
  },
  {
    name: 'aider-prompts',
    description: "aider-prompts.py asks four of Aider's confirm_ask shapes through prompt_toolkit; answered y, a, n, and Enter (the default) for a question that wraps at 80 columns.",
    steps: [
      run('python3 aider-prompts.py'),
      { screen: /Run shell command\?.*\[Yes\]:\s*$/, expect: { wait_type: 'tool_approval', options: AIDER_SHELL }, answer: ['y', '\r'] },
      { screen: /Add file to the chat\?.*\[Yes\]:\s*$/, expect: { wait_type: 'tool_approval', options: AIDER_GROUP }, answer: ['a', '\r'] },
      { screen: /Create new file\?.*\[No\]:\s*$/, expect: { wait_type: 'tool_approval', options: YES_NO }, answer: ['n', '\r'] },
      // 92 cells: wraps on the 80-column screen.
      { screen: /Allow edits to file[^]*\[Yes\]:\s*$/, expect: { wait_type: 'tool_approval', options: ['Yes', 'No', 'All', 'Skip all'] }, answer: ['\r'] },
      idleAfter('aider-prompts done'),
    ],
  },
  {
    name: 'lookalike-negative',
    description: 'noisy.sh prints `$ `, `# `, `(Y)es/(N)o … [Yes]: ` and `[y/N] ` rows for ~2 s; only the prompts wait.',
    steps: [run('./noisy.sh'), idleAfter('noisy done')],
  },
  {
    name: 'osc133-marks',
    description: 'bash emitting OSC 133 marks (A/B in PS1, C in PS0, D in PROMPT_COMMAND): confirm.sh answered y, then noisy.sh.',
    env: OSC133_ENV,
    steps: [
      run('./confirm.sh'),
      { screen: /Continue\? \[y\/N\]\s*$/, expect: { wait_type: 'tool_approval', options: YES_NO }, answer: ['y', '\r'] },
      { screen: /continued\s*\ntether\$\s*$/, expect: IDLE, answer: typed('./noisy.sh') },
      idleAfter('noisy done'),
    ],
  },
  { name: 'sleep-silent', description: '`sleep 3` prints nothing; no wait until the prompt returns.', steps: [run('sleep 3'), idleAfter('tether\\$ sleep 3')] },
];

/** The shell's recording setup and fixtures: each scenario at 120×40 and at 80×24. */
export const recording: CliRecording = {
  version: 'bash 5.2.15',
  bin: { path: '/bin/bash' },
  args: ['--norc', '--noprofile'],
  mock: 'none',
  setup: {
    // Nothing from the recording machine but PATH's standard dirs.
    env: { PATH: '{home}/bin:/usr/local/bin:/usr/bin:/bin', SHELL: '/bin/bash', PS1: SHELL_PS1, HISTFILE: '/dev/null' },
    files: Object.fromEntries(Object.entries(SCRIPTS).map(([name, text]) => [`{home}/${name}`, { text: `${text}\n`, executable: true }])),
    // A python3 that has prompt_toolkit, linked into HOME so the cast shows no machine path.
    links: { '{home}/bin/python3': '{which:python3}' },
  },
  fixtureDirs: { home: '/tmp/tether-fixture/shell-home', project: '/tmp/tether-fixture/shell-home' },
  driving: { stepTimeoutMs: 30_000, readMs: 1200, keyGapMs: 80, expectAt: 'drawn' },
  fixtures: SCENARIOS.flatMap((spec) => [
    { ...spec, cols: 120, rows: 40 },
    { ...spec, cols: 80, rows: 24 },
  ]),
};
