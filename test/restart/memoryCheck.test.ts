/**
 * The restart loop's memory verdict passes the flat memory measured in 50 restarts and fails the
 * growth it is there to catch: a small per-restart leak, memory outside the heap, a growing data
 * dir, and the scrollback still filling (what the loop measured before its sessions were prefilled).
 */
import { describe, expect, it } from 'vitest';
import { hostVerdict, LIVE_SLACK_BYTES, memoryVerdict } from './memoryCheck.js';
import type { LifeMemory } from './memoryCheck.js';

const MB = 1e6;
/** 51 lives like `restartLoop.js 50` measured: rss 165–176 MB, heap 38.5–39.0 MB, buffers 25.0–26.6 MB. */
function measured(lives = 51, extra: (life: number) => Partial<LifeMemory> = () => ({})): LifeMemory[] {
  return Array.from({ length: lives }, (_, life) => ({
    rss: (170 + 5 * Math.sin(life * 1.7)) * MB,
    heapUsed: (38.7 + 0.25 * Math.sin(life * 2.3)) * MB,
    arrayBuffers: (life === 0 ? 25.0 : 26.3 + 0.3 * Math.cos(life * 1.1)) * MB,
    ...extra(life),
  }));
}

describe('memoryVerdict', () => {
  it('passes memory that stays flat across restarts, and a data dir that keeps its size', () => {
    expect(memoryVerdict(measured(), Array(51).fill(1012))).toEqual([]);
  });

  it('fails a leak of 64 KB a restart (one session ring held once more per life)', () => {
    const lives = measured(51, (life) => ({ heapUsed: (38.7 * MB) + life * 64 * 1024 }));
    expect(memoryVerdict(lives)).toEqual([expect.stringMatching(/^daemon live memory \(heap \+ buffers after GC\) grew/)]);
  });

  it('passes a rise within the slack, fails one just past it', () => {
    const step = (rise: number) => measured(51, (life) => ({ heapUsed: 38.7 * MB + (life > 25 ? rise : 0) }));
    expect(memoryVerdict(step(LIVE_SLACK_BYTES * 0.9))).toEqual([]);
    expect(memoryVerdict(step(LIVE_SLACK_BYTES * 1.1))).toHaveLength(1);
  });

  it('fails RSS that grows while the heap does not (memory outside V8)', () => {
    const lives = measured(51, (life) => ({ rss: (170 + life * 0.5) * MB }));
    expect(memoryVerdict(lives)).toEqual([expect.stringMatching(/^daemon RSS grew/)]);
  });

  it('fails screens still filling their scrollback (the sessions were not prefilled)', () => {
    // Before the prefill: buffers rose 1.4 → 21.8 MB over the first 12 lives, then with the slow session.
    const lives = measured(51, (life) => ({ arrayBuffers: Math.min(21.8, 1.4 + life * 1.7) * MB, rss: (127 + Math.min(35, life * 3)) * MB }));
    expect(memoryVerdict(lives)).toEqual([expect.stringMatching(/^daemon live memory/), expect.stringMatching(/^daemon RSS grew/)]);
  });

  it('fails a data dir that grows', () => {
    expect(memoryVerdict(measured(), Array.from({ length: 51 }, (_, life) => 1012 + life * 200))).toEqual([expect.stringMatching(/^data dir grew: 1212 → 11012 bytes/)]);
  });

  it('gives no verdict on a short slice', () => {
    expect(memoryVerdict(measured(10, (life) => ({ heapUsed: life * 10 * MB })))).toEqual([]);
  });
});

describe('hostVerdict', () => {
  /** Four hosts like `--probe` measured: 8.7 MB at life 2, levelling off at 9.1 MB by life 25; one with a fold screen now and then. */
  const hosts = (leak: (life: number) => number) =>
    Array.from({ length: 51 }, (_, life) =>
      Array.from({ length: 4 }, (_, host) => ({
        rss: 62 * MB,
        heapUsed: (7.6 + Math.min(1.5, life === 0 ? 0 : 1.1 + life * 0.016)) * MB + (host === 2 && life % 17 === 0 ? 0.5 * MB : 0) + (host === 1 ? leak(life) : 0),
        arrayBuffers: host === 2 && life % 17 === 0 ? 0.4 * MB : 0,
      })),
    );

  it('passes hosts whose memory levels off', () => {
    expect(hostVerdict(hosts(() => 0))).toEqual([]);
  });

  it('fails the host that keeps 32 KB more per attach', () => {
    expect(hostVerdict(hosts((life) => life * 32 * 1024))).toEqual([expect.stringMatching(/^session host 2's live memory/)]);
  });

  it('gives no verdict without the probe', () => {
    expect(hostVerdict([])).toEqual([]);
  });
});
