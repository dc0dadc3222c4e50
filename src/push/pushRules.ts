/**
 * The push rules that decide, per prompt and per device, whether a push goes out: which wait
 * types push at all, "suppress only on proof" (a fresh `app_state: active` report for that
 * session from a paired client), quiet hours and per-wait-type switches. Pure apart from
 * PresenceTracker, which reads time only through IClock.
 */
import type { IClock, WaitingForInputEvent, WaitType } from '../common/index.js';
import type { DevicePreferences, QuietHours } from '../store/types.js';

/** An `active` report proves the user is looking for this long (ms). */
export const WATCH_WINDOW_MS = 30_000;

/**
 * True when the event warrants a push: any approval or question, and awaiting_response only
 * when the agent just finished a turn (`after_turn`), never the idle prompt at session start.
 */
export function shouldPush(event: WaitingForInputEvent): boolean {
  if (event.wait_type === 'awaiting_response') return event.after_turn === true;
  return true;
}

/** What clients last said about themselves (`app_state`), one entry per connection. */
export class PresenceTracker {
  private readonly _reports = new Map<string, { deviceId: string; sessionId?: string; atMs: number }>();

  constructor(private readonly _clock: IClock) {}

  /**
   * Records a client's `app_state`. `gone` (the socket closed) and `background` forget it.
   * The daemon never reports admin (desk terminal) connections: they are no proof.
   */
  report(connectionId: string, deviceId: string, state: 'active' | 'background' | 'gone', sessionId?: string): void {
    if (state !== 'active') {
      this._reports.delete(connectionId);
      return;
    }
    this._reports.set(connectionId, { deviceId, ...(sessionId === undefined ? {} : { sessionId }), atMs: this._clock.now() });
  }

  /** The device whose `active` report for `sessionId` is under WATCH_WINDOW_MS old, if any. */
  watcherOf(sessionId: string): string | undefined {
    return this.watchOf(sessionId)?.deviceId;
  }

  /** The freshest proof for `sessionId`: its device and when it expires (ms from now). */
  watchOf(sessionId: string): { readonly deviceId: string; readonly expiresInMs: number } | undefined {
    const now = this._clock.now();
    let best: { deviceId: string; expiresInMs: number } | undefined;
    for (const [connectionId, report] of this._reports) {
      const expiresInMs = report.atMs + WATCH_WINDOW_MS - now;
      if (expiresInMs <= 0) {
        this._reports.delete(connectionId);
        continue;
      }
      if (report.sessionId === sessionId && (best === undefined || expiresInMs > best.expiresInMs)) best = { deviceId: report.deviceId, expiresInMs };
    }
    return best;
  }
}

/**
 * Config preferences overlaid with stored ones: stored `quiet_hours` (even `null`) replaces the
 * config's; `wait_types` merge key by key, stored winning; stored `task_pushes` wins.
 */
export function mergePreferences(configured?: DevicePreferences, stored?: DevicePreferences): DevicePreferences {
  const quiet = stored?.quiet_hours !== undefined ? stored.quiet_hours : configured?.quiet_hours;
  const taskPushes = stored?.task_pushes ?? configured?.task_pushes;
  return {
    ...(quiet === undefined ? {} : { quiet_hours: quiet }),
    ...(taskPushes === undefined ? {} : { task_pushes: taskPushes }),
    wait_types: { ...configured?.wait_types, ...stored?.wait_types },
  };
}

/** Minutes since local midnight at `epochMs` in `timeZone` (the process's zone when absent). */
export function minutesOfDay(epochMs: number, timeZone?: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(timeZone === undefined ? {} : { timeZone }),
  }).formatToParts(new Date(epochMs));
  const hour = Number(parts.find((part) => part.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((part) => part.type === 'minute')?.value ?? 0);
  return hour * 60 + minute;
}

function parseClockTime(value: string): number {
  const [hours, minutes] = value.split(':').map(Number);
  return hours * 60 + minutes;
}

/**
 * True when `epochMs` falls in the quiet window [start, end) of its time zone; a window whose
 * end is before its start wraps midnight; start == end is an empty window. An unknown time
 * zone fails open (not quiet).
 */
export function isInQuietHours(quiet: QuietHours, epochMs: number): boolean {
  let now: number;
  try {
    now = minutesOfDay(epochMs, quiet.time_zone);
  } catch {
    return false;
  }
  const start = parseClockTime(quiet.start);
  const end = parseClockTime(quiet.end);
  if (start === end) return false;
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/**
 * Why a device gets no push for a wait type now, or undefined to push.
 * @returns `wait_type_off: <type>` or `quiet_hours <start>-<end>`
 */
export function preferenceSuppression(preferences: DevicePreferences, waitType: WaitType, epochMs: number): string | undefined {
  if (preferences.wait_types?.[waitType] === false) return `wait_type_off: ${waitType}`;
  const quiet = preferences.quiet_hours;
  if (quiet != null && isInQuietHours(quiet, epochMs)) return `quiet_hours ${quiet.start}-${quiet.end}`;
  return undefined;
}
