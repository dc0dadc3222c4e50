/**
 * Session lifetimes (issue 10, row 11, and the SIGTERM fault): an exited session frees its
 * terminal and keeps a small final record; `close` on it removes it; the oldest exited
 * sessions go past `keepExited`; `maxRunning` refuses one more with SESSION_LIMIT; a child
 * that ignores SIGTERM is killed with SIGKILL after the grace.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionEvent } from '../common/index.js';
import { SessionManager } from './sessionManager.js';
import { HeadlessScreen } from './headlessScreen.js';
import { nextEvent } from '../../test/support/waitFor.js';

const managers: SessionManager[] = [];
afterEach(() => managers.splice(0).forEach((manager) => manager.dispose()));

function manager(options: ConstructorParameters<typeof SessionManager>[0] = {}): SessionManager {
  const created = new SessionManager(options);
  managers.push(created);
  return created;
}

function closed(sessions: SessionManager, sessionId: string, timeoutMs = 10_000): Promise<SessionEvent> {
  return nextEvent(sessions.onEvent, (event) => event.type === 'session_closed' && event.session_id === sessionId, timeoutMs, `session_closed of ${sessionId}`);
}

async function runToExit(sessions: SessionManager, script: string): Promise<string> {
  const info = await sessions.create({ cli: 'sh', args: ['-c', script], cols: 80, rows: 24, cliType: 'generic' });
  await closed(sessions, info.id);
  return info.id;
}

describe('SessionManager lifetimes', () => {
  it('keeps a final record of an exited session and refuses to use its freed terminal', async () => {
    const sessions = manager();
    const id = await runToExit(sessions, 'for i in $(seq 1 400); do echo "line $i"; done; exit 3');
    expect(sessions.get(id)).toMatchObject({ status: 'failed', exit_code: 3 });
    expect(sessions.activity(id).status).toBe('exited');
    const screen = sessions.serializeScreen(id);
    expect(screen.data).toContain('line 400');
    // The record keeps the last lines, not the whole scrollback.
    expect(screen.data).not.toContain('line 100');
    const events = sessions.eventsSince(id, screen.seq - 1);
    expect(events?.at(-1)).toMatchObject({ type: 'session_closed', exit_code: 3 });
    await expect(sessions.sendInput(id, 'hello')).rejects.toMatchObject({ code: 'SESSION_EXITED' });
    await expect(sessions.sendInput(id, 'x', { raw: true })).rejects.toMatchObject({ code: 'SESSION_EXITED' });
    expect(() => sessions.resize(id, 100, 30)).toThrow(expect.objectContaining({ code: 'SESSION_EXITED' }));
    expect(sessions.currentWaiting(id)).toBeUndefined();
  });

  it('removes an exited session on close and says so', async () => {
    const sessions = manager();
    const id = await runToExit(sessions, 'exit 0');
    const removed: string[] = [];
    sessions.onDidRemoveSession((sessionId) => removed.push(sessionId));
    sessions.close(id);
    expect(removed).toEqual([id]);
    expect(() => sessions.get(id)).toThrow(expect.objectContaining({ code: 'SESSION_NOT_FOUND' }));
    expect(() => sessions.close(id)).toThrow(expect.objectContaining({ code: 'SESSION_NOT_FOUND' }));
  });

  it('removes the oldest exited sessions past keepExited', async () => {
    const sessions = manager({ keepExited: 2 });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await runToExit(sessions, `exit ${i}`));
    expect(sessions.list().map((info) => info.id)).toEqual(ids.slice(1));
  });

  it('refuses a session past maxRunning with SESSION_LIMIT until one exits', async () => {
    const sessions = manager({ maxRunning: 1 });
    const first = await sessions.create({ cli: 'sleep', args: ['30'], cliType: 'generic' });
    await expect(sessions.create({ cli: 'sleep', args: ['30'], cliType: 'generic' })).rejects.toMatchObject({ code: 'SESSION_LIMIT' });
    const exited = closed(sessions, first.id);
    sessions.close(first.id);
    await exited;
    const second = await sessions.create({ cli: 'sleep', args: ['30'], cliType: 'generic' });
    expect(sessions.get(second.id).status).toBe('running');
  });

  it('kills a child that ignores SIGTERM with SIGKILL after the grace', async () => {
    const sessions = manager({ limits: { killGraceMs: 500 } });
    const info = await sessions.create({ cli: 'sh', args: ['-c', 'trap "" TERM; echo ready; while :; do sleep 0.05; done'], cliType: 'generic' });
    await nextEvent(sessions.onEvent, (event) => event.type === 'pty_output' && event.data.includes('ready'), 10_000, 'ready');
    const started = Date.now();
    const exit = closed(sessions, info.id);
    sessions.close(info.id);
    expect(await exit).toMatchObject({ exit_code: 128 + 9 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });
});

describe('SessionManager screens', () => {
  it('names the seq its serialised screen holds: that screen plus the output after the seq is all the output', async () => {
    const sessions = manager();
    const info = await sessions.create({ cli: 'sh', args: ['-c', 'stty -echo; read go; seq 1 4000'], cols: 80, rows: 24, cliType: 'generic' });
    const outputs: Array<{ seq: number; data: string }> = [];
    let snapshot: { seq: number; data: string; latest: number } | undefined;
    sessions.onEvent((event) => {
      if (event.type !== 'pty_output' || event.session_id !== info.id) return;
      outputs.push({ seq: event.seq, data: event.data });
      // Taken when this chunk went out but is not parsed yet: the screen lags the latest seq.
      if (event.data.includes('\n1000\r') || (snapshot === undefined && event.data.includes('4000'))) snapshot ??= { ...sessions.serializeScreen(info.id), latest: event.seq };
    });
    const exit = closed(sessions, info.id);
    await sessions.sendInput(info.id, 'go\r', { raw: true });
    await exit;
    expect(snapshot!.seq).toBeLessThan(snapshot!.latest);
    const rebuilt = new HeadlessScreen(80, 24);
    const rest = outputs.filter((output) => output.seq > snapshot!.seq).map((output) => output.data).join('');
    await new Promise<void>((resolve) => rebuilt.write(snapshot!.data + rest, resolve));
    // Every line, in order, with none lost between the screen and the output after it.
    const numbers = rebuilt.serialize().replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').split('\r\n').filter((line) => /^\d+$/.test(line));
    expect(numbers).toEqual(Array.from({ length: 4000 }, (_, i) => String(i + 1)));
    rebuilt.dispose();
  });
});
