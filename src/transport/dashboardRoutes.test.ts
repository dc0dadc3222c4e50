import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCOPE_PRESETS } from '../common/index.js';
import { ADMIN_SECRET, Harness } from '../../test/support/transportHarness.js';

let harness: Harness;
beforeEach(async () => {
  harness = await Harness.start();
});
afterEach(async () => {
  await harness.stop();
});

/** Calls a dashboard route with `token` as the bearer. */
async function call(method: string, path: string, token?: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${harness.transport.url}${path}`, {
    method,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: await response.json() };
}

describe('dashboard routes (/api/web/*)', () => {
  it('let in the admin secret and devices with the devices right, refuse phones with 403 and strangers with 401', async () => {
    const desktop = harness.devices.pair({ device_name: 'Desktop dashboard', platform: 'desktop', scopes: SCOPE_PRESETS.desktop });
    const phone = harness.devices.pair({ device_name: 'Pixel', platform: 'android' });
    // Row 3: claiming the dashboard's platform grants nothing; only the login code does.
    const claimer = harness.devices.pair({ device_name: 'Claims to be a desktop', platform: 'desktop' });
    expect((await call('GET', '/api/web/devices', claimer.token)).status).toBe(403);
    expect(await call('GET', '/api/web/devices')).toEqual({ status: 401, body: { error: { code: 'UNAUTHORIZED', message: expect.any(String) } } });
    expect((await call('GET', '/api/web/devices', 'not-a-token')).status).toBe(401);
    expect(await call('GET', '/api/web/devices', phone.token)).toEqual({ status: 403, body: { error: { code: 'FORBIDDEN', message: expect.any(String) } } });

    const listed = await call('GET', '/api/web/devices', desktop.token);
    expect(listed.status).toBe(200);
    expect((listed.body as { devices: unknown[] }).devices).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ device_id: desktop.device.device_id, platform: 'desktop', current: true, scopes: SCOPE_PRESETS.desktop }),
        expect.objectContaining({ device_id: phone.device.device_id, device_name: 'Pixel', current: false }),
      ]),
    );
    expect((await call('GET', '/api/web/devices', ADMIN_SECRET)).status).toBe(200);
  });

  it('revoke a device: its token stops working, its sockets are cut, a second revoke is 404 NOT_FOUND', async () => {
    const phone = harness.devices.pair({ device_name: 'Pixel', platform: 'android' });
    const socket = await harness.connect(phone.token);
    await socket.nextOfType('sessions');
    const closed = new Promise<number>((resolve) => socket.socket.once('close', (code) => resolve(code)));
    expect(await call('DELETE', `/api/web/devices/${phone.device.device_id}`, ADMIN_SECRET)).toEqual({ status: 200, body: { revoked: phone.device.device_id } });
    expect(harness.transport.connectedClientCount()).toBe(0);
    expect([1006, 4001]).toContain(await closed);
    expect(harness.devices.authenticate(phone.token)).toBeUndefined();
    expect(await call('DELETE', `/api/web/devices/${phone.device.device_id}`, ADMIN_SECRET)).toEqual({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'no such device' } },
    });
  });

  it('mint a pairing code with its link and QR code', async () => {
    const { status, body } = await call('POST', '/api/web/pairing-code', ADMIN_SECRET);
    expect(status).toBe(200);
    const reply = body as { code: string; url: string; expires_at: string; qr_svg: string; scope: string };
    expect(reply.scope).toBe('phone');
    expect(reply.url).toBe(`http://127.0.0.1:${harness.transport.port}/pair#code=${reply.code}`);
    expect(Date.parse(reply.expires_at)).toBe(harness.now.value + 5 * 60_000);
    expect(reply.qr_svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  });

  it('count bad tokens towards the address limit, but never lock out a valid credential (the admin secret first)', async () => {
    const desktop = harness.devices.pair({ device_name: 'Desktop dashboard', scopes: SCOPE_PRESETS.desktop });
    for (let attempt = 0; attempt < 5; attempt++) expect((await call('GET', '/api/web/devices', 'guess')).status).toBe(401);
    const limited = await call('GET', '/api/web/devices', 'guess');
    expect(limited).toEqual({ status: 429, body: { error: { code: 'RATE_LIMITED', message: expect.any(String) } } });
    expect((await call('GET', '/api/web/devices', ADMIN_SECRET)).status).toBe(200);
    expect((await call('GET', '/api/web/devices', desktop.token)).status).toBe(200);
    expect(harness.transport.failedLoginCount()).toBe(5);
    expect(harness.logs.filter((entry) => entry.message === 'failed login')).toHaveLength(5);
  });

  it('answer unknown routes with 404 NOT_FOUND', async () => {
    expect(await call('GET', '/api/web/nothing', ADMIN_SECRET)).toEqual({ status: 404, body: { error: { code: 'NOT_FOUND', message: 'no route GET /api/web/nothing' } } });
  });
});
