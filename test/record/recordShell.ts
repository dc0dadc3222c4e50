/**
 * Records the shell fixtures: for each spec it seeds a fresh HOME with the scripts, runs
 * `recordCommand` (runRecorder) around `bash --norc --noprofile` inside an outer PTY whose
 * headless screen answers terminal queries, types the commands and answers like a person,
 * then derives the `.expect.json` from the cast (castTiming.ts, as recordClaude.ts does):
 *   npm run build && node dist/test/record/recordShell.js [name | name.COLSxROWS ...]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseCast } from '../../src/core/asciicast.js';
import { findInput, lastChangeBefore, screensOf, toMillis } from './castTiming.js';
import { PtyDriver, sleep } from './ptyDriver.js';
import { SCRIPTS, SHELL_FIXTURES, SHELL_HOME, SHELL_PS1, type ShellFixtureSpec } from './shellFixtures.js';
import { childPids } from './processes.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
/** Where fixtures go. */
const OUT_DIR = path.join(REPO_ROOT, 'fixtures/shell');
/** Quiet time after a screen appears before answering, like a person reading it. */
const READ_MS = 1200;
/** Matching tolerance written into every expect file. */
const TOLERANCE_MS = 500;
/** Pause between typed keys. */
const KEY_GAP_MS = 80;

/**
 * A python3 that has prompt_toolkit (the recording machine's, found on its PATH); linked as
 * `$HOME/bin/python3` so the cast shows no machine path.
 * @throws Error when none has it
 */
function promptToolkitPython(): string {
  const found = spawnSync('python3', ['-c', 'import prompt_toolkit, sys; print(sys.executable)'], { encoding: 'utf8' });
  if (found.status !== 0) throw new Error(`python3 with prompt_toolkit not found: ${found.stderr}`);
  return found.stdout.trim();
}

/** A fresh HOME holding the fixture scripts (executable) and `bin/python3`. */
function seedHome(): void {
  fs.rmSync(SHELL_HOME, { recursive: true, force: true });
  fs.mkdirSync(path.join(SHELL_HOME, 'bin'), { recursive: true });
  fs.symlinkSync(promptToolkitPython(), path.join(SHELL_HOME, 'bin/python3'));
  for (const [name, text] of Object.entries(SCRIPTS)) {
    fs.writeFileSync(path.join(SHELL_HOME, name), `${text}\n`, { mode: 0o755 });
  }
}

/** The shell's environment: nothing from the recording machine but PATH's standard dirs. */
function shellEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    HOME: SHELL_HOME,
    PATH: `${SHELL_HOME}/bin:/usr/local/bin:/usr/bin:/bin`,
    TERM: 'xterm-256color',
    SHELL: '/bin/bash',
    PS1: SHELL_PS1,
    LANG: 'C.UTF-8',
    HISTFILE: '/dev/null',
    ...extra,
  };
}

async function record(spec: ShellFixtureSpec, log: (line: string) => void): Promise<void> {
  seedHome();
  const name = `${spec.name}.${spec.cols}x${spec.rows}`;
  const castFile = path.join(OUT_DIR, `${name}.cast`);
  const recorder = path.join(REPO_ROOT, 'dist/test/record/recordCommand.js');
  const driver = PtyDriver.spawn({
    command: process.execPath,
    args: [recorder, '--out', castFile, '--', '/bin/bash', '--norc', '--noprofile'],
    cols: spec.cols,
    rows: spec.rows,
    cwd: SHELL_HOME,
    env: shellEnv(spec.env),
  });
  const answers: string[][] = [];
  try {
    for (const [index, step] of spec.steps.entries()) {
      await driver.waitFor(step.screen, 30_000);
      await driver.settle(READ_MS);
      log(`--- ${name} step ${index} (${step.expect?.wait_type ?? 'none'})\n${driver.text()}`);
      if (!step.answer) continue;
      answers.push([...step.answer]);
      for (const key of step.answer) {
        driver.write(key);
        await sleep(KEY_GAP_MS);
      }
    }
    await driver.settle(READ_MS);
  } finally {
    // End the cast on the last prompt: SIGKILL the recorder's child (bash), so nothing is typed after it.
    for (const pid of childPids(driver.process.pid)) process.kill(pid, 'SIGKILL');
    await Promise.race([driver.waitExit(), sleep(5000)]);
    await driver.kill();
  }
  await writeExpect(spec, castFile, answers, log);
}

/** Writes the expect file: each wait drawn at the last screen change before its answer. */
async function writeExpect(spec: ShellFixtureSpec, castFile: string, answers: string[][], log: (line: string) => void): Promise<void> {
  const cast = parseCast(fs.readFileSync(castFile, 'utf8'));
  const screens = await screensOf(cast);
  const events: object[] = [];
  let from = 0;
  let answerIndex = 0;
  for (const step of spec.steps) {
    let end: number;
    let next: number;
    if (step.answer) {
      const keys = answers[answerIndex];
      answerIndex += 1;
      end = findInput(screens, keys[0], from);
      next = end;
      for (const key of keys.slice(1)) next = findInput(screens, key, next + 1);
      if (end < 0 || next < 0) throw new Error(`${spec.name}: answer ${JSON.stringify(keys)} not found in cast`);
    } else {
      end = screens.length;
      next = end;
    }
    if (step.expect) {
      events.push({ type: 'waiting_for_input', ...step.expect, at: toMillis(lastChangeBefore(screens, end)) });
      if (step.answer) events.push({ type: 'waiting_cleared', at: toMillis(screens[end].at) });
    }
    from = next + 1;
  }
  const expect = {
    cli: 'shell',
    cli_version: 'bash 5.2.15',
    cols: spec.cols,
    rows: spec.rows,
    tolerance_ms: TOLERANCE_MS,
    description: spec.description,
    events,
  };
  fs.writeFileSync(castFile.replace(/\.cast$/, '.expect.json'), `${JSON.stringify(expect, null, 2)}\n`);
  log(`wrote ${path.basename(castFile)}: ${events.length} events`);
}

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const logFile = path.join(process.env.RECORD_LOG_DIR ?? '/tmp', 'recordShell.log');
  const log = (line: string): void => fs.appendFileSync(logFile, `${line}\n`);
  for (const spec of SHELL_FIXTURES) {
    const name = `${spec.name}.${spec.cols}x${spec.rows}`;
    if (names.length > 0 && !names.includes(spec.name) && !names.includes(name)) continue;
    try {
      await record(spec, log);
      console.log(`recorded ${name}`);
    } catch (err) {
      console.error(`${name} failed: ${(err as Error).message}`);
      log(`FAILED ${name}: ${(err as Error).message}`);
      process.exitCode = 1;
    }
  }
}

await main();
