import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/common/index.js';
import { claudeHooks, claudeTranscript, CLAUDE_HOOK_EVENTS } from './claudeVoice.js';

const DATA = join(process.cwd(), 'test', 'data', 'voices', 'claude');
const hook = (version: string, name: string): unknown => JSON.parse(readFileSync(join(DATA, version, name), 'utf8'));
const lines = (version: string, name: string): unknown[] =>
  readFileSync(join(DATA, version, name), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
const kinds = (events: readonly AgentEvent[]) => events.map((e) => e.kind);

describe('Claude Code hooks', () => {
  it('injects --settings with HTTP hooks (SessionStart by the forwarder) and fixes the conversation id', () => {
    const injection = claudeHooks.inject({
      eventsUrl: 'http://127.0.0.1:9/api/sessions/s1/events',
      tokenEnv: 'TETHER_HOOK_TOKEN',
      forwarder: ['/usr/bin/node', '/opt/tether/bin/tether-hook.mjs'],
      conversationId: '11111111-2222-3333-4444-555555555555',
      args: [],
    });
    expect(injection.args).toEqual(['--settings', '{runDir}/claude-settings.json', '--session-id', '11111111-2222-3333-4444-555555555555']);
    expect(injection.conversationId).toBe('11111111-2222-3333-4444-555555555555');
    const settings = JSON.parse(injection.files[0].content);
    expect(Object.keys(settings.hooks)).toEqual([...CLAUDE_HOOK_EVENTS]);
    expect(settings.hooks.SessionStart[0].hooks[0]).toEqual({ type: 'command', command: '/usr/bin/node', args: ['/opt/tether/bin/tether-hook.mjs'], timeout: 2 });
    const stop = settings.hooks.Stop[0].hooks[0];
    expect(stop).toMatchObject({ type: 'http', url: 'http://127.0.0.1:9/api/sessions/s1/events', allowedEnvVars: ['TETHER_HOOK_TOKEN'] });
    expect(stop.headers.Authorization).toBe('Bearer $TETHER_HOOK_TOKEN');
    // The secret itself is never written to the file.
    expect(injection.files[0].content).not.toMatch(/[A-Za-z0-9_-]{40}/);
  });

  it('leaves the conversation id to the user when they resume or name one', () => {
    for (const args of [['--resume'], ['-c'], ['--session-id=abc'], ['--continue', 'x']]) {
      const injection = claudeHooks.inject({ eventsUrl: 'http://x/e', tokenEnv: 'T', forwarder: ['n'], conversationId: 'id', args });
      expect(injection.args).not.toContain('--session-id');
      expect(injection.conversationId).toBeUndefined();
    }
  });

  it.each(['2.1.197', '2.1.332'])('reads %s payloads', (version) => {
    expect(claudeHooks.read(hook(version, 'SessionStart.hook.json'))).toMatchObject([
      { kind: 'session_started', conversationId: expect.stringMatching(/^[0-9a-f-]{36}$/), source: 'hook' },
    ]);
    const prompt = claudeHooks.read(hook(version, 'UserPromptSubmit.hook.json'));
    expect(prompt).toMatchObject([{ kind: 'user_prompt', key: expect.stringMatching(/^prompt:/) }]);
    expect(claudeHooks.read(hook(version, 'PermissionRequest.Bash.hook.json'))).toEqual([
      { source: 'hook', native: 'PermissionRequest', kind: 'permission_request', toolName: 'Bash', command: 'echo hello > out.txt' },
    ]);
    expect(claudeHooks.read(hook(version, 'Notification.hook.json'))).toMatchObject([{ kind: 'notification', notificationType: 'permission_prompt' }]);
    expect(kinds(claudeHooks.read(hook(version, 'Stop.hook.json')))).toEqual(['turn_end']);
    expect(kinds(claudeHooks.read(hook(version, 'SessionEnd.hook.json')))).toEqual(['session_end']);
  });

  it('reads nothing from payloads it does not use or cannot read, and never throws', () => {
    for (const payload of [null, 7, 'x', [], {}, { hook_event_name: 'PreCompact' }, { hook_event_name: 'SessionStart' }, { hook_event_name: 'UserPromptSubmit', prompt: 5 }]) {
      expect(claudeHooks.read(payload)).toEqual([]);
    }
  });
});

describe('Claude Code transcript', () => {
  it('locates ~/.claude/projects/<cwd with non-alphanumerics as ->/<id>.jsonl, and nothing for a path-like id', () => {
    expect(claudeTranscript.locate({ home: '/home/u', cwd: '/home/u/my.project', conversationId: 'abc-1' })).toBe('/home/u/.claude/projects/-home-u-my-project/abc-1.jsonl');
    expect(claudeTranscript.locate({ home: '/home/u', cwd: '/x', conversationId: '../../etc/passwd' })).toBeUndefined();
  });

  it('reads a turn with Task tools (2.1.197): prompt, thinking, text, tool calls and results, task deltas, turn end', () => {
    const events = lines('2.1.197', 'transcript.jsonl').flatMap((line) => claudeTranscript.read(line));
    const set = new Set(kinds(events));
    for (const kind of ['user_prompt', 'thinking', 'assistant_text', 'tool_start', 'tool_result', 'todo_delta', 'turn_end'] as const) expect(set.has(kind)).toBe(true);
    const bash = events.find((e) => e.kind === 'tool_start' && e.toolName === 'Bash');
    expect(bash).toMatchObject({ toolInput: { command: 'echo hello > out.txt' }, key: expect.stringMatching(/^tool:/) });
    const failed = events.filter((e) => e.kind === 'tool_result' && e.isError);
    expect(failed.length).toBeGreaterThan(0);
    const deltas = events.filter((e) => e.kind === 'todo_delta');
    expect(deltas.filter((d) => d.kind === 'todo_delta' && d.status === 'pending').length).toBe(2);
    expect(deltas.filter((d) => d.kind === 'todo_delta' && d.status === 'completed').length).toBe(2);
  });

  it('reads TodoWrite lists', () => {
    const events = lines('2.1.197', 'todowrite.transcript.jsonl').flatMap((line) => claudeTranscript.read(line));
    const lists = events.filter((e) => e.kind === 'todos');
    expect(lists.length).toBe(3);
    expect(lists.at(-1)).toMatchObject({ items: [{ status: 'completed' }, { status: 'completed' }] });
  });

  it('reads 2.1.332 and skips its bookkeeping lines', () => {
    const events = lines('2.1.332', 'transcript.jsonl').flatMap((line) => claudeTranscript.read(line));
    expect(events.some((e) => e.kind === 'tool_start' && e.toolName === 'Bash')).toBe(true);
    expect(events.some((e) => e.kind === 'turn_end')).toBe(true);
  });

  it('reads nothing from lines of unknown shape', () => {
    for (const line of [null, 1, [], {}, { type: 'user' }, { type: 'assistant', uuid: 'u', message: { content: 'x' } }]) expect(claudeTranscript.read(line)).toEqual([]);
  });

  it('has a sample for every file in the folder it reads', () => {
    expect(readdirSync(join(DATA, '2.1.197')).filter((f) => f.endsWith('.jsonl')).length).toBeGreaterThan(1);
  });
});
