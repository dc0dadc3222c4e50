/**
 * A hosted agent's hooks keep authenticating across a daemon restart (issue 9): the hook secret
 * the agent got in its environment is kept in `<dataDir>/hook-secrets.json` (0600, data dir 0700,
 * never logged) with its run folder (the CLI's settings file stays while the agent runs), so the
 * daemon that re-attaches the agent takes its hook posts, also at the port the agent's settings
 * name when the new daemon listens on another; a wrong secret is still refused, and the record
 * and folder go once the session does.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDaemon } from '../src/daemon.js';
import type { Daemon } from '../src/daemon.js';
import type { SessionEvent } from '../src/common/index.js';
import { configSchema } from '../src/store/config.js';
import type { Logger } from '../src/log.js';
import { processAlive, readHostRecords } from '../src/host/hostFiles.js';
import { HOOK_SECRETS_FILE } from '../src/store/hookSecretStore.js';
import { hostCommand } from './support/hostProgram.js';
import { waitUntil } from './support/waitFor.js';

describe('hook secrets across a daemon restart', () => {
  let root: string;
  let dataDir: string;
  const daemons: Daemon[] = [];
  const logged: string[] = [];
  const log: Logger = (level, message, fields) => void logged.push(JSON.stringify({ level, message, fields }));

  async function start(): Promise<Daemon> {
    const daemon = await startDaemon({ config: configSchema.parse({}), dataDir, port: 0, log, hostCommand: hostCommand() });
    daemons.push(daemon);
    return daemon;
  }

  async function postHook(daemon: Daemon | string, sessionId: string, token: string, promptId = 'p-after'): Promise<number> {
    const base = typeof daemon === 'string' ? daemon : daemon.url;
    const response = await fetch(`${base}/api/sessions/${sessionId}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: 'conv', prompt: 'after the restart', prompt_id: promptId }),
    });
    return response.status;
  }

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tether-hooksecret-'));
    dataDir = join(root, 'data');
  });

  afterEach(async () => {
    for (const daemon of daemons.splice(0)) await daemon.stop({ stopSessions: true }).catch(() => undefined);
    for (const { record } of readHostRecords(join(dataDir, 'hosts'))) if (processAlive(record.pid)) process.kill(record.pid, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  it('the re-attached agent\'s hooks authenticate with the secret it was started with; others do not', async () => {
    // A stand-in for Claude Code, named like it (hooks go only to a program Tether knows as the
    // CLI): it writes down the secret and settings path it was given, then waits.
    mkdirSync(join(root, 'bin'));
    const agent = join(root, 'bin', 'claude');
    writeFileSync(agent, `#!/bin/sh\nprintf '%s\\n%s\\n' "$TETHER_HOOK_TOKEN" "$2" > "${root}/given.txt"\necho READY\nsleep 120\n`);
    chmodSync(agent, 0o755);
    const first = await start();
    const info = await first.sessions.create({ cli: agent, cliType: 'claude', cwd: root, cols: 80, rows: 24 });
    await waitUntil(() => existsSync(join(root, 'given.txt')) && readFileSync(join(root, 'given.txt'), 'utf8').split('\n').length > 2, 15_000, 'the agent to start');
    const [token, settings] = readFileSync(join(root, 'given.txt'), 'utf8').split('\n');
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(settings).toMatch(/claude-settings\.json$/);
    expect(await postHook(first, info.id, token)).toBe(204);

    const file = join(dataDir, HOOK_SECRETS_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    const firstPort = first.port;
    await first.stop();
    daemons.splice(daemons.indexOf(first), 1);
    // The agent runs on in its host, and its settings file is still there for it.
    expect(existsSync(settings)).toBe(true);

    const second = await start();
    expect(second.sessions.list().map((session) => [session.id, session.status])).toEqual([[info.id, 'running']]);
    // The agent's settings still name the first daemon's port; the second listens there too, for its hooks.
    const hookBase = `http://127.0.0.1:${firstPort}`;
    expect(readFileSync(settings, 'utf8')).toContain(`${hookBase}/api/sessions/${info.id}/events`);
    expect(second.port).not.toBe(firstPort);
    const events: SessionEvent[] = [];
    second.sessions.onEvent((event) => events.push(event));
    expect(await postHook(second, info.id, token)).toBe(204);
    expect(await postHook(second, info.id, `${token.slice(0, -2)}xx`)).toBe(401);
    // The hook was taken: its prompt is on the session's timeline.
    await waitUntil(() => events.some((event) => event.type === 'activity' && event.activity_type === 'user_prompt'), 5000, 'the hook\'s activity');
    // Posted where the agent's settings send it, a hook lands the same way.
    const before = events.length;
    expect(await postHook(hookBase, info.id, token, 'p-old-port')).toBe(204);
    expect(await postHook(hookBase, info.id, `${token.slice(0, -2)}xx`)).toBe(401);
    await waitUntil(() => events.slice(before).some((event) => event.type === 'activity' && event.activity_type === 'user_prompt'), 5000, 'the hook\'s activity through the earlier port');
    expect(logged.some((line) => line.includes(token))).toBe(false);

    second.sessions.delete(info.id);
    await waitUntil(() => !second.sessions.list().some((session) => session.id === info.id), 15_000, 'the session to go');
    expect(readFileSync(file, 'utf8')).not.toContain(token);
    await waitUntil(() => !existsSync(settings), 5000, 'the run folder to go');
    // Its last agent gone, the daemon gives the earlier port up; its own port stays.
    let earlierOpen = true;
    for (const deadline = Date.now() + 5000; earlierOpen && Date.now() < deadline; ) {
      earlierOpen = await fetch(`${hookBase}/api/openapi.json`).then(() => true, () => false);
      if (earlierOpen) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(earlierOpen).toBe(false);
    expect((await fetch(`${second.url}/api/openapi.json`)).status).toBe(200);
    expect(logged.some((line) => line.includes('closed the earlier hook port'))).toBe(true);
  }, 90_000);

  it('starts all the same when the earlier hook port is taken, and says so', async () => {
    mkdirSync(join(root, 'bin'));
    const agent = join(root, 'bin', 'claude');
    writeFileSync(agent, '#!/bin/sh\necho READY\nsleep 120\n');
    chmodSync(agent, 0o755);
    const first = await start();
    const info = await first.sessions.create({ cli: agent, cliType: 'claude', cwd: root, cols: 80, rows: 24 });
    const firstPort = first.port;
    await first.stop();
    daemons.splice(daemons.indexOf(first), 1);
    // Another program takes the port meanwhile.
    const squatter = createServer((_request, response) => response.end('not tether'));
    await new Promise<void>((resolve) => squatter.listen(firstPort, '127.0.0.1', resolve));
    try {
      const second = await start();
      expect(second.sessions.list().map((session) => session.id)).toEqual([info.id]);
      expect(logged.some((line) => line.includes('earlier port is taken') && line.includes(String(firstPort)))).toBe(true);
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  }, 90_000);
});
