/**
 * Drives the real Gemini CLI against the mock Gemini API and dumps the rendered viewport of
 * each screen worth studying to parsers/gemini/testdata/<name>.<cols>x<rows>.screen.txt. Run
 * inside a loopback-only network namespace:
 *   unshare -n sh -c 'ip link set lo up; exec node dist/test/record/studyGemini.js [study...]'
 */
import fs from 'node:fs';
import path from 'node:path';
import { startMockGemini, type GeminiScript } from '../mock/geminiServer.js';
import * as scenarios from '../mock/geminiScenarios.js';
import { GEMINI_VERSION } from '../../parsers/gemini/geminiRecording.js';
import { makeCliEnv } from '../support/cliEnv.js';
import { REPO_ROOT } from '../support/repoRoot.js';
import { PtyDriver, sleep } from './ptyDriver.js';

const OUT_DIR = path.join(REPO_ROOT, 'parsers/gemini/testdata');
const PROJECT_DIR = '/tmp/tether-gemini-study/project';
const HOME_DIR = '/tmp/tether-gemini-study/home';
/** The idle input row's placeholder. */
const READY = /Type your message/;

type Dump = (name: string) => Promise<void>;

interface Study {
  readonly script: GeminiScript;
  /** The setup variant and project files a study starts from. */
  readonly env?: { readonly variant?: string; readonly files?: Readonly<Record<string, string>> };
  readonly args?: string[];
  readonly waitReady?: boolean;
  run(driver: PtyDriver, dump: Dump): Promise<void>;
}

async function submit(driver: PtyDriver, text: string): Promise<void> {
  await driver.type(text, 15);
  await sleep(300);
  driver.write('\r');
}

async function dumpWhen(driver: PtyDriver, dump: Dump, pattern: RegExp, name: string): Promise<void> {
  await driver.waitFor(pattern, 30_000);
  await driver.settle(800);
  await dump(name);
}

const STUDIES: Record<string, Study> = {
  shell: {
    script: scenarios.shellScenario('touch created-by-tool.txt', 'Create an empty marker file'),
    async run(driver, dump) {
      await dump('idle-ready');
      await submit(driver, 'create the marker file');
      await dumpWhen(driver, dump, /Allow once/, 'shell-approval');
      driver.write('1');
      await dumpWhen(driver, dump, /Done\./, 'idle-after-turn');
    },
  },
  shellDeny: {
    script: scenarios.shellScenario('rm -rf build', 'Remove the build directory'),
    async run(driver, dump) {
      await submit(driver, 'clean the build');
      await driver.waitFor(/Allow once/, 30_000);
      await driver.settle(800);
      driver.write('\u001b');
      await sleep(2500);
      await driver.settle(800);
      await dump('idle-after-deny');
    },
  },
  write: {
    script: scenarios.writeFileScenario(`${PROJECT_DIR}/notes.md`, '# Notes\n\nCreated by the mock model.\n'),
    async run(driver, dump) {
      await submit(driver, 'write some notes');
      await dumpWhen(driver, dump, /Allow once/, 'write-approval');
    },
  },
  edit: {
    script: scenarios.replaceScenario(`${PROJECT_DIR}/greeting.txt`, 'hello world', 'hello tether'),
    env: { files: { 'greeting.txt': 'first line\nhello world\nlast line\n' } },
    async run(driver, dump) {
      await submit(driver, 'change the greeting');
      await dumpWhen(driver, dump, /Allow once/, 'edit-approval');
    },
  },
  busy: {
    script: scenarios.busyScenario(8),
    async run(driver, dump) {
      await submit(driver, 'build everything');
      await driver.waitFor(/Step 3:/, 30_000);
      await sleep(1500);
      await dump('busy');
      await driver.waitFor(/Step 40:/, 30_000);
      await driver.settle(1500);
      await dump('idle-after-busy');
    },
  },
  thinking: {
    script: scenarios.geminiSteps([{ text: 'Finished thinking.', delayMs: 6000 }]),
    async run(driver, dump) {
      await submit(driver, 'think hard');
      await sleep(3000);
      await dump('busy-spinner');
    },
  },
  askOne: {
    script: scenarios.askUserScenario([scenarios.AUTH_QUESTION]),
    async run(driver, dump) {
      await submit(driver, 'set up auth');
      await dumpWhen(driver, dump, /Which auth method/, 'ask-one');
    },
  },
  askSeveral: {
    script: scenarios.askUserScenario([scenarios.AUTH_QUESTION, scenarios.STORAGE_QUESTION]),
    async run(driver, dump) {
      await submit(driver, 'set up auth and storage');
      await dumpWhen(driver, dump, /Which auth method/, 'ask-several');
      driver.write('1');
      await dumpWhen(driver, dump, /Where should sessions be stored\?/, 'ask-several-second');
      driver.write('2');
      await sleep(1500);
      await driver.settle(800);
      await dump('ask-review');
    },
  },
  askText: {
    script: scenarios.askUserScenario([{ question: 'What should the service be called?', header: 'Name', type: 'text' }]),
    async run(driver, dump) {
      await submit(driver, 'name the service');
      await dumpWhen(driver, dump, /What should the service be called\?/, 'ask-text');
    },
  },
  plan: {
    script: scenarios.planScenario(),
    env: { variant: 'plan' },
    async run(driver, dump) {
      await dump('idle-plan-mode');
      await submit(driver, 'plan a greeting script');
      await driver.waitFor(/Ready to start implementation/, 30_000);
      await driver.settle(800);
      await dump('plan-approval');
    },
  },
  lookalike: {
    script: scenarios.geminiText(scenarios.LOOKALIKE_TEXT),
    async run(driver, dump) {
      await submit(driver, 'show me the prompt');
      await dumpWhen(driver, dump, /nothing is waiting for you/, 'lookalike-answer');
    },
  },
  trust: {
    script: scenarios.geminiText('Hi.'),
    env: { variant: 'untrusted' },
    waitReady: false,
    async run(driver, dump) {
      await driver.waitFor(/Do you trust the files/, 30_000);
      await sleep(2500); // past the first paint: the dialog is redrawn under the banner
      await dumpWhen(driver, dump, /Do you trust the files/, 'trust-dialog');
    },
  },
  auth: {
    script: scenarios.geminiText('Hi.'),
    env: { variant: 'no-auth' },
    waitReady: false,
    async run(driver, dump) {
      await driver.waitFor(/How would you like to authenticate/, 30_000);
      await sleep(2500);
      await dumpWhen(driver, dump, /How would you like to authenticate/, 'auth-dialog');
    },
  },
};

/** A study's project files as a patch for makeCliEnv (paths relative to the project dir). */
function projectFiles(files: Readonly<Record<string, string>> = {}): { files: Record<string, string> } {
  return { files: Object.fromEntries(Object.entries(files).map(([file, text]) => [`{project}/${file}`, text])) };
}

async function runStudy(name: string, study: Study, cols: number, rows: number): Promise<void> {
  const mock = await startMockGemini({ script: study.script });
  const env = await makeCliEnv('gemini', { mockUrl: mock.url, projectDir: PROJECT_DIR, home: HOME_DIR, variant: study.env?.variant, patch: projectFiles(study.env?.files) });
  const driver = PtyDriver.spawn({ command: env.bin, args: study.args ?? [], cols, rows, cwd: env.projectDir, env: env.env });
  const dump: Dump = async (dumpName) => {
    const base = path.join(OUT_DIR, `${dumpName}.${cols}x${rows}`);
    fs.writeFileSync(`${base}.screen.txt`, driver.dump(GEMINI_VERSION).replace(/^# claude /, '# gemini '));
    if (process.env.STUDY_RAW_DIR) {
      fs.writeFileSync(path.join(process.env.STUDY_RAW_DIR, `${dumpName}.${cols}x${rows}.raw`), driver.output.map((c) => c.data).join(''));
    }
  };
  try {
    if (study.waitReady !== false) {
      await driver.waitFor(READY, 30_000);
      await driver.settle(1000);
    }
    await study.run(driver, dump);
  } catch (err) {
    console.error(`${name} ${cols}x${rows}: ${(err as Error).message}`);
    await dump(`failed-${name}`);
    process.exitCode = 1;
  } finally {
    await driver.kill(1000);
    if (process.env.STUDY_VERBOSE) {
      for (const r of mock.requests) console.log(r.method, r.path, r.main);
      for (const f of mock.functionResults()) console.log('functionResponse', JSON.stringify(f).slice(0, 400));
      const first = mock.mainRequests()[0];
      if (first) console.log('plans mentions:', JSON.stringify(first.body).match(/.{80}plans.{80}/g)?.slice(0, 4));
    }
    await mock.close();
    env.cleanup();
  }
}

const wanted = process.argv.slice(2);
const sizes: Array<[number, number]> = process.env.STUDY_SIZES === 'small' ? [[80, 24]] : process.env.STUDY_SIZES === 'wide' ? [[120, 40]] : [[120, 40], [80, 24]];
fs.mkdirSync(OUT_DIR, { recursive: true });
for (const [name, study] of Object.entries(STUDIES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  for (const [cols, rows] of sizes) {
    await runStudy(name, study, cols, rows);
    console.log(`studied ${name} ${cols}x${rows}`);
  }
}
