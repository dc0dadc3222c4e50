/**
 * Agents outlive the daemon (issue 14), through the daemon's own API: a daemon that stops
 * leaves its hosted agents running; the next one re-attaches them with the same id and screen,
 * seqs above the old ones, and input that lands; `stop({ stopSessions })` ends them and leaves
 * no host behind; an agent that exits while no daemon runs is listed by the next one.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDaemon } from '../src/daemon.js';
import type { Daemon } from '../src/daemon.js';
import type { SessionEvent } from '../src/common/index.js';
import { configSchema } from '../src/store/config.js';
import { silentLogger } from '../src/log.js';
import { processAlive, readHostRecords } from '../src/host/hostFiles.js';
import { hostCommand } from './support/hostProgram.js';
import { waitUntil } from './support/waitFor.js';

describe('a daemon restart', () => {
  let dataDir: string;
  const daemons: Daemon[] = [];

  async function start(config: object = {}): Promise<Daemon> {
    const daemon = await startDaemon({ config: configSchema.parse(config), dataDir, port: 0, log: silentLogger, hostCommand: hostCommand() });
    daemons.push(daemon);
    return daemon;
  }

  function screenOf(daemon: Daemon, id: string): string {
    return daemon.sessions.serializeScreen(id).data;
  }

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tether-restart-'));
  });

  afterEach(async () => {
    for (const daemon of daemons.splice(0)) await daemon.stop({ stopSessions: true }).catch(() => undefined);
    for (const { record } of readHostRecords(join(dataDir, 'hosts'))) {
      if (processAlive(record.pid)) process.kill(record.pid, 'SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the agent, its screen and its seqs rising; input lands; --stop-sessions ends it without leftovers', async () => {
    const first = await start();
    const info = await first.sessions.create({ cli: 'sh', args: ['-c', 'echo BEFORE-RESTART; read answer; echo "GOT-$answer"; sleep 60'], cols: 80, rows: 24 });
    await waitUntil(() => screenOf(first, info.id).includes('BEFORE-RESTART'), 15_000, 'the first output');
    const oldSeq = first.sessions.serializeScreen(info.id).seq;
    await first.stop();
    daemons.splice(daemons.indexOf(first), 1);

    const [{ record }] = readHostRecords(join(dataDir, 'hosts'));
    expect(processAlive(record.pid)).toBe(true);
    const second = await start();
    expect(second.sessions.list().map((session) => [session.id, session.status])).toEqual([[info.id, 'running']]);
    await waitUntil(() => screenOf(second, info.id).includes('BEFORE-RESTART'), 15_000, 'the rebuilt screen');
    const events: SessionEvent[] = [];
    second.sessions.onEvent((event) => events.push(event));
    await second.sessions.sendInput(info.id, 'yes', { raw: true });
    await second.sessions.sendInput(info.id, '\r', { raw: true });
    await waitUntil(() => screenOf(second, info.id).includes('GOT-yes'), 15_000, 'the answer to land');
    const seqs = events.flatMap((event) => ('seq' in event ? [event.seq] : []));
    expect(Math.min(...seqs)).toBeGreaterThan(oldSeq);
    // A client resuming from before the restart is told the history does not reach back (it takes a screen).
    expect(second.sessions.eventsSince(info.id, oldSeq)).toBeUndefined();

    await second.stop({ stopSessions: true });
    daemons.splice(daemons.indexOf(second), 1);
    await waitUntil(() => !processAlive(record.pid), 10_000, 'the host to exit');
    expect(readdirSync(join(dataDir, 'hosts'))).toEqual([]);
  }, 60_000);

  it('lists an agent that exited while no daemon ran, with its last screen and exit code', async () => {
    const first = await start({ sessions: { host_orphan_exit_seconds: 1 } });
    const info = await first.sessions.create({ cli: 'sh', args: ['-c', 'sleep 1; echo LAST-WORDS; exit 4'], cols: 80, rows: 24 });
    await first.stop();
    daemons.splice(daemons.indexOf(first), 1);
    const [{ record }] = readHostRecords(join(dataDir, 'hosts'));
    await waitUntil(() => !processAlive(record.pid), 15_000, 'the orphaned host to write its record and exit');

    const second = await start();
    await waitUntil(() => second.sessions.list()[0]?.status === 'failed', 10_000, 'the exited session');
    const [session] = second.sessions.list();
    // Exit code 4 of its own: a failure (issue 11), not an exit Tether caused.
    expect(session).toMatchObject({ id: info.id, status: 'failed', exit_code: 4 });
    expect(screenOf(second, info.id)).toContain('LAST-WORDS');
    expect(readdirSync(join(dataDir, 'hosts'))).toEqual([]);
  }, 60_000);
});
