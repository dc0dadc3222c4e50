import { describe, expect, it } from 'vitest';
import { completeUtf8Length, Utf8Stream } from './utf8Stream.js';

/** Text with 1-, 2-, 3- and 4-byte characters, and bytes that are not UTF-8. */
const SAMPLE = Buffer.concat([Buffer.from('a é € 🎉 ╭─╮ \x1b[1mz\x1b[0m', 'utf8'), Buffer.from([0xff, 0x80, 0xe2, 0x41, 0xf0, 0x9f]), Buffer.from('end 😀', 'utf8')]);

describe('Utf8Stream', () => {
  it('decodes a stream cut anywhere as the whole stream decodes, and counts the bytes of what it returned', () => {
    const whole = SAMPLE.toString('utf8');
    for (let step = 1; step <= 7; step++) {
      const stream = new Utf8Stream();
      let text = '';
      let bytes = 0;
      for (let at = 0; at < SAMPLE.length; at += step) {
        const out = stream.write(SAMPLE.subarray(at, at + step));
        text += out.text;
        bytes += out.bytes;
        // What was returned so far is exactly the decoding of the bytes counted so far.
        expect(text).toBe(SAMPLE.subarray(0, bytes).toString('utf8'));
      }
      const rest = stream.end();
      expect(text + rest.text).toBe(whole);
      expect(bytes + rest.bytes).toBe(SAMPLE.length);
    }
  });

  it('holds only an unfinished character, and ends one that never finishes as U+FFFD', () => {
    const stream = new Utf8Stream();
    expect(stream.write(Buffer.from([0x61, 0xf0, 0x9f, 0x8e]))).toEqual({ text: 'a', bytes: 1 });
    expect(stream.held).toBe(3);
    expect(stream.end()).toEqual({ text: '\ufffd', bytes: 3 });
    expect(stream.held).toBe(0);
  });
});

describe('completeUtf8Length', () => {
  it('stops before a sequence that still waits for continuation bytes, never before bytes that cannot complete', () => {
    expect(completeUtf8Length(Buffer.from('abc'))).toBe(3);
    expect(completeUtf8Length(Buffer.from([0x61, 0xe2, 0x82]))).toBe(1);
    expect(completeUtf8Length(Buffer.from([0x61, 0xe2, 0x82, 0xac]))).toBe(4);
    expect(completeUtf8Length(Buffer.from([0xf0, 0x9f, 0x8e]))).toBe(0);
    expect(completeUtf8Length(Buffer.from([0x61, 0xc3]))).toBe(1);
    // Stray continuation bytes, C0/C1 and F5-FF are complete (each decodes to U+FFFD).
    expect(completeUtf8Length(Buffer.from([0x61, 0x80, 0x80, 0x80, 0x80]))).toBe(5);
    expect(completeUtf8Length(Buffer.from([0x61, 0xc0]))).toBe(2);
    expect(completeUtf8Length(Buffer.from([0x61, 0xf8]))).toBe(2);
  });
});
