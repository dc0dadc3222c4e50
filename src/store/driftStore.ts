/**
 * The drift recorder: counts drift reports per (CLI, CLI version, kind) with first/last seen
 * and the latest short sample, logs each report, and keeps the counts in `<dataDir>/drift.json`
 * (atomic, written at most once per second) so `tether doctor` can read them with or without a
 * running daemon. Counts survive daemon restarts: the file is loaded at start.
 */
import { join } from 'node:path';
import { DRIFT_SAMPLE_MAX, UNKNOWN_VERSION } from '../common/index.js';
import type { DriftRecord, DriftReport, IDriftSink } from '../common/index.js';
import { readFileIfExists, removeStaleTemporaries, writeFileAtomicSync } from './atomicFile.js';

/** The file name inside the data directory. */
export const DRIFT_FILE = 'drift.json';
/** Bump when the file's shape changes incompatibly. */
const FILE_VERSION = 1;
/** Reports within this window share one write (ms): a flapping prompt must not thrash the disk. */
const WRITE_DELAY_MS = 1000;
/** Distinct (cli, version, kind) entries kept; the least recently seen go first. */
const MAX_ENTRIES = 500;

interface DriftFile {
  version: number;
  records: DriftRecord[];
}

/** A log callback (the daemon's logger). */
export type DriftLog = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

/** Options of a DriftStore. */
export interface DriftStoreOptions {
  /** Clock for first/last seen (ms since the epoch). */
  readonly now?: () => number;
  /** Delay before a write (ms); 0 writes at once. */
  readonly writeDelayMs?: number;
  readonly log?: DriftLog;
}

/** Collapses whitespace and cuts a sample to DRIFT_SAMPLE_MAX characters. */
export function cutSample(sample: string | undefined): string {
  const flat = (sample ?? '').replace(/\s+/gu, ' ').trim();
  const chars = Array.from(flat);
  return chars.length <= DRIFT_SAMPLE_MAX ? flat : `${chars.slice(0, DRIFT_SAMPLE_MAX - 1).join('')}…`;
}

function keyOf(record: Pick<DriftRecord, 'cli' | 'cli_version' | 'kind'>): string {
  return `${record.cli}\u0000${record.cli_version}\u0000${record.kind}`;
}

function isRecord(value: unknown): value is DriftRecord {
  const r = value as Partial<DriftRecord> | null;
  return (
    typeof r === 'object' && r !== null &&
    typeof r.cli === 'string' && typeof r.cli_version === 'string' && typeof r.kind === 'string' &&
    typeof r.count === 'number' && typeof r.first_seen === 'string' && typeof r.last_seen === 'string' && typeof r.sample === 'string'
  );
}

/**
 * Reads the drift records of a data dir, most recently seen first. A missing file is no drift;
 * a malformed file or malformed entries are skipped (drift is a diagnosis, never a reason to fail).
 */
export function readDriftFile(dataDir: string): DriftRecord[] {
  let text: string | undefined;
  try {
    text = readFileIfExists(join(dataDir, DRIFT_FILE));
  } catch {
    return [];
  }
  if (text === undefined) return [];
  try {
    const parsed = JSON.parse(text) as Partial<DriftFile>;
    const records = Array.isArray(parsed.records) ? parsed.records.filter(isRecord) : [];
    return records.sort((a, b) => b.last_seen.localeCompare(a.last_seen));
  } catch {
    return [];
  }
}

/** Drift counts of one daemon, persisted in its data dir. */
export class DriftStore implements IDriftSink {
  private readonly _path: string;
  private readonly _now: () => number;
  private readonly _writeDelayMs: number;
  private readonly _log: DriftLog | undefined;
  private readonly _records = new Map<string, DriftRecord>();
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _writeFailed = false;

  /** Loads `<dataDir>/drift.json` if present (a bad file starts empty and is replaced). */
  constructor(dataDir: string, options: DriftStoreOptions = {}) {
    this._path = join(dataDir, DRIFT_FILE);
    this._now = options.now ?? Date.now;
    this._writeDelayMs = options.writeDelayMs ?? WRITE_DELAY_MS;
    this._log = options.log;
    removeStaleTemporaries(this._path);
    for (const record of readDriftFile(dataDir).reverse()) this._records.set(keyOf(record), record);
  }

  /** The file this store persists to. */
  get path(): string {
    return this._path;
  }

  /** Counts one report, logs it and schedules a write. Never throws. */
  recordDrift(report: DriftReport): void {
    const at = new Date(this._now()).toISOString();
    const identity = { cli: report.cli, cli_version: report.cliVersion ?? UNKNOWN_VERSION, kind: report.kind };
    const key = keyOf(identity);
    const previous = this._records.get(key);
    const record: DriftRecord = {
      ...identity,
      count: (previous?.count ?? 0) + 1,
      first_seen: previous?.first_seen ?? at,
      last_seen: at,
      sample: cutSample(report.sample) || (previous?.sample ?? ''),
    };
    // Re-insert so the map's order is least recently seen first.
    this._records.delete(key);
    this._records.set(key, record);
    while (this._records.size > MAX_ENTRIES) this._records.delete(this._records.keys().next().value as string);
    this._log?.('warn', 'drift', { cli: record.cli, cli_version: record.cli_version, kind: record.kind, count: record.count, sample: record.sample });
    this._schedule();
  }

  /** Every record, most recently seen first. */
  list(): DriftRecord[] {
    return [...this._records.values()].reverse();
  }

  /** Writes pending counts now (daemon stop). Never throws; a failed write is logged once. */
  flush(): void {
    if (this._timer !== undefined) clearTimeout(this._timer);
    this._timer = undefined;
    const file: DriftFile = { version: FILE_VERSION, records: this.list() };
    try {
      writeFileAtomicSync(this._path, `${JSON.stringify(file, null, 2)}\n`);
      this._writeFailed = false;
    } catch (err) {
      if (!this._writeFailed) this._log?.('error', 'drift counts not saved', { error: (err as Error).message });
      this._writeFailed = true;
    }
  }

  /** Stops the pending write after writing it. */
  dispose(): void {
    if (this._timer !== undefined) this.flush();
  }

  private _schedule(): void {
    if (this._writeDelayMs <= 0) {
      this.flush();
      return;
    }
    if (this._timer !== undefined) return;
    this._timer = setTimeout(() => this.flush(), this._writeDelayMs);
    this._timer.unref?.();
  }
}
