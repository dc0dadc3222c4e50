import { appendFileSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES, TranscriptTail } from './transcriptTail.js';

const dirs: string[] = [];
const tails: TranscriptTail[] = [];
afterEach(() => {
  tails.splice(0).forEach((tail) => tail.dispose());
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

function follow(path: string, startedAtMs = 0) {
  const lines: unknown[] = [];
  const skips: string[] = [];
  const tail = new TranscriptTail({ path, startedAtMs, onLine: (line) => lines.push(line), onSkip: (reason) => skips.push(reason), pollMs: 60_000 });
  tails.push(tail);
  return { tail, lines, skips };
}

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tether-tail-'));
  dirs.push(dir);
  return join(dir, 'transcript.jsonl');
}

describe('TranscriptTail', () => {
  it('waits for the file, hands complete lines over, keeps a partial line until its newline', async () => {
    const path = tempFile();
    const { tail, lines } = follow(path);
    await tail.poll();
    writeFileSync(path, '{"a":1}\n{"b":');
    await tail.poll();
    expect(lines).toEqual([{ a: 1 }]);
    appendFileSync(path, '2}\n');
    await tail.poll();
    expect(lines).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('skips lines that are not JSON and over-long lines, with a reason, and goes on', async () => {
    const path = tempFile();
    writeFileSync(path, `not json\n{"big":"${'x'.repeat(MAX_LINE_BYTES)}"}\n{"ok":true}\n`);
    const { tail, lines, skips } = follow(path);
    await tail.poll();
    expect(lines).toEqual([{ ok: true }]);
    expect(skips).toEqual(['transcript line is not JSON', `transcript line longer than ${MAX_LINE_BYTES} bytes skipped`]);
  });

  it('reads a 50 MB transcript in bounded polls without failing', async () => {
    const path = tempFile();
    const row = `${JSON.stringify({ type: 'assistant', text: 'y'.repeat(1000) })}\n`;
    writeFileSync(path, row.repeat(Math.ceil((50 << 20) / row.length)));
    const { tail, lines } = follow(path);
    for (let i = 0; i < 10 && lines.length < Math.ceil((50 << 20) / row.length); i++) await tail.poll();
    expect(lines.length).toBe(Math.ceil((50 << 20) / row.length));
  }, 60_000);

  it('starts over when the file is truncated or replaced', async () => {
    const path = tempFile();
    writeFileSync(path, '{"n":1}\n{"n":2}\n');
    const { tail, lines } = follow(path);
    await tail.poll();
    writeFileSync(path, '{"n":3}\n');
    await tail.poll();
    const other = `${path}.new`;
    writeFileSync(other, '{"n":4}\n');
    renameSync(other, path);
    await tail.poll();
    expect(lines).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
  });

  it('follows a file written before the session started from its end', async () => {
    const path = tempFile();
    writeFileSync(path, '{"old":true}\n');
    utimesSync(path, new Date(1000), new Date(1000));
    const { tail, lines } = follow(path, Date.now());
    await tail.poll();
    appendFileSync(path, '{"new":true}\n');
    await tail.poll();
    expect(lines).toEqual([{ new: true }]);
  });
});
