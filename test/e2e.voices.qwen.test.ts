/**
 * The agent's own voice end to end with the real Qwen Code against the mock Chat Completions
 * model: Tether injects HTTP hooks per session (`QWEN_CODE_SYSTEM_SETTINGS_PATH`, no user settings
 * touched, `--session-id`), they post to `POST /api/sessions/:id/events` with the session's
 * secret, and the chat file is tailed. A turn that keeps a todo list (0.15.10: `todo_write` is on
 * by default; 0.24.4: off, so no todo progress) and runs a shell command behind an approval gives
 * the phone `session_updated` (conversation id), `activity` tool_start/tool_result, `new_message`,
 * `progress_update` and `interaction_completed`. Run with `node test/run.mjs test/e2e.voices.qwen.test.ts`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatSteps, startMockOpenAiChat, type ChatReply } from './mock/openaiChatServer.js';
import { hasCli, makeCliEnv } from './support/cliEnv.js';
import { useCleanups } from './support/phone.js';
import { startVoiceWorld } from './support/voiceWorld.js';

const cleanups = useCleanups();
/** Start-up to the first idle input under load, then one turn with an approval (ms). */
const STARTUP_MS = 90_000;
const TURN_MS = 120_000;

const todos = (first: string, second: string): ChatReply => ({
  toolCalls: [{ name: 'todo_write', arguments: { todos: [{ id: '1', content: 'Write hello to out.txt', status: first }, { id: '2', content: 'Report back', status: second }] } }],
});

/** The turn: a todo list (when the tool is offered), a shell command behind the approval, the answer. */
function turn(withTodos: boolean): ChatReply[] {
  const shell: ChatReply = { toolCalls: [{ name: 'run_shell_command', arguments: { command: 'echo hello > out.txt', description: 'Write hello to out.txt' } }] };
  const end: ChatReply = { text: 'All done: out.txt says hello.' };
  return withTodos
    ? [{ reasoning: 'Two things to do; a todo list keeps them visible.', text: 'I will track this with a todo list.', ...todos('in_progress', 'pending') }, shell, todos('completed', 'in_progress'), end]
    : [{ reasoning: 'One command will do.', text: 'I will write the file.', ...shell }, end];
}

async function runTurn(release: '0.15.10' | '0.24.4', withTodos: boolean) {
  const mock = await startMockOpenAiChat({ script: chatSteps(turn(withTodos), { text: 'Done.' }) });
  cleanups.push(() => mock.close());
  const qwenEnv = await makeCliEnv('qwen', { mockUrl: mock.url, ...(release === '0.24.4' ? { release } : {}) });
  cleanups.push(() => qwenEnv.cleanup());
  const settingsFile = join(qwenEnv.home, '.qwen', 'settings.json');
  const settingsBefore = readFileSync(settingsFile, 'utf8');
  const world = await startVoiceWorld('qwen', qwenEnv, cleanups);
  const { phone, session, watch, seen } = world;
  expect(session.conversation_id).toMatch(/^[0-9a-f-]{36}$/);

  const updated = await watch((m) => m.type === 'session_updated' && (m.session as { id: string }).id === session.id, STARTUP_MS, 'session_updated');
  expect((updated.session as { conversation_id: string }).conversation_id).toBe(session.conversation_id);
  await watch((m) => m.type === 'waiting_for_input' && m.wait_type === 'awaiting_response', STARTUP_MS, 'idle input');
  phone.send({ type: 'send_input', session_id: session.id, text: 'write hello to out.txt and keep a todo list' });
  const approval = await watch((m) => m.type === 'waiting_for_input' && m.wait_type === 'tool_approval', TURN_MS, 'shell approval');
  phone.send({ type: 'tool_approval', request_id: 'yes', session_id: session.id, prompt_id: approval.prompt_id, response: 'yes' });
  const done = await watch((m) => m.type === 'interaction_completed' && m.session_id === session.id, TURN_MS, 'interaction_completed');
  expect(done.status).toBe('ok');
  await watch((m) => m.type === 'new_message' && m.role === 'assistant' && String(m.content).includes('All done'), 10_000, 'the final text');

  const activity = seen.filter((m) => m.type === 'activity');
  expect(activity.find((m) => m.activity_type === 'tool_start' && m.tool_name === 'run_shell_command')).toMatchObject({ source: 'jsonl', tool_params: { command: 'echo hello > out.txt' } });
  expect(activity.find((m) => m.activity_type === 'tool_result' && m.tool_name === 'run_shell_command')?.content).toContain('echo hello > out.txt');
  expect(activity.filter((m) => m.activity_type === 'user_prompt').length).toBe(1);
  expect(activity.some((m) => m.activity_type === 'thinking')).toBe(true);
  expect(seen.some((m) => m.type === 'new_message' && m.role === 'user')).toBe(true);
  expect(seen.filter((m) => m.type === 'interaction_completed').length).toBe(1);
  expect(existsSync(join(qwenEnv.projectDir, 'out.txt'))).toBe(true);
  // The hooks came from the per-session file: the user's settings never held any (Qwen itself may rewrite the file, e.g. its `$version`).
  expect(JSON.parse(settingsBefore).hooks).toBeUndefined();
  expect(JSON.parse(readFileSync(settingsFile, 'utf8')).hooks).toBeUndefined();
  return seen;
}

const HAS_NEWEST = await hasCli('qwen', { newest: true });

describe.skipIf(!(await hasCli('qwen')))('agent voice: real Qwen Code hooks and chat file', () => {
  it('0.15.10 gives the timeline, todo progress, the conversation id and the turn end', async () => {
    const seen = await runTurn('0.15.10', true);
    const progress = seen.filter((m) => m.type === 'progress_update' && m.todo_progress !== undefined);
    expect(progress.at(-1)?.todo_progress).toEqual({ completed: 1, total: 2 });
  }, 300_000);

  it.skipIf(!HAS_NEWEST)('0.24.4 gives the same, with no todo progress (its todo tool is off by default)', async () => {
    const seen = await runTurn('0.24.4', false);
    expect(seen.some((m) => m.type === 'progress_update' && m.todo_progress !== undefined)).toBe(false);
  }, 300_000);
});
