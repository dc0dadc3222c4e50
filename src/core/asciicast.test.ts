/**
 * Tests for the asciicast v2 parser (validation with line numbers) and the streaming writer
 * (header, relative microsecond times, flush on close, round trip through the parser).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TetherError } from '../common/index.js';
import { CastWriter, parseCast, parseResize } from './asciicast.js';

const HEADER = '{"version":2,"width":80,"height":24}';

function expectInvalid(text: string, line: number): void {
  try {
    parseCast(text);
  } catch (err) {
    expect(err).toBeInstanceOf(TetherError);
    expect((err as TetherError).code).toBe('CAST_INVALID');
    expect((err as TetherError).message).toContain(`line ${line}:`);
    return;
  }
  throw new Error('expected CAST_INVALID');
}

describe('parseCast', () => {
  it('reads a header and every event kind', () => {
    const cast = parseCast(
      [HEADER, '[0.1,"o","hi"]', '[0.2,"i","\\r"]', '[0.3,"r","100x30"]', '[0.4,"m","mark"]', '[0.5,"h","{}"]', '[0.6,"t","{}"]', ''].join('\n'),
    );
    expect(cast.header).toEqual({ version: 2, width: 80, height: 24 });
    expect(cast.events).toEqual([
      [0.1, 'o', 'hi'],
      [0.2, 'i', '\r'],
      [0.3, 'r', '100x30'],
      [0.4, 'm', 'mark'],
      [0.5, 'h', '{}'],
      [0.6, 't', '{}'],
    ]);
  });

  it('keeps optional header fields', () => {
    const cast = parseCast('{"version":2,"width":10,"height":5,"timestamp":1,"title":"t","env":{"TERM":"xterm"}}\n');
    expect(cast.header.title).toBe('t');
    expect(cast.header.env).toEqual({ TERM: 'xterm' });
  });

  it('names the bad line', () => {
    expectInvalid('', 1);
    expectInvalid('not json', 1);
    expectInvalid('{"version":1,"width":80,"height":24}', 1);
    expectInvalid('{"version":2,"width":0,"height":24}', 1);
    expectInvalid(`${HEADER}\n[0.1,"o","a"]\n[0.2,"x","b"]`, 3);
    expectInvalid(`${HEADER}\n[0.1,"o"]`, 2);
    expectInvalid(`${HEADER}\n[0.5,"o","a"]\n[0.2,"o","b"]`, 3);
    expectInvalid(`${HEADER}\n[-1,"o","a"]`, 2);
    expectInvalid(`${HEADER}\n[0.1,"o",5]`, 2);
    expectInvalid(`${HEADER}\n[0.1,"r","wide"]`, 2);
    expectInvalid(`${HEADER}\n\n[0.1,"o","a"]\n{`, 4);
  });

  it('parses resize data', () => {
    expect(parseResize('120x40')).toEqual({ cols: 120, rows: 40 });
    expect(() => parseResize('0x40')).toThrow(TetherError);
  });
});

describe('CastWriter', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  function tempFile(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tether-cast-'));
    dirs.push(dir);
    return path.join(dir, 'out.cast');
  }

  it('writes a header and events with relative, microsecond times', async () => {
    const file = tempFile();
    let nowMs = 1000;
    const writer = new CastWriter(file, { width: 100, height: 30, now: () => nowMs, timestamp: 1700000000, title: 'demo' });
    nowMs = 1000.0004;
    writer.output('a');
    nowMs = 1123.4567891;
    writer.input('\r');
    nowMs = 2000;
    writer.resize(80, 24);
    writer.marker('end');
    writer.hook('{"hook_event_name":"Stop"}');
    writer.transcript('{"type":"user"}');
    await writer.close();
    writer.output('ignored after close');
    const cast = parseCast(fs.readFileSync(file, 'utf8'));
    expect(cast.header).toEqual({ version: 2, width: 100, height: 30, timestamp: 1700000000, title: 'demo' });
    expect(cast.events).toEqual([
      [0, 'o', 'a'],
      [0.123457, 'i', '\r'],
      [1, 'r', '80x24'],
      [1, 'm', 'end'],
      [1, 'h', '{"hook_event_name":"Stop"}'],
      [1, 't', '{"type":"user"}'],
    ]);
  });

  it('never lets time go back and round-trips odd bytes', async () => {
    const file = tempFile();
    let nowMs = 50;
    const writer = new CastWriter(file, { width: 80, height: 24, now: () => nowMs });
    nowMs = 60;
    writer.output('\u001b[31m❯\u00a0"quoted"\n');
    nowMs = 55;
    writer.output('\u0000');
    await writer.close();
    const cast = parseCast(fs.readFileSync(file, 'utf8'));
    expect(cast.events.map((event) => event[0])).toEqual([0.01, 0.01]);
    expect(cast.events[0][2]).toBe('\u001b[31m❯\u00a0"quoted"\n');
    expect(cast.events[1][2]).toBe('\u0000');
  });

  it('rejects on an unwritable path', async () => {
    const writer = new CastWriter(path.join(tempFile(), 'missing', 'x.cast'), { width: 80, height: 24 });
    await expect(writer.close()).rejects.toThrow();
  });
});
