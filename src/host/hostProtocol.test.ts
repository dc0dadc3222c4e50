import { describe, expect, it } from 'vitest';
import { controlFrame, daemonMessageSchema, dataFrame, FrameDecoder, FrameKind, MAX_FRAME_BYTES, outputFrameHeader, parseControl } from './hostProtocol.js';

describe('host frames', () => {
  it('decode the same frames whatever the chunking', () => {
    const frames = [
      controlFrame({ t: 'hello', v: 1, secret: 's'.repeat(43) }),
      dataFrame(FrameKind.output, 'héllo \x1b[1mworld\x1b[0m 🎉'),
      dataFrame(FrameKind.input, ''),
      dataFrame(FrameKind.output, 'x'.repeat(100_000)),
      // Version 2 output: the terminal's bytes back to back, a character split between chunks.
      outputFrameHeader(5),
      Buffer.from([0x61, 0xe2, 0x82]),
      Buffer.from([0xac, 0x62]),
    ];
    const stream = Buffer.concat(frames);
    for (const step of [1, 3, 7, 4096, stream.length]) {
      const decoder = new FrameDecoder();
      const out = [];
      for (let at = 0; at < stream.length; at += step) out.push(...decoder.push(stream.subarray(at, at + step)));
      expect(out.map((frame) => frame.kind)).toEqual([FrameKind.control, FrameKind.output, FrameKind.input, FrameKind.output, FrameKind.output]);
      expect(parseControl(out[0].payload, daemonMessageSchema)).toEqual({ t: 'hello', v: 1, secret: 's'.repeat(43) });
      expect(out[1].payload.toString('utf8')).toBe('héllo \x1b[1mworld\x1b[0m 🎉');
      expect(out[3].payload.length).toBe(100_000);
      expect(out[4].payload.toString('utf8')).toBe('a€b');
    }
  });

  it('refuse an oversized frame, an unknown kind and a bad control message with BAD_MESSAGE', () => {
    const huge = Buffer.alloc(5);
    huge.writeUInt32BE(MAX_FRAME_BYTES + 1, 0);
    expect(() => new FrameDecoder().push(huge)).toThrow(expect.objectContaining({ code: 'BAD_MESSAGE' }));
    const odd = Buffer.from([0, 0, 0, 1, 9]);
    expect(() => new FrameDecoder().push(odd)).toThrow(expect.objectContaining({ code: 'BAD_MESSAGE' }));
    expect(() => parseControl(Buffer.from('{"t":"resize","cols":0,"rows":5}'), daemonMessageSchema)).toThrow(expect.objectContaining({ code: 'BAD_MESSAGE' }));
    expect(() => parseControl(Buffer.from('not json'), daemonMessageSchema)).toThrow(expect.objectContaining({ code: 'BAD_MESSAGE' }));
  });
});
