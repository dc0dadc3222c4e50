import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/common/index.js';
import { opencodeParser } from './opencodeParser.js';
import { screenDumps } from '../../test/support/screenDumps.js';
import { OPENCODE_HOOK_APPROVAL, opencodeHooks, opencodeStream } from './opencodeVoice.js';

const DATA = join(process.cwd(), 'test', 'data', 'voices', 'opencode', '1.18.33');
const sample = (name: string): unknown => JSON.parse(readFileSync(join(DATA, `sse.${name}.hook.json`), 'utf8'));
const stream = (): unknown[] => readFileSync(join(DATA, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
const SESSION = 'ses_dcc6596beffeUIISYHPZxgW1tO';

/** Reads events in order the way the core does: the conversation id from the first session.created. */
function readAll(events: unknown[]): AgentEvent[] {
  let conversationId: string | undefined;
  return events.flatMap((event) => {
    const read = opencodeStream.read(event, conversationId);
    for (const e of read) if (e.kind === 'session_started') conversationId ??= e.conversationId;
    return read;
  });
}

describe('OpenCode injection', () => {
  it('puts its server on loopback {port} with {token} as the password, and steps back when the user places the server', () => {
    const context = { eventsUrl: 'http://x/e', tokenEnv: 'T', forwarder: ['n'], conversationId: 'c', args: [] as string[] };
    expect(opencodeHooks.inject(context)).toEqual({
      args: ['--hostname', '127.0.0.1', '--port', '{port}'],
      env: { OPENCODE_SERVER_PASSWORD: '{token}', OPENCODE_SERVER_USERNAME: 'opencode' },
      files: [],
    });
    for (const args of [['--port', '4096'], ['--port=4096'], ['--hostname', '0.0.0.0'], ['--mdns']]) expect(opencodeHooks.inject({ ...context, args }).args).toEqual([]);
    expect(opencodeStream).toMatchObject({ path: '/event', user: 'opencode' });
  });
});

describe('OpenCode event stream (1.18.33)', () => {
  it('reads single events', () => {
    expect(opencodeStream.read(sample('session.created'), undefined)).toEqual([{ source: 'hook', native: 'session.created', kind: 'session_started', conversationId: SESSION }]);
    expect(opencodeStream.read(sample('permission.asked'), SESSION)).toEqual([
      { source: 'hook', native: 'permission.asked', kind: 'permission_request', toolName: 'bash', command: 'echo hello > out.txt', requestId: 'per_2339b055b001UfxHuClc16A15e' },
    ]);
    expect(opencodeStream.read(sample('message.part.updated.tool.bash.completed'), SESSION)).toMatchObject([
      { kind: 'tool_start', toolName: 'bash', toolInput: { command: 'echo hello > out.txt' }, key: 'tool:call_mock00000005' },
      { kind: 'tool_result', toolName: 'bash', output: '(no output)', isError: false, key: 'result:call_mock00000005' },
    ]);
    expect(opencodeStream.read(sample('message.part.updated.tool.read.error'), SESSION)).toMatchObject([
      { kind: 'tool_start', filePath: '/home/user/project/missing-notes.md' },
      { kind: 'tool_result', isError: true, output: expect.stringContaining('File not found') },
    ]);
    expect(opencodeStream.read(sample('message.part.updated.tool.bash.pending'), SESSION)).toEqual([]);
    expect(opencodeStream.read(sample('todo.updated'), SESSION)).toMatchObject([{ kind: 'todos', items: [{ status: 'in_progress' }, { status: 'pending' }] }]);
    expect(opencodeStream.read(sample('session.idle'), SESSION)).toMatchObject([{ kind: 'turn_end', status: 'ok' }]);
    expect(opencodeStream.read(sample('session.status'), SESSION)).toEqual([]);
    const idle = { type: 'session.status', properties: { sessionID: SESSION, status: { type: 'idle' } } };
    expect(opencodeStream.read(idle, SESSION)).toEqual([{ source: 'hook', native: 'session.status', kind: 'turn_end', status: 'ok' }]);
    const error = { type: 'session.error', properties: { sessionID: SESSION, error: { name: 'APIError', data: { message: 'boom' } } } };
    expect(opencodeStream.read(error, SESSION)).toEqual([{ source: 'hook', native: 'session.error', kind: 'turn_end', status: 'error' }]);
  });

  it('names the conversation from session.updated when the stream missed session.created, and follows a new top-level session', () => {
    expect(opencodeStream.read(sample('session.updated'), undefined)).toEqual([{ source: 'hook', native: 'session.updated', kind: 'session_started', conversationId: SESSION }]);
    expect(opencodeStream.read(sample('session.updated'), SESSION)).toEqual([]);
    expect(opencodeStream.read(sample('session.created'), SESSION)).toEqual([]);
    // The TUI's next session (its /new): a new conversation.
    expect(opencodeStream.read(sample('session.created'), 'ses_before')).toMatchObject([{ kind: 'session_started', conversationId: SESSION }]);
    // A child session of the task tool is not the conversation.
    const created = sample('session.created') as { type: string; properties: { info: Record<string, unknown> } };
    const child = { ...created, properties: { ...created.properties, info: { ...created.properties.info, id: 'ses_child', parentID: SESSION } } };
    expect(opencodeStream.read(child, SESSION)).toEqual([]);
    expect(opencodeStream.read(child, undefined)).toEqual([]);
  });

  it('leaves out events of other sessions, and of any session before one is known', () => {
    expect(opencodeStream.read(sample('session.idle'), 'ses_other')).toEqual([]);
    expect(opencodeStream.read(sample('session.idle'), undefined)).toEqual([]);
    expect(opencodeStream.read(sample('permission.asked'), 'ses_other')).toEqual([]);
    expect(opencodeStream.read(sample('message.part.updated.tool.bash.completed'), undefined)).toEqual([]);
  });

  it('reads a whole turn: prompt, reasoning, text once whole, tools, todos, turn end', () => {
    const events = readAll(stream());
    expect(events[0]).toMatchObject({ kind: 'session_started', conversationId: SESSION });
    expect(events.filter((e) => e.kind === 'user_prompt')).toMatchObject([{ text: 'Make a todo list, write hello to out.txt, then read the notes.' }]);
    expect(events.some((e) => e.kind === 'thinking')).toBe(true);
    const texts = [...new Map(events.filter((e) => e.kind === 'assistant_text').map((e) => [e.key, (e as { text: string }).text])).values()];
    expect(texts).toEqual(['I will track this with a todo list.', 'Now the notes.', 'All done: out.txt says hello, and there are no notes.']);
    const lists = events.filter((e): e is Extract<AgentEvent, { kind: 'todos' }> => e.kind === 'todos');
    expect(lists.at(-1)?.items.map((item) => item.status)).toEqual(['completed', 'completed']);
    expect(events.at(-1)).toMatchObject({ kind: 'turn_end' });
  });

  it('reads nothing from events of unknown shape, and never throws', () => {
    for (const event of [null, 1, 'x', [], {}, { type: 'message.part.updated' }, { type: 'message.part.updated', properties: { sessionID: SESSION, part: { type: 'tool' } } }]) {
      expect(opencodeStream.read(event, SESSION)).toEqual([]);
    }
  });
});

describe('OpenCode approval announced by the stream alone', () => {
  it('offers the panel\'s buttons with the ids, keys and roles the screen parser reads off the real panel (1.18.33)', () => {
    const verdict = opencodeParser.parse(screenDumps('opencode').loadScreen('bash-permission.120x40'), 0);
    if (verdict.state !== 'waiting') throw new Error(`not waiting: ${verdict.state}`);
    expect(OPENCODE_HOOK_APPROVAL.map(({ id, label, role, keys }) => ({ id, label, role, keys }))).toEqual(verdict.prompt.options.map(({ id, label, role, keys }) => ({ id, label, role, keys })));
  });
});
