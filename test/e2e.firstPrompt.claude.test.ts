/**
 * The first idle prompt takes input when Tether says it does (issue 13, item 3), on the real
 * Claude Code 2.1.197 and 2.1.332 against the mock Anthropic server: the moment the session's
 * first `waiting_for_input` (awaiting_response) arrives, a long prompt (68 characters, and one of
 * about 1 400 that the box may show as a placeholder) is sent
 * through SessionManager.sendInput, and the mock must receive it in a main request. Before the
 * typing waited for the echo, the Enter of a 58-character prompt sent at once was lost in 3 of 3
 * tries on 2.1.197 and 2 of 3 on 2.1.332 (docs/cli-screens-newest.md). TETHER_FIRST_PROMPT_TRIES sets the tries per case.
 */
import { describe, expect, it } from 'vitest';
import { SessionManager } from '../src/core/index.js';
import type { SessionEvent, WaitingForInputEvent } from '../src/common/index.js';
import { startMockAnthropic } from './mock/anthropicServer.js';
import { textScenario } from './mock/scenarios.js';
import { hasCli, makeCliEnv } from './support/cliEnv.js';
import { nextEvent, waitUntil } from './support/waitFor.js';
import { useCleanups } from './support/phone.js';

/** 68 characters: longer than the 58 that lost their Enter in the study. */
const PROMPT = 'Please create a marker file named created-by-tool.txt now, then stop';
/** About 1 400 characters: long enough that the box may show it as a placeholder rather than the text. */
const LONG_PROMPT = Array.from({ length: 20 }, (_, i) => `Step ${i + 1}: please read the notes and create marker file number ${i + 1}.`).join(' ');
const TRIES = Number(process.env.TETHER_FIRST_PROMPT_TRIES ?? '2');

const cleanups = useCleanups();

/** One try: start, send at the first idle event, and see the mock get the prompt. */
async function firstPromptReachesTheModel(spec: { release?: string; variant?: string; prompt?: string }): Promise<void> {
  const { prompt = PROMPT, ...options } = spec;
  const mock = await startMockAnthropic({ script: textScenario('Marker noted.') });
  cleanups.push(() => mock.close());
  const env = await makeCliEnv('claude', { mockUrl: mock.url, ...options });
  cleanups.push(() => env.cleanup());
  const sessions = new SessionManager({ env: {} });
  cleanups.push(() => sessions.dispose());
  const isIdle = (e: SessionEvent) => e.type === 'waiting_for_input' && e.wait_type === 'awaiting_response';
  const first = nextEvent(sessions.onEvent, (e) => e.type === 'waiting_for_input', 40_000, 'the first prompt');
  const info = await sessions.create({ cli: env.bin, cliType: 'claude', cwd: env.projectDir, env: env.env, cols: 120, rows: 40 });
  const idle = (await first) as WaitingForInputEvent;
  expect(idle.wait_type).toBe('awaiting_response');
  const afterTurn = nextEvent(sessions.onEvent, (e) => isIdle(e) && (e as WaitingForInputEvent).after_turn === true, 40_000, 'the idle box after the turn');
  await sessions.sendInput(info.id, prompt);
  await waitUntil(() => mock.mainRequests().some((request) => JSON.stringify(request.body).includes(prompt)), 20_000, `the mock to receive the prompt (${env.version})`);
  await afterTurn;
  expect(sessions.serializeScreen(info.id).data).toContain('Marker noted.');
}

const cases: Array<{ name: string; release?: string; variant?: string; prompt?: string }> = [
  { name: '2.1.197' },
  { name: '2.1.332, auto mode (the default)', release: '2.1.332', variant: 'auto' },
  { name: '2.1.332, manual mode', release: '2.1.332' },
  { name: '2.1.332, manual mode, a prompt of 1 400 characters', release: '2.1.332', prompt: LONG_PROMPT },
];

const installed = await Promise.all(cases.map((spec) => hasCli('claude', { release: spec.release })));

describe('the first prompt sent the moment Claude Code is first reported idle is submitted', () => {
  for (const [index, spec] of cases.entries()) {
    for (let attempt = 1; attempt <= TRIES; attempt++) {
      it.skipIf(!installed[index])(`${spec.name}, try ${attempt}`, () => firstPromptReachesTheModel(spec), 90_000);
    }
  }
});
