/**
 * The agent's own voice end to end with the real OpenCode 1.18.33 against the mock Chat
 * Completions model. OpenCode has no hooks: Tether starts it with `--port <a free loopback port>`
 * and `OPENCODE_SERVER_PASSWORD=<the session's secret>` (no file of the user's touched), and reads
 * its TUI's own server's event stream (`GET /event`, basic auth). A turn that keeps a todo list
 * and runs a shell command behind the permission panel gives the phone `session_updated` (the
 * `ses_` id), `activity` tool_start/tool_result, user_prompt, thinking, `new_message`,
 * `progress_update.todo_progress`, the approval's `hook_details` (permission.asked) and
 * `interaction_completed`. OpenCode starts slowly under load (34–68 s to its home view at load
 * 10–17): timeouts are generous. Run with `node test/run.mjs test/e2e.voices.opencode.test.ts`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatSteps, startMockOpenAiChat, type ChatReply } from './mock/openaiChatServer.js';
import { hasCli, makeCliEnv } from './support/cliEnv.js';
import { useCleanups } from './support/phone.js';
import { startVoiceWorld } from './support/voiceWorld.js';
import { waitUntil } from './support/waitFor.js';

const cleanups = useCleanups();
/** Start-up to the first idle input under load, then one turn with an approval (ms). */
const STARTUP_MS = 150_000;
const TURN_MS = 150_000;

const todos = (first: string, second: string): ChatReply => ({
  toolCalls: [{ name: 'todowrite', arguments: { todos: [{ id: '1', content: 'Write hello to out.txt', status: first, priority: 'high' }, { id: '2', content: 'Report back', status: second, priority: 'medium' }] } }],
});

describe.skipIf(!(await hasCli('opencode')))('agent voice: real OpenCode server event stream', () => {
  it('1.18.33 gives the timeline, todo progress, the conversation id, the approval details and the turn end', async () => {
    const mock = await startMockOpenAiChat({
      script: chatSteps(
        [
          { reasoning: 'Two things to do; a todo list keeps them visible.', text: 'I will track this with a todo list.', ...todos('in_progress', 'pending') },
          { toolCalls: [{ name: 'bash', arguments: { command: 'echo hello > out.txt', description: 'Write hello to out.txt' } }] },
          todos('completed', 'in_progress'),
          { text: 'All done: out.txt says hello.' },
        ],
        { text: 'Done.' },
      ),
    });
    cleanups.push(() => mock.close());
    const opencodeEnv = await makeCliEnv('opencode', { mockUrl: mock.url });
    cleanups.push(() => opencodeEnv.cleanup());
    const configFile = join(opencodeEnv.home, '.config', 'opencode', 'opencode.json');
    const configBefore = readFileSync(configFile, 'utf8');
    const { phone, session, watch, seen } = await startVoiceWorld('opencode', opencodeEnv, cleanups);

    await watch((m) => m.type === 'waiting_for_input' && m.wait_type === 'awaiting_response', STARTUP_MS, 'idle input');
    phone.send({ type: 'send_input', session_id: session.id, text: 'write hello to out.txt and keep a todo list' });
    const approval = await watch((m) => m.type === 'waiting_for_input' && m.wait_type === 'tool_approval', TURN_MS, 'bash permission');
    phone.send({ type: 'tool_approval', request_id: 'yes', session_id: session.id, prompt_id: approval.prompt_id, response: 'yes' });
    const done = await watch((m) => m.type === 'interaction_completed' && m.session_id === session.id, TURN_MS, 'interaction_completed');
    expect(done.status).toBe('ok');
    await watch((m) => m.type === 'new_message' && m.role === 'assistant' && String(m.content).includes('All done'), 10_000, 'the final text');

    const updated = seen.find((m) => m.type === 'session_updated' && (m.session as { conversation_id?: string }).conversation_id !== undefined);
    expect((updated?.session as { conversation_id: string } | undefined)?.conversation_id).toMatch(/^ses_\w+$/);
    const activity = seen.filter((m) => m.type === 'activity');
    expect(activity.find((m) => m.activity_type === 'tool_start' && m.tool_name === 'bash')).toMatchObject({ source: 'hook', tool_params: { command: 'echo hello > out.txt' } });
    expect(activity.some((m) => m.activity_type === 'tool_result' && m.tool_name === 'bash')).toBe(true);
    expect(activity.filter((m) => m.activity_type === 'user_prompt')).toMatchObject([{ content: 'write hello to out.txt and keep a todo list' }]);
    expect(activity.some((m) => m.activity_type === 'thinking')).toBe(true);
    const said = seen.filter((m) => m.type === 'new_message' && m.role === 'assistant').map((m) => m.content);
    expect(said).toEqual(['I will track this with a todo list.', 'All done: out.txt says hello.']);
    const progress = seen.filter((m) => m.type === 'progress_update' && m.todo_progress !== undefined);
    expect(progress.at(-1)?.todo_progress).toEqual({ completed: 1, total: 2 });
    // permission.asked named the command the screen's panel asks about.
    const live = approval.hook_details ?? seen.find((m) => m.type === 'waiting_for_input' && m.prompt_id === approval.prompt_id && m.hook_details !== undefined)?.hook_details;
    expect(live).toMatchObject({ tool_name: 'bash', command: 'echo hello > out.txt', request_id: expect.stringMatching(/^per_/) });
    expect(seen.filter((m) => m.type === 'interaction_completed').length).toBe(1);
    expect(readFileSync(join(opencodeEnv.projectDir, 'out.txt'), 'utf8')).toBe('hello\n');
    // The server's port and password came from the command line and environment: the user's config is as it was.
    expect(readFileSync(configFile, 'utf8')).toBe(configBefore);
  }, 400_000);

  it('an OpenCode that never opens its port is drift hooks_silent, and the session works from the screen alone', async () => {
    const mock = await startMockOpenAiChat({ script: chatSteps([{ toolCalls: [{ name: 'bash', arguments: { command: 'echo quiet > quiet.txt', description: 'Write quiet' } }] }], { text: 'Quiet done.' }) });
    cleanups.push(() => mock.close());
    const opencodeEnv = await makeCliEnv('opencode', { mockUrl: mock.url });
    cleanups.push(() => opencodeEnv.cleanup());
    // A wrapper named opencode that drops the server options Tether adds: OpenCode then listens on no known port.
    const wrapperDir = mkdtempSync(join(tmpdir(), 'tether-opencode-deaf-'));
    cleanups.push(() => rmSync(wrapperDir, { recursive: true, force: true }));
    const wrapper = join(wrapperDir, 'opencode');
    writeFileSync(wrapper, `#!/bin/sh\necho "$*" > ${JSON.stringify(join(wrapperDir, 'args'))}\nskip=0\nfor a in "$@"; do shift; if [ $skip = 1 ]; then skip=0; continue; fi; case "$a" in --port|--hostname) skip=1; continue;; esac; set -- "$@" "$a"; done\nexec ${JSON.stringify(opencodeEnv.bin)} "$@"\n`, { mode: 0o755 });
    const { daemon, phone, session, watch, seen } = await startVoiceWorld('opencode', { ...opencodeEnv, bin: wrapper }, cleanups);

    await watch((m) => m.type === 'waiting_for_input' && m.wait_type === 'awaiting_response', STARTUP_MS, 'idle input');
    phone.send({ type: 'send_input', session_id: session.id, text: 'write quiet to quiet.txt' });
    const approval = await watch((m) => m.type === 'waiting_for_input' && m.wait_type === 'tool_approval', TURN_MS, 'bash permission');
    expect(approval.hook_details).toBeUndefined();
    phone.send({ type: 'tool_approval', request_id: 'yes', session_id: session.id, prompt_id: approval.prompt_id, response: 'yes' });
    await watch((m) => m.type === 'waiting_for_input' && m.wait_type === 'awaiting_response' && m.after_turn === true, TURN_MS, 'idle after the turn');
    expect(readFileSync(join(opencodeEnv.projectDir, 'quiet.txt'), 'utf8')).toBe('quiet\n');
    await waitUntil(() => (daemon.drift.flush(), daemon.drift.list().some((d) => d.cli === 'opencode' && d.kind === 'hooks_silent')), 10_000, 'hooks_silent drift');
    expect(seen.some((m) => m.type === 'activity' || m.type === 'interaction_completed')).toBe(false);
    // Tether did ask for the server (the wrapper took the options out).
    expect(readFileSync(join(wrapperDir, 'args'), 'utf8')).toMatch(/^--hostname 127\.0\.0\.1 --port \d+/);
  }, 400_000);

  it('with the screen off, the bash permission comes from permission.asked alone, with the panel\'s buttons, and the phone\'s answer lands', async () => {
    const mock = await startMockOpenAiChat({ script: chatSteps([{ toolCalls: [{ name: 'bash', arguments: { command: 'echo hooked > hook-only.txt', description: 'Write hooked' } }] }], { text: 'Hooked done.' }) });
    cleanups.push(() => mock.close());
    const opencodeEnv = await makeCliEnv('opencode', { mockUrl: mock.url });
    cleanups.push(() => opencodeEnv.cleanup());
    // The first prompt goes on the command line: with the screen off no idle input is reported to type into.
    const { daemon, phone, session, watch, seen } = await startVoiceWorld('opencode', opencodeEnv, cleanups, { parserOff: ['opencode'], args: ['--prompt', 'write hooked to hook-only.txt'] });

    const approval = await watch((m) => m.type === 'waiting_for_input' && m.session_id === session.id, STARTUP_MS + TURN_MS, 'the stream-raised approval');
    expect(approval).toMatchObject({
      wait_type: 'tool_approval',
      source: 'hook',
      tool_name: 'bash',
      prompt_content: 'bash: echo hooked > hook-only.txt',
      hook_details: { tool_name: 'bash', command: 'echo hooked > hook-only.txt', request_id: expect.stringMatching(/^per_/) },
      options: [
        { id: 'allow_once', label: 'Allow once', role: 'approve' },
        { id: 'allow_always', label: 'Allow always', role: 'approve_always' },
        { id: 'reject', label: 'Reject', role: 'deny' },
      ],
    });
    phone.send({ type: 'tool_approval', request_id: 'yes', session_id: session.id, prompt_id: approval.prompt_id, response: 'yes' });
    await watch((m) => m.type === 'waiting_cleared' && m.prompt_id === approval.prompt_id, 60_000, 'the approval cleared');
    await watch((m) => m.type === 'interaction_completed' && m.session_id === session.id, TURN_MS, 'interaction_completed');
    expect(readFileSync(join(opencodeEnv.projectDir, 'hook-only.txt'), 'utf8')).toBe('hooked\n');
    expect(seen.filter((m) => m.type === 'waiting_for_input')).toHaveLength(1);
    daemon.drift.flush();
    expect(daemon.drift.list()).toEqual(expect.arrayContaining([expect.objectContaining({ cli: 'opencode', kind: 'hook_without_screen', count: 1 })]));
  }, 400_000);
});
