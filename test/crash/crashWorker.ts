/**
 * The process the crash loop kills: it writes the store as fast as it can (pairs devices,
 * registers and drops push tokens, sets preferences, appends push reports, rewrites the daemon
 * file) and acknowledges each addition on stdout only after the write call returned (a removal
 * before it), so the loop knows what must survive a `kill -9`.
 * Run: `node dist/test/crash/crashWorker.js <dataDir> <seed>`.
 */
import { writeSync } from 'node:fs';
import { join } from 'node:path';
import { DeviceStore } from '../../src/store/deviceStore.js';
import { writeFileAtomicSync } from '../../src/store/atomicFile.js';
import { PushHistory, historyPath } from '../../src/push/deliveryReport.js';

/** The file the worker rewrites as "the config" (the daemon's own file, like daemon.json). */
export const CRASH_CONFIG_FILE = 'daemon.json';

/** A small deterministic PRNG (mulberry32), so a run is reproducible from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function ack(line: string): void {
  writeSync(1, `${line}\n`);
}

function main(dataDir: string, seed: number): void {
  const random = seededRandom(seed);
  const store = new DeviceStore(dataDir);
  const history = new PushHistory(historyPath(dataDir));
  ack('ready');
  for (let step = 0; ; step++) {
    const choice = random();
    const id = `${seed}-${step}`;
    if (choice < 0.3) {
      const { device, token } = store.pair({ device_name: `device ${id}` });
      ack(`paired ${device.device_id} ${token}`);
    } else if (choice < 0.5) {
      const token = `token-${id}`;
      store.add({ device_id: `device-${id}`, token, token_type: 'apns', platform: 'ios', registered_at: new Date().toISOString() });
      ack(`token ${token}`);
    } else if (choice < 0.55) {
      const victim = store.list()[0];
      if (victim === undefined) continue;
      // Announced before the write: a kill between the write and an acknowledgement after it
      // would leave the loop expecting a token that was rightly removed.
      ack(`untoken ${victim.token}`);
      store.removeToken(victim.token);
    } else if (choice < 0.65) {
      const device = store.listDevices()[0];
      if (device === undefined) continue;
      store.setPreferences(device.device_id, { wait_types: { awaiting_response: step % 2 === 0 } });
    } else if (choice < 0.85) {
      history.append({ prompt_id: `prompt-${id}`, device_id: 'phone', provider: 'apns', result: { status: 'sent', attempt: 0 }, timestamp: new Date().toISOString() });
      ack(`history prompt-${id}`);
    } else {
      writeFileAtomicSync(join(dataDir, CRASH_CONFIG_FILE), `${JSON.stringify({ pid: process.pid, step: id, padding: 'x'.repeat(Math.floor(random() * 8192)) }, null, 2)}\n`);
      ack(`config ${id}`);
    }
  }
}

const [dataDir, seed] = process.argv.slice(2);
if (dataDir !== undefined && import.meta.url.endsWith(process.argv[1]?.split('/').pop() ?? '')) main(dataDir, Number(seed ?? 1));
