import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { TetherError } from './errors.js';
import type { SessionInfo, WaitingClearedEvent, WaitingForInputEvent } from './events.js';
import {
  LIMITS,
  PROTOCOL_VERSION,
  serverMessageSchema,
  type sessionInfoSchema,
  type waitingClearedSchema,
  type waitingForInputSchema,
} from './protocol.js';
import { parseClientMessage, peekRequestId } from './protocolParse.js';

function rejection(raw: string): TetherError {
  try {
    parseClientMessage(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(TetherError);
    expect((err as TetherError).code).toBe('BAD_MESSAGE');
    return err as TetherError;
  }
  throw new Error(`accepted: ${raw}`);
}

describe('parseClientMessage', () => {
  it('accepts every message type', () => {
    const valid = [
      { type: 'subscribe', session_id: 's1', since: 4 },
      { type: 'unsubscribe', session_id: 's1' },
      { type: 'create_session', request_id: 'r1', cli: 'claude', args: ['--x'], cols: 80, rows: 24 },
      { type: 'close_session', session_id: 's1' },
      { type: 'send_input', session_id: 's1', text: 'hi', raw: true },
      { type: 'resize', session_id: 's1', cols: 100, rows: 30 },
      { type: 'tool_approval', session_id: 's1', prompt_id: 'p1', response: 'yes_always' },
      { type: 'answer', session_id: 's1', prompt_id: 'p1', option_id: '2' },
      { type: 'answer', session_id: 's1', prompt_id: 'p1', text: 'do it' },
      { type: 'register_push_token', token: 'abc', token_type: 'apns', platform: 'ios', environment: 'sandbox' },
    ];
    for (const message of valid) expect(parseClientMessage(JSON.stringify(message))).toMatchObject(message);
  });

  it('names the problem', () => {
    expect(rejection('{nope').message).toBe('malformed JSON');
    expect(rejection('[1]').message).toMatch(/JSON object/);
    expect(rejection('{"session_id":"x"}').message).toMatch(/"type"/);
    expect(rejection('{"type":"launch_missiles"}').message).toMatch(/unknown type "launch_missiles"/);
    expect(rejection('{"type":"resize","session_id":"s","cols":"80","rows":24}').message).toMatch(/resize\.cols/);
    expect(rejection('{"type":"resize","session_id":"s","cols":5000,"rows":24}').message).toMatch(/resize\.cols/);
    expect(rejection('{"type":"answer","session_id":"s","prompt_id":"p"}').message).toMatch(/option_id or text/);
    const long = JSON.stringify({ type: 'send_input', session_id: 's', text: 'x'.repeat(LIMITS.text + 1) });
    expect(rejection(long).message).toMatch(/send_input\.text/);
    expect(rejection(JSON.stringify({ type: 'subscribe', session_id: 's', request_id: 'r'.repeat(65) })).message).toMatch(
      /request_id/,
    );
  });

  it('does not treat prototype keys as types', () => {
    expect(rejection('{"type":"constructor"}').message).toMatch(/unknown type/);
    expect(rejection('{"type":"__proto__"}').message).toMatch(/unknown type/);
  });
});

describe('peekRequestId', () => {
  it('finds a valid request_id in a bad frame', () => {
    expect(peekRequestId('{"type":"nope","request_id":"r7"}')).toBe('r7');
    expect(peekRequestId('{"request_id":5}')).toBeUndefined();
    expect(peekRequestId('garbage')).toBeUndefined();
  });
});

describe('server messages', () => {
  it('validates a welcome and a waiting event', () => {
    expect(PROTOCOL_VERSION).toBe(1);
    expect(
      serverMessageSchema.safeParse({ type: 'welcome', protocol_version: 1, daemon_version: '0.1.0', device_id: 'd' })
        .success,
    ).toBe(true);
    expect(serverMessageSchema.safeParse({ type: 'ack', request_id: 'r' }).success).toBe(true);
    expect(serverMessageSchema.safeParse({ type: 'ack' }).success).toBe(false);
  });

  it('mirrors the event interfaces', () => {
    expectTypeOf<z.infer<typeof sessionInfoSchema>>().toExtend<SessionInfo>();
    expectTypeOf<z.infer<typeof waitingForInputSchema>>().toExtend<WaitingForInputEvent>();
    expectTypeOf<z.infer<typeof waitingClearedSchema>>().toExtend<WaitingClearedEvent>();
  });
});
