import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DRIFT_SAMPLE_MAX } from '../common/index.js';
import { mountSmallDisk, smallDiskUnavailable } from '../../test/support/smallDisk.js';
import { DRIFT_FILE, DriftStore, readDriftFile } from './driftStore.js';

const unavailable = smallDiskUnavailable();

let dataDir: string;
let now: number;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tether-drift-'));
  now = Date.parse('2026-12-01T10:00:00Z');
});
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const store = (log?: (level: string, message: string, fields?: Record<string, unknown>) => void) =>
  new DriftStore(dataDir, { now: () => now, writeDelayMs: 0, ...(log ? { log } : {}) });

describe('DriftStore', () => {
  it('counts per CLI, version and kind, with first/last seen and the latest sample, and logs each report', () => {
    const lines: Array<[string, Record<string, unknown> | undefined]> = [];
    const drift = store((_level, message, fields) => lines.push([message, fields]));
    drift.recordDrift({ cli: 'qwen', cliVersion: '0.24.4', kind: 'fallback_prompt', sample: 'tool_approval: Allow?' });
    now += 60_000;
    drift.recordDrift({ cli: 'qwen', cliVersion: '0.24.4', kind: 'fallback_prompt', sample: 'tool_approval: Allow rm?' });
    drift.recordDrift({ cli: 'qwen', kind: 'fallback_prompt' });
    drift.recordDrift({ cli: 'codex', cliVersion: '0.171.0', kind: 'unverified_version' });
    const records = drift.list();
    expect(records.map((r) => [r.cli, r.cli_version, r.kind, r.count])).toEqual([
      ['codex', '0.171.0', 'unverified_version', 1],
      ['qwen', 'unknown', 'fallback_prompt', 1],
      ['qwen', '0.24.4', 'fallback_prompt', 2],
    ]);
    expect(records[2]).toMatchObject({ first_seen: '2026-12-01T10:00:00.000Z', last_seen: '2026-12-01T10:01:00.000Z', sample: 'tool_approval: Allow rm?' });
    expect(lines).toHaveLength(4);
    expect(lines[1]).toEqual(['drift', expect.objectContaining({ cli: 'qwen', cli_version: '0.24.4', count: 2 })]);
  });

  it('persists the counts in the data dir and goes on counting after a restart', () => {
    store().recordDrift({ cli: 'codex', cliVersion: '0.171.0', kind: 'fallback_prompt', sample: 'x' });
    const again = store();
    again.recordDrift({ cli: 'codex', cliVersion: '0.171.0', kind: 'fallback_prompt' });
    expect(readDriftFile(dataDir)).toEqual([expect.objectContaining({ count: 2, sample: 'x' })]);
  });

  it('cuts samples to DRIFT_SAMPLE_MAX characters on one line', () => {
    const drift = store();
    drift.recordDrift({ cli: 'codex', kind: 'k', sample: `a\n\n  b ${'x'.repeat(400)}` });
    const sample = drift.list()[0].sample;
    expect(Array.from(sample)).toHaveLength(DRIFT_SAMPLE_MAX);
    expect(sample.startsWith('a b x')).toBe(true);
    expect(sample.endsWith('…')).toBe(true);
  });

  it('starts empty from a malformed file and skips malformed entries', () => {
    writeFileSync(join(dataDir, DRIFT_FILE), '{not json');
    expect(store().list()).toEqual([]);
    writeFileSync(join(dataDir, DRIFT_FILE), JSON.stringify({ version: 1, records: [{ cli: 'qwen' }, { cli: 'qwen', cli_version: '1', kind: 'k', count: 3, first_seen: 'a', last_seen: 'b', sample: '' }] }));
    expect(store().list().map((r) => r.count)).toEqual([3]);
  });


  it.skipIf(unavailable !== undefined)('never throws on a read-only data dir (real tmpfs); logs the failure once and keeps counting', async () => {
    const disk = await mountSmallDisk(64);
    try {
      const lines: string[] = [];
      const drift = new DriftStore(disk.path, { writeDelayMs: 0, log: (_level, message) => lines.push(message) });
      disk.setReadOnly(true);
      expect(() => drift.recordDrift({ cli: 'qwen', kind: 'k' })).not.toThrow();
      drift.recordDrift({ cli: 'qwen', kind: 'k' });
      expect(lines.filter((l) => l === 'drift counts not saved')).toHaveLength(1);
      expect(drift.list()[0].count).toBe(2);
      disk.setReadOnly(false);
      drift.recordDrift({ cli: 'qwen', kind: 'k' });
      expect(readDriftFile(disk.path)[0].count).toBe(3);
    } finally {
      disk.dispose();
    }
  });

  it('batches writes: one write after the delay, and dispose writes what is pending', async () => {
    const drift = new DriftStore(dataDir, { writeDelayMs: 20 });
    drift.recordDrift({ cli: 'qwen', kind: 'k' });
    drift.recordDrift({ cli: 'qwen', kind: 'k' });
    expect(readDriftFile(dataDir)).toEqual([]);
    drift.dispose();
    expect(JSON.parse(readFileSync(join(dataDir, DRIFT_FILE), 'utf8')).records[0].count).toBe(2);
  });
});
