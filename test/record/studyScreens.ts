/**
 * Drives the real Claude Code against the mock server and dumps the rendered viewport of each
 * prompt to parsers/claude/testdata/<name>.<cols>x<rows>.screen.txt (plus a dim-row map and
 * output timing in a `.log` beside it). Run inside a loopback-only network namespace:
 *   unshare -n sh -c 'ip link set lo up; exec node dist/test/record/studyScreens.js [name...]'
 */
import fs from 'node:fs';
import path from 'node:path';
import { startMockAnthropic, type MockScript } from '../mock/anthropicServer.js';
import * as scenarios from '../mock/scenarios.js';
import { CLAUDE_VERSION } from '../../parsers/claude/claudeRecording.js';
import { makeCliEnv } from '../support/cliEnv.js';
import { REPO_ROOT } from '../support/repoRoot.js';
import { PtyDriver, sleep } from './ptyDriver.js';

/** Where the dumps go. */
const OUT_DIR = path.join(REPO_ROOT, 'parsers/claude/testdata');
/** Stable paths so dumps show no random temp names. */
const PROJECT_DIR = '/tmp/tether-fixture/project';
const HOME_DIR = '/tmp/tether-fixture/home';
/** The idle box's footer once the CLI is ready. */
const READY = /\? for shortcuts|plan mode on/;

type Dump = (name: string) => Promise<void>;

interface Study {
  readonly script: MockScript;
  /** The setup variant and project files a study starts from. */
  readonly env?: { readonly variant?: string; readonly files?: Readonly<Record<string, string>> };
  readonly args?: string[];
  /** Waits for READY first unless false. */
  readonly waitReady?: boolean;
  run(driver: PtyDriver, dump: Dump): Promise<void>;
}

async function submit(driver: PtyDriver, text: string): Promise<void> {
  await driver.type(text, 15);
  await sleep(300);
  driver.write('\r');
}

/** Waits for `pattern`, then for the screen to settle, then dumps. */
async function dumpWhen(driver: PtyDriver, dump: Dump, pattern: RegExp, name: string): Promise<void> {
  await driver.waitFor(pattern);
  await driver.settle(800);
  await dump(name);
}

const STUDIES: Record<string, Study> = {
  bash: {
    script: scenarios.bashScenario('touch created-by-tool.txt', 'Create an empty marker file'),
    async run(driver, dump) {
      await dump('idle-ready');
      await submit(driver, 'create the marker file');
      await dumpWhen(driver, dump, /Do you want to proceed\?/, 'bash-approval');
      driver.write('1');
      await dumpWhen(driver, dump, /Done\./, 'idle-after-turn');
    },
  },
  bashDeny: {
    script: scenarios.bashScenario('rm -rf build', 'Remove the build directory'),
    async run(driver, dump) {
      await submit(driver, 'clean the build');
      await driver.waitFor(/Do you want to proceed\?/);
      await driver.settle(800);
      driver.write('\t');
      await dumpWhen(driver, dump, /tell Claude what to do next/, 'bash-amend-yes');
      driver.write('\u001b');
      await sleep(800);
      driver.write('\u001b');
      await dumpWhen(driver, dump, /What should Claude do instead\?/, 'idle-after-deny');
    },
  },
  bashAlways: {
    script: scenarios.bashScenario('touch created-by-tool.txt', 'Create an empty marker file'),
    async run(driver, dump) {
      await submit(driver, 'create the marker file');
      await driver.waitFor(/Do you want to proceed\?/);
      await driver.settle(800);
      driver.write('2');
      await dumpWhen(driver, dump, /Done\./, 'idle-accept-edits');
    },
  },
  busy: {
    script: scenarios.busyScenario(8),
    async run(driver, dump) {
      await submit(driver, 'build everything');
      await driver.waitFor(/Step 3:/);
      await sleep(1500);
      await dump('busy');
      await driver.waitFor(/Step 40:/, 30_000);
      await driver.settle(1500);
      await dump('idle-after-busy');
    },
  },
  thinking: {
    script: scenarios.stepsScenario([{ text: 'Finished thinking.', delayMs: 6000 }]),
    async run(driver, dump) {
      await submit(driver, 'think hard');
      await sleep(3000);
      await dump('busy-spinner');
    },
  },
  edit: {
    script: scenarios.editScenario(`${PROJECT_DIR}/greeting.txt`, 'hello world', 'hello tether'),
    env: { files: { 'greeting.txt': 'first line\nhello world\nlast line\n' } },
    async run(driver, dump) {
      await submit(driver, 'change the greeting');
      await dumpWhen(driver, dump, /Do you want to make this edit/, 'edit-approval');
    },
  },
  write: {
    script: scenarios.writeScenario(`${PROJECT_DIR}/notes.md`, '# Notes\n\nCreated by the mock model.\n'),
    async run(driver, dump) {
      await submit(driver, 'write some notes');
      await dumpWhen(driver, dump, /Do you want to create/, 'write-approval');
    },
  },
  plan: {
    script: scenarios.planScenario(),
    args: ['--permission-mode', 'plan'],
    async run(driver, dump) {
      await dump('idle-plan-mode');
      await submit(driver, 'plan a greeting script');
      await dumpWhen(driver, dump, /ctrl\+g to edit/, 'plan-approval');
      driver.write('3');
      await sleep(300);
      await driver.type('use zsh');
      await driver.settle(800);
      await dump('plan-feedback-typing');
    },
  },
  askOne: {
    script: scenarios.askScenario([scenarios.AUTH_QUESTION]),
    async run(driver, dump) {
      await submit(driver, 'set up auth');
      await dumpWhen(driver, dump, /Which auth method/, 'ask-one');
      driver.write('3');
      await sleep(300);
      await driver.type('mutual TLS');
      await driver.settle(800);
      await dump('ask-typing');
    },
  },
  askSeveral: {
    script: scenarios.askScenario([scenarios.AUTH_QUESTION, scenarios.STORAGE_QUESTION]),
    async run(driver, dump) {
      await submit(driver, 'set up auth and storage');
      await dumpWhen(driver, dump, /Which auth method/, 'ask-several');
      driver.write('1');
      await dumpWhen(driver, dump, /Where should sessions be stored\?/, 'ask-several-second');
      driver.write('2');
      await dumpWhen(driver, dump, /Ready to submit your answers\?/, 'ask-review');
    },
  },
  lookalike: {
    script: scenarios.lookalikeScenario(),
    async run(driver, dump) {
      await submit(driver, 'show me the prompt');
      await dumpWhen(driver, dump, /nothing is waiting for you/, 'lookalike-answer');
    },
  },
  trust: {
    script: scenarios.textScenario('Hi.'),
    env: { variant: 'untrusted' },
    waitReady: false,
    async run(driver, dump) {
      await dumpWhen(driver, dump, /trust/i, 'trust-dialog');
    },
  },
  apiKey: {
    script: scenarios.textScenario('Hi.'),
    env: { variant: 'key-unapproved' },
    waitReady: false,
    async run(driver, dump) {
      await dumpWhen(driver, dump, /API key/, 'api-key-dialog');
    },
  },
  onboarding: {
    script: scenarios.textScenario('Hi.'),
    env: { variant: 'onboarding' },
    waitReady: false,
    async run(driver, dump) {
      await dumpWhen(driver, dump, /text style/, 'onboarding-theme');
    },
  },
};

/** A study's project files as a patch for makeCliEnv (paths relative to the project dir). */
function projectFiles(files: Readonly<Record<string, string>> = {}): { files: Record<string, string> } {
  return { files: Object.fromEntries(Object.entries(files).map(([file, text]) => [`{project}/${file}`, text])) };
}

async function runStudy(name: string, study: Study, cols: number, rows: number): Promise<void> {
  const mock = await startMockAnthropic({ script: study.script });
  const env = await makeCliEnv('claude', { mockUrl: mock.url, projectDir: PROJECT_DIR, home: HOME_DIR, variant: study.env?.variant, patch: projectFiles(study.env?.files) });
  const driver = PtyDriver.spawn({ command: env.bin, args: study.args ?? [], cols, rows, cwd: env.projectDir, env: env.env });
  const started = Date.now();
  const dump: Dump = async (dumpName) => {
    const base = path.join(OUT_DIR, `${dumpName}.${cols}x${rows}`);
    fs.writeFileSync(`${base}.screen.txt`, driver.dump(CLAUDE_VERSION));
    const drawnAt = driver.lastOutputAt;
    await sleep(3000);
    const later = driver.output.filter((chunk) => chunk.at > drawnAt).map((chunk) => `+${chunk.at - drawnAt}ms ${JSON.stringify(chunk.data).slice(0, 160)}`);
    const log = [`dumped at ${drawnAt - started}ms after spawn; output in the next 3 s:`, ...later, 'dim cells (row: ranges):', ...driver.dimRanges()];
    fs.writeFileSync(`${base}.log`, `${log.join('\n')}\n`);
    if (process.env.STUDY_RAW_DIR) {
      fs.writeFileSync(path.join(process.env.STUDY_RAW_DIR, `${dumpName}.${cols}x${rows}.raw`), driver.output.map((chunk) => chunk.data).join(''));
    }
    console.log(`dumped ${dumpName} ${cols}x${rows}`);
  };
  try {
    if (study.waitReady !== false) {
      await driver.waitFor(READY, 30_000);
      await driver.settle(1000);
    }
    await study.run(driver, dump);
  } catch (err) {
    console.error(`${name} ${cols}x${rows} failed: ${(err as Error).message}`);
    process.exitCode = 1;
  } finally {
    await driver.kill();
    await mock.close();
    env.cleanup();
  }
}

async function main(): Promise<void> {
  const names = process.argv.slice(2).filter((arg) => !/^\d+x\d+$/.test(arg));
  const sizes = process.argv.slice(2).filter((arg) => /^\d+x\d+$/.test(arg));
  fs.mkdirSync(OUT_DIR, { recursive: true });
  for (const size of sizes.length > 0 ? sizes : ['120x40', '80x24']) {
    const [cols, rows] = size.split('x').map(Number);
    for (const name of names.length > 0 ? names : Object.keys(STUDIES)) {
      await runStudy(name, STUDIES[name], cols, rows);
    }
  }
}

await main();
