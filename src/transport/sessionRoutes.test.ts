import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCOPE_PRESETS, TetherError } from '../common/index.js';
import { REPO_ROOT } from '../../test/support/repoRoot.js';
import { fakeSession } from '../../test/support/fakeSessionService.js';
import { ADMIN_SECRET, Harness } from '../../test/support/transportHarness.js';

let harness: Harness;
let token: string;
beforeEach(async () => {
  harness = await Harness.start();
  token = harness.devices.pair({ device_name: 'phone', platform: 'ios' }).token;
});
afterEach(async () => {
  await harness.stop();
});

async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

describe('REST sessions', () => {
  it('refuses callers without a device token or the admin secret', async () => {
    for (const [method, path] of [['GET', '/api/sessions'], ['POST', '/api/sessions'], ['GET', '/api/sessions/s1'], ['DELETE', '/api/sessions/s1']]) {
      const body = method === 'POST' ? { cli: 'claude' } : undefined;
      // Past the failed-guess rate limit's window each time: this test is about the 401.
      harness.now.value += 61_000;
      const anonymous = await harness.call(method, path, { body });
      expect(anonymous.status, `${method} ${path}`).toBe(401);
      expect(await errorCode(anonymous)).toBe('UNAUTHORIZED');
      expect((await harness.call(method, path, { token: 'not-a-token', body })).status).toBe(401);
    }
    expect(harness.sessions.calls.map((call) => call.method)).toEqual([]);
  });

  it('lists sessions to a paired device and to the admin', async () => {
    harness.sessions.sessions.set('s2', fakeSession('s2', { status: 'exited', exit_code: 0 }));
    const response = await harness.call('GET', '/api/sessions', { token });
    expect(response.status).toBe(200);
    const { sessions } = (await response.json()) as { sessions: Array<{ id: string; status: string }> };
    expect(sessions.map((session) => [session.id, session.status])).toEqual([['s1', 'running'], ['s2', 'exited']]);
    expect((await harness.call('GET', '/api/sessions', { token: ADMIN_SECRET })).status).toBe(200);
  });

  it('reads one session, and answers 404 SESSION_NOT_FOUND for an unknown id', async () => {
    const found = await harness.call('GET', '/api/sessions/s1', { token });
    expect(found.status).toBe(200);
    expect(await found.json()).toEqual({ session: fakeSession('s1') });
    const missing = await harness.call('GET', '/api/sessions/nope', { token });
    expect(missing.status).toBe(404);
    expect(await errorCode(missing)).toBe('SESSION_NOT_FOUND');
    // Not an id the daemon could have made: no route matches.
    expect(await errorCode(await harness.call('GET', `/api/sessions/${'x'.repeat(129)}`, { token }))).toBe('NOT_FOUND');
  });

  it('starts a session with the WebSocket bounds and answers 201 {session}', async () => {
    const full = harness.devices.pair({ device_name: 'laptop', scopes: SCOPE_PRESETS.full }).token;
    const body = { cli: 'claude', cwd: '/tmp/app', args: ['--model', 'opus'], cols: 100, rows: 30, name: 'app' };
    const response = await harness.call('POST', '/api/sessions', { token: full, body });
    expect(response.status).toBe(201);
    const { session } = (await response.json()) as { session: { id: string; name: string } };
    expect(session).toMatchObject({ id: 'created-1', name: 'app' });
    expect(harness.sessions.calls).toEqual([{ method: 'create', args: [body] }]);
  });

  it('answers 400 BAD_MESSAGE naming the field, and creates nothing', async () => {
    const tooWide = await harness.call('POST', '/api/sessions', { token, body: { cli: 'claude', cols: 5000 } });
    expect(tooWide.status).toBe(400);
    expect(await tooWide.json()).toEqual({ error: { code: 'BAD_MESSAGE', message: expect.stringMatching(/^body\.cols: Too big/) } });
    const noCli = await harness.call('POST', '/api/sessions', { token, body: { name: 'x' } });
    expect(((await noCli.json()) as { error: { message: string } }).error.message).toMatch(/^body\.cli: /);
    expect((await harness.call('POST', '/api/sessions', { token, body: 'not json' })).status).toBe(400);
    expect((await harness.call('POST', '/api/sessions', { token, body: [] })).status).toBe(400);
    expect((await harness.call('POST', '/api/sessions', { token, body: { cli: 'x'.repeat(1025) } })).status).toBe(400);
    expect(harness.sessions.calls).toEqual([]);
  });

  it("passes the core's coded errors through with their status", async () => {
    harness.sessions.failNext.create = new TetherError('SESSION_LIMIT', 'as many sessions run as sessions.max_running allows');
    const limited = await harness.call('POST', '/api/sessions', { token, body: { cli: 'claude' } });
    expect(limited.status).toBe(409);
    expect(await errorCode(limited)).toBe('SESSION_LIMIT');
    harness.sessions.failNext.create = new TetherError('UNKNOWN_CLI', 'no such command');
    const unknown = await harness.call('POST', '/api/sessions', { token: ADMIN_SECRET, body: { cli: 'nope' } });
    expect([unknown.status, await errorCode(unknown)]).toEqual([400, 'UNKNOWN_CLI']);
    harness.sessions.failNext.create = new Error('boom');
    const internal = await harness.call('POST', '/api/sessions', { token, body: { cli: 'claude' } });
    expect([internal.status, await errorCode(internal)]).toEqual([500, 'INTERNAL']);
  });

  it('closes a session, and answers 404 for an unknown one', async () => {
    const response = await harness.call('DELETE', '/api/sessions/s1', { token });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ closed: 's1' });
    expect(harness.sessions.calls).toEqual([{ method: 'close', args: ['s1'] }]);
    const missing = await harness.call('DELETE', '/api/sessions/nope', { token });
    expect([missing.status, await errorCode(missing)]).toEqual([404, 'SESSION_NOT_FOUND']);
  });
});

describe('REST sessions: scopes (issue 10 row 4)', () => {
  it("refuses a phone's start outside the start policy and its close of the desk's own session, doing nothing", async () => {
    for (const body of [{ cli: 'claude', args: ['--dangerously-skip-permissions'] }, { cli: 'bash' }, { cli: 'claude', cwd: '/etc' }]) {
      const refused = await harness.call('POST', '/api/sessions', { token, body });
      expect([refused.status, await errorCode(refused)], JSON.stringify(body)).toEqual([403, 'FORBIDDEN']);
    }
    // The admin's REST start is the desk's own: a phone may not close it.
    const desk = await harness.call('POST', '/api/sessions', { token: ADMIN_SECRET, body: { cli: 'bash' } });
    expect(desk.status).toBe(201);
    const { session } = (await desk.json()) as { session: { id: string } };
    const close = await harness.call('DELETE', `/api/sessions/${session.id}`, { token });
    expect([close.status, await errorCode(close)]).toEqual([403, 'FORBIDDEN']);
    expect(harness.sessions.calls.map((call) => call.method)).toEqual(['create']);
  });

  it('refuses a device without `view` and lets a phone start a configured CLI in its home', async () => {
    const none = harness.devices.pair({ device_name: 'empty', scopes: [] }).token;
    expect((await harness.call('GET', '/api/sessions', { token: none })).status).toBe(403);
    const started = await harness.call('POST', '/api/sessions', { token, body: { cli: 'claude' } });
    expect(started.status).toBe(201);
  });
});

describe('GET /api/openapi.json', () => {
  it('serves the committed document without a token', async () => {
    const response = await fetch(`${harness.transport.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    const committed: unknown = JSON.parse(readFileSync(join(REPO_ROOT, 'docs', 'openapi.json'), 'utf8'));
    expect(await response.json()).toEqual(committed);
  });
});
