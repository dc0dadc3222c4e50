/**
 * Issue 14 end to end on real parts: real Claude Code (2.1.x, newest pinned) in a session host,
 * the daemon in its own process, the mock Anthropic server and the APNs mock. The daemon is
 * killed with SIGKILL while Claude waits for the model's turn; the tool approval is drawn while
 * no daemon runs; the next daemon re-attaches the session (same id, the screen rebuilt), detects
 * the approval and pushes it, the phone's answer lands, and the turn finishes.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HeadlessScreen } from '../src/core/headlessScreen.js';
import { processAlive, readHostRecords } from '../src/host/hostFiles.js';
import { startMockAnthropic } from './mock/anthropicServer.js';
import { stepsScenario } from './mock/scenarios.js';
import { startMockApns } from './mock/apnsServer.js';
import { makeCliEnv } from './support/cliEnv.js';
import { hostCommand } from './support/hostProgram.js';
import { transpileTree } from './support/transpileTree.js';
import { waitUntil } from './support/waitFor.js';
import { FIRST_MESSAGE, pairPhone, until, useCleanups } from './support/phone.js';

const DEVICE_TOKEN = 'cd'.repeat(32);
/** The model's reply comes this long after its request (ms): the daemon is killed inside it. */
const MODEL_DELAY_MS = 3000;

const cleanups = useCleanups();

/** Starts the daemon worker; resolves with its URL once it listens. */
async function startDaemonProcess(worker: string, args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [worker, ...args], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  let text = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      text += chunk;
      const match = /ready (\S+)\n/.exec(text);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`daemon worker exited with ${code}`)));
  });
  return { child, url };
}

describe('end to end: a daemon killed during a Claude Code turn', () => {
  it('re-attaches, pushes the approval that appeared meanwhile, and the answer finishes the turn', async () => {
    const mock = await startMockAnthropic({
      script: stepsScenario([{ toolUse: { name: 'Bash', input: { command: 'touch created-by-tool.txt', description: 'Create the marker file' } }, delayMs: MODEL_DELAY_MS }]),
    });
    cleanups.push(() => mock.close());
    const apns = await startMockApns({ bundleId: 'dev.tether.test' });
    cleanups.push(() => apns.close());
    const claudeEnv = await makeCliEnv('claude', { mockUrl: mock.url, newest: true });
    cleanups.push(() => claudeEnv.cleanup());
    const dataDir = mkdtempSync(join(tmpdir(), 'tether-e2e-restart-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const config = {
      push: {
        delay_seconds: 1,
        apns: { key_file: apns.keyFile, key_id: apns.keyId, team_id: apns.teamId, bundle_id: apns.bundleId, environment: 'sandbox', address: 'localhost', port: apns.port, ca_file: apns.caFile },
      },
    };
    const binDir = join(process.cwd(), 'node_modules', '.bin');
    const env = { ...claudeEnv.env, PATH: `${binDir}:${claudeEnv.env.PATH}` };
    const worker = transpileTree(new URL('./support/daemonWorker.ts', import.meta.url).pathname, 'daemon-worker');
    const args = [dataDir, hostCommand()[1], JSON.stringify(config), JSON.stringify(env)];
    cleanups.push(() => {
      for (const { record } of readHostRecords(join(dataDir, 'hosts'))) if (processAlive(record.pid)) process.kill(record.pid, 'SIGTERM');
    });

    const first = await startDaemonProcess(worker, args);
    cleanups.push(() => first.child.exitCode === null && first.child.kill('SIGKILL'));
    const phone = await pairPhone(first.url, dataDir);
    phone.send({ type: 'register_push_token', request_id: 'reg', token: DEVICE_TOKEN, token_type: 'apns', platform: 'ios', environment: 'sandbox' });
    await until(phone, (m) => m.type === 'ack' && m.request_id === 'reg', 5_000, 'register ack');
    phone.send({ type: 'create_session', request_id: 'create', cli: 'claude', cwd: claudeEnv.projectDir, cols: 120, rows: 40 });
    const created = await until(phone, (m) => m.type === 'session_created' && m.request_id === 'create', 15_000, 'session_created');
    const sessionId = (created.session as { id: string }).id;
    await until(phone, (m) => m.type === 'waiting_for_input' && m.session_id === sessionId && m.wait_type === 'awaiting_response', 40_000, 'idle box');
    const before = mock.mainRequests().length;
    phone.send({ type: 'send_input', session_id: sessionId, text: FIRST_MESSAGE });
    // The turn is under way once the model has the request: kill the daemon (and its process group) inside it.
    await waitUntil(() => mock.mainRequests().length > before, 30_000, 'the model request');
    process.kill(-first.child.pid!, 'SIGKILL');
    phone.close();
    await new Promise((resolve) => first.child.once('exit', resolve));
    // The approval is drawn while no daemon runs.
    await new Promise((resolve) => setTimeout(resolve, MODEL_DELAY_MS + 2000));
    const pushesBefore = apns.requests.length;

    const second = await startDaemonProcess(worker, args);
    cleanups.push(
      () =>
        new Promise((resolve) => {
          second.child.once('exit', resolve);
          second.child.kill('SIGTERM');
        }),
    );
    const admin = JSON.parse(readFileSync(join(dataDir, 'daemon.json'), 'utf8')) as { admin_secret: string };
    expect(admin.admin_secret).toBeTruthy();
    // No client is connected, so the re-detected approval is pushed at once.
    await waitUntil(() => apns.requests.length > pushesBefore, 30_000, 'the approval pushed after the restart');
    const push = apns.requests.slice(pushesBefore).find((request) => (request.payload as any)?.data?.wait_type === 'tool_approval');
    expect(push?.token).toBe(DEVICE_TOKEN);
    const promptId = (push!.payload as any).data.prompt_id as string;
    expect((push!.payload as any).data.session_id).toBe(sessionId);

    const phone2 = await pairPhone(second.url, dataDir);
    cleanups.push(() => phone2.close());
    const sessions = await fetch(`${second.url}/api/sessions`, { headers: { authorization: `Bearer ${admin.admin_secret}` } }).then((reply) => reply.json() as Promise<{ sessions: Array<{ id: string; status: string; waiting: { prompt_id: string } | null }> }>);
    expect(sessions.sessions.map((session) => [session.id, session.status, session.waiting?.prompt_id])).toEqual([[sessionId, 'running', promptId]]);
    phone2.send({ type: 'subscribe', request_id: 'sub', session_id: sessionId });
    const screen = await until(phone2, (m) => m.type === 'screen' && m.session_id === sessionId, 10_000, 'the rebuilt screen');
    // The serialised screen may encode spaces as cursor moves: compare the text it draws.
    const drawn = new HeadlessScreen(120, 40);
    await new Promise<void>((resolve) => drawn.write(String(screen.data), resolve));
    const shown = drawn.snapshot().lines.map((line) => line.text).join('\n');
    drawn.dispose();
    expect(shown).toContain('touch created-by-tool.txt');
    expect(shown).toContain(FIRST_MESSAGE.slice(0, 30));

    phone2.send({ type: 'tool_approval', request_id: 'approve', session_id: sessionId, prompt_id: promptId, response: 'yes' });
    await until(phone2, (m) => m.type === 'waiting_cleared' && m.prompt_id === promptId, 10_000, 'waiting_cleared');
    await until(phone2, (m) => m.type === 'waiting_for_input' && m.wait_type === 'awaiting_response', 40_000, 'idle after the turn');
    expect(existsSync(join(claudeEnv.projectDir, 'created-by-tool.txt'))).toBe(true);
  }, 180_000);
});
