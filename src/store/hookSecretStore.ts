/**
 * Hook secrets that outlive the daemon: each session's hook secret (the agent's hooks send it in
 * `TETHER_HOOK_TOKEN`), its run folder (the CLI's per-session settings file), conversation id and
 * home, kept in `<dataDir>/hook-secrets.json` (0600, in the 0700 data dir, written atomically) so a
 * daemon that re-attaches a hosted agent still authenticates that agent's hooks. Never logged.
 */
import { join } from 'node:path';
import type { IHookSecretKeeper, StoredHookSecret } from '../common/index.js';
import { readFileIfExists, removeStaleTemporaries, writeFileAtomicSync } from './atomicFile.js';

/** The file name inside the data directory. */
export const HOOK_SECRETS_FILE = 'hook-secrets.json';
/** Bump when the file's shape changes incompatibly. */
const FILE_VERSION = 1;

/** A log callback (the daemon's logger); secrets are never passed to it. */
export type HookSecretLog = (level: 'warn', message: string, fields?: Record<string, unknown>) => void;

function isRecord(value: unknown): value is StoredHookSecret {
  const r = value as Partial<StoredHookSecret> | null;
  return (
    typeof r === 'object' && r !== null &&
    typeof r.session_id === 'string' && typeof r.token === 'string' && r.token.length >= 32 &&
    typeof r.run_dir === 'string' && typeof r.home === 'string' &&
    (r.conversation_id === undefined || typeof r.conversation_id === 'string') &&
    (r.hook_url === undefined || typeof r.hook_url === 'string') &&
    (r.env === undefined || (typeof r.env === 'object' && r.env !== null && Object.values(r.env).every((v) => typeof v === 'string')))
  );
}

/** The hook secrets of one data dir. */
export class HookSecretStore implements IHookSecretKeeper {
  private readonly _path: string;
  private readonly _records = new Map<string, StoredHookSecret>();

  /** Loads the file if present; a malformed file or entry is skipped (and replaced at the next write). */
  constructor(dataDir: string, private readonly _log?: HookSecretLog) {
    this._path = join(dataDir, HOOK_SECRETS_FILE);
    removeStaleTemporaries(this._path);
    let text: string | undefined;
    try {
      text = readFileIfExists(this._path);
    } catch (err) {
      this._log?.('warn', 'hook secrets unreadable', { error: (err as Error).message });
    }
    if (text === undefined) return;
    try {
      const parsed = JSON.parse(text) as { records?: unknown };
      for (const record of Array.isArray(parsed.records) ? parsed.records : []) if (isRecord(record)) this._records.set(record.session_id, record);
    } catch {
      this._log?.('warn', 'hook secrets file is not JSON; starting empty', { path: this._path });
    }
  }

  get(sessionId: string): StoredHookSecret | undefined {
    return this._records.get(sessionId);
  }

  list(): StoredHookSecret[] {
    return [...this._records.values()];
  }

  /** Stores or replaces a session's record. @throws TetherError STORE_WRITE_FAILED */
  put(record: StoredHookSecret): void {
    this._records.set(record.session_id, record);
    this._write();
  }

  /** Forgets a session's record. Never throws (a failed write is logged). */
  remove(sessionId: string): void {
    if (!this._records.delete(sessionId)) return;
    try {
      this._write();
    } catch (err) {
      this._log?.('warn', 'hook secrets not saved', { error: (err as Error).message });
    }
  }

  private _write(): void {
    writeFileAtomicSync(this._path, `${JSON.stringify({ version: FILE_VERSION, records: this.list() }, null, 2)}\n`);
  }
}
