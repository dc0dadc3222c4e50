/**
 * Delivery reports: every push to every registration ends in one or more results (`sent`,
 * `suppressed` and why, `queued`, `retried`, `failed` with status, `token_removed`). This file
 * maps provider results to reports and keeps a bounded history in `<dataDir>/push-history.jsonl`.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PushDeliveryResult } from '../common/protocol.js';
import { readFileIfExists, removeStaleTemporaries, writeFileAtomicSync } from '../store/atomicFile.js';
import type { RegistrationTokenType } from '../store/types.js';
import type { PushLog, PushResult } from './types.js';

/** The history file's name inside the data dir. */
export const PUSH_HISTORY_FILE = 'push-history.jsonl';
/** Reports kept in the history (the file is trimmed back to this when it doubles). */
export const PUSH_HISTORY_LIMIT = 1000;

/** One delivery result of one push to one registration (the `push_result` message minus `type`). */
export interface PushDeliveryReport {
  readonly prompt_id: string;
  readonly session_id?: string;
  readonly device_id: string;
  readonly provider: RegistrationTokenType;
  readonly result: PushDeliveryResult;
  /** ISO 8601, from the dispatcher's clock. */
  readonly timestamp: string;
}

/** The report result for a provider's answer to attempt `attempt` (0 = first send). */
export function deliveryResultOf(result: PushResult, attempt: number): PushDeliveryResult {
  switch (result.status) {
    case 'sent':
      return { status: 'sent', attempt };
    case 'token_removed':
      return { status: 'token_removed', reason: result.reason, attempt };
    case 'failed':
      return {
        status: 'failed',
        reason: result.reason,
        ...(result.httpStatus === undefined ? {} : { http_status: result.httpStatus }),
        attempt,
      };
  }
}

/** The last `limit` reports, in memory and appended to a JSON-lines file. */
export class PushHistory {
  private _entries: PushDeliveryReport[] = [];
  private _linesInFile = 0;
  /** The file may end in a torn line (a crash or a full disk mid-append): the next append starts a new line. */
  private _tornTail = false;

  /**
   * Loads the existing history (unreadable or corrupt lines are skipped).
   * @param path the history file; `historyPath(dataDir)` for the daemon's
   * @param limit reports kept (default PUSH_HISTORY_LIMIT)
   */
  constructor(
    private readonly _path: string,
    private readonly _limit = PUSH_HISTORY_LIMIT,
  ) {
    let text: string | undefined;
    try {
      text = readFileIfExists(_path);
    } catch {
      text = undefined;
    }
    this._tornTail = text !== undefined && text !== '' && !text.endsWith('\n');
    removeStaleTemporaries(_path);
    const lines = (text ?? '').split('\n').filter((line) => line.trim() !== '');
    this._linesInFile = lines.length;
    for (const line of lines.slice(-_limit)) {
      try {
        this._entries.push(JSON.parse(line) as PushDeliveryReport);
      } catch {
        // A torn last line after a crash is not worth failing the daemon for.
      }
    }
  }

  /** Appends a report; trims the file when it holds twice the limit. @throws never (write errors are dropped) */
  append(report: PushDeliveryReport): void {
    this._entries.push(report);
    if (this._entries.length > this._limit) this._entries.splice(0, this._entries.length - this._limit);
    try {
      if (this._linesInFile + 1 > this._limit * 2) {
        writeFileAtomicSync(this._path, this._entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
        this._linesInFile = this._entries.length;
      } else {
        mkdirSync(dirname(this._path), { recursive: true });
        // A torn line is closed first, so it cannot swallow this complete one.
        appendFileSync(this._path, `${this._tornTail ? '\n' : ''}${JSON.stringify(report)}\n`, { mode: 0o600 });
        this._linesInFile += 1;
      }
      this._tornTail = false;
    } catch {
      // The history is a diagnostic aid; a full disk must not stop pushes. Part of the line may be on disk.
      this._tornTail = true;
    }
  }

  /** The most recent reports, oldest first. */
  recent(count = this._limit): PushDeliveryReport[] {
    return this._entries.slice(-count);
  }
}

/** The history file of a data dir. */
export function historyPath(dataDir: string): string {
  return join(dataDir, PUSH_HISTORY_FILE);
}

/** Characters of a device token shown in logs: enough to tell tokens apart, useless to an attacker. */
const TOKEN_LOG_PREFIX = 8;

/**
 * Writes a report to the daemon log: `push <status>` at info (sent, queued, suppressed) or warn
 * (retried, failed, token_removed), with the wait type, a token prefix and any Retry-After.
 */
export function logDeliveryReport(
  log: PushLog,
  report: PushDeliveryReport,
  details: { readonly waitType: string; readonly token: string; readonly retryAfterMs?: number },
): void {
  const status = report.result.status;
  const level = status === 'sent' || status === 'queued' || status === 'suppressed' ? 'info' : 'warn';
  log(level, `push ${status}`, {
    session_id: report.session_id,
    prompt_id: report.prompt_id,
    wait_type: details.waitType,
    device_id: report.device_id,
    provider: report.provider,
    token: `${details.token.slice(0, TOKEN_LOG_PREFIX)}…`,
    ...report.result,
    ...(details.retryAfterMs === undefined ? {} : { retry_after_ms: details.retryAfterMs }),
  });
}
