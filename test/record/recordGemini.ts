/**
 * Records the Gemini CLI fixtures: for each spec it starts the mock Gemini API, seeds a Gemini
 * env, runs `recordCommand` (runRecorder) around the real CLI inside an outer PTY whose
 * headless screen answers terminal queries, types the answers like a person, then derives the
 * `.expect.json` from the cast. Run inside a loopback-only network namespace:
 *   unshare -n sh -c 'ip link set lo up; exec node dist/test/record/recordGemini.js [name...]'
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseCast } from '../../src/core/asciicast.js';
import { startMockGemini } from '../mock/geminiServer.js';
import { REPO_ROOT } from '../support/claudeEnv.js';
import { GEMINI_BIN, GEMINI_VERSION, makeGeminiEnv } from '../support/geminiEnv.js';
import { findInput, lastChangeBefore, screensOf, toMillis } from './castTiming.js';
import { GEMINI_FIXTURES, HOME_DIR, PROJECT_DIR, type GeminiFixtureSpec } from './geminiFixtures.js';
import { PtyDriver, sleep } from './ptyDriver.js';
import { childPids, killGroup } from './processes.js';

const OUT_DIR = path.join(REPO_ROOT, 'fixtures/gemini');
/** Quiet time after a prompt appears before answering, like a person reading it. */
const READ_MS = 1200;
const TOLERANCE_MS = 500;
/** Pause between answer key chunks (Esc needs its own write; typing is per character). */
const KEY_GAP_MS = 80;
/**
 * Pause before a submitting Enter: Gemini applies typed keys on a React re-render, and an
 * Enter read before it drops the last character or lands as a newline.
 */
const SUBMIT_PAUSE_MS = 700;

async function record(spec: GeminiFixtureSpec, log: (line: string) => void): Promise<void> {
  const mock = await startMockGemini({ script: spec.script });
  const env = makeGeminiEnv({ baseUrl: mock.url, projectDir: PROJECT_DIR, home: HOME_DIR, ...spec.env });
  const name = `${spec.name}.${spec.cols}x${spec.rows}`;
  const castFile = path.join(OUT_DIR, `${name}.cast`);
  const recorder = path.join(REPO_ROOT, 'dist/test/record/recordCommand.js');
  const driver = PtyDriver.spawn({
    command: process.execPath,
    args: [recorder, '--out', castFile, '--', GEMINI_BIN, ...(spec.args ?? [])],
    cols: spec.cols,
    rows: spec.rows,
    cwd: env.projectDir,
    env: env.env,
  });
  const answers: string[][] = [];
  try {
    for (const [index, prompt] of spec.prompts.entries()) {
      await driver.waitFor(prompt.screen, 40_000);
      await driver.settle(READ_MS);
      log(`--- ${name} prompt ${index} (${prompt.expect?.wait_type ?? 'none'}) title=${JSON.stringify(driver.title)}\n${driver.text()}`);
      if (!prompt.answer) continue;
      const keys = typeof prompt.answer === 'function' ? prompt.answer(driver.text().replace(/\u00a0/g, ' ')) : prompt.answer;
      answers.push([...keys]);
      for (const key of keys) {
        if (key === '\r' && keys.length > 1) await sleep(SUBMIT_PAUSE_MS);
        driver.write(key);
        await sleep(KEY_GAP_MS);
      }
    }
    await driver.settle(READ_MS);
  } finally {
    for (const pid of childPids(driver.process.pid)) killGroup(pid);
    await Promise.race([driver.waitExit(), sleep(10_000)]);
    await driver.kill();
    for (const result of mock.functionResults()) log(`functionResponse ${result.name}: ${JSON.stringify(result.response).slice(0, 300)}`);
    await mock.close();
    env.cleanup();
  }
  await writeExpect(spec, castFile, answers, log);
}

async function writeExpect(spec: GeminiFixtureSpec, castFile: string, answers: string[][], log: (line: string) => void): Promise<void> {
  const cast = parseCast(fs.readFileSync(castFile, 'utf8'));
  const screens = await screensOf(cast);
  const events: object[] = [];
  let from = 0;
  let answerIndex = 0;
  for (const prompt of spec.prompts) {
    let end = screens.length;
    let next = from;
    if (prompt.answer) {
      const keys = answers[answerIndex];
      answerIndex += 1;
      end = findInput(screens, keys[0], from);
      next = end;
      for (const key of keys.slice(1)) next = findInput(screens, key, next + 1);
      if (end < 0 || next < 0) throw new Error(`${spec.name}: answer ${JSON.stringify(keys)} not found in cast`);
    } else {
      const shown = screens.findIndex((screen, index) => index >= from && prompt.screen.test(screen.text));
      end = screens.findIndex((screen, index) => index > shown && !prompt.screen.test(screen.text));
      if (end < 0) end = screens.length;
    }
    if (prompt.expect) {
      events.push({ type: 'waiting_for_input', ...prompt.expect, at: toMillis(lastChangeBefore(screens, end)) });
      if (prompt.answer) events.push({ type: 'waiting_cleared', at: toMillis(screens[end].at) });
    }
    from = Math.max(end, next) + 1;
  }
  const expect = {
    cli: 'gemini',
    cli_version: GEMINI_VERSION,
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
  const logFile = path.join(process.env.RECORD_LOG_DIR ?? '/tmp', 'recordGemini.log');
  const log = (line: string): void => fs.appendFileSync(logFile, `${line}\n`);
  for (const spec of GEMINI_FIXTURES) {
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
