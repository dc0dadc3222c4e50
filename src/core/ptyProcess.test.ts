/**
 * PtyProcess delivers a command's last output before reporting its exit, even when the reader
 * was paused (flow control) across the exit, and releases the terminal it holds.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { partialMarkerLength, PtyProcess } from './ptyProcess.js';
import type { PtyExit } from './ptyProcess.js';
import { sha256, writePatternFile } from '../../test/support/patternOutput.js';

const pattern = writePatternFile(256 * 1024);
afterAll(() => pattern.dispose());

function env(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** Runs `cat` of the pattern; pauses reading once `pauseAt` bytes arrived, for `pauseMs`. */
async function catWithPause(pauseAt: number, pauseMs: number): Promise<{ output: string; exit: PtyExit }> {
  const child = new PtyProcess({ file: 'cat', args: [pattern.path], cols: 80, rows: 24, cwd: '/', env: env() });
  let output = '';
  let paused = false;
  child.onData((data) => {
    output += data;
    if (!paused && output.length >= pauseAt) {
      paused = true;
      child.pause();
      setTimeout(() => child.resume(), pauseMs);
    }
  });
  const exit = await new Promise<PtyExit>((resolve) => child.onExit(resolve));
  child.dispose();
  return { output, exit };
}

describe('PtyProcess', () => {
  it('holds the terminal while the command runs and delivers every byte before exit', async () => {
    for (let run = 0; run < 5; run++) {
      const { output, exit } = await catWithPause(Number.POSITIVE_INFINITY, 0);
      expect(exit).toEqual({ exitCode: 0 });
      expect(sha256(output)).toBe(sha256(pattern.expectedPtyOutput));
    }
  });

  it('delivers the output queued while the reader was paused across the exit', async () => {
    // The last ~12 KB fit the kernel's buffer, so cat exits while we are paused; node-pty would
    // destroy its socket 200 ms later. A 600 ms pause outlasts that.
    const pauseAt = pattern.expectedPtyOutput.length - 12 * 1024;
    for (let run = 0; run < 3; run++) {
      const { output } = await catWithPause(pauseAt, 600);
      expect(output.length).toBe(pattern.expectedPtyOutput.length);
      expect(sha256(output)).toBe(sha256(pattern.expectedPtyOutput));
    }
  });

  it('as bytes: gives the terminal\'s bytes as read (Buffers), all of them before exit, and keeps the terminal\'s UTF-8 mode', async () => {
    const child = PtyProcess.bytes({ file: 'sh', args: ['-c', `stty -a; cat '${pattern.path}'`], cols: 200, rows: 24, cwd: '/', env: env() });
    const chunks: Buffer[] = [];
    child.onData((data) => chunks.push(data));
    const exit = await new Promise<PtyExit>((resolve) => child.onExit(resolve));
    child.dispose();
    expect(exit).toEqual({ exitCode: 0 });
    expect(chunks.every((chunk) => Buffer.isBuffer(chunk))).toBe(true);
    const output = Buffer.concat(chunks).toString('utf8');
    // IUTF8 as with text (node-pty sets it for its 'utf8' encoding; multi-byte erase in canonical mode).
    expect(output).toMatch(/(^|\s)iutf8(\s|$)/m);
    const cat = output.slice(output.indexOf(pattern.expectedPtyOutput.slice(0, 64)));
    expect(sha256(cat)).toBe(sha256(pattern.expectedPtyOutput));
  });

  it('reports the signal that killed the child', async () => {
    const child = new PtyProcess({ file: 'sleep', args: ['30'], cols: 80, rows: 24, cwd: '/', env: env() });
    const exited = new Promise<PtyExit>((resolve) => child.onExit(resolve));
    expect(child.holdsSlave).toBe(true);
    child.kill('SIGKILL');
    expect((await exited).signal).toBe(9);
    expect(child.holdsSlave).toBe(false);
    child.dispose();
  });

  it('releases the terminal on dispose while the child still runs', () => {
    const child = new PtyProcess({ file: 'sleep', args: ['30'], cols: 80, rows: 24, cwd: '/', env: env() });
    expect(child.holdsSlave).toBe(true);
    child.dispose();
    expect(child.holdsSlave).toBe(false);
    child.kill('SIGKILL');
  });

  it('finds a drain marker split across reads', () => {
    const marker = '\x1b]7717;TETHER-DRAIN-ABC\x07';
    expect(partialMarkerLength('output\x1b]77', marker)).toBe(4);
    expect(partialMarkerLength('output\x1b]7717;TETHER-DRAIN-AB', marker)).toBe(marker.length - 2);
    expect(partialMarkerLength('output', marker)).toBe(0);
    expect(partialMarkerLength('\x1b', marker)).toBe(1);
  });
});
