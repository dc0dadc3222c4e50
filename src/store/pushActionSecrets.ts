/**
 * Per-push action secrets. Every approval push carries a fresh random secret inside its
 * payload (`data.action_secret`; end-to-end encrypted for Web Push, RFC 8291), bound to the
 * registration it went to and to its session and prompt. `POST /api/push/action` applies a
 * notification's button only with that secret, once: ids and endpoints, which sit in logs and
 * provider payloads, prove nothing. Secrets live in memory only (a restart ends every prompt
 * anyway); only their SHA-256 is kept, and they expire with the push.
 */
import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes: beyond guessing. */
const SECRET_BYTES = 32;
/** A push is pointless after an hour (PUSH_EXPIRATION_MS); so is its secret. */
export const ACTION_SECRET_TTL_MS = 60 * 60 * 1000;
/** Outstanding secrets kept at most; the oldest go first, so pushes cannot grow memory. */
const MAX_OUTSTANDING = 4096;

/** What a secret lets its holder do: answer one prompt of one session, as one registration. */
export interface ActionGrant {
  /** The registration's device (reports, logs). */
  readonly device_id: string;
  /** The registration's push token (a Web Push subscription JSON, an APNs token, …). */
  readonly token: string;
  readonly session_id: string;
  readonly prompt_id: string;
}

/** Issues and redeems single-use push-action secrets. */
export class PushActionSecrets {
  private readonly _grants = new Map<string, { grant: ActionGrant; expiresAt: number }>();
  private readonly _now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this._now = options.now ?? Date.now;
  }

  /** A new secret (base64url) for `grant`. @throws never */
  issue(grant: ActionGrant): string {
    const secret = randomBytes(SECRET_BYTES).toString('base64url');
    this._prune();
    while (this._grants.size >= MAX_OUTSTANDING) this._grants.delete(this._grants.keys().next().value as string);
    this._grants.set(digest(secret), { grant, expiresAt: this._now() + ACTION_SECRET_TTL_MS });
    return secret;
  }

  /**
   * Redeems a secret for the prompt it names: its grant, once; undefined for an unknown,
   * used or expired secret, or one minted for another session or prompt (which is then spent too).
   * @throws never
   */
  redeem(secret: string, target: { session_id: string; prompt_id: string }): ActionGrant | undefined {
    const key = digest(secret);
    const entry = this._grants.get(key);
    if (entry === undefined) return undefined;
    this._grants.delete(key);
    const { grant, expiresAt } = entry;
    if (this._now() >= expiresAt || grant.session_id !== target.session_id || grant.prompt_id !== target.prompt_id) return undefined;
    return grant;
  }

  /** Secrets issued and neither used nor expired. */
  get outstandingCount(): number {
    this._prune();
    return this._grants.size;
  }

  private _prune(): void {
    const now = this._now();
    for (const [key, { expiresAt }] of this._grants) if (now >= expiresAt) this._grants.delete(key);
  }
}

/** The key a secret is kept under: its SHA-256, so the map itself holds no usable secret. */
function digest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
