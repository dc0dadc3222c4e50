/**
 * The app icon's badge: the number of live decision prompts across sessions (tool and plan
 * approvals, questions; the idle box is no decision). Alerts carry it; registrations that got a
 * non-zero badge get a badge-clearing push once the last prompt clears.
 */
import { EXPIRING_WAIT_TYPES } from '../common/index.js';
import type { SessionInfo } from '../common/index.js';
import type { PushRegistration } from '../store/types.js';

/** Counts live decision prompts and remembers who holds a stale badge. */
export class BadgeKeeper {
  /** Registrations whose last badge was above 0, by token. */
  private readonly _badged = new Map<string, PushRegistration>();

  constructor(private readonly _sessions: { list(): SessionInfo[] }) {}

  /** Live decision prompts across sessions now. */
  count(): number {
    let count = 0;
    for (const session of this._sessions.list()) if (session.waiting !== null && EXPIRING_WAIT_TYPES.includes(session.waiting.wait_type)) count++;
    return count;
  }

  /** A push with `badge` reached `registration`. */
  delivered(registration: PushRegistration, badge: number | undefined): void {
    if (badge === undefined) return;
    if (badge > 0) this._badged.set(registration.token, registration);
    else this._badged.delete(registration.token);
  }

  /** When no decision prompt is left: the registrations to clear (forgotten here). Else none. */
  takeStale(): PushRegistration[] {
    if (this._badged.size === 0 || this.count() > 0) return [];
    const stale = [...this._badged.values()];
    this._badged.clear();
    return stale;
  }
}
