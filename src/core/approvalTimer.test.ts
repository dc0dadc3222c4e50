/**
 * ApprovalTimer on a virtual clock: a `deny` prompt warns `warnLeadMs` before its expiry and
 * then expires; a `notify` prompt only expires; a clear, a newer prompt, the session's exit or
 * its removal disarm; a prompt without `expires_at` arms nothing.
 */
import { describe, expect, it } from 'vitest';
import type { SessionEvent, WaitingForInputEvent } from '../common/index.js';
import { ApprovalTimer } from './approvalTimer.js';
import { VirtualClock } from './clocks.js';

const START = Date.UTC(2026, 0, 1);

function setup() {
  const clock = new VirtualClock(START);
  const calls: string[] = [];
  const timer = new ApprovalTimer({
    clock,
    warnLeadMs: () => 15_000,
    warn: (event) => calls.push(`warn ${event.prompt_id} @${clock.now() - START}`),
    expire: (event) => calls.push(`expire ${event.prompt_id} @${clock.now() - START}`),
  });
  let seq = 0;
  const prompt = (id: string, onTimeout?: 'deny' | 'notify', sessionId = 's1', timeoutMs = 60_000): WaitingForInputEvent => {
    const event: WaitingForInputEvent = {
      type: 'waiting_for_input',
      session_id: sessionId,
      seq: ++seq,
      timestamp: new Date(clock.now()).toISOString(),
      prompt_id: id,
      wait_type: 'tool_approval',
      prompt_content: 'Bash command',
      options: [],
      cli_type: 'claude',
      ...(onTimeout ? { expires_at: new Date(clock.now() + timeoutMs).toISOString(), on_timeout: onTimeout } : {}),
    };
    timer.observe(event);
    return event;
  };
  const observe = (event: SessionEvent) => timer.observe(event);
  return { clock, calls, timer, prompt, observe };
}

describe('ApprovalTimer', () => {
  it('warns a deny prompt 15 s ahead, then expires it at 60 s', () => {
    const { clock, calls, timer, prompt } = setup();
    prompt('p1', 'deny');
    clock.advance(60_000);
    expect(calls).toEqual(['warn p1 @45000', 'expire p1 @60000']);
    expect(timer.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('expires a notify prompt without a warning; a prompt without expires_at arms nothing', () => {
    const { clock, calls, timer, prompt } = setup();
    prompt('p1');
    expect(timer.size).toBe(0);
    prompt('p2', 'notify', 's2');
    clock.advance(60_000);
    expect(calls).toEqual(['expire p2 @60000']);
  });

  it('never warns earlier than the prompt appeared when the lead is longer than the timeout', () => {
    const { clock, calls, prompt } = setup();
    prompt('p1', 'deny', 's1', 10_000);
    clock.advance(10_000);
    expect(calls).toEqual(['warn p1 @0', 'expire p1 @10000']);
  });

  it('disarms on the clear, a newer prompt of the session, the exit and the removal', () => {
    const { clock, calls, timer, prompt, observe } = setup();
    const cleared = prompt('p1', 'deny', 's1');
    observe({ type: 'waiting_cleared', session_id: 's1', seq: 99, timestamp: '', prompt_id: cleared.prompt_id, cause: 'answered' });
    prompt('p2', 'deny', 's2');
    prompt('p3', 'deny', 's2');
    prompt('p4', 'notify', 's3');
    observe({ type: 'session_closed', session_id: 's3', seq: 100, exit_code: 0 });
    prompt('p5', 'notify', 's4');
    observe({ type: 'session_deleted', session_id: 's4' });
    expect(timer.size).toBe(1);
    clock.advance(60_000);
    expect(calls).toEqual(['warn p3 @45000', 'expire p3 @60000']);
  });

  it('cancels every timer when disposed', () => {
    const { clock, timer, prompt } = setup();
    prompt('p1', 'deny');
    timer.dispose();
    expect(clock.pendingTimers).toBe(0);
  });
});
