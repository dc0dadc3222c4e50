/**
 * The agent's own voice end to end with the real Claude Code 2.1.197 against the mock model:
 * Tether injects its hooks per session (`--settings`, no user settings touched), the HTTP hooks
 * and the forwarder post to `POST /api/sessions/:id/events` with the session's secret, and the
 * transcript is tailed. A turn that keeps a task list and runs Bash behind an approval gives the
 * phone `session_updated` (conversation id), `activity` tool_start/tool_result, `new_message`,
 * `progress_update` with todo progress, and `interaction_completed`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDaemon } from '../src/daemon.js';
import { configSchema } from '../src/store/config.js';
import { silentLogger } from '../src/log.js';
import { startMockAnthropic } from './mock/anthropicServer.js';
import { stepsScenario, type ConversationState, type MockReply } from './mock/scenarios.js';
import { makeCliEnv } from './support/cliEnv.js';
import type { ReceivedMessage } from './support/testClient.js';
import { pairPhone, until, useCleanups } from './support/phone.js';

const cleanups = useCleanups();

/** Claude 2.1.197 offers TaskCreate/TaskUpdate in interactive sessions (docs/agent-voices.md). */
function taskTurn(): (state: ConversationState) => MockReply {
  const steps: MockReply[] = [
    { thinking: 'Two things to do; a task list keeps them visible.', text: 'I will track this as tasks.', toolUse: { name: 'TaskCreate', input: { subject: 'Write hello', description: 'echo hello into out.txt', activeForm: 'Writing hello' } } },
    { toolUse: { name: 'TaskCreate', input: { subject: 'Say done', description: 'Report back', activeForm: 'Reporting' } } },
    { toolUse: { name: 'Bash', input: { command: 'echo hello > out.txt', description: 'Write hello to out.txt' } } },
    { toolUse: { name: 'TaskUpdate', input: { taskId: '1', status: 'completed' } } },
    { text: 'All done: out.txt says hello.' },
  ];
  return stepsScenario(steps, { text: 'Done.' });
}

async function startWorld() {
  const mock = await startMockAnthropic({ script: taskTurn() });
  cleanups.push(() => mock.close());
  const claudeEnv = await makeCliEnv('claude', { mockUrl: mock.url });
  cleanups.push(() => claudeEnv.cleanup());
  const dataDir = mkdtempSync(join(tmpdir(), 'tether-voices-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const daemon = await startDaemon({ config: configSchema.parse({ server: { port: 0 } }), dataDir, port: 0, sessionEnv: claudeEnv.env, log: silentLogger });
  cleanups.push(() => daemon.stop());
  const phone = await pairPhone(daemon.url, dataDir);
  cleanups.push(() => phone.close());
  return { mock, claudeEnv, daemon, phone, dataDir };
}

describe('agent voice: real Claude Code hooks and transcript', () => {
  it('gives the timeline, todo progress, the conversation id and the turn end', async () => {
    const { claudeEnv, phone } = await startWorld();
    const settingsBefore = existsSync(join(claudeEnv.home, '.claude', 'settings.json')) ? readFileSync(join(claudeEnv.home, '.claude', 'settings.json'), 'utf8') : undefined;
    phone.send({ type: 'create_session', request_id: 'create', cli: 'claude', cwd: claudeEnv.projectDir, args: ['--permission-mode', 'default'] });
    const created = await until(phone, (m) => m.type === 'session_created' && m.request_id === 'create', 10_000, 'session_created');
    const session = created.session as { id: string; conversation_id?: string; args: string[] };
    expect(session.conversation_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(session.args).toEqual(['--permission-mode', 'default']);
    const seen: ReceivedMessage[] = [];
    // Every message is kept: the witnesses' events interleave with the screen's in any order.
    const watch = async (predicate: (m: ReceivedMessage) => boolean, ms: number, what: string) =>
      seen.find(predicate) ?? until(phone, (m) => (seen.push(m), predicate(m)), ms, what);

    const updated = await watch((m) => m.type === 'session_updated' && (m.session as { id: string }).id === session.id, 30_000, 'session_updated');
    expect((updated.session as { conversation_id: string }).conversation_id).toBe(session.conversation_id);
    await watch((m) => m.type === 'waiting_for_input' && m.wait_type === 'awaiting_response', 30_000, 'idle box');
    phone.send({ type: 'send_input', session_id: session.id, text: 'write hello to out.txt and keep a task list', client_msg_id: 'phone-msg-1' });
    const approval = await watch((m) => m.type === 'waiting_for_input' && m.wait_type === 'tool_approval', 60_000, 'Bash approval');
    phone.send({ type: 'tool_approval', request_id: 'yes', session_id: session.id, prompt_id: approval.prompt_id, response: 'yes' });
    const done = await watch((m) => m.type === 'interaction_completed' && m.session_id === session.id, 60_000, 'interaction_completed');
    expect(done.status).toBe('ok');
    // The transcript trails the hooks by a poll or two.
    await watch((m) => m.type === 'new_message' && m.role === 'assistant' && String(m.content).includes('All done'), 10_000, 'the final text');

    const activity = seen.filter((m) => m.type === 'activity');
    const bashStart = activity.find((m) => m.activity_type === 'tool_start' && m.tool_name === 'Bash');
    expect(bashStart).toMatchObject({ source: 'jsonl', tool_params: { command: 'echo hello > out.txt' } });
    expect(activity.some((m) => m.activity_type === 'tool_result' && m.tool_name === 'Bash')).toBe(true);
    expect(activity.some((m) => m.activity_type === 'user_prompt')).toBe(true);
    expect(activity.some((m) => m.activity_type === 'thinking')).toBe(true);
    // One prompt, one user_prompt entry, though both the hook and the transcript said it.
    expect(activity.filter((m) => m.activity_type === 'user_prompt').length).toBe(1);
    // The user message carries the client's id (seed mobile-notifications §5.1), so the phone can match it to its own bubble.
    expect(seen.filter((m) => m.type === 'new_message' && m.role === 'user').map((m) => m.client_msg_id)).toEqual(['phone-msg-1']);
    const progress = seen.filter((m) => m.type === 'progress_update' && m.todo_progress !== undefined);
    expect(progress.at(-1)?.todo_progress).toEqual({ completed: 1, total: 2 });
    expect(seen.filter((m) => m.type === 'interaction_completed').length).toBe(1);
    expect(existsSync(join(claudeEnv.projectDir, 'out.txt'))).toBe(true);
    // No user settings file was touched for the hooks.
    const settingsAfter = existsSync(join(claudeEnv.home, '.claude', 'settings.json')) ? readFileSync(join(claudeEnv.home, '.claude', 'settings.json'), 'utf8') : undefined;
    expect(settingsAfter?.includes('hooks') ?? false).toBe(false);
    expect(settingsBefore?.includes('hooks') ?? false).toBe(false);
  }, 180_000);
});
