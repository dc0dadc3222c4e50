/**
 * Tests for runRecorder: output passes through and is recorded as `o`, stdin bytes reach the
 * PTY and are recorded as `i`, a terminal resize resizes the PTY and is recorded as `r`, the
 * exit code comes back, and an unknown command is SPAWN_FAILED.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { TetherError } from '../common/index.js';
import { parseCast } from './asciicast.js';
import { runRecorder } from './recorder.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempCast(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tether-recorder-'));
  dirs.push(dir);
  return path.join(dir, 'out.cast');
}

/** A fake terminal: stdin we can type into, stdout that collects writes and can be resized. */
function fakeTerminal(): { stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream & { text: string } } {
  const stdin = new PassThrough() as unknown as NodeJS.ReadStream;
  const stdout = new PassThrough() as unknown as NodeJS.WriteStream & { text: string };
  stdout.text = '';
  stdout.on('data', (chunk: Buffer) => (stdout.text += chunk.toString('utf8')));
  return { stdin, stdout };
}

describe('runRecorder', () => {
  it('records output and passes it through, with the exit code', async () => {
    const out = tempCast();
    const { stdin, stdout } = fakeTerminal();
    const code = await runRecorder({ out, cols: 90, rows: 20, command: 'sh', args: ['-c', 'printf "hello\\n"; exit 3'], stdin, stdout });
    expect(code).toBe(3);
    expect(stdout.text).toContain('hello');
    const cast = parseCast(fs.readFileSync(out, 'utf8'));
    expect(cast.header).toMatchObject({ version: 2, width: 90, height: 20 });
    const output = cast.events.filter((event) => event[1] === 'o').map((event) => event[2]).join('');
    expect(output).toContain('hello');
  });

  it('forwards and records input, and records resizes', async () => {
    const out = tempCast();
    const { stdin, stdout } = fakeTerminal();
    const script = 'stty -echo; read line; echo "got:$line"; sleep 0.5; stty size; exit 0';
    const running = runRecorder({ out, cols: 80, rows: 24, command: '/bin/sh', args: ['-c', script], stdin, stdout });
    await new Promise((resolve) => setTimeout(resolve, 300));
    stdin.write('abc\r');
    await new Promise((resolve) => setTimeout(resolve, 200));
    Object.assign(stdout, { columns: 100, rows: 30 });
    stdout.emit('resize');
    expect(await running).toBe(0);
    expect(stdout.text).toContain('got:abc');
    expect(stdout.text).toContain('30 100');
    const cast = parseCast(fs.readFileSync(out, 'utf8'));
    expect(cast.events.filter((event) => event[1] === 'i').map((event) => event[2])).toEqual(['abc\r']);
    expect(cast.events.filter((event) => event[1] === 'r').map((event) => event[2])).toEqual(['100x30']);
    const times = cast.events.map((event) => event[0]);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('throws SPAWN_FAILED for an unknown command or cwd', async () => {
    const { stdin, stdout } = fakeTerminal();
    const base = { out: tempCast(), args: [], stdin, stdout };
    await expect(runRecorder({ ...base, command: 'no-such-command-tether' })).rejects.toMatchObject({ code: 'SPAWN_FAILED' });
    await expect(runRecorder({ ...base, command: 'sh', cwd: '/no/such/dir' })).rejects.toBeInstanceOf(TetherError);
  });
});
