/**
 * The daemon's rendezvous file in the data dir (`daemon.json`, mode 0600): port, URL and the
 * admin secret the local `tether` CLI uses to reach the running daemon.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TetherError } from './common/index.js';

/** File name of the rendezvous file inside the data dir. */
export const DAEMON_FILE = 'daemon.json';

/** What the running daemon publishes for local clients. */
export interface DaemonFile {
  readonly pid: number;
  readonly host: string;
  readonly port: number;
  /** Loopback URL the local CLI connects to. */
  readonly url: string;
  readonly admin_secret: string;
  readonly version: string;
}

/** The data dir: `--data-dir`, else `TETHER_HOME`, else `~/.tether`. */
export function resolveDataDir(explicit?: string): string {
  return explicit || process.env.TETHER_HOME || join(homedir(), ".tether");
}

/**
 * Reads the running daemon's file.
 * @throws TetherError DAEMON_NOT_RUNNING when it is missing or unreadable
 */
export function readDaemonFile(dataDir: string): DaemonFile {
  try {
    const parsed = JSON.parse(readFileSync(join(dataDir, DAEMON_FILE), 'utf8')) as DaemonFile;
    if (typeof parsed.port !== 'number' || typeof parsed.admin_secret !== 'string') throw new Error('incomplete file');
    return parsed;
  } catch (err) {
    throw new TetherError('DAEMON_NOT_RUNNING', `no running daemon found in ${dataDir} (start one with "tether daemon")`, { cause: err });
  }
}
