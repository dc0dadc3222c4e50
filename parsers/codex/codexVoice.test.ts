import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/common/index.js';
import { codexHookCommand, codexHookHash, codexHooks, codexTranscript, CODEX_HOOK_EVENTS } from './codexVoice.js';

const DATA = join(process.cwd(), 'test', 'data', 'voices', 'codex');
const hook = (version: string, name: string): unknown => JSON.parse(readFileSync(join(DATA, version, name), 'utf8'));
const lines = (version: string): unknown[] =>
  readFileSync(join(DATA, version, 'rollout.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const context = { eventsUrl: 'http://127.0.0.1:9/api/sessions/s1/events', tokenEnv: 'TETHER_HOOK_TOKEN', forwarder: ['/usr/bin/node', '/opt/tether/bin/tether-hook.mjs'], conversationId: 'x', args: [], sha256, platform: 'linux' };

describe('Codex hooks', () => {
  it('computes the trust hashes Codex itself wrote for -c hooks (0.169.0)', () => {
    const trust = hook('0.169.0', 'hook-trust.json') as { hooks: Array<{ event: string; command: string; timeout: number; trusted_hash: string }> };
    const known = trust.hooks.filter((entry) => (CODEX_HOOK_EVENTS as readonly string[]).includes(entry.event));
    expect(known.length).toBe(CODEX_HOOK_EVENTS.length);
    for (const entry of known) expect(codexHookHash(sha256, entry.event, entry.command, entry.timeout)).toBe(entry.trusted_hash);
  });

  it('injects one trusted command hook per event and never writes the secret', () => {
    const injection = codexHooks.inject(context);
    const values = injection.args.filter((_, index) => index % 2 === 1);
    expect(injection.args.filter((_, index) => index % 2 === 0).every((flag) => flag === '-c')).toBe(true);
    expect(values.map((value) => value.split('=')[0])).toEqual([...CODEX_HOOK_EVENTS.map((event) => `hooks.${event}`), 'hooks.state']);
    const command = codexHookCommand(context);
    expect(values[0]).toBe(`hooks.SessionStart=[{hooks=[{type="command",command=${JSON.stringify(command)},timeout=5}]}]`);
    expect(values.at(-1)).toContain(`"/<session-flags>/config.toml:permission_request:0:0"={trusted_hash="${codexHookHash(sha256, 'PermissionRequest', command, 5)}"}`);
    expect(command).toContain('"Authorization: Bearer ${TETHER_HOOK_TOKEN}"');
    expect(command).toContain("'/usr/bin/node' '/opt/tether/bin/tether-hook.mjs' 'http://127.0.0.1:9/api/sessions/s1/events'");
    expect(command.endsWith('exit 0')).toBe(true);
    expect(injection.conversationId).toBeUndefined();
  });

  it('injects nothing where it cannot trust the hooks (no hash function, Windows)', () => {
    expect(codexHooks.inject({ ...context, sha256: undefined }).args).toEqual([]);
    expect(codexHooks.inject({ ...context, platform: 'win32' }).args).toEqual([]);
  });

  it.each(['0.169.0', '0.171.0'])('reads %s payloads', (version) => {
    expect(codexHooks.read(hook(version, 'SessionStart.hook.json'))).toMatchObject([{ kind: 'session_started', conversationId: expect.stringMatching(/^[0-9a-f-]{36}$/) }]);
    expect(codexHooks.read(hook(version, 'PermissionRequest.Bash.hook.json'))).toEqual([
      { source: 'hook', native: 'PermissionRequest', kind: 'permission_request', toolName: 'Bash', command: 'echo hello > out.txt' },
    ]);
    expect(codexHooks.read(hook(version, 'Stop.hook.json'))).toMatchObject([{ kind: 'turn_end', status: 'ok' }]);
    expect(codexHooks.read(hook(version, 'notify.2.hook.json'))).toEqual([]);
  });
});

describe('Codex rollout', () => {
  it('is searched under $CODEX_HOME/sessions/*/*/* by thread id and owned by its session_meta', () => {
    const id = '01a2337d-0698-76e0-8e92-15511308b9b1';
    const search = codexTranscript.locate({ home: '/home/u', cwd: '/p', conversationId: id, env: { CODEX_HOME: '/c' } });
    if (search === undefined || typeof search === 'string') throw new Error('expected a search');
    expect(search).toMatchObject({ dir: '/c/sessions', within: ['*', '*', '*'], newest: 2 });
    expect(search.name.test(`rollout-2026-12-01T21-22-41-${id}.jsonl`)).toBe(true);
    expect(search.name.test(`rollout-2026-12-01T21-22-41-01a2337d-0698-76e0-8e92-15511308b9b2.jsonl`)).toBe(false);
    expect(search.owns({ type: 'session_meta', payload: { id } })).toBe(true);
    expect(search.owns({ type: 'session_meta', payload: { id: 'other' } })).toBe(false);
    expect((codexTranscript.locate({ home: '/home/u', cwd: '/p', conversationId: id }) as { dir: string }).dir).toBe('/home/u/.codex/sessions');
    expect(codexTranscript.locate({ home: '/h', cwd: '/p', conversationId: '../../x' })).toBeUndefined();
  });

  it.each(['0.169.0', '0.171.0'])('reads a %s turn: prompt, reasoning, text, tool calls and results, plans, turn end', (version) => {
    const events = lines(version).flatMap((line) => codexTranscript.read(line));
    expect(events.filter((e) => e.kind === 'user_prompt')).toMatchObject([{ text: 'Make a plan, write hello to out.txt, then read the notes.' }]);
    expect(events.some((e) => e.kind === 'thinking')).toBe(true);
    const shell = events.find((e) => e.kind === 'tool_start' && e.toolName === 'exec_command');
    expect(shell).toMatchObject({ toolInput: { cmd: 'echo hello > out.txt' }, key: expect.stringMatching(/^tool:call_/) });
    const results = events.filter((e): e is Extract<AgentEvent, { kind: 'tool_result' }> => e.kind === 'tool_result');
    expect(results.filter((e) => e.isError).length).toBe(1);
    const plans = events.filter((e): e is Extract<AgentEvent, { kind: 'todos' }> => e.kind === 'todos');
    expect(plans.length).toBe(3);
    expect(plans.at(-1)?.items).toMatchObject([{ content: 'Write hello to out.txt', status: 'completed' }, { status: 'completed' }]);
    expect(events.filter((e) => e.kind === 'assistant_text').at(-1)).toMatchObject({ text: 'All done: out.txt says hello, and there are no notes.' });
    expect(events.at(-1)).toMatchObject({ kind: 'turn_end', status: 'ok' });
    const keys = events.map((e) => e.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('reads nothing from lines of unknown shape', () => {
    for (const line of [null, 1, [], {}, { type: 'response_item' }, { type: 'response_item', payload: { type: 'message', role: 'developer', content: [{ text: 'x' }] } }]) {
      expect(codexTranscript.read(line)).toEqual([]);
    }
  });
});
