/**
 * The whole loop with Qwen Code, its newest release (0.24.4; the recording's `newest`): the
 * daemon in-process, a paired phone socket, a real Qwen session against the mock Chat
 * Completions API, the shell confirmation (0.24.4 draws it without a box) detected on screen and
 * answered over the WebSocket (`tool_approval yes` → the command ran; `no` → it did not). The
 * first message (FIRST_MESSAGE) is sent the moment the first idle input is reported and must
 * reach the model (issue 13). Run with `node test/run.mjs test/e2e.qwen.test.ts`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestClient, ReceivedMessage } from './support/testClient.js';
import { chatSteps, startMockOpenAiChat } from './mock/openaiChatServer.js';
import type { MockOpenAiChat } from './mock/openaiChatServer.js';
import { hasCli, makeCliEnv } from './support/cliEnv.js';
import type { CliEnv } from './support/cliEnv.js';
import { startCliWorld } from './support/cliWorld.js';
import { FIRST_MESSAGE, until, useCleanups } from './support/phone.js';

const MARKER = 'created-by-tool.txt';
/** Qwen 0.24.4's start-up to the first idle input: 20–40 s measured under load (ms). */
const STARTUP_MS = 90_000;
/** One step after start-up: a model turn, a redraw (ms). */
const STEP_MS = 60_000;
/** Per test (ms). */
const TEST_MS = 240_000;

const cleanups = useCleanups();

interface World {
  mock: MockOpenAiChat;
  qwenEnv: CliEnv;
  phone: TestClient;
  sessionId: string;
}

async function startWorld(cols: number, rows: number): Promise<World> {
  const mock = await startMockOpenAiChat({
    script: chatSteps([{ toolCalls: [{ name: 'run_shell_command', arguments: { command: `touch ${MARKER}`, description: 'Create the marker file' } }] }]),
  });
  cleanups.push(() => mock.close());
  const qwenEnv = await makeCliEnv('qwen', { mockUrl: mock.url, newest: true });
  // Runs last: the daemon has stopped Qwen by then; this ends whatever still runs with its env.
  cleanups.push(() => qwenEnv.cleanup());
  const { phone, sessionId } = await startCliWorld('qwen', qwenEnv, cleanups, { cols, rows });
  return { mock, qwenEnv, phone, sessionId };
}

async function reachShellApproval(world: World): Promise<ReceivedMessage> {
  const { phone, sessionId } = world;
  const idle = await until(phone, (m) => m.type === 'waiting_for_input' && m.session_id === sessionId, STARTUP_MS, 'idle input');
  expect(idle.wait_type).toBe('awaiting_response');
  phone.send({ type: 'send_input', session_id: sessionId, text: FIRST_MESSAGE });
  const approval = await until(phone, (m) => m.type === 'waiting_for_input' && m.wait_type === 'tool_approval', STEP_MS, 'shell confirmation');
  expect(world.mock.mainRequests().some((request) => JSON.stringify(request).includes(FIRST_MESSAGE))).toBe(true);
  expect(approval.cli_type).toBe('qwen');
  expect(approval.tool_name).toBe('Shell');
  expect(approval.prompt_content).toContain(`touch ${MARKER}`);
  const labels = (approval.options as Array<{ label: string }>).map((o) => o.label);
  expect(labels[0]).toBe('Yes, allow once');
  expect(labels.at(-1)).toBe('No, suggest changes (esc)');
  return approval;
}

describe.skipIf(!(await hasCli('qwen', { newest: true })))('end to end: real Qwen Code (newest release), phone socket', () => {
  it('approves a shell command from the phone: it runs', async () => {
    const world = await startWorld(120, 40);
    const approval = await reachShellApproval(world);
    world.phone.send({ type: 'tool_approval', request_id: 'approve', session_id: world.sessionId, prompt_id: approval.prompt_id, response: 'yes' });
    const cleared = await until(world.phone, (m) => m.type === 'waiting_cleared' && m.prompt_id === approval.prompt_id, 5_000, 'waiting_cleared');
    expect(cleared.cause).toBe('answered');
    await until(world.phone, (m) => m.type === 'waiting_for_input' && m.wait_type === 'awaiting_response', STEP_MS, 'idle after the turn');
    expect(existsSync(join(world.qwenEnv.projectDir, MARKER))).toBe(true);
    expect(world.mock.toolResults().length).toBe(1);
  }, TEST_MS);

  it('denies a shell command from the phone: it does not run', async () => {
    const world = await startWorld(80, 24);
    const approval = await reachShellApproval(world);
    world.phone.send({ type: 'tool_approval', request_id: 'deny', session_id: world.sessionId, prompt_id: approval.prompt_id, response: 'no' });
    await until(world.phone, (m) => m.type === 'waiting_cleared' && m.prompt_id === approval.prompt_id, 5_000, 'waiting_cleared');
    const back = await until(world.phone, (m) => m.type === 'waiting_for_input' && m.session_id === world.sessionId, STEP_MS, 'the input after the denial');
    expect(back.wait_type).toBe('awaiting_response');
    expect(existsSync(join(world.qwenEnv.projectDir, MARKER))).toBe(false);
  }, TEST_MS);
});
