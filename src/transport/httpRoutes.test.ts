import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestClient } from '../../test/support/testClient.js';
import { ADMIN_SECRET, Harness } from '../../test/support/transportHarness.js';

let harness: Harness;
beforeEach(async () => {
  harness = await Harness.start();
});
afterEach(async () => {
  await harness.stop();
});

describe('HTTP', () => {
  it('answers /healthz', async () => {
    const response = await fetch(`${harness.transport.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, version: '9.9.9' });
    expect(harness.transport.url).toBe(`http://127.0.0.1:${harness.transport.port}`);
  });

  it('issues pairing codes to the admin only', async () => {
    expect((await harness.post('/api/admin/pairing-code', {})).status).toBe(401);
    expect((await harness.post('/api/admin/pairing-code', {}, { authorization: 'Bearer wrong' })).status).toBe(401);
    const response = await harness.post('/api/admin/pairing-code', {}, { authorization: `Bearer ${ADMIN_SECRET}` });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { code: string; url: string; expires_at: string };
    expect(body.url).toBe(`http://127.0.0.1:${harness.transport.port}/pair#code=${body.code}`);
    expect(Date.parse(body.expires_at)).toBe(harness.now.value + 5 * 60_000);
  });

  it('pairs with a valid code once and the token opens /ws', async () => {
    const { code } = harness.pairing.issue();
    const response = await harness.post('/api/pair', { code, device_name: 'Pixel', platform: 'android' });
    expect(response.status).toBe(200);
    const { device_id, token } = (await response.json()) as { device_id: string; token: string };
    expect(harness.devices.get(device_id)?.device_name).toBe('Pixel');
    const client = await harness.connect(token);
    expect(await client.next()).toMatchObject({ type: 'welcome', protocol_version: 1, device_id });
    const again = await harness.post('/api/pair', { code, device_name: 'Pixel' });
    expect(again.status).toBe(401);
    expect(await again.json()).toEqual({ error: { code: 'PAIRING_REJECTED', message: expect.any(String) } });
  });

  it('rejects expired codes', async () => {
    const { code } = harness.pairing.issue();
    harness.now.value += 5 * 60_000;
    expect((await harness.post('/api/pair', { code, device_name: 'x' })).status).toBe(401);
  });

  it('rate limits after five failures a minute', async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await harness.post('/api/pair', { code: 'WRONGONE', device_name: 'x' })).status).toBe(401);
    }
    const { code } = harness.pairing.issue();
    const limited = await harness.post('/api/pair', { code, device_name: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    harness.now.value += 60_001;
    expect((await harness.post('/api/pair', { code, device_name: 'x' })).status).toBe(200);
  });

  it('rejects non-JSON and oversize bodies with 400 BAD_MESSAGE', async () => {
    const notJson = await harness.post('/api/pair', 'not json');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe('BAD_MESSAGE');
    const huge = await harness.post('/api/pair', { code: 'x', device_name: 'y'.repeat(20_000) });
    expect(huge.status).toBe(400);
    expect((await harness.post('/api/pair', { code: 'x' })).status).toBe(400);
  });

  it('answers unknown routes with 404', async () => {
    expect((await fetch(`${harness.transport.url}/nope`)).status).toBe(404);
  });
});

describe('WebSocket auth', () => {
  it('answers 401 before the upgrade for a wrong header token, 400 for a token in the URL, 404 off /ws', async () => {
    const { token } = harness.devices.pair({ device_name: 'phone' });
    await expect(TestClient.connect(harness.wsUrl, { authorization: 'Bearer nope' })).rejects.toThrow(/401/);
    await expect(TestClient.connect(`${harness.wsUrl}?token=${token}`)).rejects.toThrow(/400/);
    await expect(TestClient.connect(`ws://127.0.0.1:${harness.transport.port}/other`)).rejects.toThrow(/404/);
  });

  it('accepts a device token in the header or in a first auth frame, and the admin secret', async () => {
    const { device, token } = harness.devices.pair({ device_name: 'phone' });
    const byHeader = await harness.connect(token, 'header');
    expect(await byHeader.next()).toMatchObject({ type: 'welcome', device_id: device.device_id, daemon_version: '9.9.9', scopes: ['view', 'answer', 'input', 'start'] });
    const byFrame = await harness.connect(token, 'message');
    expect(await byFrame.next()).toMatchObject({ type: 'welcome', device_id: device.device_id });
    const admin = await harness.connect(ADMIN_SECRET, 'message');
    expect(await admin.next()).toMatchObject({ type: 'welcome', device_id: 'local', scopes: ['view', 'answer', 'input', 'start', 'start_any', 'desk', 'devices'] });
    expect(harness.transport.connectedClientCount()).toBe(2);
    await byFrame.close();
    await expect.poll(() => harness.transport.connectedClientCount()).toBe(1);
  });
});
