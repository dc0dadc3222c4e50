/**
 * The whole loop with OpenCode 1.18.33: the daemon in-process, a paired phone socket, a real
 * OpenCode session against the mock Chat Completions API, the bash "Permission required"
 * panel detected on screen and answered over the WebSocket (`tool_approval yes` → the command
 * ran; `no` → it did not). Run with `node test/run.mjs test/e2e.opencode.test.ts`.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDaemon } from '../src/daemon.js';
import { configSchema } from '../src/store/config.js';
import { silentLogger } from '../src/log.js';
import { TestClient } from './support/testClient.js';
import type { ReceivedMessage } from './support/testClient.js';
import { chatSteps, startMockOpenAiChat } from './mock/openaiChatServer.js';
import type { MockOpenAiChat } from './mock/openaiChatServer.js';
import { hasAgentCli } from './support/agentClis.js';
import { makeCliEnv } from './support/cliEnv.js';
import type { CliEnv } from './support/cliEnv.js';
import { waitUntil } from './support/waitFor.js';
import { pairPhone, until, useCleanups } from './support/phone.js';

/** OpenCode can take half a minute to start on a busy machine (ms). */
const STEP_TIMEOUT_MS = 90_000;

const cleanups = useCleanups();

interface World {
  mock: MockOpenAiChat;
  opencodeEnv: CliEnv;
  phone: TestClient;
  sessionId: string;
}

/** Processes whose environment holds `marker` (OpenCode and any worker it starts). */
function processesUsing(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').includes(marker)) pids.push(Number(entry));
    } catch {
      // gone or not ours
    }
  }
  return pids;
}

async function startWorld(cols: number, rows: number): Promise<World> {
  const mock = await startMockOpenAiChat({
    script: chatSteps([{ toolCalls: [{ name: 'bash', arguments: { command: 'touch created-by-tool.txt', description: 'Create the marker file' } }] }]),
  });
  cleanups.push(() => mock.close());
  const opencodeEnv = await makeCliEnv('opencode', { mockUrl: mock.url });
  cleanups.push(() => opencodeEnv.cleanup());
  const dataDir = mkdtempSync(join(tmpdir(), 'tether-e2e-opencode-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = configSchema.parse({ server: { port: 0 } });
  const daemon = await startDaemon({
    config,
    dataDir,
    port: 0,
    sessionEnv: { ...opencodeEnv.env, PATH: `${dirname(opencodeEnv.bin)}:${opencodeEnv.env.PATH}` },
    log: silentLogger,
  });
  cleanups.push(async () => {
    await daemon.stop();
    await waitUntil(() => processesUsing(`HOME=${opencodeEnv.home}`).length === 0, 10_000, 'the OpenCode processes to exit').catch(() => {
      for (const pid of processesUsing(`HOME=${opencodeEnv.home}`)) process.kill(pid, 'SIGKILL');
    });
  });

  const phone = await pairPhone(daemon.url, dataDir);
  cleanups.push(() => phone.close());
  phone.send({ type: 'create_session', request_id: 'create', cli: 'opencode', cwd: opencodeEnv.projectDir, cols, rows });
  const created = await until(phone, (m) => m.type === 'session_created' && m.request_id === 'create', 10_000, 'session_created');
  const session = created.session as { id: string; cli_type: string };
  expect(session.cli_type).toBe('opencode');
  return { mock, opencodeEnv, phone, sessionId: session.id };
}

async function reachPermission(world: World): Promise<ReceivedMessage> {
  const { phone, sessionId } = world;
  const idle = await until(phone, (m) => m.type === 'waiting_for_input' && m.session_id === sessionId, STEP_TIMEOUT_MS, 'idle panel');
  expect(idle.wait_type).toBe('awaiting_response');
  // Typed the moment the first idle panel is reported: the splash, which drops keys, must not
  // count as idle (the parser waits for the ready title), so the message reaches the model.
  phone.send({ type: 'send_input', session_id: sessionId, text: 'create the marker file' });
  const approval = await until(phone, (m) => m.type === 'waiting_for_input' && m.wait_type === 'tool_approval', STEP_TIMEOUT_MS, 'permission');
  expect(approval.cli_type).toBe('opencode');
  expect(approval.tool_name).toBe('bash');
  expect(approval.prompt_content).toContain('touch created-by-tool.txt');
  expect((approval.options as Array<{ label: string }>).map((o) => o.label)).toEqual(['Allow once', 'Allow always', 'Reject']);
  return approval;
}

describe.skipIf(!hasAgentCli('opencode'))('end to end: real OpenCode, phone socket', () => {
  it('approves a bash command from the phone: it runs', { timeout: 240_000 }, async () => {
    const world = await startWorld(120, 40);
    const approval = await reachPermission(world);
    world.phone.send({ type: 'tool_approval', request_id: 'approve', session_id: world.sessionId, prompt_id: approval.prompt_id, response: 'yes' });
    const cleared = await until(world.phone, (m) => m.type === 'waiting_cleared' && m.prompt_id === approval.prompt_id, 5_000, 'waiting_cleared');
    expect(cleared.cause).toBe('answered');
    await until(world.phone, (m) => m.type === 'waiting_for_input' && m.wait_type === 'awaiting_response', STEP_TIMEOUT_MS, 'idle after the turn');
    await waitUntil(() => existsSync(join(world.opencodeEnv.projectDir, 'created-by-tool.txt')), 10_000, 'the marker file');
    expect(world.mock.toolResults().length).toBe(1);
  });

  it('denies a bash command from the phone: it does not run', { timeout: 240_000 }, async () => {
    const world = await startWorld(80, 24);
    const approval = await reachPermission(world);
    world.phone.send({ type: 'tool_approval', request_id: 'deny', session_id: world.sessionId, prompt_id: approval.prompt_id, response: 'no' });
    await until(world.phone, (m) => m.type === 'waiting_cleared' && m.prompt_id === approval.prompt_id, 5_000, 'waiting_cleared');
    const back = await until(world.phone, (m) => m.type === 'waiting_for_input' && m.session_id === world.sessionId, STEP_TIMEOUT_MS, 'the prompt after the denial');
    expect(back.wait_type).toBe('awaiting_response');
    expect(existsSync(join(world.opencodeEnv.projectDir, 'created-by-tool.txt'))).toBe(false);
  });
});
