import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TetherError } from '../common/index.js';
import { DeviceStore, hashToken } from './deviceStore.js';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tether-devices-'));
});
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('DeviceStore', () => {
  it('pairs a device with a long random token and stores only its hash', () => {
    const store = new DeviceStore(dataDir);
    const { device, token } = store.pair({ device_name: 'Pixel', platform: 'android' });
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(device.token_hash).toBe(hashToken(token));
    const text = readFileSync(store.path, 'utf8');
    expect(text).not.toContain(token);
    expect(text).toContain(device.token_hash);
  });

  it('authenticates the token and nothing else', () => {
    const store = new DeviceStore(dataDir);
    const first = store.pair({ device_name: 'a' });
    const second = store.pair({ device_name: 'b' });
    expect(store.authenticate(first.token)?.device_id).toBe(first.device.device_id);
    expect(store.authenticate(second.token)?.device_id).toBe(second.device.device_id);
    expect(store.authenticate(`${first.token}x`)).toBeUndefined();
    expect(store.authenticate('')).toBeUndefined();
  });

  it('persists devices and push registrations across instances', () => {
    const store = new DeviceStore(dataDir);
    const { device, token } = store.pair({ device_name: 'iPhone', platform: 'ios' });
    store.add({
      device_id: device.device_id,
      token: 'apns-token',
      token_type: 'apns',
      platform: 'ios',
      environment: 'sandbox',
      registered_at: new Date().toISOString(),
    });
    const reopened = new DeviceStore(dataDir);
    expect(reopened.authenticate(token)?.device_name).toBe('iPhone');
    expect(reopened.list().map((registration) => registration.token)).toEqual(['apns-token']);
  });

  it('replaces a registration with the same token and removes tokens', () => {
    const store = new DeviceStore(dataDir);
    const base = { device_id: 'd', token_type: 'fcm' as const, platform: 'android', registered_at: 'x' };
    store.add({ ...base, token: 't1' });
    store.add({ ...base, token: 't1', platform: 'android-2' });
    store.add({ ...base, token: 't2' });
    expect(store.list().map((registration) => registration.platform)).toEqual(['android-2', 'android']);
    store.removeToken('t1');
    store.removeToken('unknown');
    expect(new DeviceStore(dataDir).list().map((registration) => registration.token)).toEqual(['t2']);
  });

  it('removes a device with its registrations', () => {
    const store = new DeviceStore(dataDir);
    const { device, token } = store.pair({ device_name: 'x' });
    store.add({ device_id: device.device_id, token: 't', token_type: 'expo', platform: 'ios', registered_at: 'x' });
    expect(store.remove(device.device_id)).toBe(true);
    expect(store.remove(device.device_id)).toBe(false);
    expect(store.authenticate(token)).toBeUndefined();
    expect(store.list()).toEqual([]);
  });

  it('writes the file 0600 and leaves no temp files', () => {
    const store = new DeviceStore(dataDir);
    store.pair({ device_name: 'x' });
    store.pair({ device_name: 'y' });
    if (process.platform !== 'win32') expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dataDir)).toEqual(['devices.json']);
  });

  it('refuses a corrupt file instead of silently forgetting devices', () => {
    writeFileSync(join(dataDir, 'devices.json'), '{oops');
    expect(() => new DeviceStore(dataDir)).toThrowError(TetherError);
  });

  it('stores the grant and expiry it was paired with; old files load with the phone scope', () => {
    const store = new DeviceStore(dataDir);
    const full = store.pair({ device_name: 'Mac', scopes: ['view', 'start_any', 'desk'], expires_at: '2030-01-01T00:00:00.000Z' });
    expect(new DeviceStore(dataDir).get(full.device.device_id)).toMatchObject({ scopes: ['view', 'start_any', 'desk'], expires_at: '2030-01-01T00:00:00.000Z' });
    expect(store.pair({ device_name: 'Pixel' }).device.scopes).toEqual(['view', 'answer', 'input', 'start']);
    const old = { device_id: 'old', device_name: 'Old dashboard', platform: 'desktop', token_hash: hashToken('t'), paired_at: 'x', last_seen: 'x' };
    writeFileSync(join(dataDir, 'devices.json'), JSON.stringify({ version: 1, devices: [old, { ...old, device_id: 'odd', scopes: ['devices', 'root', 7] }], push: [] }));
    const migrated = new DeviceStore(dataDir);
    expect(migrated.get('old')?.scopes).toEqual(['view', 'answer', 'input', 'start']);
    expect(migrated.get('odd')?.scopes).toEqual(['devices']);
  });

  it('rotates a token: the old one stops working, the new one works, the expiry moves', () => {
    const store = new DeviceStore(dataDir);
    const { device, token } = store.pair({ device_name: 'x', expires_at: '2030-01-01T00:00:00.000Z' });
    const rotated = store.rotate(device.device_id, '2031-01-01T00:00:00.000Z');
    expect(rotated?.token).not.toBe(token);
    expect(store.authenticate(token)).toBeUndefined();
    expect(new DeviceStore(dataDir).authenticate(rotated!.token)).toMatchObject({ device_id: device.device_id, expires_at: '2031-01-01T00:00:00.000Z', scopes: device.scopes });
    expect(store.rotate('nobody', undefined)).toBeUndefined();
  });

  it('keeps device names and platforms as plain labels (no newlines, ESC or bidi controls)', () => {
    const store = new DeviceStore(dataDir);
    const { device } = store.pair({ device_name: 'Evil\n2026-01-01 INFO admin paired\u001b[31m\u202eenohp', platform: 'ios\r\n' });
    expect(device.device_name).toBe('Evil 2026-01-01 INFO admin paired [31menohp');
    expect(device.platform).toBe('ios');
    expect(store.pair({ device_name: '\u0000\u200b' }).device.device_name).toBe('device');
  });
});
