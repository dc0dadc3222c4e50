/**
 * The last output of a command that exits is never lost (issue 10): `cat` of 1 MB, 20 times,
 * arrives whole at a subscribed WebSocket client, on the daemon's screen, and in a recording;
 * the first two also with the agent in a session host (issue 14: the host drains the PTY, sends
 * the last output before the exit, and the daemon applies it before `session_closed`).
 * On Node 20 without PtyProcess's drain most runs lost their last kilobytes.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startDaemon } from '../src/daemon.js';
import type { Daemon } from '../src/daemon.js';
import { configSchema } from '../src/store/config.js';
import { silentLogger } from '../src/log.js';
import { parseCast } from '../src/core/asciicast.js';
import { runRecorder } from '../src/core/recorder.js';
import { checkScreenTail, sha256, writePatternFile } from './support/patternOutput.js';
import { hostCommand } from './support/hostProgram.js';

const RUNS = 20;
const BYTES = 1 << 20;
/** What a run prints first when gated on a line of input (the terminal echoes it). */
const GATE_INPUT = 'go\r';

type Message = { type: string; [key: string]: unknown };

/** A bare WebSocket client that queues JSON messages. */
async function connect(url: string, token: string): Promise<{ send(message: unknown): void; next(type: string, timeoutMs?: number): Promise<Message>; all: Message[]; close(): void }> {
  const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  const all: Message[] = [];
  let cursor = 0;
  let wake: (() => void) | undefined;
  socket.on('message', (data) => {
    all.push(JSON.parse(String(data)) as Message);
    wake?.();
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return {
    all,
    send: (message) => socket.send(JSON.stringify(message)),
    async next(type, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (cursor < all.length) if (all[cursor++].type === type) return all[cursor - 1];
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${type}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 100);
        });
      }
    },
    close: () => socket.close(),
  };
}

/** The text of serialised VT output, without escape sequences. */
function stripVt(data: string): string {
  return data.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\x1b\][^\x07]*\x07/g, '');
}

describe.each([
  { where: 'in the daemon', hosted: false },
  { where: 'in a session host', hosted: true },
])('the last output of a command that exits ($where)', ({ hosted }) => {
  const pattern = writePatternFile(BYTES);
  let daemon: Daemon;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tether-last-output-'));
    daemon = await startDaemon({ config: configSchema.parse({}), dataDir, port: 0, log: silentLogger, ...(hosted ? { hostCommand: hostCommand() } : {}) });
  });
  afterAll(async () => {
    await daemon.stop({ stopSessions: true });
    rmSync(dataDir, { recursive: true, force: true });
    pattern.dispose();
  });

  it(`reaches a subscribed client and the screen whole, ${RUNS} times in a row`, async () => {
    const { admin_secret: token } = JSON.parse(readFileSync(join(dataDir, 'daemon.json'), 'utf8')) as { admin_secret: string };
    const client = await connect(`ws://127.0.0.1:${daemon.port}/ws`, token);
    const results: Array<{ bytes: number; intact: boolean; screen: number | string }> = [];
    for (let run = 0; run < RUNS; run++) {
      client.send({ type: 'create_session', request_id: `c${run}`, cli: 'sh', args: ['-c', `read _; exec cat ${pattern.path}`], cols: 80, rows: 24 });
      const created = await client.next('session_created');
      const sessionId = (created.session as { id: string }).id;
      client.send({ type: 'subscribe', request_id: `s${run}`, session_id: sessionId });
      await client.next('screen');
      const from = client.all.length;
      client.send({ type: 'send_input', session_id: sessionId, text: GATE_INPUT, raw: true });
      await client.next('session_closed');
      const output = client.all
        .slice(from)
        .filter((message) => message.type === 'pty_output' && message.session_id === sessionId)
        .map((message) => message.data as string)
        .join('');
      const body = output.slice(output.indexOf('0000000 '));
      const screen = checkScreenTail(stripVt(daemon.sessions.serializeScreen(sessionId).data), pattern.lines);
      results.push({ bytes: Buffer.byteLength(body), intact: sha256(body) === sha256(pattern.expectedPtyOutput), screen: screen instanceof Error ? screen.message : screen });
    }
    client.close();
    const expectedBytes = Buffer.byteLength(pattern.expectedPtyOutput);
    expect(results.filter((result) => !result.intact || result.bytes !== expectedBytes || typeof result.screen === 'string')).toEqual([]);
    // The screen shows the output's last lines: its scrollback, or at least the final viewport.
    expect(Math.min(...results.map((result) => result.screen as number))).toBeGreaterThanOrEqual(23);
  }, 300_000);
});

describe('the last output of a command that exits', () => {
  const pattern = writePatternFile(BYTES);
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tether-last-output-'));
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    pattern.dispose();
  });

  it(`reaches the recording whole, ${RUNS} times in a row`, async () => {
    const lost: Array<{ run: number; bytes: number }> = [];
    for (let run = 0; run < RUNS; run++) {
      const out = join(dataDir, `run${run}.cast`);
      const stdout = new PassThrough() as unknown as NodeJS.WriteStream;
      (stdout as unknown as PassThrough).resume();
      const stdin = new PassThrough() as unknown as NodeJS.ReadStream;
      expect(await runRecorder({ out, cols: 80, rows: 24, command: 'cat', args: [pattern.path], stdin, stdout })).toBe(0);
      const recorded = parseCast(readFileSync(out, 'utf8'))
        .events.filter((event) => event[1] === 'o')
        .map((event) => event[2])
        .join('');
      if (sha256(recorded) !== sha256(pattern.expectedPtyOutput)) lost.push({ run, bytes: Buffer.byteLength(pattern.expectedPtyOutput) - Buffer.byteLength(recorded) });
    }
    expect(lost).toEqual([]);
  }, 300_000);
});
