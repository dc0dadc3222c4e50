import { describe, expect, it } from 'vitest';
import type { AgentEvent, SessionEvent } from '../common/index.js';
import { AgentVoice, cut, MAX_ACTIVITY_CHARS } from './agentVoice.js';
import { VirtualClock } from './clocks.js';

function voice(conversationId?: string) {
  const clock = new VirtualClock(1_000_000);
  const events: SessionEvent[] = [];
  let seq = 0;
  const agent = new AgentVoice({ sessionId: 's1', clock, nextSeq: () => ++seq, emit: (e) => events.push(e) }, conversationId);
  return { agent, events, clock, types: () => events.map((e) => e.type) };
}

/** An agent event without its source and native name (distributed over the union). */
type Bare = AgentEvent extends infer E ? (E extends AgentEvent ? Omit<E, 'source' | 'native'> : never) : never;
const hook = (event: Bare): AgentEvent => ({ source: 'hook', native: 'x', ...event }) as AgentEvent;
const line = (event: Bare): AgentEvent => ({ source: 'jsonl', native: 'x', ...event }) as AgentEvent;

describe('AgentVoice', () => {
  it('turns one turn into activity, messages, progress and one interaction_completed', () => {
    const { agent, events, clock, types } = voice();
    agent.ingest([hook({ kind: 'user_prompt', text: 'go', key: 'prompt:p1' })]);
    agent.ingest([line({ kind: 'user_prompt', text: 'go', key: 'prompt:p1' })]);
    clock.advance(3_000);
    agent.ingest([line({ kind: 'tool_start', toolName: 'Bash', toolInput: { command: 'ls -la' }, toolUseId: 't1', key: 'tool:t1' })]);
    agent.ingest([line({ kind: 'tool_result', toolUseId: 't1', output: 'x'.repeat(MAX_ACTIVITY_CHARS + 10), isError: true, key: 'result:t1' })]);
    agent.ingest([line({ kind: 'assistant_text', text: 'done', isComplete: true, key: 'l2' })]);
    agent.ingest([hook({ kind: 'turn_end', status: 'ok' })]);
    agent.ingest([line({ kind: 'turn_end', status: 'ok', key: 'l3' })]);
    expect(types()).toEqual(['activity', 'new_message', 'activity', 'progress_update', 'activity', 'activity', 'new_message', 'interaction_completed']);
    const progress = events.find((e) => e.type === 'progress_update');
    expect(progress).toMatchObject({ current_operation: 'Bash: ls -la', elapsed_seconds: 3 });
    const result = events.find((e) => e.type === 'activity' && e.activity_type === 'tool_result');
    expect(result).toMatchObject({ tool_name: 'Bash', is_error: true, source: 'jsonl' });
    expect((result as { content: string }).content).toMatch(/…\[truncated 10 characters\]$/);
    expect(events.at(-1)).toMatchObject({ type: 'interaction_completed', interaction_id: 's1-i1', status: 'ok' });
  });

  it('echoes a client_msg_id on the user message its typed text became, once, and only for that text', () => {
    const { agent, events, clock } = voice();
    agent.expectUserMessage('run  the tests\n', 'm-1');
    agent.expectUserMessage('commit', 'm-2');
    agent.ingest([line({ kind: 'user_prompt', text: 'something else', key: 'p0' })]);
    agent.ingest([line({ kind: 'user_prompt', text: 'run the tests', key: 'p1' })]);
    agent.ingest([line({ kind: 'user_prompt', text: 'run the tests', key: 'p2' })]);
    clock.advance(121_000);
    agent.ingest([line({ kind: 'user_prompt', text: 'commit', key: 'p3' })]);
    const users = events.filter((e) => e.type === 'new_message' && e.role === 'user');
    expect(users.map((e) => (e as { client_msg_id?: string }).client_msg_id)).toEqual([undefined, 'm-1', undefined, undefined]);
  });

  it('ends an open turn as failed when the agent exits non-zero; with no turn open it says nothing', () => {
    const { agent, events, types } = voice();
    agent.ended('error');
    expect(types()).toEqual([]);
    agent.ingest([hook({ kind: 'user_prompt', text: 'go', key: 'prompt:p1' })]);
    agent.ended('error');
    agent.ended('error');
    expect(events.filter((e) => e.type === 'interaction_completed')).toEqual([expect.objectContaining({ interaction_id: 's1-i1', status: 'error' })]);
  });

  it('does not let a late transcript turn end close the next turn', () => {
    const { agent, types } = voice();
    agent.ingest([hook({ kind: 'user_prompt', text: 'one', key: 'prompt:p1' }), line({ kind: 'user_prompt', text: 'one', key: 'prompt:p1' })]);
    agent.ingest([hook({ kind: 'turn_end', status: 'ok' })]);
    agent.ingest([hook({ kind: 'user_prompt', text: 'two', key: 'prompt:p2' })]);
    agent.ingest([line({ kind: 'turn_end', status: 'ok', key: 'end1' })]);
    expect(types().filter((t) => t === 'interaction_completed').length).toBe(1);
    agent.ingest([line({ kind: 'user_prompt', text: 'two', key: 'prompt:p2' }), line({ kind: 'turn_end', status: 'error', key: 'end2' })]);
    expect(types().filter((t) => t === 'interaction_completed').length).toBe(2);
  });

  it('counts todo progress from a whole list and from deltas', () => {
    const { agent, events } = voice();
    agent.ingest([line({ kind: 'todos', items: [{ content: 'a', status: 'completed' }, { content: 'b', status: 'pending' }] })]);
    expect(events.at(-1)).toMatchObject({ type: 'progress_update', todo_progress: { completed: 1, total: 2 } });
    agent.ingest([line({ kind: 'todo_delta', id: '7', content: 'c', status: 'pending' }), line({ kind: 'todo_delta', id: '7', status: 'completed' })]);
    expect(events.at(-1)).toMatchObject({ todo_progress: { completed: 2, total: 3 } });
  });

  it('announces the conversation at the first SessionStart and when its id changes', () => {
    const { agent, types } = voice('c1');
    const named: string[] = [];
    agent.onConversation((id) => named.push(id));
    agent.ingest([hook({ kind: 'session_started', conversationId: 'c1' })]);
    agent.ingest([hook({ kind: 'session_started', conversationId: 'c1' })]);
    agent.ingest([hook({ kind: 'session_started', conversationId: 'c2' })]);
    expect(types()).toEqual([]);
    expect(named).toEqual(['c1', 'c2']);
    expect(agent.conversationId).toBe('c2');
  });

  it('cuts long text with a marker', () => {
    expect(cut('abcdef', 3)).toBe('abc…[truncated 3 characters]');
    expect(cut('abc', 3)).toBe('abc');
  });
});
