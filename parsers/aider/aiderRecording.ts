/**
 * How the Aider fixtures are recorded. Aider (a Python package) cannot be installed where the
 * fixtures are made (npm and Debian only), so they run a stand-in, `aider` in the fixture HOME:
 * it asks through prompt_toolkit (3.0.52, the library Aider uses) in exactly the shape aider/io.py
 * `InputOutput.confirm_ask` builds (a blank line, the subject in bold, then `<question>
 * (Y)es/(N)o[/(A)ll/(S)kip all][/(D)on't ask again] [Yes]: `), then waits at Aider's `> ` input.
 * It reproduces the prompts Tether reads, not the rest of Aider. Pure data; see ../cliRecording.ts.
 */
import type { CliRecording, RecordingStep } from '../cliRecording.js';

/** The stand-in: `aider` asks confirm prompts; `aider --noisy` prints prompt-shaped lines it never asks. */
const STAND_IN = [
  '#!/usr/bin/env python3',
  'import sys, time',
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
  'print("Aider stand-in: confirm_ask prompts through prompt_toolkit")',
  'if "--noisy" in sys.argv:',
  '    for i in range(1, 41):',
  '        print(f"Step {i}: Run shell command? (Y)es/(N)o/(D)on\'t ask again [Yes]: ")',
  '        print(f"Add file to the chat? (Y)es/(N)o [Yes]: {i}")',
  '        time.sleep(0.05)',
  '    print("noisy done")',
  'else:',
  '    confirm("Run shell command?", subject="npm test", allow_never=True)',
  '    confirm("Add file to the chat?", subject="src/app.py", group=True, allow_never=True)',
  '    confirm("Create new file?", subject="notes/todo.md", default="n")',
  '    print("prompts done")',
  'session.prompt("> ")',
  '',
].join('\n');

/** Aider's `> ` input after `marker`: nothing to report (the line-prompt reader reads only y/n questions). */
function inputAfter(marker: string): RecordingStep {
  return { screen: new RegExp(`${marker}\\s*\\n>\\s*$`) };
}

/** Aider's recording setup and fixtures (the stand-in at 120×40 and 80×24). */
export const recording: CliRecording = {
  version: 'stand-in (aider/io.py confirm_ask, prompt_toolkit 3.0.52)',
  bin: { path: '{home}/bin/aider' },
  mock: 'none',
  setup: { files: { '{home}/bin/aider': { text: STAND_IN, executable: true } } },
  fixtureDirs: { home: '/tmp/tether-fixture-aider/home', project: '/tmp/tether-fixture-aider/project' },
  driving: { stepTimeoutMs: 30_000, readMs: 1200, keyGapMs: 80, expectAt: 'drawn' },
  fixtures: [120, 80].flatMap((cols) => {
    const rows = cols === 120 ? 40 : 24;
    return [
      {
        name: 'confirm-prompts',
        description: "Three of Aider's confirm_ask shapes (shell command with don't-ask-again, add file with All/Skip all, create file defaulting to No): answered y, a, and Enter (the default).",
        cols,
        rows,
        steps: [
          { screen: /Run shell command\?.*\[Yes\]:\s*$/, expect: { wait_type: 'tool_approval' as const, options: ['Yes', 'No', "Don't ask again"] }, answer: ['y', '\r'] },
          { screen: /Add file to the chat\?.*\[Yes\]:\s*$/, expect: { wait_type: 'tool_approval' as const, options: ['Yes', 'No', 'All', 'Skip all', "Don't ask again"] }, answer: ['a', '\r'] },
          { screen: /Create new file\?.*\[No\]:\s*$/, expect: { wait_type: 'tool_approval' as const, options: ['Yes', 'No'] }, answer: ['\r'] },
          inputAfter('prompts done'),
        ],
      },
      {
        name: 'lookalike-negative',
        description: 'Negative: about 2 s of output lines shaped like confirm prompts, never asked at the cursor; then the `> ` input.',
        cols,
        rows,
        args: ['--noisy'],
        steps: [inputAfter('noisy done')],
      },
    ];
  }),
};
