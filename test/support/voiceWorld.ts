/**
 * What the agent-voice end-to-end suites share (test/e2e.voices.<cli>.test.ts): the daemon
 * in-process with a CLI's seeded environment (its command on PATH), a paired phone, one session
 * created from the phone, and a watcher that keeps every message so that the witnesses' events,
 * which interleave with the screen's in any order, can be asserted after the turn.
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon } from '../../src/daemon.js';
import { configSchema } from '../../src/store/config.js';
import { silentLogger } from '../../src/log.js';
import type { CliEnv } from './cliEnv.js';
import { pairPhone, until } from './phone.js';
import type { ReceivedMessage, TestClient } from './testClient.js';

/** A session of one CLI with every message the phone got kept. */
export interface VoiceWorld {
  readonly daemon: Awaited<ReturnType<typeof startDaemon>>;
  readonly phone: TestClient;
  readonly session: { readonly id: string; readonly conversation_id?: string; readonly args: readonly string[] };
  /** Every message read so far. */
  readonly seen: ReceivedMessage[];
  /** The first message (kept or new) that matches. @throws Error after `ms` */
  watch(predicate: (m: ReceivedMessage) => boolean, ms: number, what: string): Promise<ReceivedMessage>;
}

/**
 * Starts the daemon for `cliEnv` and creates a session of `command` with `options.args` in its project
 * dir (`options.submitDelayMs`: `sessions.submit_delay_ms`, for Gemini's paste detection;
 * `options.parserOff`: CLIs whose screen parser is switched off, the daemon's test-only flag).
 * @throws Error when the session is not created within 15 s
 */
export async function startVoiceWorld(command: string, cliEnv: CliEnv, cleanups: Array<() => unknown>, options: { args?: readonly string[]; submitDelayMs?: number; parserOff?: readonly string[] } = {}): Promise<VoiceWorld> {
  const dataDir = mkdtempSync(join(tmpdir(), `tether-voices-${command}-`));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const binDir = mkdtempSync(join(tmpdir(), `tether-voices-${command}-bin-`));
  cleanups.push(() => rmSync(binDir, { recursive: true, force: true }));
  symlinkSync(cliEnv.bin, join(binDir, command));
  const daemon = await startDaemon({
    config: configSchema.parse({ server: { port: 0 }, ...(options.submitDelayMs !== undefined ? { sessions: { submit_delay_ms: options.submitDelayMs } } : {}) }),
    dataDir,
    port: 0,
    sessionEnv: { ...cliEnv.env, PATH: `${binDir}:${cliEnv.env.PATH}` },
    log: silentLogger,
    ...(options.parserOff ? { parserOff: [...options.parserOff] } : {}),
  });
  cleanups.push(() => daemon.stop());
  const phone = await pairPhone(daemon.url, dataDir);
  cleanups.push(() => phone.close());
  phone.send({ type: 'create_session', request_id: 'create', cli: command, cwd: cliEnv.projectDir, cols: 120, rows: 40, args: [...cliEnv.args, ...(options.args ?? [])] });
  const created = await until(phone, (m) => m.type === 'session_created' && m.request_id === 'create', 15_000, 'session_created');
  const seen: ReceivedMessage[] = [];
  return {
    daemon,
    phone,
    session: created.session as VoiceWorld['session'],
    seen,
    watch: async (predicate, ms, what) => {
      const kept = seen.find(predicate);
      if (kept) return kept;
      try {
        return await until(phone, (m) => (seen.push(m), predicate(m)), ms, what);
      } catch (err) {
        // Say what did come, so a missing witness is told apart from a slow one.
        const got = seen.map((m) =>
          m.type === 'activity' ? `activity:${String(m.activity_type)}:${String(m.tool_name ?? '')}` : m.type === 'waiting_for_input' ? `waiting_for_input:${String(m.wait_type)}:${String(m.prompt_content ?? '').slice(0, 80)}` : String(m.type),
        );
        throw new Error(`${(err as Error).message}; seen: ${got.join(', ')}`);
      }
    },
  };
}
