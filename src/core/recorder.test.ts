/**
 * Tests for runRecorder: output passes through and is recorded as `o`, stdin bytes reach the
 * PTY and are recorded as `i`, a terminal resize resizes the PTY and is recorded as `r`, the
 * exit code comes back, and an unknown command is SPAWN_FAILED. With `cli`, the CLI's hooks are
 * injected and its hook posts and transcript lines are recorded (`h`, `t`) and replayed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { TetherError } from '../common/index.js';
import { parseCast } from './asciicast.js';
import { runRecorder } from './recorder.js';
import { replayCast } from './replay.js';

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

  it('with a CLI, records its hook posts (h) and transcript lines (t); the replay raises the hook\'s prompt', async () => {
    const out = tempCast();
    const home = path.dirname(out);
    // A stand-in for Claude Code: posts a PermissionRequest to the URL its --settings file names
    // (a wrong secret first, which is not recorded), writes a transcript line, then waits a little.
    const agent = path.join(home, 'fake-claude.mjs');
    fs.writeFileSync(
      agent,
      `import fs from 'node:fs';
const args = process.argv.slice(2);
const settings = JSON.parse(fs.readFileSync(args[args.indexOf('--settings') + 1], 'utf8'));
const id = args[args.indexOf('--session-id') + 1];
const url = settings.hooks.PermissionRequest[0].hooks[0].url;
const post = (token) => fetch(url, { method: 'POST', headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' }, body: JSON.stringify({ hook_event_name: 'PermissionRequest', session_id: id, tool_name: 'Bash', tool_input: { command: 'rm -rf build' } }) }).then((r) => r.status);
const dir = process.env.HOME + '/.claude/projects/' + process.cwd().replace(/[^A-Za-z0-9]/g, '-');
fs.mkdirSync(dir, { recursive: true });
fs.appendFileSync(dir + '/' + id + '.jsonl', JSON.stringify({ type: 'assistant', uuid: 'u1', message: { content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'rm -rf build' } }] } }) + '\\n' + JSON.stringify({ type: 'mode', uuid: 'u0' }) + '\\n');
console.log('settings', args[args.indexOf('--settings') + 1]);
console.log('statuses ' + (await post('wrong')) + ' ' + (await post(process.env.TETHER_HOOK_TOKEN)));
await new Promise((resolve) => setTimeout(resolve, 600));
`,
    );
    // Tether's hook arguments come first, so the stand-in starts from a script that passes them on.
    const launcher = path.join(home, 'claude');
    fs.writeFileSync(launcher, `#!/bin/sh\nexec '${process.execPath}' '${agent}' "$@"\n`, { mode: 0o755 });
    const { stdin, stdout } = fakeTerminal();
    const code = await runRecorder({ out, cols: 80, rows: 24, command: launcher, args: [], stdin, stdout, cwd: home, env: { ...process.env, HOME: home }, cli: 'claude', forwarder: ['/bin/true'] });
    expect(code).toBe(0);
    expect(stdout.text).toContain('statuses 401 204');
    const cast = parseCast(fs.readFileSync(out, 'utf8'));
    const hooks = cast.events.filter((event) => event[1] === 'h').map((event) => JSON.parse(event[2]) as { hook_event_name: string });
    expect(hooks.map((hook) => hook.hook_event_name)).toEqual(['PermissionRequest']);
    // Only lines the CLI's reader uses are kept (the `mode` line is not).
    expect(cast.events.filter((event) => event[1] === 't').map((event) => (JSON.parse(event[2]) as { uuid: string }).uuid)).toEqual(['u1']);
    // The run folder with the settings file is gone.
    const settingsPath = /settings (\S+)/.exec(stdout.text)?.[1] ?? '';
    expect(settingsPath).toMatch(/claude-settings\.json$/);
    expect(fs.existsSync(settingsPath)).toBe(false);
    const events = await replayCast(cast, { cli: 'claude', parserOff: true, fallback: false });
    expect(events.filter((event) => event.type === 'waiting_for_input')).toEqual([expect.objectContaining({ source: 'hook', tool_name: 'Bash', prompt_content: 'Bash: rm -rf build' })]);
  }, 30_000);
});
