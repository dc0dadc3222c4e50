/**
 * The one fixture recorder, for every CLI with recording data in its folder
 * (`parsers/<cli>/<cli>Recording.ts`). Per fixture it starts the CLI's mock with the fixture's
 * script, seeds HOME and the project at the stable fixture dirs (test/support/cliEnv.ts), runs
 * `recordCommand` (runRecorder, as `tether record` does) around the real CLI inside an outer PTY
 * whose headless screen answers terminal queries, types each step's answer like a person, and
 * writes the `.expect.json` (expectations.ts). Run inside a loopback-only network namespace:
 *   unshare -n sh -c 'ip link set lo up; exec node dist/test/record/record.js <cli> [name | name.COLSxROWS ...]'
 * Options: `--out DIR` (default fixtures/<cli>), `--expect-only` (rewrite the expect files from
 * the casts in DIR without recording).
 */
import fs from 'node:fs';
import path from 'node:path';
import { isCliType } from '../../parsers/index.js';
import type { CliRecording, RecordingFixture } from '../../parsers/cliRecording.js';
import { parseCast } from '../../src/core/asciicast.js';
import { loadRecording, makeCliEnv } from '../support/cliEnv.js';
import { REPO_ROOT } from '../support/repoRoot.js';
import { answerKeys, deriveExpectations, formatExpectations } from './expectations.js';
import { fixtureName } from './fixtureName.js';
import { startMock } from './mocks.js';
import { childPids, killGroup } from './processes.js';
import { PtyDriver, sleep } from './ptyDriver.js';

/** How long the CLI may take to exit after its processes were killed (ms). */
const EXIT_WAIT_MS = 10_000;

/** SIGKILLs `pid` and everything below it (a CLI may start session leaders of its own). */
function killTree(pid: number): void {
  for (const child of childPids(pid)) killTree(child);
  killGroup(pid);
}


/** Types one answer's key chunks with the CLI's pauses. */
async function typeAnswer(driver: PtyDriver, recording: CliRecording, keys: readonly string[]): Promise<void> {
  const { keyGapMs, submitPause } = recording.driving;
  let previous = '';
  for (const key of keys) {
    const pause =
      key === '\r' &&
      submitPause !== undefined &&
      (submitPause.when === 'in_sequence' ? keys.length > 1 : previous !== '' && previous !== '\r' && !previous.startsWith('\x1b'));
    if (pause) await sleep(submitPause.ms);
    driver.write(key);
    previous = key;
    await sleep(keyGapMs);
  }
}

/** Records one fixture into `outDir` and writes its expect file. */
async function record(cli: string, recording: CliRecording, fixture: RecordingFixture, outDir: string, log: (line: string) => void): Promise<void> {
  const { driving } = recording;
  const fixtureDirs = (fixture.release !== undefined ? recording.releases?.[fixture.release]?.fixtureDirs : undefined) ?? recording.fixtureDirs;
  const fill = (text: string): string => text.replaceAll('{home}', fixtureDirs.home).replaceAll('{project}', fixtureDirs.project);
  const mock = await startMock(recording.mock, fixture.script, fill, fixture.mockPort);
  const env = await makeCliEnv(recording, {
    mockUrl: mock?.url,
    home: fixtureDirs.home,
    projectDir: fixtureDirs.project,
    variant: fixture.variant,
    release: fixture.release,
    patch: { env: fixture.env, files: fixture.files, links: fixture.links, dirs: fixture.dirs },
  });
  const name = fixtureName(fixture);
  const castFile = path.join(outDir, `${name}.cast`);
  const driver = PtyDriver.spawn({
    command: process.execPath,
    args: [path.join(REPO_ROOT, 'dist/test/record/recordCommand.js'), '--out', castFile, '--', env.bin, ...env.args, ...(fixture.args ?? [])],
    cols: fixture.cols,
    rows: fixture.rows,
    cwd: env.projectDir,
    env: env.env,
  });
  const typed: string[][] = [];
  try {
    if (driving.ready) {
      const deadline = Date.now() + driving.ready.timeoutMs;
      while (!new RegExp(driving.ready.title).test(driver.title) && Date.now() < deadline) await sleep(100);
      await sleep(driving.ready.warmupMs);
    }
    for (const [index, step] of fixture.steps.entries()) {
      await driver.waitFor(step.screen, driving.stepTimeoutMs);
      await driver.settle(driving.readMs, driving.settleTimeoutMs);
      if (driving.afterReadMs) await sleep(driving.afterReadMs);
      log(`--- ${name} step ${index} (${step.expect?.wait_type ?? 'none'}) title=${JSON.stringify(driver.title)}\n${driver.text()}`);
      if (step.resizeTo) {
        driver.resize(step.resizeTo[0], step.resizeTo[1]);
        // settle() alone would return at once: the screen was already quiet before the resize.
        await sleep(driving.readMs);
        await driver.settle(driving.readMs);
        log(`--- after resize to ${step.resizeTo.join('x')}\n${driver.text()}`);
      }
      if (!step.answer) continue;
      if (step.answerAfterMs) await sleep(step.answerAfterMs);
      const keys = answerKeys(step.answer, driver.text().replace(/\u00a0/g, ' '));
      typed.push(keys);
      await typeAnswer(driver, recording, keys);
      if (driving.afterAnswerMs) await sleep(driving.afterAnswerMs);
    }
    await driver.settle(driving.readMs, driving.settleTimeoutMs);
  } finally {
    // SIGKILL, so the cast ends on the last prompt (no exit trailer, no "resume this session").
    for (const pid of childPids(driver.process.pid)) killTree(pid);
    await Promise.race([driver.waitExit(), sleep(EXIT_WAIT_MS)]);
    await driver.kill();
    for (const line of mock?.results() ?? []) log(line);
    await mock?.close();
    env.cleanup();
  }
  await writeExpect(cli, recording, fixture, castFile, log, typed);
}

/** Derives and writes the expect file beside `castFile`. */
async function writeExpect(cli: string, recording: CliRecording, fixture: RecordingFixture, castFile: string, log: (line: string) => void, typed?: string[][]): Promise<void> {
  const expect = await deriveExpectations(cli, recording, fixture, parseCast(fs.readFileSync(castFile, 'utf8')), typed);
  fs.writeFileSync(castFile.replace(/\.cast$/, '.expect.json'), formatExpectations(expect));
  log(`wrote ${path.basename(castFile)}: ${expect.events.length} events`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const positional: string[] = [];
  let outArg: string | undefined;
  for (let index = 0; index < args.length; index += 1) {
    if (args[index] === '--out') outArg = args[++index];
    else if (!args[index].startsWith('--')) positional.push(args[index]);
  }
  const [cli, ...names] = positional;
  if (cli === undefined || !isCliType(cli)) throw new Error('usage: record.js <cli> [--out DIR] [--expect-only] [name | name.COLSxROWS ...]');
  const recording = await loadRecording(cli);
  const outDir = path.resolve(outArg ?? path.join(REPO_ROOT, 'fixtures', cli));
  fs.mkdirSync(outDir, { recursive: true });
  const logFile = path.join(process.env.RECORD_LOG_DIR ?? '/tmp', `record-${cli}.log`);
  const log = (line: string): void => fs.appendFileSync(logFile, `${line}\n`);
  const expectOnly = args.includes('--expect-only');
  for (const fixture of recording.fixtures) {
    const name = fixtureName(fixture);
    if (names.length > 0 && !names.includes(fixture.name) && !names.includes(name)) continue;
    try {
      if (expectOnly) await writeExpect(cli, recording, fixture, path.join(outDir, `${name}.cast`), log);
      else await record(cli, recording, fixture, outDir, log);
      console.log(`${expectOnly ? 'expected' : 'recorded'} ${name}`);
    } catch (err) {
      console.error(`${name} failed: ${(err as Error).message.slice(0, 3000)}`);
      log(`FAILED ${name}: ${(err as Error).message}`);
      process.exitCode = 1;
    }
  }
}

await main();
