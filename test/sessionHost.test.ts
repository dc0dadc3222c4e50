/**
 * Session hosts as real processes (issue 14): a host outlives a daemon killed with SIGKILL
 * (process group and all) and the next daemon gets every byte from the ring; a wrong secret is
 * refused; an exited agent whose daemon never returns leaves a final record and no process; the
 * last output of an exiting agent arrives whole before its exit, through the host.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostClient } from '../src/host/hostClient.js';
import { processAlive, readHostRecords } from '../src/host/hostFiles.js';
import { HostLauncher } from '../src/host/hostLauncher.js';
import { HeadlessScreen } from '../src/core/headlessScreen.js';
import { HOST_PROTOCOL_VERSION, MIN_SERVED_PROTOCOL_VERSION } from '../src/host/hostProtocol.js';
import type { HostSession } from '../src/host/hostProtocol.js';
import { hostCommand } from './support/hostProgram.js';
import { HOST_PROTOCOL_1_COMMIT, hasCommit, legacyHostCommand } from './support/legacyHost.js';
import { transpileTree } from './support/transpileTree.js';
import { sha256, writePatternFile } from './support/patternOutput.js';
import { waitUntil } from './support/waitFor.js';

const ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color', LANG: 'C.UTF-8' };

function sessionFor(file: string, args: string[]): HostSession {
  return { id: randomUUID(), name: 'test', command: file, file, args, cwd: tmpdir(), cols: 80, rows: 24, cli: 'generic', created_at: new Date().toISOString() };
}

/** True when `pid` runs and is not a zombie. */
function running(pid: number): boolean {
  if (!processAlive(pid)) return false;
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Numbers of the `L<n>` lines in `text`, in order. */
function lineNumbers(text: string): number[] {
  return [...text.matchAll(/L(\d+)\r?\n/g)].map((match) => Number(match[1]));
}

describe('session host', () => {
  let dataDir: string;
  const pids: number[] = [];

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tether-host-'));
  });

  afterEach(() => {
    for (const pid of pids.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the agent through a SIGKILL of the daemon and its process group; the next daemon gets every byte', async () => {
    const stub = transpileTree(new URL('./support/hostDaemonStub.ts', import.meta.url).pathname, 'host-daemon-stub');
    const script = 'i=0; while [ $i -lt 1500 ]; do i=$((i+1)); echo "L$i"; [ $((i % 20)) = 0 ] && sleep 0.05; done; sleep 30';
    const daemon = spawn(process.execPath, [stub, dataDir, hostCommand()[1], '/bin/sh', '-c', script], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    let seen = '';
    daemon.stdout.setEncoding('utf8');
    daemon.stdout.on('data', (chunk: string) => (seen += chunk));
    await waitUntil(() => lineNumbers(seen).length >= 100, 20_000, 'the stub daemon to see 100 lines');
    process.kill(-daemon.pid!, 'SIGKILL');
    await new Promise((resolve) => daemon.once('exit', resolve));
    const beforeKill = seen.slice(seen.indexOf('\n') + 1);

    const [{ record }] = readHostRecords(join(dataDir, 'hosts'));
    expect(running(record.pid)).toBe(true);
    const launcher = new HostLauncher({ dataDir, command: hostCommand() });
    const { attached } = await launcher.discover();
    expect(attached).toHaveLength(1);
    const client = attached[0];
    pids.push(client.hostPid, client.pid);
    expect(running(client.pid)).toBe(true);
    let after = client.replay.output;
    client.onData((data) => (after += data));
    client.start();
    await waitUntil(() => lineNumbers(after).includes(1500), 30_000, 'the last line after the restart').catch((err) => {
      throw new Error(`${String(err)}; before ${lineNumbers(beforeKill).slice(-3)}, after ${lineNumbers(after).slice(-3)} (${lineNumbers(after).length})`);
    });
    // What the killed daemon saw is where the ring starts, and nothing is missing or doubled after it.
    expect(after.startsWith(beforeKill)).toBe(true);
    expect(lineNumbers(after)).toEqual(Array.from({ length: 1500 }, (_, i) => i + 1));

    const exited = new Promise((resolve) => client.onExit(resolve));
    client.kill('SIGTERM');
    await exited;
    client.dispose();
    await waitUntil(() => !running(client.hostPid), 10_000, 'the released host to exit');
    expect(running(client.pid)).toBe(false);
    expect(readdirSync(join(dataDir, 'hosts'))).toEqual([]);
  }, 60_000);

  it('rebuilds from the checkpoint at exactly the output the daemon had applied, early output included', async () => {
    const launcher = new HostLauncher({ dataDir, command: hostCommand() });
    const client = await launcher.spawn(sessionFor('/bin/sh', ['-c', 'echo EARLY-OUTPUT; read x; echo "LATE-$x"; sleep 30']), ENV);
    pids.push(client.hostPid, client.pid);
    // Give the agent time to print before the session listens: that output comes through the first replay.
    await new Promise((resolve) => setTimeout(resolve, 500));
    let output = '';
    let afterCheckpoint = '';
    let checkpointed = false;
    client.onData((data) => {
      output += data;
      if (checkpointed) afterCheckpoint += data;
      client.applied(data.length, true);
    });
    client.start();
    await waitUntil(() => output.includes('EARLY-OUTPUT\r\n'), 10_000, 'the early output');
    client.checkpoint('SCREEN-AT-CHECKPOINT');
    checkpointed = true;
    client.write('go\n');
    await waitUntil(() => output.includes('LATE-go\r\n'), 10_000, 'the late output');
    client.detach();
    const { attached } = await new HostLauncher({ dataDir, command: hostCommand() }).discover();
    const again = attached[0];
    expect(again.replay.checkpoint).toBe('SCREEN-AT-CHECKPOINT');
    expect(again.replay.output).toBe(afterCheckpoint);
    again.kill('SIGKILL');
    again.start();
    await new Promise((resolve) => again.onExit(resolve));
    again.dispose();
  }, 30_000);

  it('folds output past its ring into its own screen while no daemon is there: the rebuilt screen misses no line', async () => {
    const launcher = new HostLauncher({ dataDir, command: hostCommand(), ringBytes: 4096 });
    const script = 'i=0; while [ $i -lt 3000 ]; do i=$((i+1)); echo "L$i"; done; echo DONE; sleep 60';
    const client = await launcher.spawn(sessionFor('/bin/sh', ['-c', script]), ENV);
    pids.push(client.hostPid, client.pid);
    client.detach();
    let replay = client.replay;
    // Until all is printed and folded (the ring holds the excess while the fold screen's module loads).
    for (const deadline = Date.now() + 30_000; !`${replay.checkpoint ?? ''}${replay.output}`.includes('DONE') || replay.checkpoint === undefined; ) {
      if (Date.now() > deadline) throw new Error('the agent did not finish printing in 30 s');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const { attached } = await launcher.discover();
      replay = attached[0].replay;
      attached[0].detach();
    }
    // 3000 lines are ~20 000 units: most went through the host's fold screen, the rest is the ring.
    expect(replay.checkpoint).toBeDefined();
    const screen = new HeadlessScreen(80, 24);
    await new Promise<void>((resolve) => screen.write(`${replay.checkpoint}${replay.output}`, resolve));
    const text = screen.serialize().replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '');
    expect([...text.matchAll(/L(\d+)/g)].map((match) => Number(match[1]))).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    screen.dispose();
  }, 60_000);

  it('serves a daemon of a newer protocol in the version both speak (the tray update path), and refuses one older than it serves', async () => {
    const launcher = new HostLauncher({ dataDir, command: hostCommand() });
    const client = await launcher.spawn(sessionFor('/bin/sh', ['-c', 'echo BEFORE-UPDATE; read x; echo "AFTER-$x"; sleep 30']), ENV);
    pids.push(client.hostPid, client.pid);
    let output = client.replay.output;
    client.onData((data) => (output += data));
    client.start();
    await waitUntil(() => output.includes('BEFORE-UPDATE'), 10_000, 'the first output');
    client.detach();
    const [{ record }] = readHostRecords(launcher.dir);
    expect(record.v).toBe(HOST_PROTOCOL_VERSION);
    // A daemon of the next protocol version: the host answers with its own, and everything works in it.
    const newer = await HostClient.connect({ socket: record.socket, secret: record.secret, version: HOST_PROTOCOL_VERSION + 1 });
    expect(newer.welcome.v).toBe(HOST_PROTOCOL_VERSION);
    expect(newer.replay.output).toContain('BEFORE-UPDATE');
    let after = '';
    newer.onData((data) => (after += data));
    newer.start();
    newer.write('ok\r');
    await waitUntil(() => after.includes('AFTER-ok'), 10_000, 'input and output through the newer daemon');
    newer.detach();
    await expect(HostClient.connect({ socket: record.socket, secret: record.secret, version: MIN_SERVED_PROTOCOL_VERSION - 1 })).rejects.toMatchObject({ code: 'BAD_MESSAGE' });
    // The refused daemon changed nothing: the agent still runs for the next one.
    const again = await HostClient.connect({ socket: record.socket, secret: record.secret });
    expect(again.pid).toBe(client.pid);
    again.kill('SIGKILL');
    again.start();
    await new Promise((resolve) => again.onExit(resolve));
    again.dispose();
  }, 30_000);

  // The tray app's update path: this daemon attaches to a host of protocol 1 as it shipped (text
  // frames, offsets in UTF-16 units) as well as to its own (bytes, offsets in bytes).
  for (const [version, command] of [
    [1, () => legacyHostCommand()],
    [2, () => hostCommand()],
  ] as const) {
    // A shallow clone lacks the v1 commit (.ci/run deepens one when it can); the case is then skipped, said in its name.
    const missing = version === 1 && !hasCommit();
    it.skipIf(missing)(`attaches to a host of protocol ${version}${missing ? ' (skipped: the clone lacks its commit)' : ''}${version === 1 ? ` (commit ${HOST_PROTOCOL_1_COMMIT.slice(0, 7)})` : ''}: output, checkpoint offsets in its units, replay, input and exit`, async () => {
      const launcher = new HostLauncher({ dataDir, command: command() });
      const script = 'echo "é€🎉 ╭─╮ BEFORE"; read x; echo "AFTER-$x 😀"; read y; exit 3';
      const client = await launcher.spawn(sessionFor('/bin/sh', ['-c', script]), ENV);
      pids.push(client.hostPid, client.pid);
      expect(client.welcome.v).toBe(version);
      // A new session's host delivers what came before the session existed as output.
      let output = '';
      // As a session does: the screen applied each chunk, then a checkpoint of everything so far.
      client.onData((data) => {
        output += data;
        client.applied(data.length, true);
      });
      client.start();
      await waitUntil(() => output.includes('BEFORE\r\n'), 10_000, 'the first output');
      client.checkpoint(`SCREEN(${output})`);
      client.detach();

      const [{ record }] = readHostRecords(launcher.dir);
      const again = await HostClient.connect({ socket: record.socket, secret: record.secret });
      expect(again.welcome.v).toBe(version);
      // The host took the checkpoint (an offset in its own units: past its end it would be ignored) and replays nothing after it.
      expect(again.welcome.offset).toBe(version === 1 ? output.length : Buffer.byteLength(output));
      expect(again.replay).toEqual({ checkpoint: `SCREEN(${output})`, output: '' });
      let after = '';
      again.onData((data) => (after += data));
      const exit = new Promise<{ exitCode: number }>((resolve) => again.onExit(resolve));
      again.start();
      again.write('ok\r');
      await waitUntil(() => after.includes('😀'), 10_000, 'input and output after the re-attach');
      expect(after).toContain('AFTER-ok 😀');
      again.write('\r');
      expect((await exit).exitCode).toBe(3);
      again.dispose();
      await waitUntil(() => !running(client.hostPid), 10_000, 'the released host to exit');
    }, 60_000);
  }

  it('passes multi-byte output cut anywhere by the terminal through whole, and the last of it before the exit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tether-utf8-'));
    try {
      const line = (i: number) => `${i} é€🎉 ╭─╮ ${'─'.repeat(i % 50)}😀\n`;
      const text = Array.from({ length: 20_000 }, (_, i) => line(i)).join('');
      writeFileSync(join(dir, 'out.txt'), text);
      const launcher = new HostLauncher({ dataDir, command: hostCommand() });
      const client = await launcher.spawn(sessionFor('/bin/cat', [join(dir, 'out.txt')]), ENV);
      pids.push(client.hostPid, client.pid);
      let output = '';
      client.onData((data) => (output += data));
      const exit = new Promise<{ exitCode: number }>((resolve) => client.onExit(resolve));
      client.start();
      expect((await exit).exitCode).toBe(0);
      expect(output.includes('\ufffd')).toBe(false);
      expect(sha256(output)).toBe(sha256(text.replace(/\n/g, '\r\n')));
      client.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('refuses a wrong secret, and keeps its socket and record private', async () => {
    const launcher = new HostLauncher({ dataDir, command: hostCommand() });
    const client = await launcher.spawn(sessionFor('/bin/sleep', ['30']), ENV);
    pids.push(client.hostPid, client.pid);
    const [{ record }] = readHostRecords(launcher.dir);
    expect(statSync(launcher.dir).mode & 0o777).toBe(0o700);
    expect(statSync(record.socket).mode & 0o777).toBe(0o600);
    expect(statSync(join(launcher.dir, `${record.id}.json`)).mode & 0o777).toBe(0o600);
    await expect(HostClient.connect({ socket: record.socket, secret: 'x'.repeat(43) })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    // The rightful daemon is still attached and the agent still takes input.
    const exit = new Promise<{ exitCode: number }>((resolve) => client.onExit(resolve));
    client.start();
    client.write('\x03');
    expect((await exit).exitCode).not.toBe(0);
    client.dispose();
    await waitUntil(() => !running(client.hostPid), 10_000, 'the host to exit');
  }, 30_000);

  it('writes a final record when no daemon comes back, exits, and the next daemon lists it once', async () => {
    const launcher = new HostLauncher({ dataDir, command: hostCommand(), orphanExitMs: 300 });
    const client = await launcher.spawn(sessionFor('/bin/sh', ['-c', 'sleep 0.3; printf "last words\\n"; exit 3']), ENV);
    const hostPid = client.hostPid;
    pids.push(hostPid, client.pid);
    client.detach();
    await waitUntil(() => !running(hostPid), 15_000, 'the orphaned host to exit');
    expect(readdirSync(launcher.dir)).toEqual([`${client.welcome.session.id}.final.json`]);
    const { attached, finals } = await launcher.discover();
    expect(attached).toEqual([]);
    expect(finals).toHaveLength(1);
    expect(finals[0].exit_code).toBe(3);
    expect(finals[0].output).toContain('last words');
    expect(readdirSync(launcher.dir)).toEqual([]);
    expect((await launcher.discover()).finals).toEqual([]);
  }, 30_000);

  it('ends its agent on SIGTERM with no daemon (SIGKILL past the grace) and writes its final record at once, leaving no process or zombie', async () => {
    // The default orphan wait (5 min) must not apply: a host told to stop stops.
    const launcher = new HostLauncher({ dataDir, command: hostCommand(), killGraceMs: 500 });
    const client = await launcher.spawn(sessionFor('/bin/sh', ['-c', 'trap "" TERM; echo STARTED; sleep 60']), ENV);
    const { hostPid, pid: agentPid } = client;
    pids.push(hostPid, agentPid);
    let output = client.replay.output;
    client.onData((data) => (output += data));
    client.start();
    await waitUntil(() => output.includes('STARTED'), 10_000, 'the agent to start');
    client.detach();
    const stopped = Date.now();
    process.kill(hostPid, 'SIGTERM');
    await waitUntil(() => !processAlive(hostPid), 10_000, 'the host to exit');
    expect(Date.now() - stopped).toBeLessThan(10_000);
    // Reaped, not zombies: the agent by its host, the host by its parent (this process).
    expect(processAlive(agentPid)).toBe(false);
    expect(readdirSync(launcher.dir)).toEqual([`${client.welcome.session.id}.final.json`]);
    const { finals } = await launcher.discover();
    expect(finals).toHaveLength(1);
    expect(finals[0].exit_code).toBe(128 + 9);
    expect(finals[0].output).toContain('STARTED');
  }, 30_000);

  it('delivers the last megabyte of an exiting agent before its exit, then cleans up', async () => {
    const pattern = writePatternFile(1 << 20);
    try {
      const launcher = new HostLauncher({ dataDir, command: hostCommand() });
      const client = await launcher.spawn(sessionFor('/bin/cat', [pattern.path]), ENV);
      pids.push(client.hostPid, client.pid);
      let output = '';
      client.onData((data) => (output += data));
      const exit = new Promise<{ exitCode: number }>((resolve) => client.onExit(resolve));
      client.start();
      expect((await exit).exitCode).toBe(0);
      expect(sha256(output)).toBe(sha256(pattern.expectedPtyOutput));
      client.dispose();
      await waitUntil(() => !running(client.hostPid), 10_000, 'the released host to exit');
      expect(readdirSync(launcher.dir)).toEqual([]);
    } finally {
      pattern.dispose();
    }
  }, 30_000);
});
