import { describe, expect, it } from 'vitest';
import { OutputRing } from './outputRing.js';

describe('OutputRing', () => {
  it('keeps everything under its bound, with offsets', () => {
    const ring = new OutputRing(100);
    ring.push('abc');
    ring.push('def');
    expect(ring.replay()).toEqual({ checkpoint: undefined, from: 0, chunks: ['abc', 'def'], gap: false });
    expect(ring.end).toBe(6);
  });

  it('drops the oldest chunks past the bound and says a gap opened', () => {
    const ring = new OutputRing(10);
    for (const chunk of ['aaaa', 'bbbb', 'cccc', 'dddd']) ring.push(chunk);
    const replay = ring.replay();
    expect(replay.chunks.join('')).toBe('ccccdddd');
    expect(replay.from).toBe(8);
    expect(replay.gap).toBe(true);
  });

  it('replays from a checkpoint: the screen, then only the output after it, even mid-chunk', () => {
    const ring = new OutputRing(100);
    ring.push('hello ');
    ring.push('world');
    ring.checkpoint({ offset: 8, screen: 'SCREEN' });
    ring.push('!');
    const replay = ring.replay();
    expect(replay.checkpoint).toEqual({ offset: 8, screen: 'SCREEN' });
    expect(replay.from).toBe(8);
    expect(replay.chunks.join('')).toBe('rld!');
    expect(replay.gap).toBe(false);
  });

  it('ignores a checkpoint past the end or older than the one it has', () => {
    const ring = new OutputRing(100);
    ring.push('abcdef');
    ring.checkpoint({ offset: 99, screen: 'future' });
    ring.checkpoint({ offset: 4, screen: 'four' });
    ring.checkpoint({ offset: 2, screen: 'two' });
    expect(ring.replay().checkpoint?.screen).toBe('four');
    expect(ring.replay().chunks.join('')).toBe('ef');
  });
});
