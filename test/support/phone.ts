/**
 * What the end-to-end suites share: cleanups run after each test, reading a phone socket
 * until a message matches, and pairing a phone with a running daemon the way a real phone
 * does (a code from the admin endpoint `tether pair` uses, then `POST /api/pair`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { TestClient } from './testClient.js';
import type { ReceivedMessage } from './testClient.js';

/**
 * The first message the end-to-end suites send, the moment a session is first reported idle:
 * 69 characters, longer than the 58 whose Enter Claude Code lost and long enough that keys a CLI
 * has not read yet arrive as a paste (issue 13, docs/cli-screens-newest.md). A suite whose model
 * request then contains it proves the first idle report came when a message could be submitted.
 */
export const FIRST_MESSAGE = 'Please create the marker file created-by-tool.txt in this project now';

/** A list of cleanups run in reverse after each test; a failing cleanup (a CLI still exiting) is ignored. */
export function useCleanups(): Array<() => unknown> {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch {
        // best effort: a CLI that is still exiting may hold temp files
      }
    }
  });
  return cleanups;
}

/**
 * Reads messages until one matches.
 * @throws Error naming `what` and the unread message types after `timeoutMs`
 */
export async function until(client: TestClient, predicate: (m: ReceivedMessage) => boolean, timeoutMs: number, what: string): Promise<ReceivedMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Error(`timed out waiting for ${what}; unread: ${JSON.stringify(client.unread().map((m) => m.type))}`);
    const message = await client.next(remaining).catch((err: Error) => {
      throw new Error(`${err.message} (waiting for ${what})`);
    });
    if (predicate(message)) return message;
  }
}

/**
 * Pairs a phone with the daemon whose data dir is `dataDir` and connects its socket; returns
 * it after `welcome` and `sessions`. The code is minted with grant `scope`: `full` by default,
 * because the end-to-end suites start agent CLIs with arguments (the `phone` grant may not; the
 * doors suites test the grants themselves).
 */
export async function pairPhone(daemonUrl: string, dataDir: string, protocols: string[] = [], scope: 'phone' | 'full' = 'full'): Promise<TestClient> {
  const admin = JSON.parse(readFileSync(join(dataDir, 'daemon.json'), 'utf8')) as { admin_secret: string };
  const codeReply = await fetch(`${daemonUrl}/api/admin/pairing-code`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin.admin_secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ scope }),
  });
  expect(codeReply.status).toBe(200);
  const { code } = (await codeReply.json()) as { code: string };
  const pairReply = await fetch(`${daemonUrl}/api/pair`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, device_name: 'Test iPhone', platform: 'ios' }),
  });
  expect(pairReply.status).toBe(200);
  const { token } = (await pairReply.json()) as { token: string };
  const phone = await TestClient.connect(`${daemonUrl.replace(/^http/, 'ws')}/ws`, { authorization: `Bearer ${token}` }, protocols);
  expect((await phone.next()).type).toBe('welcome');
  expect((await phone.next()).type).toBe('sessions');
  return phone;
}
