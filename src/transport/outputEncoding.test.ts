import { describe, expect, it } from 'vitest';
import { encodeOutputData } from './outputEncoding.js';

/** What the encoder must give: JSON.stringify's body, in UTF-8. */
const expected = (text: string) => Buffer.from(JSON.stringify(text).slice(1, -1), 'utf8');

/** A deterministic pseudo-random generator (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Text mixing C0 controls, quotes, backslashes, ASCII, Latin-1, box drawing, U+2028 and astral characters. */
function terminalText(next: () => number, length: number): string {
  const pools = ['\x1b[38;5;246m', '\x00', '\x07', '\x08', '\t', '\n', '\r', '\x0c', '\x1f', '"', '\\', '/', 'a', 'Z', '~', '\x7f', 'é', '\u00a0', '─', '⎿', '❯', '\u2028', '\u2029', '😀', '\ufeff', '\uffff'];
  let text = '';
  while (text.length < length) text += pools[Math.floor(next() * pools.length)];
  return text;
}

describe('encodeOutputData', () => {
  it('gives JSON.stringify\'s body byte for byte, for every code unit below 0x100', () => {
    const all = Array.from({ length: 0x100 }, (_, code) => String.fromCharCode(code)).join('');
    expect(encodeOutputData(all).equals(expected(all))).toBe(true);
    for (let code = 0; code < 0x100; code++) {
      const text = String.fromCharCode(code);
      expect(encodeOutputData(text).toString('utf8'), `U+${code.toString(16)}`).toBe(expected(text).toString('utf8'));
    }
  });

  it('matches on random terminal text, short and longer than its scratch buffer', () => {
    const next = random(7);
    for (const length of [0, 1, 5, 100, 4096, 30_000, 200_000]) {
      const text = terminalText(next, length);
      expect(encodeOutputData(text).equals(expected(text)), `length ${length}`).toBe(true);
    }
  });

  it('escapes lone surrogates as JSON.stringify does, so a pair split across chunks joins again', () => {
    const pair = '😀';
    const [high, low] = [pair.slice(0, 1), pair.slice(1)];
    for (const text of [`a${high}`, `${low}b`, high, low, `${low}${high}`]) expect(encodeOutputData(text).toString('utf8')).toBe(expected(text).toString('utf8'));
    const joined = `"${encodeOutputData(`x${high}`).toString('utf8')}${encodeOutputData(`${low}y`).toString('utf8')}"`;
    expect(JSON.parse(joined)).toBe(`x${pair}y`);
  });

  it('never changes a body it handed out while it encodes more (bodies share blocks)', () => {
    const next = random(11);
    const texts = Array.from({ length: 600 }, () => terminalText(next, 1 + Math.floor(next() * 8000)));
    const bodies = texts.map((text) => encodeOutputData(text));
    texts.forEach((text, i) => expect(bodies[i].equals(expected(text)), `body ${i}`).toBe(true));
  });
});
