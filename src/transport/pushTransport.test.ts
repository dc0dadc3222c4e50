/**
 * Transport side of push: JSON-RPC 2.0 device methods and errors, `app_state` forwarding
 * (never from the admin socket), `POST /api/push/action` (Web Push subscription auth,
 * STALE_PROMPT) and `POST /api/admin/push-test`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_SECRET, Harness, waitingEvent } from '../../test/support/transportHarness.js';
import type { TestClient } from '../../test/support/testClient.js';

const APNS_TOKEN = 'ab'.repeat(32);
const SUBSCRIPTION = JSON.stringify({ endpoint: 'https://push.example.net/send/abc', keys: { p256dh: 'BPk', auth: 'q1w' } });

async function rpc(client: TestClient, method: string, params?: unknown, id: number | string = 1): Promise<Record<string, any>> {
  client.send({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });
  for (;;) {
    const message = (await client.next()) as Record<string, any>;
    if (message.jsonrpc === '2.0' && message.id === id) return message;
  }
}

describe('JSON-RPC 2.0 device methods', () => {
  let harness: Harness;
  beforeEach(async () => (harness = await Harness.start()));
  afterEach(() => harness.stop());

  it('registers, lists and unregisters a device; several registrations per device', async () => {
    const phone = await harness.connectDevice();
    const registered = await rpc(phone, 'device/register', {
      device_token: APNS_TOKEN, device_id: 'iphone-uuid', device_name: 'iPhone 15 Pro', app_version: '1.0.0', os_version: 'iOS 17.2', environment: 'production',
    });
    expect(registered).toEqual({ jsonrpc: '2.0', id: 1, result: { registered: true, device_id: 'iphone-uuid' } });
    expect(harness.pushTokens[0].registration).toMatchObject({ token: APNS_TOKEN, token_type: 'apns', platform: 'ios', environment: 'production', device_id: 'iphone-uuid' });
    await rpc(phone, 'device/register', { device_token: 'ExponentPushToken[xyz]', device_id: 'iphone-uuid' }, 2);
    expect(harness.pushTokens[1].registration.token_type).toBe('expo');
    const listed = await rpc(phone, 'device/list', {}, 3);
    expect(listed.result.devices).toEqual([
      expect.objectContaining({ device_id: 'iphone-uuid', device_name: 'iPhone 15 Pro', app_version: '1.0.0', token_types: ['apns', 'expo'] }),
    ]);
    expect(typeof listed.result.devices[0].registered_at).toBe('string');
    expect(typeof listed.result.devices[0].last_seen).toBe('string');
    expect(await rpc(phone, 'device/unregister', { device_id: 'iphone-uuid' }, 4)).toMatchObject({ result: { unregistered: true } });
    expect(harness.devices.list()).toEqual([]);
  });

  it('another paired device cannot see or take over a device', async () => {
    const first = await harness.connectDevice();
    await rpc(first, 'device/register', { device_token: APNS_TOKEN, device_id: 'iphone-uuid' });
    const second = await harness.connectDevice();
    expect((await rpc(second, 'device/list')).result.devices).toEqual([]);
    const refused = await rpc(second, 'device/unregister', { device_id: 'iphone-uuid' }, 2);
    expect(refused.error).toMatchObject({ code: -32000, data: { code: 'UNAUTHORIZED' } });
    expect(harness.devices.list()).toHaveLength(1);
  });

  it('answers with JSON-RPC error codes', async () => {
    const phone = await harness.connectDevice();
    phone.send('{"jsonrpc": "2.0", "method": ');
    expect(await phone.next()).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    phone.send({ jsonrpc: '2.0', id: 7, method: 42 });
    expect((await phone.next()) as any).toMatchObject({ id: 7, error: { code: -32600 } });
    expect((await rpc(phone, 'device/explode', {}, 8)).error.code).toBe(-32601);
    expect((await rpc(phone, 'device/register', { device_id: 'x' }, 9)).error).toMatchObject({ code: -32602, data: { code: 'BAD_MESSAGE' } });
    const badToken = await rpc(phone, 'device/register', { device_token: 'bad', device_id: 'x', token_type: 'apns' }, 10);
    expect(badToken.error).toMatchObject({ code: -32602, data: { code: 'INVALID_TOKEN' } });
    // A notification (no id) gets no answer; a batch gets an array.
    phone.send([{ jsonrpc: '2.0', method: 'device/list' }, { jsonrpc: '2.0', id: 'b', method: 'device/list' }]);
    expect(await phone.next()).toEqual([{ jsonrpc: '2.0', id: 'b', result: { devices: [] } }]);
  });

  it("checks each request against the device's rights (scopes.ts): without view, nothing is read or stored", async () => {
    const { token } = harness.devices.pair({ device_name: 'answer only', scopes: ['answer'] });
    const limited = await harness.connect(token);
    harness.sessions.waiting.set('s1', waitingEvent('s1'));
    for (const [id, method, params] of [
      [1, 'permission/pending', {}],
      [2, 'device/list', {}],
      [3, 'device/register', { device_token: APNS_TOKEN, device_id: 'iphone-uuid' }],
      [4, 'device/preferences', { device_id: 'iphone-uuid' }],
    ] as const) {
      expect((await rpc(limited, method, params, id)).error, method).toMatchObject({ code: -32000, data: { code: 'FORBIDDEN' } });
    }
    expect(harness.pushTokens).toEqual([]);
    // An unknown method stays -32601, whatever the rights.
    expect((await rpc(limited, 'device/explode', {}, 5)).error.code).toBe(-32601);
  });

  it('lists the live prompts with permission/pending', async () => {
    const phone = await harness.connectDevice();
    harness.sessions.waiting.set('s1', waitingEvent('s1'));
    expect((await rpc(phone, 'permission/pending')).result).toEqual({ prompts: [waitingEvent('s1')] });
  });

  it('stores preferences with device/preferences', async () => {
    const phone = await harness.connectDevice();
    await rpc(phone, 'device/register', { device_token: APNS_TOKEN, device_id: 'iphone-uuid' });
    const set = await rpc(phone, 'device/preferences', { device_id: 'iphone-uuid', quiet_hours: { start: '22:00', end: '07:00', time_zone: 'Europe/Berlin' }, wait_types: { awaiting_response: false } }, 2);
    expect(set.result.preferences).toEqual({ quiet_hours: { start: '22:00', end: '07:00', time_zone: 'Europe/Berlin' }, wait_types: { awaiting_response: false } });
    expect(harness.devices.preferences('iphone-uuid')).toEqual(set.result.preferences);
    const bad = await rpc(phone, 'device/preferences', { device_id: 'iphone-uuid', quiet_hours: { start: '25:00', end: '07:00' } }, 3);
    expect(bad.error.code).toBe(-32602);
  });

  it('typed messages that mention jsonrpc in text still go to the typed protocol', async () => {
    const phone = await harness.connectDevice();
    phone.send({ type: 'send_input', request_id: 'r', session_id: 's1', text: '{"jsonrpc": "2.0"}' });
    expect(await phone.nextOfType('ack')).toEqual({ type: 'ack', request_id: 'r' });
  });
});

describe('app_state and Live Activity registration', () => {
  let harness: Harness;
  beforeEach(async () => (harness = await Harness.start()));
  afterEach(() => harness.stop());

  it('forwards app_state from paired sockets, never from the admin socket, and reports gone on close', async () => {
    const phone = await harness.connectDevice();
    phone.send({ type: 'app_state', request_id: 'a', state: 'active', session_id: 's1' });
    await phone.nextOfType('ack');
    const admin = await harness.connect(ADMIN_SECRET);
    admin.send({ type: 'app_state', request_id: 'b', state: 'active', session_id: 's1' });
    await admin.nextOfType('ack');
    expect(harness.appStates).toEqual([expect.objectContaining({ state: 'active', session_id: 's1' })]);
    await phone.close();
    for (let i = 0; i < 50 && harness.appStates.length < 2; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(harness.appStates[1]).toMatchObject({ state: 'gone', connection_id: harness.appStates[0].connection_id });
  });

  it('takes a live_activity token only with session_id and platform ios', async () => {
    const phone = await harness.connectDevice();
    phone.send({ type: 'register_push_token', request_id: 'x', token: APNS_TOKEN, token_type: 'live_activity', platform: 'ios' });
    expect(await phone.nextOfType('error')).toMatchObject({ code: 'BAD_MESSAGE', request_id: 'x' });
    phone.send({ type: 'register_push_token', request_id: 'y', token: APNS_TOKEN, token_type: 'live_activity', platform: 'ios', session_id: 's1' });
    await phone.nextOfType('ack');
    expect(harness.pushTokens[0].registration).toMatchObject({ token_type: 'live_activity', session_id: 's1' });
  });

  it('broadcasts push_result to every socket', async () => {
    const phone = await harness.connectDevice();
    const result = { type: 'push_result', prompt_id: 'p1', device_id: 'd', provider: 'apns', result: { status: 'sent' }, timestamp: 't' } as const;
    harness.transport.broadcast(result);
    expect(await phone.nextOfType('push_result')).toEqual(result);
  });
});

describe('push HTTP routes', () => {
  let harness: Harness;
  beforeEach(async () => (harness = await Harness.start()));
  afterEach(() => harness.stop());

  const ENDPOINT = 'https://push.example.net/send/abc';

  /** Registers the subscription and mints the secret a push to it for s1/p1 would carry. */
  function pushedSecret(promptId = 'p1'): string {
    harness.devices.add({ device_id: 'browser', token: SUBSCRIPTION, token_type: 'webpush', platform: 'web', registered_at: '2026-01-01T00:00:00.000Z' });
    return harness.actionSecrets.issue({ device_id: 'browser', token: SUBSCRIPTION, session_id: 's1', prompt_id: promptId });
  }

  it('applies a notification action with the push secret, once', async () => {
    const secret = pushedSecret();
    harness.sessions.waiting.set('s1', waitingEvent('s1'));
    const reply = await harness.post('/api/push/action', { action_secret: secret, device_token: ENDPOINT, session_id: 's1', prompt_id: 'p1', action: 'allow_session' });
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ applied: true });
    expect(harness.sessions.calls.find((call) => call.method === 'answerApproval')?.args).toEqual(['s1', 'p1', 'yes_always', { senderId: expect.any(String) }]);
    const replayed = await harness.post('/api/push/action', { action_secret: secret, session_id: 's1', prompt_id: 'p1', action: 'deny' });
    expect(replayed.status).toBe(401);
    expect(harness.sessions.calls.filter((call) => call.method === 'answerApproval')).toHaveLength(1);
  });

  it('refuses the endpoint and ids alone (what logs and provider payloads show), a foreign secret and a foreign endpoint', async () => {
    const secret = pushedSecret();
    harness.sessions.waiting.set('s1', waitingEvent('s1'));
    const noSecret = await harness.post('/api/push/action', { device_token: ENDPOINT, session_id: 's1', prompt_id: 'p1', action: 'allow' });
    expect(noSecret.status).toBe(400);
    const guessed = await harness.post('/api/push/action', { action_secret: 'x'.repeat(43), device_token: ENDPOINT, session_id: 's1', prompt_id: 'p1', action: 'allow' });
    expect(((await guessed.json()) as any).error.code).toBe('UNAUTHORIZED');
    const otherPrompt = pushedSecret('p0');
    expect((await harness.post('/api/push/action', { action_secret: otherPrompt, session_id: 's1', prompt_id: 'p1', action: 'allow' })).status).toBe(401);
    expect((await harness.post('/api/push/action', { action_secret: secret, device_token: 'https://push.example.net/send/other', session_id: 's1', prompt_id: 'p1', action: 'allow' })).status).toBe(401);
    expect(harness.sessions.calls.some((call) => call.method === 'answerApproval')).toBe(false);
  });

  it('takes the push seed’s action identifiers (ALLOW_ACTION, ALLOW_SESSION_ACTION, DENY_ACTION), each with its own secret', async () => {
    harness.sessions.waiting.set('s1', waitingEvent('s1'));
    for (const [action, response] of [['ALLOW_ACTION', 'yes'], ['ALLOW_SESSION_ACTION', 'yes_always'], ['DENY_ACTION', 'no']]) {
      const reply = await harness.post('/api/push/action', { action_secret: pushedSecret(), session_id: 's1', prompt_id: 'p1', action });
      expect(reply.status).toBe(200);
      expect(harness.sessions.calls.filter((call) => call.method === 'answerApproval').at(-1)?.args.slice(0, 3)).toEqual(['s1', 'p1', response]);
    }
    expect((await harness.post('/api/push/action', { session_id: 's1', prompt_id: 'p1', action: 'ALLOW_ACTION' })).status).toBe(400);
  });

  it('accepts the whole subscription as device_token', async () => {
    const secret = pushedSecret();
    harness.sessions.waiting.set('s1', waitingEvent('s1'));
    const reply = await harness.post('/api/push/action', { action_secret: secret, device_token: JSON.parse(SUBSCRIPTION), session_id: 's1', prompt_id: 'p1', action: 'deny' });
    expect(reply.status).toBe(200);
  });

  it('answers 409 STALE_PROMPT when the prompt is no longer live, 401 once the registration is gone', async () => {
    const stale = await harness.post('/api/push/action', { action_secret: pushedSecret(), session_id: 's1', prompt_id: 'p1', action: 'allow' });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as any).error.code).toBe('STALE_PROMPT');
    const secret = pushedSecret();
    harness.devices.removeToken(SUBSCRIPTION);
    harness.sessions.waiting.set('s1', waitingEvent('s1'));
    expect((await harness.post('/api/push/action', { action_secret: secret, session_id: 's1', prompt_id: 'p1', action: 'allow' })).status).toBe(401);
  });

  it('answers 400 for a bad action and counts wrong secrets towards their own limit', async () => {
    const secret = pushedSecret();
    harness.sessions.waiting.set('s1', waitingEvent('s1'));
    const bad = await harness.post('/api/push/action', { action_secret: secret, session_id: 's1', prompt_id: 'p1', action: 'maybe' });
    expect(bad.status).toBe(400);
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await harness.post('/api/push/action', { action_secret: `guess${attempt}`, session_id: 's1', prompt_id: 'p1', action: 'allow' })).status).toBe(401);
    }
    expect((await harness.post('/api/push/action', { action_secret: secret, session_id: 's1', prompt_id: 'p1', action: 'allow' })).status).toBe(429);
    const { code } = harness.pairing.issue();
    expect((await harness.post('/api/pair', { code, device_name: 'still pairs' })).status).toBe(200);
  });

  it('runs a push test for the admin only', async () => {
    harness.pushTestResults = [{ prompt_id: 'test-1', device_id: 'd', provider: 'apns', result: { status: 'sent', attempt: 0 }, timestamp: 't' }];
    const refused = await harness.post('/api/admin/push-test', {}, { authorization: 'Bearer nope' });
    expect(refused.status).toBe(401);
    const reply = await harness.post('/api/admin/push-test', { device_id: 'd' }, { authorization: `Bearer ${ADMIN_SECRET}` });
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ results: harness.pushTestResults });
    expect(harness.pushTests).toEqual(['d']);
  });
});
