import { describe, expect, it } from 'vitest';
import { OutputRing } from './outputRing.js';

const b = (text: string) => Buffer.from(text, 'utf8');
const text = (chunks: readonly Buffer[]) => Buffer.concat(chunks).toString('utf8');

describe('OutputRing', () => {
  it('keeps everything under its bound, with offsets', () => {
    const ring = new OutputRing(100);
    ring.push(b('abc'));
    ring.push(b('def'));
    expect(ring.replay()).toEqual({ checkpoint: undefined, from: 0, chunks: [b('abc'), b('def')], gap: false });
    expect(ring.end).toBe(6);
  });

  it('drops the oldest chunks past the bound and says a gap opened', () => {
    const ring = new OutputRing(10);
    for (const chunk of ['aaaa', 'bbbb', 'cccc', 'dddd']) ring.push(b(chunk));
    const replay = ring.replay();
    expect(text(replay.chunks)).toBe('ccccdddd');
    expect(replay.from).toBe(8);
    expect(replay.gap).toBe(true);
  });

  it('replays from a checkpoint: the screen, then only the output after it, even mid-chunk', () => {
    const ring = new OutputRing(100);
    ring.push(b('hello '));
    ring.push(b('world'));
    ring.checkpoint({ offset: 8, screen: 'SCREEN' });
    ring.push(b('!'));
    const replay = ring.replay();
    expect(replay.checkpoint).toEqual({ offset: 8, screen: 'SCREEN' });
    expect(replay.from).toBe(8);
    expect(text(replay.chunks)).toBe('rld!');
    expect(replay.gap).toBe(false);
  });

  it('ignores a checkpoint past the end or older than the one it has', () => {
    const ring = new OutputRing(100);
    ring.push(b('abcdef'));
    ring.checkpoint({ offset: 99, screen: 'future' });
    ring.checkpoint({ offset: 4, screen: 'four' });
    ring.checkpoint({ offset: 2, screen: 'two' });
    expect(ring.replay().checkpoint?.screen).toBe('four');
    expect(text(ring.replay().chunks)).toBe('ef');
  });
});

/** A fold screen that records what it was given (the real one is a HeadlessScreen: tests in test/sessionHost.test.ts). */
class TextFold {
  text = '';
  disposed = false;
  writeSync(data: string | Uint8Array): void {
    this.text += typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
  }
  serialize(): string {
    return `[${this.text}]`;
  }
  resize(): void {}
  dispose(): void {
    this.disposed = true;
  }
}

describe('OutputRing with a fold screen', () => {
  it('applies output past the bound to the fold screen, cut at a line end, so the replay has no gap', () => {
    const folds: TextFold[] = [];
    const ring = new OutputRing(10, () => {
      folds.push(new TextFold());
      return folds.at(-1);
    });
    for (const chunk of ['a1\na2', '\nb1\nb', '2\nc1\n', 'd1\nd2\n']) ring.push(b(chunk));
    const replay = ring.replay();
    expect(replay.gap).toBe(false);
    expect(folds).toHaveLength(1);
    // Every unit is either in the fold screen or in the chunks after it, once, in order.
    expect(folds[0].text + text(replay.chunks)).toBe('a1\na2\nb1\nb2\nc1\nd1\nd2\n');
    expect(folds[0].text.endsWith('\n')).toBe(true);
    expect(replay.checkpoint).toEqual({ offset: replay.from, screen: `[${folds[0].text}]` });
    expect(replay.from).toBe(folds[0].text.length);
  });

  it('starts the fold screen from the checkpoint and gives way to a newer checkpoint', () => {
    const fold = new TextFold();
    const ring = new OutputRing(6, () => fold);
    ring.push(b('abc\n'));
    ring.checkpoint({ offset: 2, screen: 'CP' });
    for (const chunk of ['def\n', 'ghi\n', 'jkl\n']) ring.push(b(chunk));
    expect(fold.text).toBe('CPc\ndef\nghi\n');
    expect(ring.replay().from).toBe(12);
    // An older checkpoint than the fold screen is ignored; a newer one replaces it.
    ring.checkpoint({ offset: 10, screen: 'old' });
    expect(ring.replay().checkpoint?.screen).toBe('[CPc\ndef\nghi\n]');
    ring.checkpoint({ offset: 14, screen: 'new' });
    expect(fold.disposed).toBe(true);
    expect(ring.replay()).toEqual({ checkpoint: { offset: 14, screen: 'new' }, from: 14, chunks: [b('l\n')], gap: false });
  });

  it('folds a chunk with no line end up to its last whole character, so the replay never starts inside one', () => {
    const fold = new TextFold();
    const ring = new OutputRing(4, () => fold);
    const euro = b('€');
    ring.push(Buffer.concat([b('ab'), euro.subarray(0, 2)]));
    ring.push(Buffer.concat([euro.subarray(2), b('cd')]));
    expect(fold.text).toBe('ab');
    const replay = ring.replay();
    expect(replay.from).toBe(2);
    expect(text(replay.chunks)).toBe('€cd');
  });

  it('holds output past the bound while the fold screen is not ready, and drops it with a gap when there will be none', () => {
    let ready: TextFold | 'later' | undefined = 'later';
    const ring = new OutputRing(4, () => ready);
    for (const chunk of ['aa\n', 'bb\n', 'cc\n']) ring.push(b(chunk));
    expect(ring.replay()).toMatchObject({ from: 0, gap: false });
    expect(text(ring.replay().chunks)).toBe('aa\nbb\ncc\n');
    ready = undefined;
    ring.push(b('dd\n'));
    expect(ring.replay()).toMatchObject({ from: 9, gap: true });
  });
});

describe('OutputRing while a daemon is attached', () => {
  it('holds up to twice its bound before folding, and folds down to it once the daemon is gone', () => {
    const folds: TextFold[] = [];
    const ring = new OutputRing(8, () => {
      folds.push(new TextFold());
      return folds.at(-1);
    });
    ring.setAttached(true);
    for (const chunk of ['a1\n', 'b1\n', 'c1\n', 'd1\n', 'e1\n']) ring.push(b(chunk));
    expect(folds).toHaveLength(0);
    expect(text(ring.replay().chunks)).toBe('a1\nb1\nc1\nd1\ne1\n');
    ring.setAttached(false);
    expect(folds[0].text).toBe('a1\nb1\nc1\n');
    expect(ring.replay()).toMatchObject({ from: 9, gap: false, chunks: [b('d1\n'), b('e1\n')] });
  });
});
