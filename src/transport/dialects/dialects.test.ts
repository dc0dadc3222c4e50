/**
 * Golden tests of the seed dialects (issue 11 §4): Tether's messages become the seeds' example
 * messages field for field, and the seeds' example requests become the Tether requests that
 * answer the live prompt. The examples are the seeds' own (reference/seeds/*.md).
 */
import { describe, expect, it } from 'vitest';
import type { SessionInfo, WaitingForInputEvent } from '../../common/index.js';
import { fakeSession } from '../../../test/support/fakeSessionService.js';
import { DIALECT_SCHEMAS } from '../../../test/dialectSchemas.js';
import { dialectOf, negotiateDialect } from './index.js';
import type { DialectContext } from './index.js';

const NOW = Date.parse('2026-01-28T12:35:30.000Z');

const approval: WaitingForInputEvent = {
  type: 'waiting_for_input',
  session_id: 'session-123',
  seq: 7,
  timestamp: '2026-01-28T12:34:56.000Z',
  prompt_id: 'approval-456',
  wait_type: 'tool_approval',
  prompt_content: 'Bash command\n  npm install express\nDo you want to proceed?',
  options: [
    { id: '1', label: 'Yes', role: 'approve' },
    { id: '3', label: 'No', role: 'deny' },
  ],
  cli_type: 'claude',
  tool_name: 'Bash',
};

function context(sessions: SessionInfo[], waiting: WaitingForInputEvent | null = approval): DialectContext {
  return {
    sessions: { list: () => sessions, currentWaiting: (id) => (waiting !== null && waiting.session_id === id ? waiting : undefined) },
    now: () => NOW,
  };
}

const waitingSession = fakeSession('session-123', { waiting: { prompt_id: 'approval-456', wait_type: 'tool_approval' } });

describe('subprotocol negotiation', () => {
  it('picks the first known offered name; none offered is Tether', () => {
    expect(negotiateDialect(undefined)).toBe('tether');
    expect(negotiateDialect('craft')).toBe('craft');
    expect(negotiateDialect('x-unknown, ios-backend, mobilecli')).toBe('ios-backend');
  });

  it('refuses an offer of only unknown names', () => {
    expect(() => negotiateDialect('graphql-ws')).toThrow(expect.objectContaining({ code: 'BAD_MESSAGE' }));
  });
});

describe('mobilecli (mobile-notifications-and-tool-approval.md §5)', () => {
  const dialect = dialectOf('mobilecli');

  it('sends sessions with project_path, created_at, last_active_at, status and cli_type', () => {
    const info = fakeSession('s1', { name: 'api', cwd: '/home/ada/app', updated_at: '2026-01-28T12:30:00.000Z', waiting: { prompt_id: 'p', wait_type: 'awaiting_response' } });
    expect(dialect.outbound({ type: 'sessions', sessions: [info, fakeSession('s2', { status: 'failed', exit_code: 1 }), waitingSession] })).toEqual([
      {
        type: 'sessions',
        sessions: [
          { id: 's1', name: 'api', project_path: '/home/ada/app', created_at: '2026-01-01T00:00:00.000Z', last_active_at: '2026-01-28T12:30:00.000Z', status: 'idle', cli_type: 'claude' },
          { id: 's2', name: 's2', project_path: '/tmp', created_at: '2026-01-01T00:00:00.000Z', last_active_at: '2026-01-01T00:00:00.000Z', status: 'closed', cli_type: 'claude' },
          { id: 'session-123', name: 'session-123', project_path: '/tmp', created_at: '2026-01-01T00:00:00.000Z', last_active_at: '2026-01-01T00:00:00.000Z', status: 'active', cli_type: 'claude' },
        ],
      },
    ]);
  });

  it('sends the waiting edges, session_closed and input_state in the seed’s fields', () => {
    expect(dialect.outbound(approval)).toEqual([
      { type: 'waiting_for_input', session_id: 'session-123', timestamp: '2026-01-28T12:34:56.000Z', prompt_content: approval.prompt_content, wait_type: 'tool_approval', cli_type: 'claude' },
    ]);
    expect(dialect.outbound({ type: 'waiting_cleared', session_id: 'session-123', seq: 8, timestamp: 't', prompt_id: 'approval-456', cause: 'answered', response: '1' })).toEqual([
      { type: 'waiting_cleared', session_id: 'session-123', timestamp: 't', response: '1' },
    ]);
    expect(dialect.outbound({ type: 'session_closed', session_id: 's1', seq: 9, exit_code: 0 })).toEqual([{ type: 'session_closed', session_id: 's1' }]);
    expect(dialect.outbound({ type: 'session_renamed', session_id: 's1', new_name: 'x' })).toEqual([{ type: 'session_renamed', session_id: 's1', new_name: 'x' }]);
    expect(dialect.outbound({ type: 'input_state', session_id: 's1', text: 'add tests', cursor_position: 9, sender_id: 'desktop', timestamp: '2026-01-28T12:34:56.000Z' })).toEqual([
      { type: 'input_state', session_id: 's1', text: 'add tests', cursor_position: 9, sender_id: 'desktop', timestamp: Date.parse('2026-01-28T12:34:56.000Z') },
    ]);
  });

  it('answers the live prompt for tool_approval without a prompt id', () => {
    expect(dialect.inbound({ type: 'tool_approval', session_id: 'session-123', response: 'yes_always' }, context([waitingSession]))).toEqual({
      type: 'tool_approval',
      session_id: 'session-123',
      prompt_id: 'approval-456',
      response: 'yes_always',
    });
  });

  it('refuses rather than guesses when the prompt changed in the last 2 s, or there is none', () => {
    const fresh = { ...approval, timestamp: new Date(NOW - 1500).toISOString() };
    expect(() => dialect.inbound({ type: 'tool_approval', session_id: 'session-123', response: 'yes' }, context([waitingSession], fresh))).toThrow(expect.objectContaining({ code: 'STALE_PROMPT' }));
    expect(() => dialect.inbound({ type: 'tool_approval', session_id: 'session-123', response: 'yes' }, context([], null))).toThrow(expect.objectContaining({ code: 'STALE_PROMPT' }));
    expect(() => dialect.inbound({ type: 'tool_approval', session_id: 'session-123', response: 'maybe' }, context([waitingSession]))).toThrow(expect.objectContaining({ code: 'BAD_MESSAGE' }));
  });

  it('leaves Tether’s own messages (with a prompt id, send_input raw, register_push_token) to Tether', () => {
    const ctx = context([waitingSession]);
    expect(dialect.inbound({ type: 'tool_approval', session_id: 'session-123', prompt_id: 'approval-456', response: 'no' }, ctx)).toBeUndefined();
    expect(dialect.inbound({ type: 'send_input', session_id: 'session-123', text: '1', raw: true }, ctx)).toBeUndefined();
    expect(dialect.inbound({ type: 'register_push_token', token: 'ExponentPushToken[x]', token_type: 'expo', platform: 'ios' }, ctx)).toBeUndefined();
  });
});

describe('craft (permission-flow-and-config-watcher-plan.md)', () => {
  const dialect = dialectOf('craft');

  it('sends a decision prompt as permission_request {sessionId, request: {requestId, toolName, command, description}}', () => {
    expect(dialect.outbound(approval)).toEqual([
      {
        type: 'permission_request',
        sessionId: 'session-123',
        request: { requestId: 'approval-456', toolName: 'Bash', command: approval.prompt_content, description: 'Bash command' },
      },
    ]);
    const idle = { ...approval, wait_type: 'awaiting_response' as const, options: [] };
    expect(dialect.outbound(idle)).toEqual([idle]);
  });

  it('sends permission_timeout and config_changed {changeType}', () => {
    expect(dialect.outbound({ type: 'approval_timeout', session_id: 'session-123', seq: 9, timestamp: 't', prompt_id: 'approval-456', wait_type: 'tool_approval', action: 'denied' })).toEqual([
      { type: 'permission_timeout', sessionId: 'session-123', requestId: 'approval-456' },
    ]);
    expect(dialect.outbound({ type: 'config_changed', change_type: 'config', changed: ['push.delay_seconds'], restart_required: [] })).toEqual([{ type: 'config_changed', changeType: 'config' }]);
  });

  it('reads permission_response {requestId, allowed, alwaysAllow} as the answer to that prompt', () => {
    const ctx = context([waitingSession]);
    const answer = (allowed: boolean, alwaysAllow?: boolean) =>
      dialect.inbound({ type: 'permission_response', requestId: 'approval-456', allowed, ...(alwaysAllow === undefined ? {} : { alwaysAllow }) }, ctx);
    expect(answer(true)).toEqual({ type: 'tool_approval', session_id: 'session-123', prompt_id: 'approval-456', response: 'yes' });
    expect(answer(true, true)).toMatchObject({ response: 'yes_always' });
    expect(answer(false, true)).toMatchObject({ response: 'no' });
    expect(() => dialect.inbound({ type: 'permission_response', requestId: 'gone', allowed: true }, ctx)).toThrow(expect.objectContaining({ code: 'STALE_PROMPT' }));
    expect(() => dialect.inbound({ type: 'permission_response', requestId: 'approval-456' }, ctx)).toThrow(expect.objectContaining({ code: 'BAD_MESSAGE' }));
  });
});

describe('ios-backend (backend-events-apns-live-activities.md)', () => {
  const dialect = dialectOf('ios-backend');

  it('sends approval_timeout {sessionId, requestId}', () => {
    expect(dialect.outbound({ type: 'approval_timeout', session_id: 'session-123', seq: 9, timestamp: 't', prompt_id: 'approval-456', wait_type: 'tool_approval', action: 'denied' })).toEqual([
      { type: 'approval_timeout', sessionId: 'session-123', requestId: 'approval-456' },
    ]);
  });

  it('sends progress_update {sessionId, data: {currentOperation, elapsedSeconds, todoProgress}} (the seed’s WebSocket event)', () => {
    const progress = { type: 'progress_update' as const, session_id: 'session-123', seq: 4, current_operation: 'Running tests...', elapsed_seconds: 45, todo_progress: { completed: 2, total: 5 }, timestamp: 't' };
    const [frame] = dialect.outbound(progress);
    // The seed's example, field for field.
    expect(frame).toEqual({ type: 'progress_update', sessionId: 'session-123', data: { currentOperation: 'Running tests...', elapsedSeconds: 45, todoProgress: { completed: 2, total: 5 } } });
    expect(DIALECT_SCHEMAS['ios-backend'].server.safeParse(frame).success).toBe(true);
    expect(dialect.outbound({ ...progress, todo_progress: undefined })).toEqual([{ type: 'progress_update', sessionId: 'session-123', data: { currentOperation: 'Running tests...', elapsedSeconds: 45 } }]);
  });

  it('reads approval_response {requestId, approved}; an expired request is refused', () => {
    const ctx = context([waitingSession]);
    expect(dialect.inbound({ type: 'approval_response', requestId: 'approval-456', approved: false }, ctx)).toEqual({
      type: 'tool_approval',
      session_id: 'session-123',
      prompt_id: 'approval-456',
      response: 'no',
    });
    expect(() => dialect.inbound({ type: 'approval_response', requestId: 'approval-999', approved: true }, ctx)).toThrow(expect.objectContaining({ code: 'STALE_PROMPT' }));
  });
});

describe('published dialect schemas (docs/schemas/dialect-*.schema.json)', () => {
  it('accept what each dialect sends in its seed’s shape and the seeds’ example requests', () => {
    const cleared = { type: 'waiting_cleared' as const, session_id: 'session-123', seq: 8, timestamp: 't', prompt_id: 'approval-456', cause: 'answered' as const, response: '1' };
    const timeout = { type: 'approval_timeout' as const, session_id: 'session-123', seq: 9, timestamp: 't', prompt_id: 'approval-456', wait_type: 'tool_approval' as const, action: 'denied' as const };
    const mobile = dialectOf('mobilecli');
    for (const frame of [...mobile.outbound({ type: 'sessions', sessions: [waitingSession] }), ...mobile.outbound(approval), ...mobile.outbound(cleared)]) {
      expect(DIALECT_SCHEMAS.mobilecli.server.safeParse(frame).success, JSON.stringify(frame)).toBe(true);
    }
    for (const frame of [...dialectOf('craft').outbound(approval), ...dialectOf('craft').outbound(timeout)]) {
      expect(DIALECT_SCHEMAS.craft.server.safeParse(frame).success, JSON.stringify(frame)).toBe(true);
    }
    expect(DIALECT_SCHEMAS['ios-backend'].server.safeParse(dialectOf('ios-backend').outbound(timeout)[0]).success).toBe(true);
    expect(DIALECT_SCHEMAS.mobilecli.client.safeParse({ type: 'tool_approval', session_id: '...', response: 'yes' }).success).toBe(true);
    expect(DIALECT_SCHEMAS.craft.client.safeParse({ type: 'permission_response', requestId: 'r', allowed: false, alwaysAllow: false }).success).toBe(true);
    expect(DIALECT_SCHEMAS['ios-backend'].client.safeParse({ type: 'approval_response', requestId: 'approval-456', approved: true }).success).toBe(true);
    // And refuse what the seeds do not allow.
    expect(DIALECT_SCHEMAS.craft.client.safeParse({ type: 'permission_response', requestId: 'r' }).success).toBe(false);
  });
});
