import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeSession } from '../../test/support/fakeSessionService.js';
import { Harness } from '../../test/support/transportHarness.js';

let harness: Harness;
let deviceToken: string;
const HOOK_SECRET = 'hook-secret-of-s1';
const PATH = '/api/sessions/s1/events';
const STOP = { session_id: 'claude-conv', transcript_path: '/x.jsonl', cwd: '/p', hook_event_name: 'Stop', last_assistant_message: 'Done.' };

beforeEach(async () => {
  harness = await Harness.start();
  deviceToken = harness.devices.pair({ device_name: 'phone', platform: 'ios' }).token;
  harness.sessions.hookTokens.set('s1', HOOK_SECRET);
});
afterEach(async () => {
  await harness.stop();
});

async function code(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

describe('POST /api/sessions/:id/events', () => {
  it('takes a raw hook body with the session\'s hook secret: 204, empty body, handed to the session', async () => {
    const response = await harness.call('POST', PATH, { token: HOOK_SECRET, body: STOP });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(harness.sessions.calls).toEqual([{ method: 'postHook', args: ['s1', STOP] }]);
  });

  it('takes the seed\'s wrapped body from a paired device and unwraps it', async () => {
    const body = { session_id: 's1', interaction_id: 'i1', event_type: 'SessionStart', event_data: { session_id: 'conv-1', source: 'startup' }, timestamp: '2026-12-01T00:00:00Z' };
    const response = await harness.call('POST', PATH, { token: deviceToken, body });
    expect(response.status).toBe(204);
    expect(harness.sessions.calls[0].args[1]).toEqual({ session_id: 'conv-1', source: 'startup', hook_event_name: 'SessionStart' });
  });

  it('refuses bad bodies with 400 BAD_MESSAGE and hands nothing on', async () => {
    for (const body of ['{not json', '[]', { event_type: 'Stop' }, { hook_event_name: '' }, { session_id: 's2', event_type: 'Stop', event_data: {} }, { hook_event_name: 'x'.repeat(65) }]) {
      const response = await harness.call('POST', PATH, { token: HOOK_SECRET, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(await code(response)).toBe('BAD_MESSAGE');
    }
    expect(harness.sessions.calls).toEqual([]);
  });

  it('takes bodies up to 1 MiB (a long last message), not more', async () => {
    expect((await harness.call('POST', PATH, { token: HOOK_SECRET, body: { ...STOP, last_assistant_message: 'x'.repeat(500_000) } })).status).toBe(204);
    expect((await harness.call('POST', PATH, { token: HOOK_SECRET, body: { ...STOP, last_assistant_message: 'x'.repeat(1_100_000) } })).status).toBe(400);
  });

  it('answers 401 without a credential or with another session\'s secret', async () => {
    harness.sessions.sessions.set('s2', fakeSession('s2'));
    harness.sessions.hookTokens.set('s2', 'hook-secret-of-s2');
    const anonymous = await harness.call('POST', PATH, { body: STOP });
    expect(anonymous.status).toBe(401);
    expect(await code(anonymous)).toBe('UNAUTHORIZED');
    expect((await harness.call('POST', PATH, { token: 'hook-secret-of-s2', body: STOP })).status).toBe(401);
    expect(harness.sessions.calls).toEqual([]);
  });

  it('answers 404 SESSION_NOT_FOUND for an unknown session and 409 SESSION_EXITED after the session ended', async () => {
    const unknown = await harness.call('POST', '/api/sessions/nope/events', { token: deviceToken, body: STOP });
    expect(unknown.status).toBe(404);
    expect(await code(unknown)).toBe('SESSION_NOT_FOUND');
    harness.sessions.sessions.set('s1', fakeSession('s1', { status: 'exited', exit_code: 0 }));
    const late = await harness.call('POST', PATH, { token: HOOK_SECRET, body: STOP });
    expect(late.status).toBe(409);
    expect(await code(late)).toBe('SESSION_EXITED');
  });

  it('a hook secret opens no other route', async () => {
    expect((await harness.call('GET', '/api/sessions', { token: HOOK_SECRET })).status).toBe(401);
    expect((await harness.call('GET', '/api/sessions/s1', { token: HOOK_SECRET })).status).toBe(401);
  });
});
