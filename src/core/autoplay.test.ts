import { afterEach, describe, expect, it } from 'vitest';
import { Emitter, TetherError } from '../common/index.js';
import type { WaitType } from '../common/index.js';
import type { QueueMessage } from '../common/queue.js';
import { FakeSessionService, fakeSession } from '../../test/support/fakeSessionService.js';
import { Autoplay, DESK_QUIET_MS, SUBMIT_CHECK_MS } from './autoplay.js';
import { VirtualClock } from './clocks.js';
import { PromptQueue } from './promptQueue.js';

/** The fake sessions, with input as core reports it: typing clears the idle prompt and is announced. */
class Desk extends FakeSessionService {
  readonly inputEmitter = new Emitter<{ session_id: string }>();
  readonly onDidInput = this.inputEmitter.event;
  readonly typed: string[] = [];
  draft: string | undefined = undefined;
  private _seq = 0;
  private _prompt = 0;

  override async sendInput(sessionId: string, text: string, options?: { raw?: boolean }): Promise<void> {
    this.typed.push(options?.raw ? `<raw ${JSON.stringify(text)}>` : text);
    this.inputEmitter.fire({ session_id: sessionId });
    this.clear(sessionId);
  }
  /** Someone at the desk types. */
  deskTypes(sessionId = 's1'): void {
    this.inputEmitter.fire({ session_id: sessionId });
  }
  show(waitType: WaitType, afterTurn = true, sessionId = 's1'): string {
    this.clear(sessionId);
    const promptId = `p${++this._prompt}`;
    this.emit({
      type: 'waiting_for_input',
      session_id: sessionId,
      seq: ++this._seq,
      timestamp: '',
      prompt_id: promptId,
      wait_type: waitType,
      prompt_content: '',
      options: [],
      cli_type: 'claude',
      ...(waitType === 'awaiting_response' ? { after_turn: afterTurn } : {}),
    });
    return promptId;
  }
  clear(sessionId = 's1'): void {
    const live = this.waiting.get(sessionId);
    if (live !== undefined) this.emit({ type: 'waiting_cleared', session_id: sessionId, seq: ++this._seq, timestamp: '', prompt_id: live.prompt_id, cause: 'input' });
  }
  /** The agent's witness (a hook, the transcript) shows a user message. */
  userMessage(content: string, sessionId = 's1'): void {
    this.emit({ type: 'new_message', session_id: sessionId, seq: ++this._seq, role: 'user', content, is_complete: true, timestamp: '' });
  }
  busy(sessionId = 's1'): void {
    this.activityEmitter.fire({ session_id: sessionId, status: 'busy', since: '' });
  }
}

const disposers: Array<{ dispose(): void }> = [];
afterEach(() => disposers.splice(0).forEach((each) => each.dispose()));
const settle = () => new Promise((resolve) => setImmediate(resolve));

function setup() {
  const desk = new Desk();
  desk.sessions.set('s1', fakeSession('s1'));
  const clock = new VirtualClock(100_000);
  const queue = new PromptQueue((id) => desk.sessions.has(id), { load: () => ({}), save: () => undefined }, clock);
  const autoplay = new Autoplay({ sessions: desk, onActivity: desk.onActivity, onDidInput: desk.onDidInput, inputDraft: () => desk.draft }, queue, clock);
  disposers.push(autoplay, queue);
  const messages: QueueMessage[] = [];
  queue.onMessage((message) => messages.push(message));
  const events = () => messages.filter((message) => message.type !== 'queue_updated');
  return { desk, clock, queue, autoplay, events };
}

describe('Autoplay', () => {
  it('runs the queue in order at each idle prompt, completes each interaction ok, and pauses when the queue is empty', async () => {
    const { desk, queue, autoplay, events } = setup();
    for (const text of ['run the tests', 'commit', 'push']) queue.add('s1', text, 'phone-1');
    desk.show('awaiting_response', false);
    autoplay.setEnabled('s1', true);
    await settle();
    expect(desk.typed).toEqual(['run the tests']);
    for (let turn = 0; turn < 3; turn += 1) {
      desk.busy();
      desk.show('awaiting_response');
      await settle();
    }
    expect(desk.typed).toEqual(['run the tests', 'commit', 'push']);
    const done = queue.queue('s1').items;
    expect(done.map((item) => item.state)).toEqual(['done', 'done', 'done']);
    expect(events()).toEqual([
      ...done.map((item) => ({ type: 'interaction_completed', session_id: 's1', interaction_id: item.interaction_id, status: 'ok', item_id: item.id })),
      { type: 'autoplay_paused', session_id: 's1', reason: 'queue_empty' },
    ]);
    // Still on: a prompt added to the empty queue goes at once when the agent is idle.
    expect(queue.autoplay('s1')).toEqual({ enabled: true, paused_reason: 'queue_empty' });
    queue.add('s1', 'one more', 'phone-1');
    await settle();
    expect(desk.typed.at(-1)).toBe('one more');
  });

  it('never types into a tool approval: the next prompt goes only after that turn ends', async () => {
    const { desk, queue, autoplay } = setup();
    queue.add('s1', 'first', 'phone-1');
    queue.add('s1', 'second', 'phone-1');
    desk.show('awaiting_response', false);
    autoplay.setEnabled('s1', true);
    await settle();
    desk.busy();
    desk.show('tool_approval');
    queue.add('s1', 'third', 'phone-1');
    await settle();
    expect(desk.typed).toEqual(['first']);
    expect(queue.running('s1')?.text).toBe('first');
    desk.clear();
    desk.busy();
    desk.show('awaiting_response');
    await settle();
    expect(desk.typed).toEqual(['first', 'second']);
  });

  it('pauses when someone types at the desk, and waits DESK_QUIET_MS after a dialog answered at the desk', async () => {
    const { desk, clock, queue, autoplay, events } = setup();
    queue.add('s1', 'first', 'phone-1');
    desk.show('tool_approval');
    autoplay.setEnabled('s1', true);
    desk.deskTypes();
    desk.show('awaiting_response');
    await settle();
    expect(desk.typed).toEqual([]);
    clock.advanceTo(clock.now() + DESK_QUIET_MS);
    await settle();
    expect(desk.typed).toEqual(['first']);
    desk.busy();
    desk.deskTypes();
    expect(events().at(-1)).toEqual({ type: 'autoplay_paused', session_id: 's1', reason: 'desk_input' });
    expect(queue.autoplay('s1')).toEqual({ enabled: false, paused_reason: 'desk_input' });
  });

  it('fails the prompt and pauses with not_submitted when it still sits in the input box after its submission was checked', async () => {
    const { desk, clock, queue, autoplay, events } = setup();
    queue.add('s1', 'a long prompt', 'phone-1');
    queue.add('s1', 'next', 'phone-1');
    desk.show('awaiting_response', false);
    autoplay.setEnabled('s1', true);
    await settle();
    desk.draft = 'a long prompt';
    clock.advanceTo(clock.now() + SUBMIT_CHECK_MS - 1);
    await settle();
    expect(queue.queue('s1').items[0].state).toBe('sent');
    clock.advanceTo(clock.now() + 1);
    await settle();
    expect(desk.typed).toEqual(['a long prompt']);
    expect(queue.queue('s1').items[0].state).toBe('failed');
    expect(events().map((event) => event.type === 'autoplay_paused' ? event.reason : event.type)).toEqual(['interaction_completed', 'not_submitted']);
  });

  it('counts an emptied input box as submitted, and a turn too quick to be seen busy as done', async () => {
    const { desk, clock, queue, autoplay } = setup();
    queue.add('s1', 'quick', 'phone-1');
    desk.show('awaiting_response', false);
    autoplay.setEnabled('s1', true);
    await settle();
    desk.show('awaiting_response', false);
    desk.draft = '';
    clock.advanceTo(clock.now() + SUBMIT_CHECK_MS);
    await settle();
    expect(desk.typed).toEqual(['quick']);
    expect(queue.queue('s1').items[0].state).toBe('done');
  });

  it('fails the running prompt and pauses when the session exits; refuses to switch on for an exited session', async () => {
    const { desk, queue, autoplay, events } = setup();
    queue.add('s1', 'first', 'phone-1');
    desk.show('awaiting_response', false);
    autoplay.setEnabled('s1', true);
    await settle();
    desk.sessions.set('s1', fakeSession('s1', { status: 'exited', exit_code: 1 }));
    desk.emit({ type: 'session_closed', session_id: 's1', seq: 99, exit_code: 1 });
    expect(queue.queue('s1').items[0].state).toBe('failed');
    expect(events().map((event) => event.type === 'autoplay_paused' ? event.reason : event.type)).toEqual(['interaction_completed', 'session_exited']);
    let code: string | undefined;
    try {
      autoplay.setEnabled('s1', true);
    } catch (err) {
      code = (err as TetherError).code;
    }
    expect(code).toBe('SESSION_EXITED');
    expect(queue.autoplay('s1').enabled).toBe(false);
  });

  it('pauses with turn_error when the agent reports a failed turn', async () => {
    const { desk, queue, autoplay, events } = setup();
    queue.add('s1', 'first', 'phone-1');
    queue.add('s1', 'second', 'phone-1');
    desk.show('awaiting_response', false);
    autoplay.setEnabled('s1', true);
    await settle();
    desk.busy();
    desk.userMessage('first');
    autoplay.turnEnded('s1', 'error');
    desk.show('awaiting_response');
    await settle();
    expect(desk.typed).toEqual(['first']);
    expect(events().at(-1)).toEqual({ type: 'autoplay_paused', session_id: 's1', reason: 'turn_error' });
  });

  it("ends a run by the agent's turn end only once its prompt was seen: a late turn end of the turn before does not end the next prompt", async () => {
    const { desk, queue, autoplay, events } = setup();
    for (const text of ['first', 'second: a prompt long enough to be cut short by the witness\nover two lines, and more']) queue.add('s1', text, 'phone-1');
    desk.show('awaiting_response', false);
    autoplay.setEnabled('s1', true);
    await settle();
    desk.userMessage('first');
    desk.busy();
    // The screen's idle prompt ends the first turn before its hook does; the second prompt goes.
    desk.show('awaiting_response');
    await settle();
    expect(desk.typed).toHaveLength(2);
    autoplay.turnEnded('s1', 'ok');
    await settle();
    expect(queue.running('s1')?.text).toMatch(/^second/);
    expect(events().filter((event) => event.type === 'interaction_completed')).toHaveLength(1);
    // Its own turn end, after the witness showed it (cut, newlines as spaces), ends it.
    desk.userMessage('second: a prompt long enough to be cut short by the witness over two lines, and more'.slice(0, 70) + '…[truncated 14 characters]');
    desk.busy();
    autoplay.turnEnded('s1', 'ok');
    await settle();
    expect(queue.running('s1')).toBeUndefined();
    expect(queue.queue('s1').items.map((item) => item.state)).toEqual(['done', 'done']);
  });
});
