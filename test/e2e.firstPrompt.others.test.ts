/**
 * The first idle prompt takes input when Tether says it does (issue 13, item 3), for the agent
 * CLIs beside Claude Code (test/e2e.firstPrompt.claude.test.ts has it): OpenCode, Codex, Gemini
 * CLI and Qwen Code against their mock model servers. The moment a session's first
 * `waiting_for_input` (awaiting_response) arrives, a 68-character prompt is sent through
 * SessionManager.sendInput (which waits for its echo before the Enter, src/core/typedSubmit.ts);
 * the send must not fail, the mock must receive the prompt, and the agent must come back idle.
 * TETHER_FIRST_PROMPT_TRIES sets the tries per CLI.
 */
import { describe, expect, it } from 'vitest';
import type { CliType, SessionEvent, WaitingForInputEvent } from '../src/common/index.js';
import { SessionManager } from '../src/core/index.js';
import { startMockGemini } from './mock/geminiServer.js';
import { chatSteps, startMockOpenAiChat } from './mock/openaiChatServer.js';
import { startMockResponses } from './mock/openaiResponsesServer.js';
import { hasCli, makeCliEnv } from './support/cliEnv.js';
import { nextEvent, waitUntil } from './support/waitFor.js';
import { useCleanups } from './support/phone.js';

/** 68 characters: longer than the 58 that lost their Enter on Claude Code's first box. */
const PROMPT = 'Please create a marker file named created-by-tool.txt now, then stop';
const TRIES = Number(process.env.TETHER_FIRST_PROMPT_TRIES ?? '1');
/** Start-up can take half a minute and more on a busy machine (ms). */
const STEP_MS = 90_000;

const cleanups = useCleanups();

/** A mock model server: its URL, and the request bodies of the main conversation so far. */
interface Mock {
  readonly url: string;
  bodies(): string[];
  close(): Promise<void>;
}

interface Case {
  readonly cli: CliType;
  readonly newest?: boolean;
  readonly mock: () => Promise<Mock>;
  /** Why the case is skipped (a known defect, measured), if it is. */
  readonly skip?: string;
}

const bodiesOf = (requests: ReadonlyArray<{ body: unknown }>) => requests.map((request) => JSON.stringify(request.body));
const chat = async (): Promise<Mock> => {
  const mock = await startMockOpenAiChat({ script: chatSteps([], { text: 'Marker noted.' }) });
  return { url: mock.url, bodies: () => bodiesOf(mock.mainRequests()), close: () => mock.close() };
};

const cases: Case[] = [
  {
    cli: 'opencode',
    mock: chat,
    // Open (issue 13 item 3): on this 2-core machine at load 10-17, OpenCode 1.18.33 drew its first
    // home view 34-68 s after start and echoed the prompt 1.7-10.3 s after it was typed; in 3 of 6
    // tries whose outcome was seen the prompt then showed in a busy session view but never reached
    // the mock in 30 s (nor ended a turn in 90 s). Holding the first idle prompt 4 s after the ready
    // title did not prevent it (1 of those 3) and delayed the eval's OpenCode prompts, so it was dropped.
    skip: 'OpenCode loses a first prompt typed at its first idle prompt under load (3 of 6 tries)',
  },
  { cli: 'qwen', newest: true, mock: chat },
  {
    cli: 'codex',
    newest: true,
    mock: async () => {
      const mock = await startMockResponses({});
      return { url: mock.url, bodies: () => bodiesOf(mock.mainRequests()), close: () => mock.close() };
    },
  },
  {
    cli: 'gemini',
    mock: async () => {
      const mock = await startMockGemini({});
      return { url: mock.url, bodies: () => bodiesOf(mock.mainRequests()), close: () => mock.close() };
    },
  },
];

/** One try: start, send at the first idle event, and see the mock get the prompt and the agent come back idle. */
async function firstPromptReachesTheModel(spec: Case): Promise<void> {
  const mock = await spec.mock();
  cleanups.push(() => mock.close());
  const env = await makeCliEnv(spec.cli, { mockUrl: mock.url, ...(spec.newest ? { newest: true } : {}) });
  cleanups.push(() => env.cleanup());
  const sessions = new SessionManager({ env: {} });
  cleanups.push(() => sessions.dispose());
  const isIdle = (e: SessionEvent) => e.type === 'waiting_for_input' && e.wait_type === 'awaiting_response';
  const first = nextEvent(sessions.onEvent, (e) => e.type === 'waiting_for_input', STEP_MS, 'the first prompt');
  const info = await sessions.create({ cli: env.bin, cliType: spec.cli, cwd: env.projectDir, env: env.env, cols: 120, rows: 40 });
  const idle = (await first) as WaitingForInputEvent;
  expect(idle.wait_type).toBe('awaiting_response');
  const afterTurn = nextEvent(sessions.onEvent, (e) => isIdle(e) && (e as WaitingForInputEvent).after_turn === true, STEP_MS, 'the idle prompt after the turn');
  await sessions.sendInput(info.id, PROMPT);
  await waitUntil(() => mock.bodies().some((body) => body.includes(PROMPT)), 30_000, `the mock to receive the prompt (${spec.cli} ${env.version})`);
  await afterTurn;
}

const installed = await Promise.all(cases.map((spec) => hasCli(spec.cli, spec.newest ? { newest: true } : {})));

describe('the first prompt sent the moment an agent CLI is first reported idle is submitted', () => {
  for (const [index, spec] of cases.entries()) {
    for (let attempt = 1; attempt <= TRIES; attempt++) {
      it.skipIf(!installed[index] || spec.skip !== undefined)(`${spec.cli}${spec.newest ? ' (newest)' : ''}, try ${attempt}`, () => firstPromptReachesTheModel(spec), 240_000);
    }
  }
});
