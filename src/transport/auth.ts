/**
 * The one place that decides who is asking and what they may do. A caller is the local admin
 * (the daemon's own CLI, by the admin secret, with every right) or a paired device (by its
 * token, with the rights its pairing code was minted with; never anything the client claims).
 * Every HTTP route, the WebSocket upgrade, the first-message `auth` and every later frame go
 * through an `Authenticator`; scopePolicy.ts says which right each message needs. Valid
 * credentials are never rate limited (the admin secret is checked first of all); a presented
 * credential that fails is logged, counted and limited per address and per surface, so a web
 * page that cannot present credentials cannot spend the user's limit. Comparisons are constant-time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TetherError, type Right } from '../common/index.js';
import type { DeviceRecord } from '../store/types.js';
import type { DeviceStore } from '../store/deviceStore.js';
import { hashToken } from '../store/deviceStore.js';
import { bearerToken } from './httpUtil.js';
import { FailureRateLimiter } from './rateLimiter.js';

/** The device id of admin connections (the local `tether run` terminal and CLI). */
export const ADMIN_DEVICE_ID = 'local';

/** Failures allowed per address and surface within FAILURE_WINDOW_MS before 429. */
const FAILURE_LIMIT = 5;
const FAILURE_WINDOW_MS = 60_000;

/**
 * What a limit counts, each separately: pairing-code guesses, token guesses (HTTP bearer and
 * WebSocket alike), and push-action secrets. A flood of one never locks out the others.
 */
export type LimitBucket = 'pair' | 'token' | 'push_action';

/** The credential an identity was proven with; re-checked on every frame. Rotation updates it in place. */
export interface Credential {
  /** SHA-256 (hex) of the device token; undefined for the admin. */
  tokenHash: string | undefined;
}

/**
 * An authenticated caller. Only the Authenticator makes real ones; a device identity without
 * `rights` may do nothing and one without `credential` is never live (fail closed).
 */
export interface Identity {
  readonly deviceId: string;
  readonly isAdmin: boolean;
  /** What it may do (the admin holds every right). */
  readonly rights?: ReadonlySet<Right>;
  readonly credential?: Credential;
}

/**
 * Who may call an HTTP route: `anyone` (no credential), `admin` (the admin secret only),
 * `paired` (any paired device), a right (the admin, or a device holding it), or `hook` (the
 * hook secret of the session the path names: a CLI's hooks post with it, and it allows nothing
 * else; or what `input` allows).
 */
export type Access = 'anyone' | 'admin' | 'paired' | 'hook' | Right;

/** The device id a session's own hooks post as. */
export const HOOK_DEVICE_PREFIX = 'hook:';

/** For `hook` routes: the session the path names and a test of its hook secret. */
export interface HookSecret {
  readonly sessionId: string;
  matches(token: string | undefined): boolean;
}

/** A RATE_LIMITED refusal with the wait until the next try. */
export class RateLimitedError extends TetherError {
  constructor(readonly retryAfterMs: number) {
    super('RATE_LIMITED', `too many failed attempts; retry in ${Math.ceil(retryAfterMs / 1000)} s`);
  }
}

/** True when `candidate` equals `secret`, compared in constant time. @throws never */
export function secretMatches(candidate: string, secret: string): boolean {
  if (secret.length === 0) return false;
  const left = createHash('sha256').update(candidate).digest();
  const right = createHash('sha256').update(secret).digest();
  return timingSafeEqual(left, right);
}

/** Log sink (the transport's): level, message, structured fields. */
type AuthLog = (level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

/** What an Authenticator needs. */
export interface AuthenticatorOptions {
  readonly devices: DeviceStore;
  readonly adminSecret: string;
  /** Lifetime of a device token from pairing or rotation (ms); 0 or absent: forever. */
  readonly tokenTtlMs?: number;
  readonly log: AuthLog;
  /** Clock for expiry and rate limits (tests). */
  readonly now?: () => number;
}

/** Identities, rights, failed logins and their limits. */
export class Authenticator {
  private readonly _now: () => number;
  private readonly _limiters = new Map<LimitBucket, FailureRateLimiter>();
  private _failedLogins = 0;

  constructor(private readonly _options: AuthenticatorOptions) {
    this._now = _options.now ?? Date.now;
  }

  /** Failed logins since start (bad tokens, admin secrets, pairing codes, push secrets). */
  get failedLogins(): number {
    return this._failedLogins;
  }

  /** Resolves a credential to an identity; undefined for anything else (unknown, revoked, expired). @throws never */
  identify(token: string | undefined): Identity | undefined {
    if (token === undefined || token === '') return undefined;
    if (secretMatches(token, this._options.adminSecret)) return adminIdentity();
    const device = this._options.devices.authenticate(token);
    if (device === undefined || this._expired(device)) return undefined;
    return { deviceId: device.device_id, isAdmin: false, rights: new Set(device.scopes), credential: { tokenHash: device.token_hash } };
  }

  /**
   * True while the identity's credential still works: the device is paired, its token is the
   * one it proved and has not expired. Called before every frame is handled.
   * @throws never
   */
  isLive(identity: Identity): boolean {
    if (identity.isAdmin) return true;
    const device = this._options.devices.get(identity.deviceId);
    return device !== undefined && identity.credential !== undefined && device.token_hash === identity.credential.tokenHash && !this._expired(device);
  }

  /**
   * A login with a presented credential (the WebSocket's header or `auth` message).
   * @throws RateLimitedError when `address` failed too often | TetherError UNAUTHORIZED
   */
  login(token: string | undefined, address: string, surface: string): Identity {
    const identity = this.identify(token);
    if (identity !== undefined) return identity;
    this.checkLimit('token', address);
    this.recordFailure('token', address, surface);
    throw new TetherError('UNAUTHORIZED', 'a valid token is required');
  }

  /**
   * Checks an HTTP request's bearer credential against a route's access. A missing credential
   * is refused without counting (a page of another origin cannot send one); a wrong one counts.
   * @returns the caller, or undefined for `anyone` routes
   * @param hookSecret for `hook` routes: the session the path names and a test of its hook secret
   * @throws RateLimitedError | TetherError UNAUTHORIZED | FORBIDDEN (a device without the right,
   *   or a device on an admin route)
   */
  authorizeRequest(request: IncomingMessage, access: Access, address: string, surface: string, hookSecret?: HookSecret): Identity | undefined {
    if (access === 'anyone') return undefined;
    const token = bearerToken(request);
    if (token === undefined) throw new TetherError('UNAUTHORIZED', 'a bearer token is required');
    if (access === 'hook' && hookSecret !== undefined && hookSecret.matches(token)) {
      return { deviceId: `${HOOK_DEVICE_PREFIX}${hookSecret.sessionId}`, isAdmin: false, rights: new Set() };
    }
    const caller = this.identify(token);
    if (caller === undefined) {
      this.checkLimit('token', address);
      this.recordFailure('token', address, surface);
      throw new TetherError('UNAUTHORIZED', 'the token is unknown, revoked or expired');
    }
    if (access === 'admin' && !caller.isAdmin) throw new TetherError('FORBIDDEN', 'only the local CLI (admin secret) may call this route');
    if (access === 'paired' && caller.isAdmin) throw new TetherError('FORBIDDEN', 'this route is for paired devices');
    if (access === 'hook') this.require(caller, 'input');
    else if (access !== 'admin' && access !== 'paired') this.require(caller, access);
    return caller;
  }

  /** True when the identity holds `right`. @throws never */
  may(identity: Identity, right: Right): boolean {
    return identity.isAdmin || identity.rights?.has(right) === true;
  }

  /** @throws TetherError FORBIDDEN when the identity lacks `right` */
  require(identity: Identity, right: Right): void {
    if (!this.may(identity, right)) throw new TetherError('FORBIDDEN', `this device's scope does not include "${right}"`);
  }

  /** @throws RateLimitedError when `address` has failed too often on `bucket` */
  checkLimit(bucket: LimitBucket, address: string): void {
    const waitMs = this._limiter(bucket).retryAfterMs(address);
    if (waitMs > 0) throw new RateLimitedError(waitMs);
  }

  /** Counts and logs one failed login (never the credential itself). @throws never */
  recordFailure(bucket: LimitBucket, address: string, surface: string): void {
    this._failedLogins += 1;
    this._limiter(bucket).recordFailure(address);
    this._options.log('warn', 'failed login', { address, surface, kind: bucket, failed_logins: this._failedLogins });
  }

  /** The expiry (ISO 8601) a token minted now gets, or undefined when tokens do not expire. @throws never */
  expiryFromNow(): string | undefined {
    const ttl = this._options.tokenTtlMs ?? 0;
    return ttl > 0 ? new Date(this._now() + ttl).toISOString() : undefined;
  }

  /**
   * Swaps the caller's token for a new one; the old one stops working at once and the
   * identity (the socket that asked) follows the new one.
   * @throws TetherError BAD_MESSAGE (the admin secret is not rotated) | UNAUTHORIZED (revoked meanwhile) | STORE_WRITE_FAILED
   */
  rotate(identity: Identity): { token: string; expires_at?: string } {
    if (identity.isAdmin) throw new TetherError('BAD_MESSAGE', 'the admin secret changes with every daemon start; it is not rotated');
    if (!this.isLive(identity)) throw new TetherError('UNAUTHORIZED', 'this credential no longer works');
    const expiresAt = this.expiryFromNow();
    const rotated = this._options.devices.rotate(identity.deviceId, expiresAt);
    if (rotated === undefined || identity.credential === undefined) throw new TetherError('UNAUTHORIZED', 'this device is no longer paired');
    identity.credential.tokenHash = hashToken(rotated.token);
    this._options.log('info', 'token rotated', { device_id: identity.deviceId });
    return { token: rotated.token, ...(expiresAt !== undefined ? { expires_at: expiresAt } : {}) };
  }

  private _expired(device: DeviceRecord): boolean {
    return device.expires_at !== undefined && Date.parse(device.expires_at) <= this._now();
  }

  private _limiter(bucket: LimitBucket): FailureRateLimiter {
    let limiter = this._limiters.get(bucket);
    if (limiter === undefined) {
      limiter = new FailureRateLimiter({ limit: FAILURE_LIMIT, windowMs: FAILURE_WINDOW_MS, now: this._now });
      this._limiters.set(bucket, limiter);
    }
    return limiter;
  }
}

/** The admin: every right, nothing to re-check. */
function adminIdentity(): Identity {
  return { deviceId: ADMIN_DEVICE_ID, isAdmin: true, rights: new Set(), credential: { tokenHash: undefined } };
}
