/**
 * Checks every request passes before any route or the WebSocket sees it: the Host header must
 * name this daemon (loopback, the bind address, the TLS name, the machine's addresses and
 * name, `server.allowed_hosts`), else 421 HOST_NOT_ALLOWED, which stops DNS rebinding; a
 * browser Origin on a state-changing request or the WebSocket must be the daemon's own (or in
 * `server.allowed_origins`), else 403 ORIGIN_NOT_ALLOWED; a request body must be
 * `application/json`, else 415 UNSUPPORTED_MEDIA_TYPE (so no form post skips the CORS
 * preflight). Every response carries the security headers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname as machineName, networkInterfaces } from 'node:os';
import { TetherError } from '../common/index.js';

/** How long a computed allowlist is trusted before a miss recomputes it (new DHCP lease, new interface). */
const RECOMPUTE_AFTER_MS = 5_000;

/** Headers every response carries (RFC 7034, Fetch "CORP", W3C Referrer Policy). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
};

/** Sets the security headers on a response (UI files replace the CSP with the app's). @throws never */
export function applySecurityHeaders(response: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
}

/** What the guards need. */
export interface GuardOptions {
  /** The bind address (`127.0.0.1`, `0.0.0.0`, `::`, a LAN address). */
  readonly host: string;
  /** The TLS certificate's DNS name, when serving TLS. */
  readonly tlsHostname?: string;
  readonly scheme: 'http' | 'https';
  /** `server.allowed_hosts`. */
  readonly allowedHosts?: readonly string[];
  /** `server.allowed_origins` (`scheme://host[:port]`). */
  readonly allowedOrigins?: readonly string[];
}

/** The Host and Origin checks, with the allowlist they use. */
export class RequestGuards {
  private _names: ReadonlySet<string>;
  private _computedAt: number;
  private readonly _origins: ReadonlySet<string>;

  constructor(private readonly _options: GuardOptions) {
    this._names = allowedHostNames(_options);
    this._computedAt = Date.now();
    this._origins = new Set((_options.allowedOrigins ?? []).map((origin) => origin.toLowerCase().replace(/\/+$/, '')));
  }

  /** The host names (no port) requests may name, as of now. */
  get hostNames(): ReadonlySet<string> {
    return this._names;
  }

  /** @throws TetherError HOST_NOT_ALLOWED when the Host header is absent or names another host */
  checkHost(request: IncomingMessage): void {
    const name = hostName(request.headers.host);
    if (name !== undefined && this._names.has(name)) return;
    if (name !== undefined && Date.now() - this._computedAt > RECOMPUTE_AFTER_MS) {
      this._names = allowedHostNames(this._options);
      this._computedAt = Date.now();
      if (this._names.has(name)) return;
    }
    throw new TetherError('HOST_NOT_ALLOWED', 'this daemon does not answer to that host name (server.allowed_hosts)');
  }

  /**
   * Lets through requests without an Origin (native clients, the CLI) and browser requests
   * from the daemon's own origin (scheme and Host match) or an allowed origin.
   * @throws TetherError ORIGIN_NOT_ALLOWED
   */
  checkOrigin(request: IncomingMessage): void {
    const origin = request.headers.origin;
    if (origin === undefined) return;
    const normalized = origin.toLowerCase();
    if (this._origins.has(normalized)) return;
    const host = request.headers.host?.toLowerCase();
    if (host !== undefined && normalized === `${this._options.scheme}://${host}`) return;
    throw new TetherError('ORIGIN_NOT_ALLOWED', 'requests from another web origin are refused (server.allowed_origins)');
  }
}

/**
 * Refuses a request that carries a body (Content-Length > 0 or chunked) that is not JSON.
 * @throws TetherError UNSUPPORTED_MEDIA_TYPE
 */
export function checkJsonBody(request: IncomingMessage): void {
  const length = Number(request.headers['content-length'] ?? 0);
  const hasBody = length > 0 || request.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return;
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') throw new TetherError('UNSUPPORTED_MEDIA_TYPE', 'request bodies must be application/json');
}

/** The host name of a Host header (port and brackets removed, lower case, no trailing dot); undefined when malformed. */
export function hostName(header: string | undefined): string | undefined {
  if (header === undefined || header === '' || header.length > 300) return undefined;
  const value = header.trim().toLowerCase();
  let name: string;
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    if (end < 0) return undefined;
    name = value.slice(1, end);
  } else {
    name = value.split(':').length > 2 ? value : value.replace(/:\d*$/, '');
  }
  name = name.replace(/\.$/, '');
  return /^[a-z0-9.:_-]+$/.test(name) ? name : undefined;
}

/** Wildcard bind addresses: every interface answers. */
const WILDCARD = new Set(['0.0.0.0', '::', '']);

/** True for a loopback bind address or name (127.0.0.0/8, ::1, localhost). @throws never */
export function isLoopback(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '');
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name) || name === '::ffff:127.0.0.1';
}

/**
 * The names a client may put in Host: loopback names, the bind address, the TLS name, the
 * configured extras, and, when bound beyond loopback, the machine's name and interface addresses.
 * @throws never
 */
export function allowedHostNames(options: Pick<GuardOptions, 'host' | 'tlsHostname' | 'allowedHosts'>, interfaces = networkInterfaces()): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '::1']);
  const add = (name: string | undefined): void => {
    const normalized = name === undefined ? undefined : hostName(name.includes(':') && !name.startsWith('[') ? `[${name}]` : name);
    if (normalized !== undefined) names.add(normalized);
  };
  if (!WILDCARD.has(options.host)) add(options.host);
  add(options.tlsHostname);
  for (const extra of options.allowedHosts ?? []) add(extra);
  if (!isLoopback(options.host)) {
    const machine = machineName().toLowerCase();
    add(machine);
    add(`${machine}.local`);
    for (const entries of Object.values(interfaces)) for (const entry of entries ?? []) add(entry.address.split('%')[0]);
  }
  return names;
}
