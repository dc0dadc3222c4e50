/**
 * The whole loop with Gemini CLI 0.61.0: the daemon in-process, a paired phone socket, a real
 * Gemini session against the mock Gemini API, the shell confirmation detected on screen and
 * answered over the WebSocket (`tool_approval yes` → the command ran; `no` → it did not).
 * Run with `node test/run.mjs test/e2e.gemini.test.ts` (installs the CLIs, isolates the network).
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
import { startMockGemini } from './mock/geminiServer.js';
import type { MockGemini } from './mock/geminiServer.js';
import { shellScenario } from './mock/geminiScenarios.js';
import { hasAgentCli } from './support/agentClis.js';
import { makeCliEnv } from './support/cliEnv.js';
import type { CliEnv } from './support/cliEnv.js';
import { waitUntil } from './support/waitFor.js';
import { FIRST_MESSAGE, pairPhone, until, useCleanups } from './support/phone.js';

/** Pause between typed text and Enter that Gemini reliably reads as a submit (ms). */
const SUBMIT_DELAY_MS = 1000;
/** How long Gemini may take to its first idle box (ms): its first output alone came 18–22 s after spawn under load. */
const STARTUP_MS = 90_000;
/** Per test: start-up, a turn and an approval (ms). */
const TEST_MS = 180_000;

const cleanups = useCleanups();

interface World {
  mock: MockGemini;
  geminiEnv: CliEnv;
  phone: TestClient;
  sessionId: string;
}

/** Processes whose environment holds `marker` (the CLI and its relaunched child). */
function processesUsing(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (environ.includes(marker)) pids.push(Number(entry));
    } catch {
      // gone or not ours
    }
  }
  return pids;
}

async function startWorld(cols: number, rows: number): Promise<World> {
  const mock = await startMockGemini({ script: shellScenario('touch created-by-tool.txt', 'Create the marker file') });
  cleanups.push(() => mock.close());
  const geminiEnv = await makeCliEnv('gemini', { mockUrl: mock.url });
  cleanups.push(() => geminiEnv.cleanup());
  const dataDir = mkdtempSync(join(tmpdir(), 'tether-e2e-gemini-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  // Gemini 0.61 takes a multi-character write as a paste and turns an Enter that follows it
  // within a few hundred ms (its paste flag clears on a React re-render) into a newline.
  const config = configSchema.parse({ server: { port: 0 }, sessions: { submit_delay_ms: SUBMIT_DELAY_MS } });
  const daemon = await startDaemon({
    config,
    dataDir,
    port: 0,
    sessionEnv: { ...geminiEnv.env, PATH: `${dirname(geminiEnv.bin)}:${geminiEnv.env.PATH}` },
    log: silentLogger,
  });
  cleanups.push(async () => {
    await daemon.stop();
    // The CLI relaunches itself as a child; make sure neither outlives the test.
    await waitUntil(() => processesUsing(`HOME=${geminiEnv.home}`).length === 0, 10_000, 'the Gemini processes to exit').catch(() => {
      for (const pid of processesUsing(`HOME=${geminiEnv.home}`)) process.kill(pid, 'SIGKILL');
    });
  });

  const phone = await pairPhone(daemon.url, dataDir);
  cleanups.push(() => phone.close());
  phone.send({ type: 'create_session', request_id: 'create', cli: 'gemini', cwd: geminiEnv.projectDir, cols, rows });
  const created = await until(phone, (m) => m.type === 'session_created' && m.request_id === 'create', 10_000, 'session_created');
  const session = created.session as { id: string; cli_type: string };
  expect(session.cli_type).toBe('gemini');
  return { mock, geminiEnv, phone, sessionId: session.id };
}

async function reachShellApproval(world: World): Promise<ReceivedMessage> {
  const { phone, sessionId } = world;
  const idle = await until(phone, (m) => m.type === 'waiting_for_input' && m.session_id === sessionId, STARTUP_MS, 'idle box');
  expect(idle.wait_type).toBe('awaiting_response');
  phone.send({ type: 'send_input', session_id: sessionId, text: FIRST_MESSAGE });
  const approval = await until(phone, (m) => m.type === 'waiting_for_input' && m.wait_type === 'tool_approval', 40_000, 'tool approval');
  expect(world.mock.mainRequests().some((request) => JSON.stringify(request).includes(FIRST_MESSAGE))).toBe(true);
  expect(approval.cli_type).toBe('gemini');
  expect(approval.tool_name).toBe('Shell');
  expect(approval.prompt_content).toContain('touch created-by-tool.txt');
  expect((approval.options as Array<{ label: string }>).map((o) => o.label)).toEqual(['Allow once', 'Allow for this session', 'No, suggest changes (esc)']);
  return approval;
}

describe.skipIf(!hasAgentCli('gemini'))('end to end: real Gemini CLI, phone socket', () => {
  it('approves a shell command from the phone: it runs', async () => {
    const world = await startWorld(120, 40);
    const approval = await reachShellApproval(world);
    world.phone.send({ type: 'tool_approval', request_id: 'approve', session_id: world.sessionId, prompt_id: approval.prompt_id, response: 'yes' });
    const cleared = await until(world.phone, (m) => m.type === 'waiting_cleared' && m.prompt_id === approval.prompt_id, 5_000, 'waiting_cleared');
    expect(cleared.cause).toBe('answered');
    await until(world.phone, (m) => m.type === 'waiting_for_input' && m.wait_type === 'awaiting_response', 40_000, 'idle after the turn');
    expect(existsSync(join(world.geminiEnv.projectDir, 'created-by-tool.txt'))).toBe(true);
    expect(world.mock.functionResults().map((r) => r.name)).toEqual(['run_shell_command']);
  }, TEST_MS);

  it('denies a shell command from the phone: it does not run', async () => {
    const world = await startWorld(80, 24);
    const approval = await reachShellApproval(world);
    world.phone.send({ type: 'tool_approval', request_id: 'deny', session_id: world.sessionId, prompt_id: approval.prompt_id, response: 'no' });
    await until(world.phone, (m) => m.type === 'waiting_cleared' && m.prompt_id === approval.prompt_id, 5_000, 'waiting_cleared');
    const back = await until(world.phone, (m) => m.type === 'waiting_for_input' && m.session_id === world.sessionId, 40_000, 'the prompt after the denial');
    expect(back.wait_type).toBe('awaiting_response');
    expect(existsSync(join(world.geminiEnv.projectDir, 'created-by-tool.txt'))).toBe(false);
  }, TEST_MS);
});
