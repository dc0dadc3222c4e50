import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/common/index.js';
import { geminiHooks, geminiTranscript } from './geminiVoice.js';

const DATA = join(process.cwd(), 'test', 'data', 'voices', 'gemini', '0.61.0');
const hook = (name: string): unknown => JSON.parse(readFileSync(join(DATA, name), 'utf8'));
const lines = (): unknown[] => readFileSync(join(DATA, 'chat.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));

describe('Gemini CLI injection and hooks', () => {
  it('injects no hooks, only --session-id (per-session settings need a root-owned file)', () => {
    const injection = geminiHooks.inject({ eventsUrl: 'http://x/e', tokenEnv: 'T', forwarder: ['n'], conversationId: 'c0ffee00-0000-4000-8000-000000000000', args: [] });
    expect(injection).toEqual({ args: ['--session-id', 'c0ffee00-0000-4000-8000-000000000000'], env: {}, files: [], conversationId: 'c0ffee00-0000-4000-8000-000000000000' });
    expect(geminiHooks.events).toEqual([]);
    expect(geminiHooks.inject({ eventsUrl: 'http://x/e', tokenEnv: 'T', forwarder: ['n'], conversationId: 'c', args: ['--resume', 'latest'] }).args).toEqual([]);
  });

  it('reads 0.61.0 payloads should a linked extension post them', () => {
    expect(geminiHooks.read(hook('SessionStart.hook.json'))).toMatchObject([{ kind: 'session_started' }]);
    expect(geminiHooks.read(hook('Notification.hook.json'))).toMatchObject([{ kind: 'permission_request' }]);
    expect(geminiHooks.read(hook('AfterAgent.hook.json'))).toMatchObject([{ kind: 'turn_end', status: 'ok' }]);
    expect(geminiHooks.read(hook('BeforeTool.run_shell_command.hook.json'))).toEqual([]);
    for (const payload of [null, 1, {}, { hook_event_name: 'Notification', notification_type: 'ToolPermission', details: 5 }]) expect(() => geminiHooks.read(payload)).not.toThrow();
  });
});

describe('Gemini CLI chat file', () => {
  it('is searched under <home>/.gemini/tmp/*/chats by the id’s first 8 characters and owned by its first line', () => {
    const id = 'ff936377-96ab-4d7e-8d46-78ac0723c1aa';
    const search = geminiTranscript.locate({ home: '/home/u', cwd: '/p', conversationId: id });
    if (search === undefined || typeof search === 'string') throw new Error('expected a search');
    expect(search).toMatchObject({ dir: '/home/u/.gemini/tmp', within: ['*', 'chats'] });
    expect(search.name.test('session-2026-12-01T21-29-ff936377.jsonl')).toBe(true);
    expect(search.owns(lines()[0])).toBe(true);
    expect(search.owns({ sessionId: 'ff936377-0000-0000-0000-000000000000' })).toBe(false);
    expect((geminiTranscript.locate({ home: '/h', cwd: '/p', conversationId: id, env: { GEMINI_CLI_HOME: '/g' } }) as { dir: string }).dir).toBe('/g/.gemini/tmp');
    expect(geminiTranscript.locate({ home: '/h', cwd: '/p', conversationId: '../x' })).toBeUndefined();
  });

  it('reads a 0.61.0 turn: session, prompt, thoughts, text, tool calls and results, todos; rewrites say nothing new', () => {
    const events = lines().flatMap((line) => geminiTranscript.read(line));
    expect(events[0]).toMatchObject({ kind: 'session_started', conversationId: 'ff936377-96ab-4d7e-8d46-78ac0723c1aa' });
    expect(events.filter((e) => e.kind === 'user_prompt')).toMatchObject([{ text: 'Make a todo list, write hello to out.txt, then read the notes.' }]);
    expect(events.some((e) => e.kind === 'thinking')).toBe(true);
    expect(events.find((e) => e.kind === 'tool_start' && e.toolName === 'run_shell_command')).toMatchObject({ toolInput: { command: 'echo hello > out.txt' } });
    const results = events.filter((e): e is Extract<AgentEvent, { kind: 'tool_result' }> => e.kind === 'tool_result');
    expect(results.find((e) => e.toolName === 'read_file')).toMatchObject({ isError: true });
    const lists = events.filter((e): e is Extract<AgentEvent, { kind: 'todos' }> => e.kind === 'todos');
    expect(lists.at(-1)?.items.map((item) => item.status)).toEqual(['completed', 'completed']);
    // Every model message is first written without its calls: each is a candidate turn end; the last one settles.
    const ends = events.filter((e) => e.kind === 'turn_end');
    expect(ends.at(-1)?.key).toBe('turn:0e389cf8-9dd4-4e4a-ab69-885b93231f8d');
    expect(events.at(-1)?.kind).toBe('turn_end');
    // A message line written again gives the same keys: the voice takes each once.
    const unique = new Map(events.map((e) => [e.key, e]));
    expect([...unique.values()].filter((e) => e.kind === 'assistant_text').map((e) => (e as { text: string }).text)).toEqual([
      'I will track this with a todo list.',
      'Now the notes.',
      'All done: out.txt says hello, and there are no notes.',
    ]);
    expect(geminiTranscript.settleTurnEndMs).toBeGreaterThan(0);
  });

  it('reads nothing from lines of unknown shape', () => {
    for (const line of [null, 1, [], {}, { $set: { lastUpdated: 'x' } }, { type: 'gemini' }, { id: 'x', type: 'info' }]) expect(geminiTranscript.read(line)).toEqual([]);
  });
});
