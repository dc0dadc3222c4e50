/**
 * Records the OpenCode and Qwen Code fixtures: per spec it starts the Chat Completions mock,
 * seeds the CLI's env, runs `recordCommand` (runRecorder) around the real CLI in an outer PTY
 * whose headless screen answers terminal queries, types the answers like a person, and derives
 * the `.expect.json` from the cast. Run inside a loopback-only network namespace:
 *   unshare -n sh -c 'ip link set lo up; exec node dist/test/record/recordChatCli.js opencode [name...]'
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseCast } from '../../src/core/asciicast.js';
import { startMockOpenAiChat } from '../mock/openaiChatServer.js';
import { REPO_ROOT } from '../support/claudeEnv.js';
import { makeOpencodeEnv, OPENCODE_BIN, OPENCODE_VERSION } from '../support/opencodeEnv.js';
import { makeQwenEnv, QWEN_BIN, QWEN_VERSION } from '../support/qwenEnv.js';
import { findInput, lastChangeBefore, screensOf, toMillis } from './castTiming.js';
import { fixtureDirs, OPENCODE_FIXTURES, type ChatFixtureSpec } from './opencodeFixtures.js';
import { QWEN_FIXTURES } from './qwenFixtures.js';
import { PtyDriver, sleep } from './ptyDriver.js';
import { childPids, killGroup } from './processes.js';

/** Quiet time after a prompt appears before answering. */
const READ_MS = 1200;
const TOLERANCE_MS = 500;
const KEY_GAP_MS = 80;
/** OpenCode drops keys for a while after its title appears; wait this long before typing. */
const OPENCODE_WARMUP_MS = 4000;

/** How to run one CLI. */
interface CliRecipe {
  readonly cli: 'opencode' | 'qwen';
  readonly version: string;
  readonly bin: string;
  readonly fixtures: readonly ChatFixtureSpec[];
  env(baseUrl: string, spec: ChatFixtureSpec): { env: Record<string, string>; projectDir: string; cleanup(): void };
  /** Waits until the CLI takes keys. */
  ready(driver: PtyDriver): Promise<void>;
}

const RECIPES: Readonly<Record<string, CliRecipe>> = {
  opencode: {
    cli: 'opencode',
    version: OPENCODE_VERSION,
    bin: OPENCODE_BIN,
    fixtures: OPENCODE_FIXTURES,
    env: (baseUrl, spec) => makeOpencodeEnv({ baseUrl, ...fixtureDirs('opencode'), files: spec.files }),
    async ready(driver) {
      const deadline = Date.now() + 60_000;
      while (!/^(OpenCode|OC \|)/.test(driver.title) && Date.now() < deadline) await sleep(100);
      await sleep(OPENCODE_WARMUP_MS);
    },
  },
  qwen: {
    cli: 'qwen',
    version: QWEN_VERSION,
    bin: QWEN_BIN,
    fixtures: QWEN_FIXTURES,
    env: (baseUrl, spec) => makeQwenEnv({ baseUrl, ...fixtureDirs('qwen'), files: spec.files, approvalMode: spec.mode ?? 'default' }),
    async ready() {
      /* the idle screen pattern is enough */
    },
  },
};

async function record(recipe: CliRecipe, spec: ChatFixtureSpec, outDir: string, log: (line: string) => void): Promise<void> {
  const mock = await startMockOpenAiChat({ script: spec.script });
  const env = recipe.env(mock.url, spec);
  const name = `${spec.name}.${spec.cols}x${spec.rows}`;
  const castFile = path.join(outDir, `${name}.cast`);
  const recorder = path.join(REPO_ROOT, 'dist/test/record/recordCommand.js');
  const driver = PtyDriver.spawn({
    command: process.execPath,
    args: [recorder, '--out', castFile, '--', recipe.bin, ...(spec.args ?? [])],
    cols: spec.cols,
    rows: spec.rows,
    cwd: env.projectDir,
    env: env.env,
  });
  const answers: string[][] = [];
  try {
    await recipe.ready(driver);
    for (const [index, prompt] of spec.prompts.entries()) {
      await driver.waitFor(prompt.screen, 90_000);
      await driver.settle(READ_MS);
      log(`--- ${name} prompt ${index} (${prompt.expect?.wait_type ?? 'none'}) title=${JSON.stringify(driver.title)}\n${driver.text()}`);
      if (!prompt.answer) continue;
      const keys = typeof prompt.answer === 'function' ? prompt.answer(driver.text().replace(/\u00a0/g, ' ')) : prompt.answer;
      answers.push([...keys]);
      for (const key of keys) {
        driver.write(key);
        await sleep(KEY_GAP_MS);
      }
      // Let the answer land before the next pattern check sees the old screen.
      await sleep(1500);
    }
    await driver.settle(READ_MS);
  } finally {
    for (const pid of childPids(driver.process.pid)) killGroup(pid);
    await Promise.race([driver.waitExit(), sleep(10_000)]);
    await driver.kill();
    log(`tool results: ${JSON.stringify(mock.toolResults()).slice(0, 600)}`);
    await mock.close();
    env.cleanup();
  }
  await writeExpect(recipe, spec, castFile, answers, log);
}

async function writeExpect(recipe: CliRecipe, spec: ChatFixtureSpec, castFile: string, answers: string[][], log: (line: string) => void): Promise<void> {
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
      let drawnAt = lastChangeBefore(screens, end);
      // OpenCode's first idle panel counts once the title says the TUI is ready.
      if (from === 0) {
        const titled = screens.findLastIndex((screen, index) => index < end && screen.code === 'o' && /\u001b\][02];/.test(screen.data));
        if (titled >= 0) drawnAt = Math.max(drawnAt, screens[titled].at);
      }
      events.push({ type: 'waiting_for_input', ...prompt.expect, at: toMillis(drawnAt) });
      if (prompt.answer) events.push({ type: 'waiting_cleared', at: toMillis(screens[end].at) });
    }
    from = Math.max(end, next) + 1;
  }
  const expect = {
    cli: recipe.cli,
    cli_version: recipe.version,
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
  const [cli, ...names] = process.argv.slice(2);
  const recipe = RECIPES[cli ?? ''];
  if (!recipe) throw new Error('usage: recordChatCli.js opencode|qwen [name...]');
  const outDir = path.join(REPO_ROOT, 'fixtures', recipe.cli);
  fs.mkdirSync(outDir, { recursive: true });
  const logFile = path.join(process.env.RECORD_LOG_DIR ?? '/tmp', `record-${recipe.cli}.log`);
  const log = (line: string): void => fs.appendFileSync(logFile, `${line}\n`);
  for (const spec of recipe.fixtures) {
    const name = `${spec.name}.${spec.cols}x${spec.rows}`;
    if (names.length > 0 && !names.includes(spec.name) && !names.includes(name)) continue;
    try {
      await record(recipe, spec, outDir, log);
      console.log(`recorded ${name}`);
    } catch (err) {
      console.error(`${name} failed: ${(err as Error).message.slice(0, 3000)}`);
      log(`FAILED ${name}: ${(err as Error).message}`);
      process.exitCode = 1;
    }
  }
}

await main();
