/**
 * Hosted sessions, wired into core: a factory that starts each new agent in a session host, and
 * the daemon's start-up step that re-attaches the hosts a previous daemon left (rebuilding each
 * screen from its replay) and shows the sessions that exited while no daemon ran.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Emitter } from '../common/index.js';
import { isCliType } from '../core/index.js';
import type { CliType } from '../common/index.js';
import type { SessionManager } from '../core/sessionManager.js';
import type { IPtyHandle } from '../core/ptyHandle.js';
import type { IPtyHost, PtySpawnSpec, ResumedSession } from '../core/ptyHost.js';
import type { PtyExit } from '../core/ptyProcess.js';
import type { HostLauncher } from './hostLauncher.js';
import type { HostSession } from './hostProtocol.js';

/**
 * `[node, hostMain.js]` next to this module when it is compiled JavaScript (the shipped daemon);
 * undefined when running from TypeScript sources (vitest), where agents stay in-process unless a
 * test passes a transpiled host. Under Electron the binary runs as plain Node.
 */
export function defaultHostCommand(): string[] | undefined {
  const main = fileURLToPath(new URL('./hostMain.js', import.meta.url));
  return existsSync(main) ? [process.execPath, main] : undefined;
}

/** Starts new sessions' agents in hosts. */
export function hostPtyFactory(launcher: HostLauncher): IPtyHost {
  return {
    async spawn(spec: PtySpawnSpec): Promise<IPtyHandle> {
      const session: HostSession = {
        id: spec.id,
        name: spec.name,
        command: spec.command,
        file: spec.file,
        args: [...spec.args],
        cwd: spec.cwd,
        cols: spec.cols,
        rows: spec.rows,
        cli: spec.cli,
        ...(spec.cliVersion !== undefined ? { cli_version: spec.cliVersion } : {}),
        created_at: spec.createdAt,
      };
      return launcher.spawn(session, spec.env);
    },
  };
}

/** A finished agent's terminal (a final record): no process, the exit comes right after start. */
class FinishedPty implements IPtyHandle {
  readonly pid = -1;
  private readonly _onData = new Emitter<string>();
  readonly onData = this._onData.event;
  private readonly _onExit = new Emitter<PtyExit>();
  readonly onExit = this._onExit.event;
  constructor(private readonly _exitCode: number) {}
  write(): void {}
  resize(): void {}
  pause(): void {}
  resume(): void {}
  kill(): void {}
  start(): void {
    // After the session has subscribed (it is still being constructed now).
    setTimeout(() => this._onExit.fire({ exitCode: this._exitCode }), 0);
  }
  dispose(): void {
    this._onData.dispose();
    this._onExit.dispose();
  }
}

function cliOf(cli: string): CliType | 'auto' {
  return cli === 'auto' ? 'auto' : isCliType(cli) ? cli : 'generic';
}

function resumedFrom(session: HostSession, pty: IPtyHandle, replay: ResumedSession['replay'], afterSeq: number): ResumedSession {
  return {
    id: session.id,
    name: session.name,
    command: session.command,
    file: session.file,
    args: session.args,
    cwd: session.cwd,
    cols: session.cols,
    rows: session.rows,
    cli: cliOf(session.cli),
    ...(session.cli_version !== undefined ? { cliVersion: session.cli_version } : {}),
    pty,
    replay,
    afterSeq,
    createdAt: session.created_at,
  };
}

/** What re-attaching found. */
export interface ResumeReport {
  readonly resumed: number;
  readonly finished: number;
  readonly problems: ReadonlyArray<{ id: string; reason: string }>;
}

/**
 * Re-attaches every live host into `sessions` (`session_resumed` each) and adds the sessions that
 * exited while no daemon ran (`session_resumed`, then `session_closed` with their exit code).
 * @throws never: a host that cannot be attached is reported in `problems` and left alone
 */
export async function resumeHostedSessions(launcher: HostLauncher, sessions: SessionManager): Promise<ResumeReport> {
  const problems: Array<{ id: string; reason: string }> = [];
  const found = await launcher.discover((id, reason) => problems.push({ id, reason }));
  const adopt = (resumed: ResumedSession, pty: IPtyHandle) => {
    try {
      sessions.adopt(resumed);
    } catch (err) {
      problems.push({ id: resumed.id, reason: (err as Error).message });
      pty.dispose();
    }
  };
  for (const client of found.attached) {
    adopt(resumedFrom(client.welcome.session, client, client.replay, client.welcome.seq_lease), client);
  }
  for (const record of found.finals) {
    const pty = new FinishedPty(record.exit_code);
    adopt(resumedFrom(record.session, pty, { checkpoint: record.checkpoint, output: record.output }, 0), pty);
  }
  return { resumed: found.attached.length, finished: found.finals.length, problems };
}
