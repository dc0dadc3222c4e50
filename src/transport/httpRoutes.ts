/**
 * The daemon's one HTTP surface: every REST route in one table (method, path, who may call
 * it, whether it is rate limited), dispatched with one auth helper (auth.ts), one failure
 * rate limiter and one error shape (`{"error": {code, message}}`, httpUtil.ts). Requests no
 * route takes are the browser UI's files (uiFiles.ts), else 404 NOT_FOUND. docs/protocol.md
 * ("HTTP routes") lists the same table for clients.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { BugError, TetherError, toTetherError } from '../common/index.js';
import type { ISessionService } from '../core/index.js';
import type { DeviceStore } from '../store/deviceStore.js';
import type { PairingService } from '../store/pairing.js';
import { authorize, type Access } from './auth.js';
import type { TransportLog } from './clientConnection.js';
import { listDevices, revokeDevice, dashboardPairingCode, type DashboardContext } from './dashboardRoutes.js';
import { endpoint, PARAM_SEGMENT, parseBody, type Endpoint } from './endpoint.js';
import { readJsonBody, remoteAddress, sendError, sendJson } from './httpUtil.js';
import { openApiDocument } from './openApi.js';
import { issuePairingCode, pair, type PairingRouteContext } from './pairingRoutes.js';
import { pushAction, pushTest, vapidPublicKey, type PushRouteContext } from './pushRoutes.js';
import type { FailureRateLimiter } from './rateLimiter.js';
import { addQueueItem, editQueueItem, getQueue, listQueues, nextCommand, removeQueueItem, setAutoplay, submitResult, type QueueRouteContext } from './queueRoutes.js';
import { closeSession, createSession, getSession, listSessions, type SessionRouteContext } from './sessionRoutes.js';
import { postSessionEvent } from './eventRoutes.js';
import type { RouteCall } from './types.js';
import type { UiFiles } from './uiFiles.js';

/** What the routes need. */
export interface HttpRouteContext extends PushRouteContext, PairingRouteContext, DashboardContext, SessionRouteContext, QueueRouteContext {
  readonly sessions: ISessionService;
  readonly devices: DeviceStore;
  readonly pairing: PairingService;
  readonly adminSecret: string;
  readonly daemonVersion: string;
  readonly limiter: FailureRateLimiter;
  readonly log: TransportLog;
  /** The built browser UI, when this daemon serves it. */
  readonly ui?: UiFiles;
}

/** HTTP methods the routes use. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One REST route: where it is, who may call it, and what it does (its endpoint, schemas included). */
export interface Route {
  readonly method: HttpMethod;
  /** The path; a `:name` segment matches one id (see PARAM_SEGMENT) and becomes a `params` entry. */
  readonly path: string;
  readonly access: Access;
  /**
   * Routes that take a guessable credential (a pairing code, a secret, a subscription): the
   * caller's address is refused with 429 after too many failures (UNAUTHORIZED or
   * PAIRING_REJECTED answers), here or on any other limited route.
   */
  readonly limited: boolean;
  readonly endpoint: Endpoint<HttpRouteContext, unknown, unknown>;
}

const healthz = endpoint({
  summary: 'Liveness and version',
  tag: 'daemon',
  reply: z.object({ ok: z.literal(true), version: z.string() }),
  handle: (context: HttpRouteContext) => ({ ok: true as const, version: context.daemonVersion }),
});

const openApi = endpoint({
  summary: 'This document',
  description: 'The OpenAPI 3.1 document of every REST route, generated from the zod schemas the daemon validates with (also `docs/openapi.json`).',
  tag: 'daemon',
  reply: z.record(z.string(), z.unknown()),
  handle: () => openApiDocument(HTTP_ROUTES),
});

/**
 * Every REST route of the daemon (docs/protocol.md lists each; test/genSchemas.test.ts checks;
 * the OpenAPI document is made from this table). A new route is one line here and one
 * `endpoint({...})` beside its schemas.
 */
export const HTTP_ROUTES: readonly Route[] = [
  { method: 'GET', path: '/healthz', access: 'anyone', limited: false, endpoint: healthz },
  { method: 'GET', path: '/api/openapi.json', access: 'anyone', limited: false, endpoint: openApi },
  { method: 'POST', path: '/api/pair', access: 'anyone', limited: true, endpoint: pair },
  { method: 'POST', path: '/api/admin/pairing-code', access: 'admin', limited: true, endpoint: issuePairingCode },
  { method: 'POST', path: '/api/admin/push-test', access: 'admin', limited: true, endpoint: pushTest },
  { method: 'GET', path: '/api/push/vapid-public-key', access: 'anyone', limited: false, endpoint: vapidPublicKey },
  { method: 'POST', path: '/api/push/action', access: 'anyone', limited: true, endpoint: pushAction },
  { method: 'GET', path: '/api/web/devices', access: 'desktop', limited: true, endpoint: listDevices },
  { method: 'DELETE', path: '/api/web/devices/:device_id', access: 'desktop', limited: true, endpoint: revokeDevice },
  { method: 'POST', path: '/api/web/pairing-code', access: 'desktop', limited: true, endpoint: dashboardPairingCode },
  { method: 'GET', path: '/api/sessions', access: 'device', limited: true, endpoint: listSessions },
  { method: 'POST', path: '/api/sessions', access: 'device', limited: true, endpoint: createSession },
  { method: 'GET', path: '/api/sessions/:id', access: 'device', limited: true, endpoint: getSession },
  { method: 'DELETE', path: '/api/sessions/:id', access: 'device', limited: true, endpoint: closeSession },
  { method: 'GET', path: '/api/queues', access: 'device', limited: true, endpoint: listQueues },
  { method: 'GET', path: '/api/sessions/:id/queue', access: 'device', limited: true, endpoint: getQueue },
  { method: 'POST', path: '/api/sessions/:id/queue', access: 'device', limited: true, endpoint: addQueueItem },
  { method: 'PATCH', path: '/api/sessions/:id/queue/:item_id', access: 'device', limited: true, endpoint: editQueueItem },
  { method: 'DELETE', path: '/api/sessions/:id/queue/:item_id', access: 'device', limited: true, endpoint: removeQueueItem },
  { method: 'PUT', path: '/api/sessions/:id/autoplay', access: 'device', limited: true, endpoint: setAutoplay },
  { method: 'GET', path: '/api/sessions/:id/next-command', access: 'device', limited: true, endpoint: nextCommand },
  { method: 'POST', path: '/api/sessions/:id/submit-result/:interaction_id', access: 'device', limited: true, endpoint: submitResult },
  { method: 'POST', path: '/api/sessions/:id/events', access: 'hook', limited: true, endpoint: postSessionEvent },
  // Other routes under /api/sessions/:id/ go here; their endpoints resolve the session with sessionOf().
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
    const hookSecret = route.access === 'hook' ? { sessionId: params[0], matches: (token: string | undefined) => context.sessions.hookTokenMatches(params[0], token) } : undefined;
    const caller = authorize(request, route.access, context.devices, context.adminSecret, hookSecret);
    await answer(context, route.endpoint, { request, response, params, body: undefined, ...(caller !== undefined ? { caller } : {}) });
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

/**
 * Validates the body, runs the endpoint and sends its reply (204 when it returns nothing).
 * @throws TetherError BAD_MESSAGE (body) | whatever the handler throws
 */
async function answer(context: HttpRouteContext, target: Route['endpoint'], call: RouteCall<undefined>): Promise<void> {
  const body = target.body === undefined ? undefined : parseBody(target.body, await readJsonBody(call.request, target.maxBodyBytes));
  const reply = await target.handle(context, { ...call, body });
  if (reply !== undefined) return sendJson(call.response, target.status ?? 200, reply);
  if (target.noContent === undefined) throw new BugError(`${target.summary}: the handler returned no reply`);
  call.response.writeHead(204, { 'cache-control': 'no-store' }).end();
}

/** Answers 429 (with Retry-After) and returns true when `address` has failed too often. */
function answeredLimited(context: HttpRouteContext, address: string, response: ServerResponse): boolean {
  const waitMs = context.limiter.retryAfterMs(address);
  if (waitMs === 0) return false;
  const seconds = Math.ceil(waitMs / 1000);
  sendError(response, new TetherError('RATE_LIMITED', `too many failed attempts; retry in ${seconds} s`), { 'retry-after': String(seconds) });
  return true;
}
