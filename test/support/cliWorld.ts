/**
 * What the end-to-end suites of a release-installed CLI share (Codex and Qwen Code run their
 * newest release, whose bin lives in an npm alias package): the daemon in-process with the CLI's
 * seeded environment and the CLI's command on PATH, a paired phone, and one session of that CLI
 * created from the phone. Everything it starts is pushed onto `cleanups`.
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { startDaemon } from '../../src/daemon.js';
import { configSchema } from '../../src/store/config.js';
import { silentLogger } from '../../src/log.js';
import type { CliEnv } from './cliEnv.js';
import { pairPhone, until } from './phone.js';
import type { TestClient } from './testClient.js';

/** A phone paired with a daemon that runs one session of the CLI. */
export interface CliWorld {
  readonly phone: TestClient;
  readonly sessionId: string;
}

/**
 * Starts the daemon for `cliEnv` (the session runs `command` from PATH, linked to `cliEnv.bin`),
 * pairs a phone and creates a session of `command` at `cols`×`rows` in the env's project dir.
 * @throws Error when the session is not created within 15 s
 */
export async function startCliWorld(command: string, cliEnv: CliEnv, cleanups: Array<() => unknown>, size: { cols: number; rows: number }): Promise<CliWorld> {
  const dataDir = mkdtempSync(join(tmpdir(), `tether-e2e-${command}-`));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const binDir = mkdtempSync(join(tmpdir(), `tether-e2e-${command}-bin-`));
  cleanups.push(() => rmSync(binDir, { recursive: true, force: true }));
  symlinkSync(cliEnv.bin, join(binDir, command));
  const daemon = await startDaemon({
    config: configSchema.parse({ server: { port: 0 } }),
    dataDir,
    port: 0,
    sessionEnv: { ...cliEnv.env, PATH: `${binDir}:${cliEnv.env.PATH}` },
    log: silentLogger,
  });
  cleanups.push(() => daemon.stop());
  const phone = await pairPhone(daemon.url, dataDir);
  cleanups.push(() => phone.close());
  phone.send({ type: 'create_session', request_id: 'create', cli: command, cwd: cliEnv.projectDir, ...size });
  const created = await until(phone, (m) => m.type === 'session_created' && m.request_id === 'create', 15_000, 'session_created');
  const session = created.session as { id: string; cli_type: string };
  expect(session.cli_type).toBe(command);
  return { phone, sessionId: session.id };
}
