/**
 * The agent's own voice end to end with the real Codex (0.169.0 pinned, 0.171.0 newest) against
 * the mock Responses API: Tether injects command hooks per session with `-c hooks.<Event>=…`,
 * trusted for this session only by the `-c hooks.state` hashes it computes (no "Hooks need
 * review" dialog, no user config touched); the hooks post through curl (or the Node forwarder)
 * to `POST /api/sessions/:id/events`; SessionStart names the thread, whose rollout is then found
 * and tailed. A turn that runs an escalated command behind an approval gives the phone
 * `session_updated` (the thread id), `activity` tool_start/tool_result, `new_message` and
 * `interaction_completed`. No todo progress: Codex's plan tool is off by default (0.169/0.171).
 * Run with `node test/run.mjs test/e2e.voices.codex.test.ts`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startMockResponses } from './mock/openaiResponsesServer.js';
import { escalatedExec, stepsScenario } from './mock/responsesScenarios.js';
import { hasCli, makeCliEnv } from './support/cliEnv.js';
import { useCleanups } from './support/phone.js';
import { startVoiceWorld } from './support/voiceWorld.js';

const cleanups = useCleanups();
/** Start-up to the first composer under load, then one turn with an approval (ms). */
const STARTUP_MS = 90_000;
const TURN_MS = 120_000;
const HAS_NEWEST = await hasCli('codex', { newest: true });

async function runTurn(release: '0.169.0' | '0.171.0') {
  const mock = await startMockResponses({
    script: stepsScenario([
      { reasoning: 'One command will do.', text: 'I will write the file.', ...escalatedExec('echo hello > out.txt', 'Write hello to out.txt') },
      { text: 'All done: out.txt says hello.' },
    ]),
  });
  cleanups.push(() => mock.close());
  const codexEnv = await makeCliEnv('codex', { mockUrl: mock.url, ...(release === '0.171.0' ? { release } : {}) });
  cleanups.push(() => codexEnv.cleanup());
  const configFile = join(codexEnv.home, '.codex', 'config.toml');
  const configBefore = readFileSync(configFile, 'utf8');
  const { phone, session, watch, seen } = await startVoiceWorld('codex', codexEnv, cleanups);

  await watch((m) => m.type === 'waiting_for_input' && m.wait_type === 'awaiting_response', STARTUP_MS, 'composer');
  // The hooks were trusted per session: Codex never showed its review dialog.
  expect(seen.some((m) => m.type === 'waiting_for_input' && String(m.prompt_content ?? '').includes('Hooks need review'))).toBe(false);
  phone.send({ type: 'send_input', session_id: session.id, text: 'write hello to out.txt' });
  const updated = await watch(
    (m) => m.type === 'session_updated' && (m.session as { id: string; conversation_id?: string }).id === session.id && (m.session as { conversation_id?: string }).conversation_id !== undefined,
    TURN_MS,
    'session_updated with the thread id (SessionStart hook)',
  );
  const threadId = (updated.session as { conversation_id: string }).conversation_id;
  expect(threadId).toMatch(/^[0-9a-f-]{36}$/);
  const approval = await watch((m) => m.type === 'waiting_for_input' && m.wait_type === 'tool_approval', TURN_MS, 'command approval');
  phone.send({ type: 'tool_approval', request_id: 'yes', session_id: session.id, prompt_id: approval.prompt_id, response: 'yes' });
  const done = await watch((m) => m.type === 'interaction_completed' && m.session_id === session.id, TURN_MS, 'interaction_completed');
  expect(done.status).toBe('ok');
  // The model's texts: the one before the command and the one after its result.
  await watch((m) => m.type === 'new_message' && m.role === 'assistant' && !String(m.content).includes('I will write the file.'), 10_000, 'the text after the command');
  expect(seen.some((m) => m.type === 'new_message' && m.role === 'assistant' && m.content === 'I will write the file.')).toBe(true);

  const activity = seen.filter((m) => m.type === 'activity');
  expect(activity.find((m) => m.activity_type === 'tool_start' && m.tool_name === 'exec_command')).toMatchObject({ source: 'jsonl', tool_params: { cmd: 'echo hello > out.txt' } });
  expect(activity.find((m) => m.activity_type === 'tool_result' && m.tool_name === 'exec_command')?.content).toContain('exited with code 0');
  expect(activity.filter((m) => m.activity_type === 'user_prompt')).toMatchObject([{ content: 'write hello to out.txt' }]);
  expect(activity.some((m) => m.activity_type === 'thinking')).toBe(true);
  expect(seen.filter((m) => m.type === 'interaction_completed').length).toBe(1);
  expect(seen.some((m) => m.type === 'progress_update' && m.todo_progress !== undefined)).toBe(false);
  expect(existsSync(join(codexEnv.projectDir, 'out.txt'))).toBe(true);
  // Trust lived in the session's flags only: the user's config.toml got no hooks and no trust entry (Codex may write other state there).
  expect(configBefore).not.toMatch(/hooks|trusted_hash/);
  expect(readFileSync(configFile, 'utf8')).not.toMatch(/hooks|trusted_hash/);
}

describe.skipIf(!(await hasCli('codex')))('agent voice: real Codex hooks and rollout', () => {
  it('0.169.0 gives the timeline, the thread id and the turn end', async () => runTurn('0.169.0'), 300_000);
  it.skipIf(!HAS_NEWEST)('0.171.0 gives the same', async () => runTurn('0.171.0'), 300_000);
});
