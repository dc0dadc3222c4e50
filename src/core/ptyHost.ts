/**
 * How core meets session hosts without knowing them (src/host implements these; the daemon
 * wires them in): a factory that starts an agent in a host and returns its terminal, and the
 * shape of a session found running (or just exited) when a daemon starts.
 */
import type { CliType } from '../common/index.js';
import type { IPtyHandle } from './ptyHandle.js';
import type { SessionResume } from './session.js';

/** What a new hosted session is started with. */
export interface PtySpawnSpec {
  readonly id: string;
  readonly name: string;
  readonly command: string;
  /** The resolved executable. */
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly cols: number;
  readonly rows: number;
  /** The agent's sanitised environment. */
  readonly env: Record<string, string>;
  readonly cli: CliType | 'auto';
  readonly cliVersion?: string;
  /** ISO 8601. */
  readonly createdAt: string;
}

/** Starts agents outside the daemon's process. */
export interface IPtyHost {
  /** @throws TetherError SPAWN_FAILED */
  spawn(spec: PtySpawnSpec): Promise<IPtyHandle>;
}

/** A session a previous daemon left running (or that exited since): re-attached by SessionManager.adopt. */
export interface ResumedSession extends Omit<PtySpawnSpec, 'env' | 'createdAt'>, SessionResume {}
