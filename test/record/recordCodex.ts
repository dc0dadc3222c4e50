/**
 * Records the Codex fixtures: for each spec it starts the mock Responses API, seeds a Codex env,
 * runs `recordCommand` (runRecorder) around the real Codex 0.169 inside an outer PTY whose
 * headless screen answers terminal queries, types the answers like a person (a pause before
 * Enter), then derives the `.expect.json` from the cast. Run in a loopback-only namespace:
 *   unshare -n sh -c 'ip link set lo up; exec node dist/test/record/recordCodex.js [name...]'
 * With `--expect-only` it rewrites the expect files from the existing casts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseCast } from '../../src/core/asciicast.js';
import { startMockResponses } from '../mock/openaiResponsesServer.js';
import { REPO_ROOT } from '../support/claudeEnv.js';
import { CODEX_BIN, CODEX_VERSION, makeCodexEnv } from '../support/codexEnv.js';
import { findInput, screensOf, toMillis } from './castTiming.js';
import { CODEX_FIXTURES, HOME_DIR, PROJECT_DIR, type CodexFixtureSpec } from './codexFixtures.js';
import { PtyDriver, sleep } from './ptyDriver.js';

const OUT_DIR = path.join(REPO_ROOT, 'fixtures/codex');
/** Quiet time after a prompt appears before answering, like a person reading it. */
const READ_MS = 1200;
/** Matching tolerance written into every expect file. */
const TOLERANCE_MS = 500;
/** Pause between answer key chunks. */
const KEY_GAP_MS = 80;
/** Pause before an Enter that follows typed text (Codex reads a fast Enter as a newline). */
const SUBMIT_PAUSE_MS = 400;

/** Kills the recorder's process tree below the outer PTY (Codex leads its own PTY session). */
function killTree(pid: number): void {
  let children: number[] = [];
  try {
    children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // gone
  }
  for (const child of children) killTree(child);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone
  }
}

async function record(spec: CodexFixtureSpec, log: (line: string) => void): Promise<void> {
  const mock = await startMockResponses({ script: spec.script });
  const env = makeCodexEnv({ baseUrl: mock.url, projectDir: PROJECT_DIR, home: HOME_DIR, ...spec.env });
  for (const [file, content] of Object.entries(spec.homeFiles ?? {})) fs.writeFileSync(path.join(HOME_DIR, file), content);
  const name = `${spec.name}.${spec.cols}x${spec.rows}`;
  const castFile = path.join(OUT_DIR, `${name}.cast`);
  const recorder = path.join(REPO_ROOT, 'dist/test/record/recordCommand.js');
  const driver = PtyDriver.spawn({
    command: process.execPath,
    args: [recorder, '--out', castFile, '--', CODEX_BIN],
    cols: spec.cols,
    rows: spec.rows,
    cwd: env.projectDir,
    env: env.env,
  });
  try {
    for (const [index, prompt] of spec.prompts.entries()) {
      await driver.waitFor(prompt.screen, 40_000);
      await driver.settle(READ_MS, 4000);
      await sleep(300);
      log(`--- ${name} prompt ${index} (${prompt.expect?.wait_type ?? 'none'}) title=${JSON.stringify(driver.title)}\n${driver.text()}`);
      let previous = '';
      for (const key of prompt.answer ?? []) {
        if (key === '\r' && previous !== '' && previous !== '\r' && !previous.startsWith('\x1b')) await sleep(SUBMIT_PAUSE_MS);
        driver.write(key);
        previous = key;
        await sleep(KEY_GAP_MS);
      }
    }
    await driver.settle(READ_MS, 4000);
  } finally {
    // SIGKILL so the cast ends on the last prompt (no exit trailer).
    for (const pid of fs.readFileSync(`/proc/${driver.process.pid}/task/${driver.process.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)) killTree(pid);
    await Promise.race([driver.waitExit(), sleep(10_000)]);
    await driver.kill();
    for (const output of mock.toolOutputs()) log(`tool output ${output.callId}: ${output.output.slice(0, 200)}`);
    await mock.close();
    env.cleanup();
  }
  await writeExpect(spec, castFile, log);
}

async function writeExpect(spec: CodexFixtureSpec, castFile: string, log: (line: string) => void): Promise<void> {
  const cast = parseCast(fs.readFileSync(castFile, 'utf8'));
  const screens = await screensOf(cast);
  const events: object[] = [];
  let from = 0;
  for (const prompt of spec.prompts) {
    const shownPattern = prompt.shown ?? prompt.screen;
    const shown = screens.findIndex((screen, index) => index >= from && screen.code === 'o' && shownPattern.test(screen.text));
    if (shown < 0) throw new Error(`${spec.name}: prompt ${shownPattern} not found in cast`);
    let next = shown;
    let end = -1;
    if (prompt.answer) {
      end = findInput(screens, prompt.answer[0], shown);
      next = end;
      for (const key of prompt.answer.slice(1)) next = findInput(screens, key, next + 1);
      if (end < 0 || next < 0) throw new Error(`${spec.name}: answer ${JSON.stringify(prompt.answer)} not found in cast`);
    }
    if (prompt.expect) {
      events.push({ type: 'waiting_for_input', ...prompt.expect, at: toMillis(screens[shown].at) });
      if (prompt.answer) events.push({ type: 'waiting_cleared', at: toMillis(screens[end].at) });
    }
    from = Math.max(shown, next) + 1;
  }
  const expect = {
    cli: 'codex',
    cli_version: CODEX_VERSION,
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
  const expectOnly = process.argv.includes('--expect-only');
  const names = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const logFile = path.join(process.env.RECORD_LOG_DIR ?? '/tmp', 'recordCodex.log');
  const log = (line: string): void => fs.appendFileSync(logFile, `${line}\n`);
  for (const spec of CODEX_FIXTURES) {
    const name = `${spec.name}.${spec.cols}x${spec.rows}`;
    if (names.length > 0 && !names.includes(spec.name) && !names.includes(name)) continue;
    try {
      if (expectOnly) await writeExpect(spec, path.join(OUT_DIR, `${name}.cast`), log);
      else await record(spec, log);
      console.log(`${expectOnly ? 'expected' : 'recorded'} ${name}`);
    } catch (err) {
      console.error(`${name} failed: ${(err as Error).message}`);
      log(`FAILED ${name}: ${(err as Error).message}`);
      process.exitCode = 1;
    }
  }
}

await main();
