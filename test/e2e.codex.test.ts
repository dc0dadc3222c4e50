/**
 * The whole loop with Codex CLI, its newest release (0.171.0; the recording's `newest`): the
 * daemon in-process, a paired phone socket, a real Codex session against the mock Responses API
 * reaching an escalated command approval, answered over the WebSocket (`tool_approval yes` → the
 * file exists; `no` → it does not). The first message (FIRST_MESSAGE, 69 characters) is sent the
 * moment the first composer is reported: Codex 0.171 draws its composer long before it reads
 * keys, and keys sent then arrive as one paste whose Enter becomes a newline
 * (docs/cli-screens-newest.md), so reaching the approval proves the report came when a message
 * could be submitted (issue 13, item 3). Cleanup ends Codex's detached app-server processes.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReceivedMessage, TestClient } from './support/testClient.js';
import { startMockResponses } from './mock/openaiResponsesServer.js';
import type { MockResponses } from './mock/openaiResponsesServer.js';
import { execScenario } from './mock/responsesScenarios.js';
import { hasCli, makeCliEnv } from './support/cliEnv.js';
import type { CliEnv } from './support/cliEnv.js';
import { waitUntil } from './support/waitFor.js';
import { startCliWorld } from './support/cliWorld.js';
import { FIRST_MESSAGE, until, useCleanups } from './support/phone.js';

const MARKER = 'created-by-tool.txt';
/** How long Codex may load before its first composer with the status line (ms): 22–37 s measured under load. */
const STARTUP_MS = 90_000;
/** Per test: start-up, a turn and an approval (ms). */
const TEST_MS = 180_000;

const cleanups = useCleanups();

interface World {
  mock: MockResponses;
  codexEnv: CliEnv;
  phone: TestClient;
  sessionId: string;
}

async function startWorld(cols: number, rows: number): Promise<World> {
  const mock = await startMockResponses({ script: execScenario(`touch ${MARKER}`, 'Create the marker file') });
  cleanups.push(() => mock.close());
  const codexEnv = await makeCliEnv('codex', { mockUrl: mock.url, newest: true });
  // Runs last: the daemon has stopped Codex by then, so its app-server is all that is left.
  cleanups.push(() => codexEnv.cleanup());
  const { phone, sessionId } = await startCliWorld('codex', codexEnv, cleanups, { cols, rows });
  return { mock, codexEnv, phone, sessionId };
}

async function reachApproval(world: World): Promise<ReceivedMessage> {
  const { phone, sessionId } = world;
  const idle = await until(phone, (m) => m.type === 'waiting_for_input' && m.session_id === sessionId, STARTUP_MS, 'composer');
  expect(idle.wait_type).toBe('awaiting_response');
  // Typed the moment the first composer is reported: a composer drawn before Codex reads input
  // must not count as idle, so the message reaches the model.
  phone.send({ type: 'send_input', session_id: sessionId, text: FIRST_MESSAGE });
  const approval = await until(phone, (m) => m.type === 'waiting_for_input' && m.wait_type === 'tool_approval', 40_000, 'command approval');
  expect(world.mock.mainRequests().some((request) => JSON.stringify(request).includes(FIRST_MESSAGE))).toBe(true);
  expect(approval.cli_type).toBe('codex');
  expect(approval.tool_name).toBe('exec_command');
  expect(approval.prompt_content).toContain(`$ touch ${MARKER}`);
  const labels = (approval.options as Array<{ label: string }>).map((o) => o.label);
  expect(labels[0]).toBe('Yes, proceed');
  expect(labels.at(-1)).toBe('No, and tell Codex what to do differently');
  return approval;
}

describe.skipIf(!(await hasCli('codex', { newest: true })))('end to end: real Codex (newest release), phone socket', () => {
  it('approves an escalated command from the phone: the command runs', async () => {
    const world = await startWorld(120, 40);
    const { phone, sessionId } = world;
    const approval = await reachApproval(world);
    phone.send({ type: 'tool_approval', request_id: 'approve', session_id: sessionId, prompt_id: approval.prompt_id, response: 'yes' });
    const cleared = await until(phone, (m) => m.type === 'waiting_cleared' && m.prompt_id === approval.prompt_id, 5_000, 'waiting_cleared');
    expect(cleared.cause).toBe('answered');
    await until(phone, (m) => m.type === 'waiting_for_input' && m.wait_type === 'awaiting_response', 40_000, 'composer after the turn');
    expect(existsSync(join(world.codexEnv.projectDir, MARKER))).toBe(true);
    const outputs = world.mock.toolOutputs();
    expect(outputs.length).toBe(1);
    expect(outputs[0].output).toContain('exited with code 0');
  }, TEST_MS);

  it('denies the command from the phone: it does not run', async () => {
    const world = await startWorld(80, 24);
    const { phone, sessionId } = world;
    const approval = await reachApproval(world);
    phone.send({ type: 'tool_approval', request_id: 'deny', session_id: sessionId, prompt_id: approval.prompt_id, response: 'no' });
    await until(phone, (m) => m.type === 'waiting_cleared' && m.prompt_id === approval.prompt_id, 5_000, 'waiting_cleared');
    const back = await until(phone, (m) => m.type === 'waiting_for_input' && m.session_id === sessionId, 40_000, 'the composer after the denial');
    expect(back.wait_type).toBe('awaiting_response');
    expect(existsSync(join(world.codexEnv.projectDir, MARKER))).toBe(false);
  }, TEST_MS);

  it('leaves no Codex process behind', async () => {
    const world = await startWorld(80, 24);
    await until(world.phone, (m) => m.type === 'waiting_for_input', STARTUP_MS, 'composer');
    const codexEnv = world.codexEnv;
    await waitUntil(() => codexEnv.processes().length > 0, 10_000, 'codex processes');
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    expect(codexEnv.processes()).toEqual([]);
  }, TEST_MS);
});
