/**
 * EventHistory keeps the newest events within a byte budget and says when `since` reaches
 * back further than it holds.
 */
import { describe, expect, it } from 'vitest';
import type { PtyOutputEvent } from '../common/index.js';
import { EventHistory, eventBytes } from './eventHistory.js';

function output(seq: number, length: number): PtyOutputEvent {
  return { type: 'pty_output', session_id: 's', seq, data: 'x'.repeat(length) };
}

describe('EventHistory', () => {
  it('drops the oldest events past its byte budget, never by count', () => {
    const history = new EventHistory(10 * eventBytes(output(0, 1000)));
    for (let seq = 1; seq <= 5000; seq++) history.push(output(seq, seq <= 4990 ? 10 : 1000));
    expect(history.bytes).toBeLessThanOrEqual(10 * eventBytes(output(0, 1000)));
    expect(history.since(4990, 5000)?.map((event) => event.seq)).toEqual([4991, 4992, 4993, 4994, 4995, 4996, 4997, 4998, 4999, 5000]);
    expect(history.since(4989, 5000)).toBeUndefined();
  });

  it('keeps many small events where a count cap would have dropped them', () => {
    const history = new EventHistory(1024 * 1024);
    for (let seq = 1; seq <= 5000; seq++) history.push(output(seq, 1));
    expect(history.length).toBe(5000);
    expect(history.since(0, 5000)).toHaveLength(5000);
  });

  it('always keeps the newest event, even one larger than the budget', () => {
    const history = new EventHistory(1000);
    history.push(output(1, 10));
    history.push(output(2, 100_000));
    expect(history.since(1, 2)?.map((event) => event.seq)).toEqual([2]);
    expect(history.since(0, 2)).toBeUndefined();
  });

  it('answers [] when nothing is newer and shrinks to a lower limit', () => {
    const history = new EventHistory(1024 * 1024);
    for (let seq = 1; seq <= 100; seq++) history.push(output(seq, 1000));
    expect(history.since(100, 100)).toEqual([]);
    history.setLimit(3 * eventBytes(output(0, 1000)));
    expect(history.length).toBe(3);
    expect(history.since(97, 100)?.map((event) => event.seq)).toEqual([98, 99, 100]);
  });
});
