/**
 * Sessions that behave like sessions (issue 11 §2): rename, delete, `failed` on an exit Tether
 * did not cause, `session_updated` on every change, and resume with the CLI's own resume flag
 * in the same session. Real PTYs running small shell scripts.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionEvent } from '../common/index.js';
import { SessionManager } from './sessionManager.js';
import { nextEvent } from '../../test/support/waitFor.js';

const managers: SessionManager[] = [];
const dirs: string[] = [];
afterEach(() => {
  managers.splice(0).forEach((manager) => manager.dispose());
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

function manager(): { sessions: SessionManager; events: SessionEvent[] } {
  const sessions = new SessionManager();
  managers.push(sessions);
  const events: SessionEvent[] = [];
  sessions.onEvent((event) => events.push(event));
  return { sessions, events };
}

function closed(sessions: SessionManager, sessionId: string): Promise<SessionEvent> {
  return nextEvent(sessions.onEvent, (event) => event.type === 'session_closed' && event.session_id === sessionId, 10_000, `session_closed of ${sessionId}`);
}

/** An executable script that prints its arguments and exits with `code`. */
function echoArgsScript(code: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'tether-lifecycle-'));
  dirs.push(dir);
  const file = join(dir, 'fake-cli');
  writeFileSync(file, `#!/bin/sh\necho "args:$*"\nexit ${code}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('session lifecycle', () => {
  it('renames: session_renamed to everyone, then session_updated carrying the new name', async () => {
    const { sessions, events } = manager();
    const info = await sessions.create({ cli: 'sh', args: ['-c', 'sleep 30'], cliType: 'generic', name: 'old' });
    const renamed = sessions.rename(info.id, 'api refactor');
    expect(renamed.name).toBe('api refactor');
    expect(sessions.get(info.id).name).toBe('api refactor');
    const tail = events.slice(-2);
    expect(tail[0]).toEqual({ type: 'session_renamed', session_id: info.id, new_name: 'api refactor' });
    expect(tail[1]).toMatchObject({ type: 'session_updated', session: { id: info.id, name: 'api refactor' } });
    expect(() => sessions.rename('nope', 'x')).toThrow(expect.objectContaining({ code: 'SESSION_NOT_FOUND' }));
  });

  it('deletes a running session: killed (exited, not failed), then session_deleted; it is gone', async () => {
    const { sessions, events } = manager();
    const info = await sessions.create({ cli: 'sh', args: ['-c', 'sleep 30'], cliType: 'generic' });
    const deleted = nextEvent(sessions.onEvent, (event) => event.type === 'session_deleted', 10_000, 'session_deleted');
    sessions.delete(info.id);
    expect(await deleted).toEqual({ type: 'session_deleted', session_id: info.id });
    const types = events.filter((event) => 'session_id' in event || 'session' in event).map((event) => event.type);
    expect(types.indexOf('session_closed')).toBeLessThan(types.indexOf('session_deleted'));
    const lastUpdate = events.filter((event) => event.type === 'session_updated').at(-1);
    // SIGTERM gives a non-zero code, but Tether caused it: no failure.
    expect(lastUpdate).toMatchObject({ session: { id: info.id, status: 'exited' } });
    expect(() => sessions.get(info.id)).toThrow(expect.objectContaining({ code: 'SESSION_NOT_FOUND' }));
  });

  it('deletes an exited session at once', async () => {
    const { sessions, events } = manager();
    const info = await sessions.create({ cli: 'sh', args: ['-c', 'exit 0'], cliType: 'generic' });
    await closed(sessions, info.id);
    sessions.delete(info.id);
    expect(events.at(-1)).toEqual({ type: 'session_deleted', session_id: info.id });
    expect(sessions.list().map((session) => session.id)).not.toContain(info.id);
  });

  it('marks an exit with a non-zero code of its own as failed, and a zero exit as exited', async () => {
    const { sessions, events } = manager();
    const bad = await sessions.create({ cli: 'sh', args: ['-c', 'exit 4'], cliType: 'generic' });
    const good = await sessions.create({ cli: 'sh', args: ['-c', 'exit 0'], cliType: 'generic' });
    await Promise.all([closed(sessions, bad.id), closed(sessions, good.id)]);
    expect(sessions.get(bad.id)).toMatchObject({ status: 'failed', exit_code: 4 });
    expect(sessions.get(good.id)).toMatchObject({ status: 'exited', exit_code: 0 });
    const updates = events.filter((event) => event.type === 'session_updated' && event.session.id === bad.id);
    expect(updates.at(-1)).toMatchObject({ session: { status: 'failed' } });
  });

  it('resumes an exited session with its CLI resume flag and conversation id, in the same session', async () => {
    const { sessions, events } = manager();
    const file = echoArgsScript(0);
    const info = await sessions.create({ cli: file, args: ['--model', 'opus'], cliType: 'claude' });
    expect(() => sessions.resume(info.id)).toThrow(expect.objectContaining({ code: 'NOT_RESUMABLE' }));
    await closed(sessions, info.id);
    // No conversation id known yet.
    expect(() => sessions.resume(info.id)).toThrow(expect.objectContaining({ code: 'NOT_RESUMABLE' }));
    sessions.setConversationId(info.id, 'conv-42');
    expect(events.at(-1)).toMatchObject({ type: 'session_updated', session: { id: info.id, conversation_id: 'conv-42' } });
    const seqBefore = sessions.serializeScreen(info.id).seq;

    const again = closed(sessions, info.id);
    const resumed = sessions.resume(info.id);
    expect(resumed).toMatchObject({ id: info.id, status: 'running', args: ['--resume', 'conv-42', '--model', 'opus'], conversation_id: 'conv-42' });
    expect(events.some((event) => event.type === 'session_resumed' && event.session.id === info.id)).toBe(true);
    await again;
    const screen = sessions.serializeScreen(info.id);
    expect(screen.data).toContain('args:--resume conv-42 --model opus');
    // Same session, seq goes on.
    expect(screen.seq).toBeGreaterThan(seqBefore);
    expect(sessions.list().filter((session) => session.id === info.id)).toHaveLength(1);
  });

  it('refuses to resume a CLI without a resume flag', async () => {
    const { sessions } = manager();
    const info = await sessions.create({ cli: 'sh', args: ['-c', 'exit 0'], cliType: 'generic' });
    await closed(sessions, info.id);
    sessions.setConversationId(info.id, 'conv-1');
    expect(() => sessions.resume(info.id)).toThrow(expect.objectContaining({ code: 'NOT_RESUMABLE' }));
  });
});
