/**
 * The agent's own voice end to end with the real Gemini CLI 0.61.0 against the mock Gemini API.
 * Gemini takes per-session hooks only from a root-owned system settings file (docs/agent-voices.md),
 * so Tether injects none: it fixes the conversation id with `--session-id` and tails the chat file
 * it finds under `~/.gemini/tmp/*\/chats/` by that id. A turn that runs a shell command behind an
 * approval gives the phone `session_updated` (the chat file's first line names the session),
 * `activity` tool_start/tool_result, `new_message` and `interaction_completed` (the last model
 * message without tool calls, once it settles). No todo progress: `write_todos` is offered only
 * to Gemini 2.x models, not the default. Run with `node test/run.mjs test/e2e.voices.gemini.test.ts`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startMockGemini } from './mock/geminiServer.js';
import { geminiSteps } from './mock/geminiScenarios.js';
import { hasCli, makeCliEnv } from './support/cliEnv.js';
import { useCleanups } from './support/phone.js';
import { startVoiceWorld } from './support/voiceWorld.js';

const cleanups = useCleanups();
/** Start-up to the first idle box under load, then one turn with an approval (ms). */
const STARTUP_MS = 90_000;
const TURN_MS = 120_000;
/** Gemini reads an Enter within a few hundred ms of typed text as part of a paste (e2e.gemini.test.ts). */
const SUBMIT_DELAY_MS = 1000;

describe.skipIf(!(await hasCli('gemini')))('agent voice: real Gemini CLI chat file', () => {
  it('0.61.0 gives the timeline, the conversation id and the turn end, from the chat file alone', async () => {
    const mock = await startMockGemini({
      script: geminiSteps([
        { thought: 'One command will do.', text: 'I will write the file.', functionCall: { name: 'run_shell_command', args: { command: 'echo hello > out.txt', description: 'Write hello to out.txt' } } },
        { text: 'All done: out.txt says hello.' },
      ]),
    });
    cleanups.push(() => mock.close());
    const geminiEnv = await makeCliEnv('gemini', { mockUrl: mock.url });
    cleanups.push(() => geminiEnv.cleanup());
    const { phone, session, watch, seen } = await startVoiceWorld('gemini', geminiEnv, cleanups, { submitDelayMs: SUBMIT_DELAY_MS });
    expect(session.conversation_id).toMatch(/^[0-9a-f-]{36}$/);

    await watch((m) => m.type === 'waiting_for_input' && m.wait_type === 'awaiting_response', STARTUP_MS, 'idle box');
    phone.send({ type: 'send_input', session_id: session.id, text: 'write hello to out.txt' });
    const approval = await watch((m) => m.type === 'waiting_for_input' && m.wait_type === 'tool_approval', TURN_MS, 'shell approval');
    phone.send({ type: 'tool_approval', request_id: 'yes', session_id: session.id, prompt_id: approval.prompt_id, response: 'yes' });
    const done = await watch((m) => m.type === 'interaction_completed' && m.session_id === session.id, TURN_MS, 'interaction_completed');
    expect(done.status).toBe('ok');
    await watch((m) => m.type === 'new_message' && m.role === 'assistant' && String(m.content).includes('All done'), 10_000, 'the final text');
    const updated = await watch((m) => m.type === 'session_updated' && (m.session as { id: string; conversation_id?: string }).conversation_id !== undefined, 5_000, 'session_updated');
    expect((updated.session as { conversation_id: string }).conversation_id).toBe(session.conversation_id);

    const activity = seen.filter((m) => m.type === 'activity');
    // What Gemini wrote, to tell a chat file not found from one not read.
    const files = readdirSync(join(geminiEnv.home, '.gemini'), { recursive: true }).map(String);
    expect(files.filter((f) => f.includes('chats')), JSON.stringify(files)).not.toEqual([]);
    expect(activity.find((m) => m.activity_type === 'tool_start' && m.tool_name === 'run_shell_command')).toMatchObject({ source: 'jsonl', tool_params: { command: 'echo hello > out.txt' } });
    expect(activity.some((m) => m.activity_type === 'tool_result' && m.tool_name === 'run_shell_command')).toBe(true);
    expect(activity.filter((m) => m.activity_type === 'user_prompt')).toMatchObject([{ content: 'write hello to out.txt' }]);
    expect(activity.some((m) => m.activity_type === 'thinking')).toBe(true);
    const said = seen.filter((m) => m.type === 'new_message' && m.role === 'assistant').map((m) => m.content);
    expect(said).toEqual(['I will write the file.', 'All done: out.txt says hello.']);
    // The first message was written without its call first: that candidate turn end did not settle.
    expect(seen.filter((m) => m.type === 'interaction_completed').length).toBe(1);
    expect(existsSync(join(geminiEnv.projectDir, 'out.txt'))).toBe(true);
  }, 300_000);
});
