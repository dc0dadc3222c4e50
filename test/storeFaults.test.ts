/**
 * The data dir full or read-only (issue 10, faults): store writes fail with STORE_WRITE_FAILED,
 * what was stored stays loadable and unchanged, the push history survives a torn append, and
 * a running daemon answers the failed pairing with the coded error and keeps serving.
 * Uses a real tmpfs in a private mount namespace (test/support/smallDisk.ts).
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TetherError } from '../src/common/index.js';
import { DeviceStore } from '../src/store/deviceStore.js';
import { PushHistory } from '../src/push/deliveryReport.js';
import type { PushDeliveryReport } from '../src/push/deliveryReport.js';
import { startDaemon } from '../src/daemon.js';
import { configSchema } from '../src/store/config.js';
import { silentLogger } from '../src/log.js';
import { mountSmallDisk, smallDiskUnavailable } from './support/smallDisk.js';
import type { SmallDisk } from './support/smallDisk.js';

const unavailable = smallDiskUnavailable();
const disks: SmallDisk[] = [];
afterEach(() => disks.splice(0).forEach((disk) => disk.dispose()));

async function disk(): Promise<{ disk: SmallDisk; dataDir: string }> {
  const mounted = await mountSmallDisk(256);
  disks.push(mounted);
  const dataDir = join(mounted.path, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  return { disk: mounted, dataDir };
}

function report(index: number): PushDeliveryReport {
  return { prompt_id: `p${index}`, device_id: 'phone', provider: 'apns', result: { status: 'sent', attempt: 0 }, timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString() };
}

function expectStoreWriteFailed(action: () => unknown, reason: RegExp): void {
  let thrown: unknown;
  try {
    action();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(TetherError);
  expect(thrown).toMatchObject({ code: 'STORE_WRITE_FAILED', message: expect.stringMatching(reason) });
}

describe.skipIf(unavailable !== undefined)(`a full or read-only data dir${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  it('refuses new devices and tokens with STORE_WRITE_FAILED and loses nothing stored', async () => {
    const { disk: small, dataDir } = await disk();
    const store = new DeviceStore(dataDir);
    const paired = [store.pair({ device_name: 'one' }), store.pair({ device_name: 'two' })];
    store.add({ device_id: paired[0].device.device_id, token: 'a'.repeat(64), token_type: 'apns', platform: 'ios', registered_at: '2026-01-01T00:00:00.000Z' });
    small.fill();
    expectStoreWriteFailed(() => store.pair({ device_name: 'three' }), /disk is full \(ENOSPC\)/);
    expectStoreWriteFailed(() => store.add({ device_id: 'x', token: 'b'.repeat(64), token_type: 'apns', platform: 'ios', registered_at: '2026-01-01T00:00:00.000Z' }), /ENOSPC/);
    expectStoreWriteFailed(() => store.remove(paired[1].device.device_id), /ENOSPC/);
    expect(store.listDevices().map((device) => device.device_name)).toEqual(['one', 'two']);
    const reloaded = new DeviceStore(dataDir);
    expect(reloaded.listDevices().map((device) => device.device_name)).toEqual(['one', 'two']);
    expect(reloaded.authenticate(paired[1].token)?.device_name).toBe('two');
    expect(reloaded.list().map((registration) => registration.token)).toEqual(['a'.repeat(64)]);
    expect(readdirSync(dataDir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    small.free();
    store.pair({ device_name: 'three' });
    expect(new DeviceStore(dataDir).listDevices()).toHaveLength(3);
  });

  it('refuses writes on a read-only data dir and still loads', async () => {
    const { disk: small, dataDir } = await disk();
    const store = new DeviceStore(dataDir);
    store.pair({ device_name: 'one' });
    small.setReadOnly(true);
    expectStoreWriteFailed(() => store.pair({ device_name: 'two' }), /read-only \(EROFS\)/);
    expect(new DeviceStore(dataDir).listDevices().map((device) => device.device_name)).toEqual(['one']);
    small.setReadOnly(false);
  });

  it('keeps every complete push report across a full disk', async () => {
    const { disk: small, dataDir } = await disk();
    const path = join(dataDir, 'push-history.jsonl');
    const history = new PushHistory(path);
    history.append(report(1));
    small.fill();
    // Past the free room of the file's last page: one append is torn, the rest fail.
    for (let i = 2; i <= 60; i++) history.append(report(i));
    small.free();
    history.append(report(61));
    const loaded = new PushHistory(path).recent().map((entry) => entry.prompt_id);
    expect(loaded).toContain('p1');
    expect(loaded).toContain('p61');
    expect(readFileSync(path, 'utf8').split('\n').filter((line) => line.includes('"p61"'))).toHaveLength(1);
  });

  it('answers a pairing on a full disk with the coded error and keeps serving', async () => {
    const { disk: small, dataDir } = await disk();
    const daemon = await startDaemon({ config: configSchema.parse({ push: { enabled: false } }), dataDir, port: 0, log: silentLogger });
    try {
      const admin = JSON.parse(readFileSync(join(dataDir, 'daemon.json'), 'utf8')) as { admin_secret: string };
      small.fill();
      const codeReply = await fetch(`${daemon.url}/api/admin/pairing-code`, { method: 'POST', headers: { authorization: `Bearer ${admin.admin_secret}` } });
      const { code } = (await codeReply.json()) as { code: string };
      const pairReply = await fetch(`${daemon.url}/api/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, device_name: 'phone' }) });
      expect(((await pairReply.json()) as { error: { code: string } }).error.code).toBe('STORE_WRITE_FAILED');
      expect((await fetch(`${daemon.url}/healthz`)).status).toBe(200);
    } finally {
      small.free();
      await daemon.stop();
    }
  });
});
