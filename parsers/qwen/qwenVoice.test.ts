import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/common/index.js';
import { qwenHooks, qwenTranscript, QWEN_HOOK_EVENTS } from './qwenVoice.js';

const DATA = join(process.cwd(), 'test', 'data', 'voices', 'qwen');
const hook = (version: string, name: string): unknown => JSON.parse(readFileSync(join(DATA, version, name), 'utf8'));
const lines = (version: string): unknown[] =>
  readFileSync(join(DATA, version, 'chat.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
const context = { eventsUrl: 'http://127.0.0.1:9/api/sessions/s1/events', tokenEnv: 'TETHER_HOOK_TOKEN', forwarder: ['/n', '/f.mjs'], conversationId: '11111111-2222-3333-4444-555555555555', args: [] as string[] };

describe('Qwen Code hooks', () => {
  it('injects HTTP hooks through QWEN_CODE_SYSTEM_SETTINGS_PATH and fixes the conversation id', () => {
    const injection = qwenHooks.inject({ ...context, platform: 'linux', readFile: () => undefined });
    expect(injection.args).toEqual(['--session-id', context.conversationId]);
    expect(injection.conversationId).toBe(context.conversationId);
    expect(injection.env).toEqual({ QWEN_CODE_SYSTEM_SETTINGS_PATH: '{runDir}/qwen-settings.json', QWEN_CODE_SYSTEM_DEFAULTS_PATH: '/etc/qwen-code/system-defaults.json' });
    const settings = JSON.parse(injection.files[0].content);
    expect(Object.keys(settings.hooks)).toEqual([...QWEN_HOOK_EVENTS]);
    expect(settings.hooks.Stop[0].hooks[0]).toEqual({
      type: 'http',
      url: context.eventsUrl,
      timeout: 2,
      headers: { Authorization: 'Bearer $TETHER_HOOK_TOKEN' },
      allowedEnvVars: ['TETHER_HOOK_TOKEN'],
    });
  });

  it('carries the system settings it replaces over, their hooks first', () => {
    const system = { general: { x: 1 }, hooks: { Stop: [{ hooks: [{ type: 'command', command: 'admin' }] }] } };
    const read: string[] = [];
    const injection = qwenHooks.inject({ ...context, platform: 'darwin', readFile: (path) => (read.push(path), JSON.stringify(system)) });
    expect(read).toEqual(['/Library/Application Support/QwenCode/settings.json']);
    const settings = JSON.parse(injection.files[0].content);
    expect(settings.general).toEqual({ x: 1 });
    expect(settings.hooks.Stop.map((group: { hooks: Array<{ type: string }> }) => group.hooks[0].type)).toEqual(['command', 'http']);
    expect(injection.env.QWEN_CODE_SYSTEM_DEFAULTS_PATH).toBe('/Library/Application Support/QwenCode/system-defaults.json');
  });

  it("follows the user's own system settings path, and injects no hooks when that file is not plain JSON", () => {
    const read: string[] = [];
    const injection = qwenHooks.inject({ ...context, env: { QWEN_CODE_SYSTEM_SETTINGS_PATH: '/srv/q.json' }, readFile: (path) => (read.push(path), '{ // comment\n}') });
    expect(read).toEqual(['/srv/q.json']);
    expect(injection.files).toEqual([]);
    expect(injection.env).toEqual({});
    expect(injection.args).toEqual(['--session-id', context.conversationId]);
  });

  it('leaves the conversation id to the user when they resume or name one', () => {
    for (const args of [['--resume', 'x'], ['-c'], ['--session-id=abc']]) {
      const injection = qwenHooks.inject({ ...context, args });
      expect(injection.args).toEqual([]);
      expect(injection.conversationId).toBeUndefined();
    }
  });

  it.each(['0.15.10', '0.24.4'])('reads %s payloads', (version) => {
    expect(qwenHooks.read(hook(version, 'SessionStart.hook.json'))).toMatchObject([{ kind: 'session_started', conversationId: expect.stringMatching(/^[0-9a-f-]{36}$/), model: 'mock-model' }]);
    expect(qwenHooks.read(hook(version, 'PermissionRequest.run_shell_command.hook.json'))).toEqual([
      { source: 'hook', native: 'PermissionRequest', kind: 'permission_request', toolName: 'run_shell_command', command: 'echo hello > out.txt' },
    ]);
    expect(qwenHooks.read(hook(version, 'Notification.hook.json'))).toMatchObject([{ kind: 'notification', notificationType: 'permission_prompt' }]);
    expect(qwenHooks.read(hook(version, 'Stop.hook.json'))).toMatchObject([{ kind: 'turn_end', status: 'ok' }]);
    expect(qwenHooks.read(hook(version, 'SessionEnd.hook.json'))).toMatchObject([{ kind: 'session_end', reason: 'prompt_input_exit' }]);
    // Tool calls and prompts come from the chat file, not from these.
    expect(qwenHooks.read(hook(version, 'PreToolUse.run_shell_command.hook.json'))).toEqual([]);
    expect(qwenHooks.read(hook(version, 'UserPromptSubmit.hook.json'))).toEqual([]);
  });

  it('reads nothing from payloads it cannot read, and never throws', () => {
    for (const payload of [null, 7, 'x', [], {}, { hook_event_name: 'SessionStart' }, { hook_event_name: 'PermissionRequest', tool_name: 3 }]) expect(qwenHooks.read(payload)).toEqual([]);
  });
});

describe('Qwen Code chat file', () => {
  it('locates <base>/projects/<cwd slug>/chats/<id>.jsonl, honouring QWEN_RUNTIME_DIR and QWEN_HOME', () => {
    const session = { home: '/home/u', cwd: '/home/u/my.project', conversationId: 'abc-1' };
    expect(qwenTranscript.locate(session)).toBe('/home/u/.qwen/projects/-home-u-my-project/chats/abc-1.jsonl');
    expect(qwenTranscript.locate({ ...session, env: { QWEN_HOME: '/q' } })).toBe('/q/projects/-home-u-my-project/chats/abc-1.jsonl');
    expect(qwenTranscript.locate({ ...session, env: { QWEN_HOME: '/q', QWEN_RUNTIME_DIR: '/r' } })).toBe('/r/projects/-home-u-my-project/chats/abc-1.jsonl');
    expect(qwenTranscript.locate({ ...session, conversationId: '../x' })).toBeUndefined();
  });

  it.each(['0.15.10', '0.24.4'])('reads a %s turn: prompt, thinking, text, tool calls and results, todo lists', (version) => {
    const events = lines(version).flatMap((line) => qwenTranscript.read(line));
    const kinds = new Set(events.map((e) => e.kind));
    for (const kind of ['user_prompt', 'thinking', 'assistant_text', 'tool_start', 'tool_result', 'todos'] as const) expect(kinds.has(kind)).toBe(true);
    expect(events.filter((e) => e.kind === 'user_prompt')).toMatchObject([{ text: 'Make a todo list, write hello to out.txt, then read the notes.' }]);
    const shell = events.find((e) => e.kind === 'tool_start' && e.toolName === 'run_shell_command');
    expect(shell).toMatchObject({ toolInput: { command: 'echo hello > out.txt' }, toolUseId: 'call_mock00000004', key: 'tool:call_mock00000004' });
    const results = events.filter((e): e is Extract<AgentEvent, { kind: 'tool_result' }> => e.kind === 'tool_result');
    expect(results.find((e) => e.toolUseId === 'call_mock00000004')).toMatchObject({ toolName: 'run_shell_command', isError: false, output: expect.stringContaining('Exit Code: 0') });
    expect(results.find((e) => e.toolName === 'read_file')).toMatchObject({ isError: true, output: expect.stringContaining('File not found') });
    const lists = events.filter((e): e is Extract<AgentEvent, { kind: 'todos' }> => e.kind === 'todos');
    expect(lists.length).toBe(3);
    expect(lists.at(-1)?.items.map((item) => item.status)).toEqual(['completed', 'completed']);
    expect(events.filter((e) => e.kind === 'assistant_text').at(-1)).toMatchObject({ text: 'All done: out.txt says hello, and there are no notes.' });
    // Keys are unique: a file read twice (rotation, truncation) gives nothing new to the de-duplicating voice.
    const keys = events.map((e) => e.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.every((key) => key !== undefined)).toBe(true);
  });

  it('reads nothing from lines of unknown shape', () => {
    for (const line of [null, 1, [], {}, { type: 'user' }, { type: 'assistant', uuid: 'u', message: { parts: 'x' } }, { type: 'system', uuid: 'u' }]) expect(qwenTranscript.read(line)).toEqual([]);
  });
});
