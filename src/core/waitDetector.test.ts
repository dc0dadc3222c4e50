import { describe, expect, it } from 'vitest';
import { WaitDetector } from './waitDetector.js';
import type { PromptInfo, Verdict, WaitingForInputEvent } from '../common/index.js';

const approval = (command: string): Verdict => ({
  state: 'waiting',
  prompt: {
    waitType: 'tool_approval',
    toolName: 'Bash',
    content: `Bash command\n${command}\nDo you want to proceed?`,
    options: [
      { id: '1', label: 'Yes', keys: '1' },
      { id: '2', label: 'No', keys: '2' },
    ],
    acceptsText: false,
  } satisfies PromptInfo,
});
const idle: Verdict = { state: 'waiting', prompt: { waitType: 'awaiting_response', content: '', options: [], acceptsText: true } };
const busy: Verdict = { state: 'busy' };

function setup() {
  let seq = 0;
  const detector = new WaitDetector({ sessionId: 's1', cliType: () => 'claude', nextSeq: () => ++seq, timestamp: () => '2026-11-21T00:00:00.000Z' });
  const events: Array<{ type: string; prompt_id: string; cause?: string; after_turn?: boolean; seq: number }> = [];
  detector.onEvent((e) => events.push(e as never));
  return { detector, events };
}

describe('WaitDetector', () => {
  it('reports the idle prompt after a turn too fast to be seen busy, once the typed text was submitted', () => {
    const { detector, events } = setup();
    detector.observe(idle);
    detector.userInput();
    // The text sits in the box: the same idle prompt, still suppressed.
    detector.observe(idle);
    expect(events.map((e) => e.type)).toEqual(['waiting_for_input', 'waiting_cleared']);
    // Submitted; the next screen is already the idle box after the reply (no busy screen drawn).
    detector.turnStarted();
    detector.observe(idle);
    expect(events.map((e) => e.type)).toEqual(['waiting_for_input', 'waiting_cleared', 'waiting_for_input']);
    expect(events[2].after_turn).toBe(true);
  });

  it('flags prompts whose text hides bidi controls or invisible characters, and only those', () => {
    const { detector, events } = setup();
    detector.observe(approval('ls'));
    detector.observe(approval('rm -rf /tmp/x\u202e/ fr- mr\u202c'));
    detector.observe(approval('echo \u200bhidden'));
    const fired = events.filter((e) => e.type === 'waiting_for_input') as unknown as WaitingForInputEvent[];
    expect(fired.map((e) => e.has_hidden_characters)).toEqual([undefined, true, true]);
  });

  it('fires once per prompt and clears when the agent resumes', () => {
    const { detector, events } = setup();
    detector.observe(approval('ls'));
    detector.observe(approval('ls'));
    detector.observe(busy);
    expect(events.map((e) => [e.type, e.cause])).toEqual([
      ['waiting_for_input', undefined],
      ['waiting_cleared', 'agent_resumed'],
    ]);
    expect(events[0].prompt_id).toBe(events[1].prompt_id);
    expect(events[1].seq).toBeGreaterThan(events[0].seq);
  });

  it('gives each new prompt a new prompt_id and supersedes the old one', () => {
    const { detector, events } = setup();
    detector.observe(approval('ls'));
    detector.observe(approval('rm -rf build'));
    expect(events.map((e) => e.type)).toEqual(['waiting_for_input', 'waiting_cleared', 'waiting_for_input']);
    expect(events[1].cause).toBe('superseded');
    expect(events[2].prompt_id).not.toBe(events[0].prompt_id);
  });

  it('keeps one prompt when only its body repaints (a diff that loads after the dialog)', () => {
    const { detector, events } = setup();
    const edit = (body: string): Verdict => ({
      state: 'waiting',
      prompt: { waitType: 'tool_approval', toolName: 'Edit', content: `Edit file\ngreeting.txt\n${body}\nDo you want to make this edit to greeting.txt?`, options: [{ id: '1', label: 'Yes', keys: '1' }], acceptsText: false },
    });
    detector.observe(edit('…'));
    detector.observe(edit('2 -hello world\n2 +hello tether'));
    expect(events).toHaveLength(1);
    expect(detector.live?.prompt.content).toContain('+hello tether');
  });

  it('does not re-fire a prompt cleared by input until the screen moves on', () => {
    const { detector, events } = setup();
    detector.observe(idle);
    detector.userInput();
    detector.observe(idle);
    expect(events.map((e) => [e.type, e.cause])).toEqual([
      ['waiting_for_input', undefined],
      ['waiting_cleared', 'input'],
    ]);
    detector.observe(busy);
    detector.observe(idle);
    expect(events.at(-1)).toMatchObject({ type: 'waiting_for_input', after_turn: true });
  });

  it('marks the first idle box as not after a turn', () => {
    const { detector, events } = setup();
    detector.observe(idle);
    expect(events[0].after_turn).toBe(false);
  });

  it('ignores unknown verdicts and answers to other prompts', () => {
    const { detector, events } = setup();
    detector.observe(approval('ls'));
    detector.observe({ state: 'unknown' });
    detector.answered('some-other-prompt');
    expect(events).toHaveLength(1);
    detector.answered(events[0].prompt_id);
    expect(events.at(-1)).toMatchObject({ type: 'waiting_cleared', cause: 'answered' });
  });

  it('clears the live prompt when the session exits', () => {
    const { detector, events } = setup();
    detector.observe(approval('ls'));
    detector.exited();
    expect(events.at(-1)).toMatchObject({ type: 'waiting_cleared', cause: 'session_exited' });
    expect(detector.live).toBeUndefined();
  });

  it('puts accepts_text and role on the wire options, only where the parser set them', () => {
    const { detector } = setup();
    const fired: WaitingForInputEvent[] = [];
    detector.onEvent((e) => e.type === 'waiting_for_input' && fired.push(e));
    detector.observe({
      state: 'waiting',
      prompt: {
        waitType: 'plan_approval',
        content: 'Ready to code?',
        options: [
          { id: '1', label: 'Yes, and use auto mode', keys: '1', role: 'approve' },
          { id: '2', label: 'Tell Claude what to change', keys: '2', acceptsText: true },
          { id: '3', label: 'Maybe', keys: '3', acceptsText: false },
        ],
        acceptsText: true,
      },
    });
    expect(fired[0].options).toEqual([
      { id: '1', label: 'Yes, and use auto mode', role: 'approve' },
      { id: '2', label: 'Tell Claude what to change', accepts_text: true },
      { id: '3', label: 'Maybe' },
    ]);
  });
});

describe('WaitDetector expiry and responses', () => {
  it('stamps a prompt with expires_at and on_timeout from expiryOf; none for the idle box', () => {
    let seq = 0;
    const detector = new WaitDetector({
      sessionId: 's1',
      cliType: () => 'claude',
      nextSeq: () => ++seq,
      timestamp: () => '2026-11-21T00:00:00.000Z',
      expiryOf: (waitType) => (waitType === 'awaiting_response' ? undefined : { expires_at: '2026-11-21T00:01:00.000Z', on_timeout: 'deny' }),
    });
    const events: WaitingForInputEvent[] = [];
    detector.onEvent((e) => e.type === 'waiting_for_input' && events.push(e));
    detector.observe(approval('ls'));
    detector.observe(busy);
    detector.observe(idle);
    expect(events[0]).toMatchObject({ expires_at: '2026-11-21T00:01:00.000Z', on_timeout: 'deny' });
    expect(events[1].expires_at).toBeUndefined();
    expect(events[1].on_timeout).toBeUndefined();
  });

  it('says what cleared a prompt: the answer keys with their cause, or the input', () => {
    const { detector, events } = setup();
    detector.observe(approval('ls'));
    detector.answered(events[0].prompt_id, '2', 'timed_out');
    detector.observe(approval('rm x'));
    detector.userInput('\x1b');
    detector.observe(approval('rm y'));
    detector.userInput();
    const clears = events.filter((e) => e.type === 'waiting_cleared') as unknown as Array<{ cause: string; response?: string }>;
    expect(clears.map((e) => [e.cause, e.response])).toEqual([
      ['timed_out', '2'],
      ['input', '\x1b'],
      ['input', 'input'],
    ]);
  });
});
