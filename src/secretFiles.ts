/**
 * Start-up checks of the files that hold secrets: the data dir is made owner-only (0700) when
 * it exists looser, and every secret file (the data dir's own files, the config file, the TLS
 * key, the APNs key, the FCM service account) readable or writable by anyone but its owner is
 * named in a warning. POSIX modes only; on Windows (ACLs) nothing is checked.
 */
import { chmodSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from './log.js';
import { PRIVATE_DIR_MODE } from './store/atomicFile.js';
import type { TetherConfig } from './store/config.js';

/** Group and other permission bits: any of them set means someone else can read, write or list. */
const OTHERS_BITS = 0o077;

/**
 * Tightens the data dir to 0700 when its mode lets others in; returns the mode it had, or
 * undefined when nothing changed.
 * @throws never (a failed chmod is logged)
 */
export function tightenDataDir(dataDir: string, log: Logger): number | undefined {
  if (process.platform === 'win32') return undefined;
  try {
    const mode = statSync(dataDir).mode & 0o777;
    if ((mode & OTHERS_BITS) === 0) return undefined;
    chmodSync(dataDir, PRIVATE_DIR_MODE);
    log('warn', 'data dir was open to other users; tightened to 0700', { data_dir: dataDir, was: mode.toString(8) });
    return mode;
  } catch (err) {
    log('warn', 'cannot check the data dir mode', { data_dir: dataDir, error: (err as Error).message });
    return undefined;
  }
}

/** The secret files a config names, plus every file directly in the data dir. @throws never */
export function secretFiles(dataDir: string, config: TetherConfig, configPath?: string): string[] {
  let inDataDir: string[] = [];
  try {
    inDataDir = readdirSync(dataDir, { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => join(dataDir, entry.name));
  } catch {
    // no data dir yet
  }
  const named = [configPath, config.server.tls?.key_file, config.push.apns?.key_file, config.push.fcm?.service_account_file];
  return [...inDataDir, ...named.filter((path): path is string => path !== undefined)];
}

/**
 * Warns once per file that group or others may read or write; returns those files.
 * @throws never
 */
export function warnOpenSecretFiles(paths: readonly string[], log: Logger): string[] {
  if (process.platform === 'win32') return [];
  const open: string[] = [];
  for (const path of paths) {
    try {
      const mode = statSync(path).mode & 0o777;
      if ((mode & OTHERS_BITS) === 0) continue;
      open.push(path);
      log('warn', 'secret file is readable by other users; run chmod 600 on it', { path, mode: mode.toString(8) });
    } catch {
      // missing files are reported where they are read
    }
  }
  return open;
}
