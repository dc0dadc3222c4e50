/**
 * A client that stops reading (issue 10's fault table, issue 13's back-pressure): while a
 * paired phone's socket is paused, a session prints far more than the daemon may queue for it.
 * The daemon drops that phone's `pty_output` instead of buffering it without bound, keeps the
 * socket open, and once the phone reads again sends a `resync`: the screen and its seq, then
 * the output after that seq, which together draw exactly the session's screen.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadlessScreen } from '../src/core/headlessScreen.js';
import { startDaemon } from '../src/daemon.js';
import type { Daemon } from '../src/daemon.js';
import { silentLogger } from '../src/log.js';
import { configSchema } from '../src/store/config.js';
import { HIGH_WATER_BYTES } from '../src/transport/clientConnection.js';
import { checkScreenTail, writePatternFile } from './support/patternOutput.js';
import { pairPhone, until } from './support/phone.js';
import type { TestClient } from './support/testClient.js';

/** Output printed while the phone does not read: well past the daemon's queue bound plus what the kernel's socket buffers hold. */
const BYTES = 24 * 1024 * 1024;
const COLS = 80;
const ROWS = 24;

function write(screen: HeadlessScreen, data: string): Promise<void> {
  return new Promise((resolve) => screen.write(data, resolve));
}

describe('a phone that stops reading', () => {
  const pattern = writePatternFile(BYTES);
  let daemon: Daemon;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tether-backpressure-'));
    daemon = await startDaemon({ config: configSchema.parse({}), dataDir, port: 0, log: silentLogger });
  });
  afterAll(async () => {
    await daemon.stop();
    rmSync(dataDir, { recursive: true, force: true });
    pattern.dispose();
  });

  it('has its output dropped, not queued, then gets a resync that draws the screen', async () => {
    const phone: TestClient = await pairPhone(daemon.url, dataDir);
    const info = await daemon.sessions.create({ cli: 'sh', args: ['-c', `stty -echo; read go; cat ${pattern.path}; exec sleep 60`], cols: COLS, rows: ROWS, cliType: 'generic' });
    phone.send({ type: 'subscribe', session_id: info.id, request_id: 'sub' });
    await until(phone, (m) => m.type === 'screen' && m.request_id === 'sub', 10_000, 'the subscribe screen');
    phone.socket.pause();

    let printed = 0;
    let lastSeq = 0;
    const done = new Promise<void>((resolve) => {
      const subscription = daemon.sessions.onEvent((event) => {
        if (event.type !== 'pty_output' || event.session_id !== info.id) return;
        printed += event.data.length;
        lastSeq = event.seq;
        if (printed >= pattern.expectedPtyOutput.length) {
          subscription.dispose();
          resolve();
        }
      });
    });
    await daemon.sessions.sendInput(info.id, 'go\r', { raw: true });
    await done;
    phone.socket.resume();

    const resync = await until(phone, (m) => m.type === 'resync' && m.session_id === info.id, 60_000, 'a resync');
    // Only what was queued before the bound was reached went out ahead of it.
    const before = phone.received.slice(0, phone.received.indexOf(resync)).filter((m) => m.type === 'pty_output');
    const deliveredBefore = before.reduce((sum, m) => sum + String(m.data).length, 0);
    expect(deliveredBefore).toBeLessThan(pattern.expectedPtyOutput.length - 2 * HIGH_WATER_BYTES);
    expect(phone.closeCode).toBeUndefined();
    expect(resync.seq).toBeGreaterThan(before.at(-1)?.seq as number);

    // The resync plus the output after its seq is the session's screen once all is parsed.
    const rest = () => phone.received.slice(phone.received.indexOf(resync) + 1).filter((m) => m.type === 'pty_output' && m.session_id === info.id);
    const deadline = Date.now() + 60_000;
    while (((rest().at(-1)?.seq as number | undefined) ?? (resync.seq as number)) < lastSeq || daemon.sessions.serializeScreen(info.id).seq < lastSeq) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const expected = daemon.sessions.serializeScreen(info.id);
    const rebuilt = new HeadlessScreen(COLS, ROWS);
    await write(rebuilt, String(resync.data) + rest().map((m) => String(m.data)).join(''));
    const shown = rebuilt.snapshot().lines.map((line) => line.text);
    const reference = new HeadlessScreen(COLS, ROWS);
    await write(reference, expected.data);
    expect(shown).toEqual(reference.snapshot().lines.map((line) => line.text));
    expect(checkScreenTail(shown.join('\n'), pattern.lines)).toBeGreaterThanOrEqual(ROWS - 1);
    rebuilt.dispose();
    reference.dispose();
    await phone.close();
  }, 180_000);
});
