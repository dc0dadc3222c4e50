/**
 * The daemon's one HTTP surface: every REST route in one table (method, path, who may call
 * it, whether it is rate limited), dispatched with one auth helper (auth.ts), one failure
 * rate limiter and one error shape (`{"error": {code, message}}`, httpUtil.ts). Requests no
 * route takes are the browser UI's files (uiFiles.ts), else 404 NOT_FOUND. docs/protocol.md
 * ("HTTP routes") lists the same table for clients.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TetherError, toTetherError } from '../common/index.js';
import type { DeviceStore } from '../store/deviceStore.js';
import type { PairingService } from '../store/pairing.js';
import { authorize, type Access, type Identity } from './auth.js';
import type { TransportLog } from './clientConnection.js';
import { listDevices, revokeDevice, dashboardPairingCode, type DashboardContext } from './dashboardRoutes.js';
import { remoteAddress, sendError, sendJson } from './httpUtil.js';
import { issuePairingCode, pair, type PairingRouteContext } from './pairingRoutes.js';
import { pushAction, pushTest, vapidPublicKey, type PushRouteContext } from './pushRoutes.js';
import type { FailureRateLimiter } from './rateLimiter.js';
import type { RouteCall } from './types.js';
import type { UiFiles } from './uiFiles.js';

/** What the routes need. */
export interface HttpRouteContext extends PushRouteContext, PairingRouteContext, DashboardContext {
  readonly devices: DeviceStore;
  readonly pairing: PairingService;
  readonly adminSecret: string;
  readonly daemonVersion: string;
  readonly limiter: FailureRateLimiter;
  readonly log: TransportLog;
  /** The built browser UI, when this daemon serves it. */
  readonly ui?: UiFiles;
}

/** One REST route. */
export interface Route {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** The path; a `:name` segment matches one id (see PARAM_SEGMENT) and becomes a `params` entry. */
  readonly path: string;
  readonly access: Access;
  /**
   * Routes that take a guessable credential (a pairing code, a secret, a subscription): the
   * caller's address is refused with 429 after too many failures (UNAUTHORIZED or
   * PAIRING_REJECTED answers), here or on any other limited route.
   */
  readonly limited: boolean;
  handle(context: HttpRouteContext, call: RouteCall): void | Promise<void>;
}

/** What a `:name` path segment accepts: an id as the daemon makes them (UUIDs, prompt ids). */
const PARAM_SEGMENT = /^[A-Za-z0-9_-]{1,128}$/;

/** Every REST route of the daemon (docs/protocol.md lists each; test/genSchemas.test.ts checks). */
export const HTTP_ROUTES: readonly Route[] = [
  { method: 'GET', path: '/healthz', access: 'anyone', limited: false, handle: (context, call) => sendJson(call.response, 200, { ok: true, version: context.daemonVersion }) },
  { method: 'POST', path: '/api/pair', access: 'anyone', limited: true, handle: pair },
  { method: 'POST', path: '/api/admin/pairing-code', access: 'admin', limited: true, handle: issuePairingCode },
  { method: 'POST', path: '/api/admin/push-test', access: 'admin', limited: true, handle: pushTest },
  { method: 'GET', path: '/api/push/vapid-public-key', access: 'anyone', limited: false, handle: vapidPublicKey },
  { method: 'POST', path: '/api/push/action', access: 'anyone', limited: true, handle: pushAction },
  { method: 'GET', path: '/api/web/devices', access: 'desktop', limited: true, handle: listDevices },
  { method: 'DELETE', path: '/api/web/devices/:device_id', access: 'desktop', limited: true, handle: revokeDevice },
  { method: 'POST', path: '/api/web/pairing-code', access: 'desktop', limited: true, handle: dashboardPairingCode },
];

/** Codes that count as a failed guess towards the rate limit. */
const FAILED_GUESS_CODES: ReadonlySet<string> = new Set(['UNAUTHORIZED', 'PAIRING_REJECTED']);

/** The `:name` segments' values when `path` matches `pattern`, else undefined. */
function matchPath(pattern: string, path: string): string[] | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: string[] = [];
  for (const [index, segment] of want.entries()) {
    if (segment.startsWith(':')) {
      if (!PARAM_SEGMENT.test(got[index])) return undefined;
      params.push(got[index]);
    } else if (segment !== got[index]) return undefined;
  }
  return params;
}

/** The route for `method` and `path`, with its `:name` values. */
function findRoute(method: string, path: string): { route: Route; params: string[] } | undefined {
  for (const route of HTTP_ROUTES) {
    if (route.method !== method) continue;
    const params = matchPath(route.path, path);
    if (params !== undefined) return { route, params };
  }
  return undefined;
}

/** Handles one HTTP request; never rejects. @throws never */
export async function handleHttpRequest(context: HttpRouteContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const address = remoteAddress(request);
  let limited = false;
  try {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const method = request.method ?? 'GET';
    const found = findRoute(method, path);
    if (found === undefined) {
      if (context.ui?.serve(request, response)) return;
      throw new TetherError('NOT_FOUND', `no route ${method} ${path}`);
    }
    const { route, params } = found;
    limited = route.limited;
    if (limited && answeredLimited(context, address, response)) return;
    const caller = authorize(request, route.access, context.devices, context.adminSecret);
    await route.handle(context, { request, response, params, ...(caller !== undefined ? { caller } : {}) });
  } catch (err) {
    const error = toTetherError(err);
    if (limited && FAILED_GUESS_CODES.has(error.code)) {
      context.limiter.recordFailure(address);
      context.log('warn', 'request refused', { address, code: error.code });
    }
    if (error.code === 'INTERNAL') context.log('error', 'http handler failed', { error: error.message });
    sendError(response, error, error.code === 'BAD_MESSAGE' ? { connection: 'close' } : {});
  }
}

/** Answers 429 (with Retry-After) and returns true when `address` has failed too often. */
function answeredLimited(context: HttpRouteContext, address: string, response: ServerResponse): boolean {
  const waitMs = context.limiter.retryAfterMs(address);
  if (waitMs === 0) return false;
  const seconds = Math.ceil(waitMs / 1000);
  sendError(response, new TetherError('RATE_LIMITED', `too many failed attempts; retry in ${seconds} s`), { 'retry-after': String(seconds) });
  return true;
}
