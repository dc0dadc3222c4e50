import { describe, expect, it } from 'vitest';
import { APNS_MAX_PAYLOAD_BYTES, buildApnsPayload, payloadBytes } from './apnsPayload.js';
import { buildPushNotification, PUSH_EXPIRATION_MS } from './notification.js';
import { sessionInfo, waitingEvent } from '../../test/support/pushFakes.js';
import { ELLIPSIS, summarize, truncateText } from './text.js';

const NOW = Date.UTC(2026, 0, 1);
const session = sessionInfo();

function payloadFor(overrides: Parameters<typeof waitingEvent>[0], content: 'full' | 'minimal' = 'minimal') {
  const event = waitingEvent(overrides);
  return { event, payload: buildApnsPayload(buildPushNotification(event, { content, session, nowMs: NOW })) };
}

/** True when the text has a lone surrogate (a code point cut in half). */
function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

describe('APNs payload', () => {
  it('builds a tool approval with the documented shape (minimal content)', () => {
    const { event, payload } = payloadFor({});
    expect(payload).toEqual({
      aps: {
        alert: { title: 'Permission Required', subtitle: 'Claude Code · tether', body: 'Claude Code wants to use Bash' },
        sound: 'default',
        category: 'PERMISSION_REQUEST',
        'thread-id': 'session-1',
        'mutable-content': 1,
        'interruption-level': 'time-sensitive',
      },
      data: {
        type: 'waiting_for_input',
        session_id: 'session-1',
        prompt_id: event.prompt_id,
        wait_type: 'tool_approval',
        cli_type: 'claude',
        tool_name: 'Bash',
        timestamp: '2026-01-01T00:00:00.000Z',
      },
    });
    expect(JSON.stringify(payload)).not.toContain('npm install');
  });

  it('includes a one-line summary of the prompt with full content', () => {
    const { payload } = payloadFor({}, 'full');
    expect(payload.aps.alert.body).toBe(
      'Claude Code wants to use Bash: Bash command npm install express Install express',
    );
  });

  it.each([
    ['tool_approval', {}, 'PERMISSION_REQUEST', 'Permission Required', 'time-sensitive'],
    ['plan_approval', { tool_name: undefined }, 'PLAN_APPROVAL', 'Plan Ready for Review', 'time-sensitive'],
    ['clarifying_question', { tool_name: undefined }, 'QUESTION_ASKED', 'Question from Claude Code', 'active'],
    ['awaiting_response', { tool_name: undefined, after_turn: true }, 'TASK_COMPLETE', 'Claude Code is waiting', 'active'],
  ] as const)('maps %s to its category, title and interruption level', (waitType, extra, category, title, level) => {
    const { payload } = payloadFor({ wait_type: waitType, ...extra });
    expect(payload.aps.category).toBe(category);
    expect(payload.aps.alert.title).toBe(title);
    expect(payload.aps['interruption-level']).toBe(level);
    expect(payload.data.wait_type).toBe(waitType);
  });

  it('keeps question text out in minimal mode and puts it in with full', () => {
    const question = { wait_type: 'clarifying_question' as const, tool_name: undefined, prompt_content: 'Which database should I use?' };
    expect(payloadFor(question).payload.aps.alert.body).toBe('Claude Code has a question for you');
    expect(payloadFor(question, 'full').payload.aps.alert.body).toBe('Which database should I use?');
  });

  it('never puts the text of a prompt that takes a secret into a notification, even with full content', () => {
    const keyBox = { wait_type: 'clarifying_question' as const, tool_name: undefined, kind: 'api_key', sensitive: true as const, prompt_content: 'Use your own OpenAI API key\nAPI key' };
    const body = payloadFor(keyBox, 'full').payload.aps.alert.body;
    expect(body).toBe('Claude Code has a question for you');
  });

  it('says who needs approval when the tool is unknown', () => {
    expect(payloadFor({ tool_name: undefined }).payload.aps.alert.body).toBe('Claude Code needs your approval');
    expect(payloadFor({ tool_name: undefined }).payload.data).not.toHaveProperty('tool_name');
  });

  it('names a generic CLI after its command and works without a session', () => {
    const event = waitingEvent({ cli_type: 'generic', wait_type: 'awaiting_response', after_turn: true });
    const generic = buildPushNotification(event, { content: 'minimal', session: sessionInfo({ cli_type: 'generic', command: '/usr/local/bin/aider', cwd: 'C:\\work\\shop\\' }), nowMs: NOW });
    expect(generic.title).toBe('aider is waiting');
    expect(generic.subtitle).toBe('aider · shop');
    const orphan = buildPushNotification(waitingEvent(), { content: 'minimal', nowMs: NOW });
    expect(orphan.subtitle).toBe('Claude Code');
  });

  it('sets priority and expiry from the clock', () => {
    const approval = buildPushNotification(waitingEvent(), { content: 'minimal', session, nowMs: NOW });
    const done = buildPushNotification(waitingEvent({ wait_type: 'awaiting_response', after_turn: true }), { content: 'minimal', session, nowMs: NOW });
    expect(approval.priority).toBe('high');
    expect(done.priority).toBe('normal');
    expect(approval.expiresAt).toBe(NOW + PUSH_EXPIRATION_MS);
  });

  it.each([
    ['ASCII', 'x'.repeat(200_000)],
    ['CJK (3 bytes each)', '数据库迁移'.repeat(40_000)],
    ['emoji (4 bytes, surrogate pairs)', '🚀🔥'.repeat(50_000)],
    ['ZWJ emoji sequences', '👩‍💻'.repeat(30_000)],
    ['control characters (6 bytes escaped)', '\u0001'.repeat(50_000)],
  ])('stays under 4096 bytes with a huge %s prompt', (_, text) => {
    const { payload } = payloadFor({ prompt_content: text, tool_name: '工具'.repeat(500) }, 'full');
    expect(payloadBytes(payload)).toBeLessThanOrEqual(APNS_MAX_PAYLOAD_BYTES);
    const { body, title, subtitle } = payload.aps.alert;
    expect(body.endsWith(ELLIPSIS)).toBe(true);
    expect(body.length).toBeGreaterThan(100);
    for (const text of [body, title, subtitle, String(payload.data.tool_name ?? '')]) expect(hasLoneSurrogate(text)).toBe(false);
    expect(() => JSON.parse(JSON.stringify(payload))).not.toThrow();
  });

  it('cuts the subtitle when a huge project name and body do not fit together', () => {
    const event = waitingEvent({ prompt_content: '😀'.repeat(5000) });
    const notification = buildPushNotification(event, { content: 'full', session, nowMs: NOW });
    const payload = buildApnsPayload({ ...notification, subtitle: '项'.repeat(3000) });
    expect(payloadBytes(payload)).toBeLessThanOrEqual(APNS_MAX_PAYLOAD_BYTES);
    expect(payload.aps.alert.body).toBe('');
    expect(payload.aps.alert.subtitle.endsWith(ELLIPSIS)).toBe(true);
  });
});

describe('text helpers', () => {
  it('truncates at character boundaries with an ellipsis', () => {
    expect(truncateText('hello', 5)).toBe('hello');
    expect(truncateText('hello world', 6)).toBe('hello…');
    expect(truncateText('🚀🚀🚀', 2)).toBe('🚀…');
    expect(truncateText('👩‍💻👩‍💻👩‍💻', 2)).toBe('👩‍💻…');
    expect(truncateText('abc', 0)).toBe('');
  });

  it('collapses whitespace when summarising', () => {
    expect(summarize('  a\n\n  b\tc  ', 100)).toBe('a b c');
  });

  it('marks a huge, mostly blank text as cut without splitting a surrogate pair', () => {
    const text = ' '.repeat(79) + '🚀'.repeat(10);
    const summary = summarize(text, 10);
    expect(summary.endsWith(ELLIPSIS)).toBe(true);
    expect(hasLoneSurrogate(summary)).toBe(false);
    expect(summarize(`${' '.repeat(100)}ok`, 10)).toBe('…');
  });
});
