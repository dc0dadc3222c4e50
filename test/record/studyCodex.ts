/**
 * Drives the real Codex CLI 0.169 against the mock Responses API and dumps the viewport of each
 * screen worth studying to parsers/codex/testdata/<name>.<cols>x<rows>.screen.txt. Run inside a
 * loopback-only network namespace:
 *   unshare -n sh -c 'ip link set lo up; exec node dist/test/record/studyCodex.js [study...]'
 */
import fs from 'node:fs';
import path from 'node:path';
import { startMockResponses } from '../mock/openaiResponsesServer.js';
import * as scenarios from '../mock/responsesScenarios.js';
import type { ResponsesScript } from '../mock/responsesScenarios.js';
import { CODEX_VERSION } from '../../parsers/codex/codexRecording.js';
import { makeCliEnv } from '../support/cliEnv.js';
import { REPO_ROOT } from '../support/repoRoot.js';
import { PtyDriver, sleep } from './ptyDriver.js';

const OUT_DIR = path.join(REPO_ROOT, 'parsers/codex/testdata');
const PROJECT_DIR = '/tmp/tether-fixture/project';
const HOME_DIR = '/tmp/tether-fixture/home';
/** The composer once Codex is ready. */
const READY = /› [^\n]*\n\s*\n +\S.*(default|plan) · \/tmp\//;
/** Shift+Tab: cycles the collaboration mode (Default → Plan). */
export const SHIFT_TAB = '\x1b[Z';

type Dump = (name: string) => Promise<void>;

interface Study {
  readonly script: ResponsesScript;
  /** The setup variant and project files a study starts from. */
  readonly env?: { readonly variant?: string; readonly files?: Readonly<Record<string, string>> };
  /** Waits for the ready composer first unless false. */
  readonly waitReady?: boolean;
  run(driver: PtyDriver, dump: Dump): Promise<void>;
}

/** Types text, pauses (Codex reads a fast Enter as a newline), then Enter. */
async function submit(driver: PtyDriver, text: string): Promise<void> {
  await driver.type(text, 15);
  await sleep(400);
  driver.write('\r');
}

async function dumpWhen(driver: PtyDriver, dump: Dump, pattern: RegExp, name: string, settleMs = 800): Promise<void> {
  await driver.waitFor(pattern, 30_000);
  await driver.settle(settleMs);
  await dump(name);
}

const QUESTION = {
  id: 'auth_method',
  header: 'Auth',
  question: 'Which auth method should we use?',
  options: [
    { label: 'OAuth (Recommended)', description: "Use the provider's OAuth flow." },
    { label: 'API key', description: 'A static key in the environment.' },
  ],
};

const STUDIES: Record<string, Study> = {
  exec: {
    script: scenarios.stepsScenario([{ ...scenarios.escalatedExec('touch created-by-tool.txt', 'Create the marker file'), delayMs: 2500 }]),
    async run(driver, dump) {
      await dump('idle-ready');
      await submit(driver, 'create the marker file');
      await dumpWhen(driver, dump, /Working \(/, 'busy', 300);
      await dumpWhen(driver, dump, /Press enter to confirm/, 'exec-approval');
      driver.write('y');
      await dumpWhen(driver, dump, /Done\.[\s\S]*› /, 'idle-after-turn');
    },
  },
  deny: {
    script: scenarios.execScenario('rm -rf build', 'Remove the build directory'),
    async run(driver, dump) {
      await submit(driver, 'clean the build');
      await driver.waitFor(/Press enter to confirm/);
      await driver.settle(800);
      driver.write('\x1b');
      await dumpWhen(driver, dump, /› /, 'idle-after-deny', 1500);
    },
  },
  prefix: {
    script: scenarios.stepsScenario([
      { functionCall: { name: 'exec_command', arguments: { cmd: 'npm test', sandbox_permissions: 'require_escalated', justification: 'Run the tests', prefix_rule: ['npm', 'test'] } } },
    ]),
    env: { files: { 'package.json': '{"name":"fixture","private":true,"scripts":{"test":"echo tests passed"}}\n' } },
    async run(driver, dump) {
      await submit(driver, 'run the tests');
      await dumpWhen(driver, dump, /Press enter to confirm/, 'exec-prefix-approval');
    },
  },
  patch: {
    script: scenarios.stepsScenario([scenarios.patchCall(`${HOME_DIR}/greeting.txt`, 'hello world', 'hello tether')]),
    env: { files: {} },
    async run(driver, dump) {
      fs.writeFileSync(path.join(HOME_DIR, 'greeting.txt'), 'first line\nhello world\nlast line\n');
      await submit(driver, 'change the greeting');
      await dumpWhen(driver, dump, /Press enter to confirm|esc to cancel/, 'patch-approval');
    },
  },
  plan: {
    script: scenarios.stepsScenario([scenarios.questionCall([QUESTION]), scenarios.proposedPlan(scenarios.SAMPLE_PLAN)]),
    async run(driver, dump) {
      driver.write(SHIFT_TAB);
      await sleep(800);
      await driver.settle(500);
      await dump('idle-plan-mode');
      await submit(driver, 'plan a greeting script');
      await dumpWhen(driver, dump, /Which auth method/, 'question');
      driver.write('\r');
      await dumpWhen(driver, dump, /Implement this plan\?/, 'plan-approval', 1200);
    },
  },
  busyWorking: {
    script: scenarios.stepsScenario([{ text: 'Finished thinking.', delayMs: 5000 }]),
    async run(driver, dump) {
      await submit(driver, 'think hard');
      await driver.waitFor(/Working \(\d+s/, 30_000);
      await sleep(1500);
      await dump('busy');
      await dumpWhen(driver, dump, /Finished thinking\.[\s\S]*› /, 'idle-after-busy');
    },
  },
  migration: {
    script: scenarios.textScenario('Hi.'),
    env: { variant: 'migration-unseen' },
    waitReady: false,
    async run(driver, dump) {
      await dumpWhen(driver, dump, /Use existing model/, 'model-migration');
      driver.write('2');
      await sleep(1500);
      await dump('after-migration-digit');
    },
  },
  questionDigit: {
    script: scenarios.stepsScenario([scenarios.questionCall([QUESTION]), scenarios.proposedPlan(scenarios.SAMPLE_PLAN)]),
    async run(driver, dump) {
      driver.write(SHIFT_TAB);
      await sleep(1000);
      await submit(driver, 'plan a greeting script');
      await driver.waitFor(/Which auth method/);
      await driver.settle(800);
      driver.write('2');
      await sleep(1500);
      await dump('question-after-digit');
      await driver.waitFor(/Implement this plan\?/);
      await driver.settle(800);
      driver.write('3');
      await sleep(1500);
      await dump('plan-after-digit');
    },
  },
  lookalike: {
    script: scenarios.textScenario(scenarios.LOOKALIKE_TEXT),
    async run(driver, dump) {
      await submit(driver, 'show me the prompt');
      await dumpWhen(driver, dump, /nothing is waiting for you\.[\s\S]*› /, 'lookalike-answer', 1200);
    },
  },
  busyOutput: {
    script: scenarios.busyScenario(6),
    async run(driver, dump) {
      await submit(driver, 'build everything');
      await driver.waitFor(/Step 1[0-9]:/, 30_000);
      await dump('busy-output');
    },
  },
};

/** A study's project files as a patch for makeCliEnv (paths relative to the project dir). */
function projectFiles(files: Readonly<Record<string, string>> = {}): { files: Record<string, string> } {
  return { files: Object.fromEntries(Object.entries(files).map(([file, text]) => [`{project}/${file}`, text])) };
}

async function runStudy(name: string, study: Study, cols: number, rows: number): Promise<void> {
  const requestLog = process.env.CODEX_REQUEST_LOG;
  const mock = await startMockResponses({
    script: study.script,
    onRequest: (request) => requestLog && fs.appendFileSync(requestLog, `${JSON.stringify(request)}\n`),
  });
  const env = await makeCliEnv('codex', { mockUrl: mock.url, projectDir: PROJECT_DIR, home: HOME_DIR, variant: study.env?.variant, patch: projectFiles(study.env?.files) });
  const driver = PtyDriver.spawn({ command: env.bin, args: [], cols, rows, cwd: env.projectDir, env: env.env });
  const dump: Dump = async (dumpName) => {
    const buffer = driver.terminal.buffer.active;
    const header = `# codex ${CODEX_VERSION} ${cols}x${rows} cursor=(${buffer.cursorX},${buffer.cursorY}) title=${JSON.stringify(driver.title)}`;
    fs.writeFileSync(path.join(OUT_DIR, `${dumpName}.${cols}x${rows}.screen.txt`), `${header}\n${driver.rows().join('\n')}\n`);
    console.log(`dumped ${dumpName}.${cols}x${rows}`);
  };
  try {
    if (study.waitReady !== false) {
      await driver.waitFor(READY, 30_000);
      await driver.settle(1500);
    }
    await study.run(driver, dump);
  } catch (err) {
    console.error(`${name} ${cols}x${rows} failed: ${(err as Error).message}`);
  } finally {
    await driver.kill(1000);
    for (const request of mock.mainRequests().slice(-1)) {
      for (const item of request.body?.input ?? []) {
        if (/output$/.test(item.type)) console.log(`  ${item.type}: ${JSON.stringify(item.output).slice(0, 200)}`);
      }
    }
    await mock.close();
    env.cleanup();
  }
}

const wanted = process.argv.slice(2);
fs.mkdirSync(OUT_DIR, { recursive: true });
for (const [name, study] of Object.entries(STUDIES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  for (const [cols, rows] of [[120, 40], [80, 24]]) await runStudy(name, study, cols, rows);
}
