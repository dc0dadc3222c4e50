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

  it('stream the kinds named streamed piece by piece, as views, with the other frames whole and in order', () => {
    const payloads = ['héllo \x1b[1mworld\x1b[0m 🎉', 'x'.repeat(100_000), '€'.repeat(3000)];
    const stream = Buffer.concat([
      dataFrame(FrameKind.output, payloads[0]),
      controlFrame({ t: 'resize', cols: 80, rows: 24 }),
      dataFrame(FrameKind.output, payloads[1]),
      dataFrame(FrameKind.input, 'typed'),
      dataFrame(FrameKind.output, payloads[2]),
      controlFrame({ t: 'release' }),
    ]);
    for (const step of [1, 2, 5, 6, 4096, 65536, stream.length]) {
      const decoder = new FrameDecoder({ streamed: [FrameKind.output] });
      const chunks: Buffer[] = [];
      const out = [];
      for (let at = 0; at < stream.length; at += step) {
        const chunk = Buffer.from(stream.subarray(at, at + step));
        chunks.push(chunk);
        out.push(...decoder.push(chunk));
      }
      // Between two unstreamed frames, the pieces join to the output in order.
      const groups: Array<{ kind: number; bytes: Buffer }> = [];
      for (const frame of out) {
        const last = groups.at(-1);
        if (frame.kind === FrameKind.output && last?.kind === FrameKind.output) last.bytes = Buffer.concat([last.bytes, frame.payload]);
        else groups.push({ kind: frame.kind, bytes: frame.payload });
      }
      expect(groups.map((group) => group.kind)).toEqual([FrameKind.output, FrameKind.control, FrameKind.output, FrameKind.input, FrameKind.output, FrameKind.control]);
      expect([groups[0], groups[2], groups[4]].map((group) => group.bytes.toString('utf8'))).toEqual(payloads);
      expect(parseControl(groups[1].bytes, daemonMessageSchema)).toEqual({ t: 'resize', cols: 80, rows: 24 });
      expect(groups[3].bytes.toString('utf8')).toBe('typed');
      // A piece of a big frame is a view into the chunk it came in, not a copy.
      if (step >= 4096) {
        const piece = out.find((frame) => frame.kind === FrameKind.output && frame.payload.length > 1000)!;
        expect(chunks.some((chunk) => chunk.buffer === piece.payload.buffer)).toBe(true);
      }
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
