/**
 * The hooks as a second witness, on real Claude Code 2.1.197 recordings with hook payloads and
 * transcript lines placed into the cast (`h`, `t`) where the live CLI sends them: a screen prompt
 * gets the hook's details; a permission request no screen shows raises `source: "hook"` after
 * HOOK_GRACE_MS and clears on the tool's result or the turn's end; a request the user's own hooks
 * answered raises nothing; every disagreement is drift; the replay is the same every time.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DriftReport } from '../common/index.js';
import { parseCast } from './asciicast.js';
import { HOOK_GRACE_MS } from './crossCheck.js';
import { replayCast, type ReplayOptions } from './replay.js';

type CastEvent = readonly [number, string, string];

const VOICES = 'test/data/voices/claude/2.1.197';
const permission = readFileSync(`${VOICES}/PermissionRequest.Bash.hook.json`, 'utf8');
/** The recorded request, for the command the bash-approve recording runs. */
const touchRequest = JSON.stringify({ ...JSON.parse(permission), tool_input: { command: 'touch created-by-tool.txt', description: 'Create an empty marker file' } });
const hook = (at: number, payload: string | object): CastEvent => [at, 'h', typeof payload === 'string' ? payload : JSON.stringify(payload)];
const promptSubmit = (at: number) => hook(at, { hook_event_name: 'UserPromptSubmit', session_id: 's', prompt: 'create the marker file', prompt_id: 'p1' });
const toolUse = (at: number, id: string, command: string): CastEvent => [at, 't', JSON.stringify({ type: 'assistant', uuid: `u-${id}`, message: { content: [{ type: 'tool_use', id, name: 'Bash', input: { command } }] } })];
const toolResult = (at: number, id: string): CastEvent => [at, 't', JSON.stringify({ type: 'user', uuid: `r-${id}`, message: { content: [{ type: 'tool_result', tool_use_id: id, content: '' }] } })];

/** A recording with `extra` events merged in by time (stable: equal times keep the recording's first). */
function cast(name: string, extra: readonly CastEvent[], shift?: { from: number; by: number }) {
  const recorded = parseCast(readFileSync(`fixtures/claude/${name}`, 'utf8'));
  const moved = recorded.events.map(([at, code, data]): CastEvent => [shift && at >= shift.from ? at + shift.by : at, code, data]);
  const events = [...moved, ...extra].map((event, index) => ({ event, index })).sort((a, b) => a.event[0] - b.event[0] || a.index - b.index).map(({ event }) => event);
  return { header: recorded.header, events };
}

async function replay(input: ReturnType<typeof cast>, options: Partial<ReplayOptions> = {}) {
  const drift: DriftReport[] = [];
  const events = await replayCast(input, { cli: 'claude', drift: { recordDrift: (report) => drift.push(report) }, ...options });
  return { events, drift: drift.filter((report) => report.kind !== 'unverified_version') };
}

/** The screen reads no prompts: only hooks can raise one (the daemon's test-only parser switch). */
const BLIND = { parserOff: true, fallback: false } as const;
/** bash-approve.120x40 with the answer ('1' at 5.666) a second later, so a hook prompt is live before it. */
const LATE_ANSWER = { from: 5.6, by: 1 };

describe('cross-check: hooks beside the screen', () => {
  it('a screen prompt a PermissionRequest announced first carries its details, with no drift', async () => {
    const { events, drift } = await replay(cast('bash-approve.120x40.cast', [promptSubmit(4.25), hook(4.4, touchRequest)]));
    const approval = events.find((e) => e.wait_type === 'tool_approval');
    expect(approval).toMatchObject({ tool_name: 'Bash', hook_details: { tool_name: 'Bash', command: 'touch created-by-tool.txt' } });
    expect(approval?.source).toBeUndefined();
    expect(events.filter((e) => e.type === 'waiting_for_input').map((e) => e.wait_type)).toEqual(['awaiting_response', 'tool_approval', 'awaiting_response']);
    expect(drift).toEqual([]);
  });

  it('a tool dialog no hook announced, in a session whose hooks speak, is screen_without_hook drift', async () => {
    const { events, drift } = await replay(cast('bash-approve.120x40.cast', [promptSubmit(4.25)]));
    expect(events.find((e) => e.wait_type === 'tool_approval')?.hook_details).toBeUndefined();
    expect(drift.map((d) => [d.kind, d.cli, d.sample])).toEqual([['screen_without_hook', 'claude', 'tool_approval Bash']]);
  });

  it('a session with hooks injected whose hooks never fire is hooks_silent drift, once', async () => {
    const { drift } = await replay(cast('bash-approve.120x40.cast', []), { hooks: true });
    expect(drift.map((d) => d.kind)).toEqual(['hooks_silent']);
    const unhooked = await replay(cast('bash-approve.120x40.cast', []));
    expect(unhooked.drift).toEqual([]);
  });

  it('with the screen blind, the PermissionRequest alone raises the approval after the grace; the answer clears it', async () => {
    const { events, drift } = await replay(cast('bash-approve.120x40.cast', [promptSubmit(4.25), hook(4.4, touchRequest)], LATE_ANSWER), BLIND);
    expect(events.map((e) => [e.type, e.at])).toEqual([
      ['waiting_for_input', 4.4 + HOOK_GRACE_MS / 1000],
      ['waiting_cleared', 6.666],
    ]);
    expect(events[0]).toMatchObject({
      wait_type: 'tool_approval',
      source: 'hook',
      tool_name: 'Bash',
      prompt_content: 'Bash: touch created-by-tool.txt',
      options: [{ id: 'yes', label: 'Yes' }, { id: 'no', label: 'No' }],
      hook_details: { tool_name: 'Bash', command: 'touch created-by-tool.txt' },
    });
    expect(events[1].cause).toBe('input');
    expect(drift.map((d) => [d.kind, d.sample])).toEqual([['hook_without_screen', 'PermissionRequest Bash']]);
  });

  it('a hook-raised prompt clears on the tool\'s result or the turn\'s end (Stop)', async () => {
    const byResult = await replay(cast('bash-approve.120x40.cast', [toolUse(4.3, 'toolu_1', 'touch created-by-tool.txt'), hook(4.4, touchRequest), toolResult(6.2, 'toolu_1')], { from: 5.6, by: 5 }), BLIND);
    expect(byResult.events.map((e) => [e.type, e.cause ?? e.source, e.at])).toEqual([
      ['waiting_for_input', 'hook', 5.9],
      ['waiting_cleared', 'agent_resumed', 6.2],
    ]);
    const byStop = await replay(cast('bash-approve.120x40.cast', [hook(4.4, touchRequest), hook(6.3, { hook_event_name: 'Stop', session_id: 's' })], { from: 5.6, by: 5 }), BLIND);
    expect(byStop.events.map((e) => [e.type, e.at])).toEqual([
      ['waiting_for_input', 5.9],
      ['waiting_cleared', 6.3],
    ]);
  });

  it('a request the user\'s own hooks answered raises nothing: the tool\'s result came, or the screen went on working', async () => {
    // Another Bash call's late result does not count as the answer; this call's does.
    const answered = await replay(cast('bash-approve.120x40.cast', [toolUse(4.0, 'toolu_0', 'ls'), toolUse(4.3, 'toolu_1', 'touch created-by-tool.txt'), hook(4.4, touchRequest), toolResult(4.6, 'toolu_0'), toolResult(5.0, 'toolu_1')], { from: 4.44, by: 30 }), BLIND);
    expect(answered.events).toEqual([]);
    expect(answered.drift).toEqual([]);
    const other = await replay(cast('bash-approve.120x40.cast', [toolUse(4.0, 'toolu_0', 'ls'), hook(4.4, touchRequest), toolResult(4.6, 'toolu_0')], { from: 4.44, by: 30 }), BLIND);
    expect(other.events.map((e) => [e.type, e.source ?? e.cause])).toEqual([['waiting_for_input', 'hook'], ['waiting_cleared', 'input']]);
    // busy-negative streams with a spinner from 2.3 s to 11.7 s: the agent went on, nothing is raised.
    const busy = await replay(cast('busy-negative.120x40.cast', [promptSubmit(2.3), hook(5, touchRequest)]));
    expect(busy.events.map((e) => e.source ?? e.wait_type ?? e.cause)).toEqual(['awaiting_response', 'input', 'awaiting_response']);
    expect(busy.drift).toEqual([]);
  });

  it('a late permission_prompt Notification raises a prompt nothing shows; with the screen\'s prompt up it adds nothing', async () => {
    const note = { hook_event_name: 'Notification', session_id: 's', notification_type: 'permission_prompt', message: 'Claude needs your permission' };
    const blind = await replay(cast('bash-approve.120x40.cast', [hook(4.5, note)], { from: 4.44, by: 30 }), BLIND);
    expect(blind.events.map((e) => [e.type, e.source ?? e.cause, e.prompt_content, e.at])).toEqual([
      ['waiting_for_input', 'hook', 'Claude needs your permission', 4.5],
      ['waiting_cleared', 'input', undefined, 35.666],
    ]);
    const shown = await replay(cast('bash-approve.120x40.cast', [promptSubmit(4.25), hook(4.4, touchRequest), hook(5.5, note)]));
    expect(shown.events.filter((e) => e.source === 'hook')).toEqual([]);
  });

  it('replays the same events every time, re-chunked or not', async () => {
    const input = cast('bash-approve.120x40.cast', [promptSubmit(4.25), hook(4.4, touchRequest), toolUse(4.3, 'toolu_1', 'touch created-by-tool.txt'), toolResult(5.9, 'toolu_1')], LATE_ANSWER);
    const first = await replay(input, BLIND);
    expect(first.events.length).toBeGreaterThan(0);
    expect(await replay(input, BLIND)).toEqual(first);
    expect(await replay(input, { ...BLIND, rechunkSeed: 7 })).toEqual(first);
    const screen = await replay(input);
    expect(await replay(input, { rechunkSeed: 3 })).toEqual(screen);
  });
});
