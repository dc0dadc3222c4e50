/**
 * The daemon's one HTTP surface: every REST route in one table (method, path, who may call
 * it, which failure limit it feeds), dispatched with one auth helper (auth.ts), the request
 * guards (Host, Origin, JSON bodies, security headers: requestGuards.ts) and one error shape
 * (`{"error": {code, message}}`, httpUtil.ts). Requests no route takes are the browser UI's
 * files (uiFiles.ts), else 404 NOT_FOUND. docs/protocol.md ("HTTP routes") lists the same
 * table for clients.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { BugError, TetherError, toTetherError } from '../common/index.js';
import type { ISessionService } from '../core/index.js';
import type { DeviceStore } from '../store/deviceStore.js';
import type { PairingService } from '../store/pairing.js';
import { RateLimitedError, type Access, type Authenticator, type LimitBucket } from './auth.js';
import type { TransportLog } from './clientConnection.js';
import { listDevices, revokeDevice, dashboardPairingCode, type DashboardContext } from './dashboardRoutes.js';
import { endpoint, PARAM_SEGMENT, parseBody, type Endpoint } from './endpoint.js';
import { readJsonBody, remoteAddress, requestUrl, sendError, sendJson } from './httpUtil.js';
import { openApiDocument } from './openApi.js';
import { issueLoginCode, issuePairingCode, pair, rotateToken, type PairingRouteContext } from './pairingRoutes.js';
import { pushAction, pushTest, vapidPublicKey, type PushRouteContext } from './pushRoutes.js';
import { addQueueItem, editQueueItem, getQueue, listQueues, nextCommand, removeQueueItem, setAutoplay, submitResult, type QueueRouteContext } from './queueRoutes.js';
import { applySecurityHeaders, checkJsonBody, type RequestGuards } from './requestGuards.js';
import { authorizeControl } from './scopePolicy.js';
import { closeSession, createSession, getSession, listSessions, type SessionRouteContext } from './sessionRoutes.js';
import { postSessionEvent } from './eventRoutes.js';
import type { RouteCall } from './types.js';
import type { UiFiles } from './uiFiles.js';

/** What the routes need. */
export interface HttpRouteContext extends PushRouteContext, PairingRouteContext, DashboardContext, SessionRouteContext, QueueRouteContext {
  readonly sessions: ISessionService;
  readonly devices: DeviceStore;
  readonly pairing: PairingService;
  readonly daemonVersion: string;
  readonly auth: Authenticator;
  readonly guards: RequestGuards;
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
   * Routes that take a guessable secret in their body (a pairing code, a push-action secret):
   * the failures they answer (UNAUTHORIZED, PAIRING_REJECTED) count towards this limit of the
   * caller's address, which then answers 429. Bearer failures on any route count towards `token`.
   */
  readonly limit?: LimitBucket;
  /**
   * The route changes the session its first `:id` names: a device also needs `input`, and
   * `desk` on the desk's own `tether run` sessions (scopePolicy.ts authorizeControl).
   */
  readonly control?: true;
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
  { method: 'GET', path: '/healthz', access: 'anyone', endpoint: healthz },
  { method: 'GET', path: '/api/openapi.json', access: 'anyone', endpoint: openApi },
  { method: 'POST', path: '/api/pair', access: 'anyone', limit: 'pair', endpoint: pair },
  { method: 'POST', path: '/api/admin/pairing-code', access: 'admin', endpoint: issuePairingCode },
  { method: 'POST', path: '/api/admin/login-code', access: 'admin', endpoint: issueLoginCode },
  { method: 'POST', path: '/api/admin/push-test', access: 'admin', endpoint: pushTest },
  { method: 'GET', path: '/api/push/vapid-public-key', access: 'anyone', endpoint: vapidPublicKey },
  { method: 'POST', path: '/api/push/action', access: 'anyone', limit: 'push_action', endpoint: pushAction },
  { method: 'POST', path: '/api/token/rotate', access: 'paired', endpoint: rotateToken },
  { method: 'GET', path: '/api/web/devices', access: 'devices', endpoint: listDevices },
  { method: 'DELETE', path: '/api/web/devices/:device_id', access: 'devices', endpoint: revokeDevice },
  { method: 'POST', path: '/api/web/pairing-code', access: 'devices', endpoint: dashboardPairingCode },
  // Sessions: viewing needs `view`; starting and closing check the caller's scope in the endpoint
  // (scopePolicy.ts), as the WebSocket's create_session and close_session do.
  { method: 'GET', path: '/api/sessions', access: 'view', endpoint: listSessions },
  { method: 'POST', path: '/api/sessions', access: 'view', endpoint: createSession },
  { method: 'GET', path: '/api/sessions/:id', access: 'view', endpoint: getSession },
  { method: 'DELETE', path: '/api/sessions/:id', access: 'view', endpoint: closeSession },
  // The prompt queue: reading needs `view`; changing it, autoplay (which types the queue into the
  // session), taking the next command (it marks the item sent) and results need `input`, and `desk` on the desk's own sessions (`control`).
  { method: 'GET', path: '/api/queues', access: 'view', endpoint: listQueues },
  { method: 'GET', path: '/api/sessions/:id/queue', access: 'view', endpoint: getQueue },
  { method: 'POST', path: '/api/sessions/:id/queue', access: 'input', control: true, endpoint: addQueueItem },
  { method: 'PATCH', path: '/api/sessions/:id/queue/:item_id', access: 'input', control: true, endpoint: editQueueItem },
  { method: 'DELETE', path: '/api/sessions/:id/queue/:item_id', access: 'input', control: true, endpoint: removeQueueItem },
  { method: 'PUT', path: '/api/sessions/:id/autoplay', access: 'input', control: true, endpoint: setAutoplay },
  { method: 'GET', path: '/api/sessions/:id/next-command', access: 'input', control: true, endpoint: nextCommand },
  { method: 'POST', path: '/api/sessions/:id/submit-result/:interaction_id', access: 'input', control: true, endpoint: submitResult },
  // A session's own hooks post with its hook secret (or a device with `input`).
  { method: 'POST', path: '/api/sessions/:id/events', access: 'hook', endpoint: postSessionEvent },
  // Other routes under /api/sessions/:id/ go here; their endpoints resolve the session with
  // sessionOf(); a route that changes the session takes `control`.
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

/**
 * Handles one HTTP request; never rejects. Order: security headers, Host, route, Origin (on
 * anything but GET/HEAD), JSON body type, the route's failure limit, the credential, the handler.
 * @throws never
 */
export async function handleHttpRequest(context: HttpRouteContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  applySecurityHeaders(response);
  const address = remoteAddress(request);
  let limit: LimitBucket | undefined;
  let surface = 'http';
  try {
    context.guards.checkHost(request);
    const path = requestUrl(request).pathname;
    const method = request.method ?? 'GET';
    const found = findRoute(method, path);
    if (method !== 'GET' && method !== 'HEAD') context.guards.checkOrigin(request);
    if (found === undefined) {
      if (context.ui?.serve(request, response)) return;
      throw new TetherError('NOT_FOUND', `no route ${method} ${path.slice(0, 256)}`);
    }
    checkJsonBody(request);
    const { route, params } = found;
    surface = `http ${route.method} ${route.path}`;
    if (route.limit !== undefined) context.auth.checkLimit(route.limit, address);
    const hookSecret = route.access === 'hook' ? { sessionId: params[0], matches: (token: string | undefined) => context.sessions.hookTokenMatches(params[0], token) } : undefined;
    const caller = context.auth.authorizeRequest(request, route.access, address, surface, hookSecret);
    limit = route.limit;
    if (route.control === true && caller !== undefined) authorizeControl(context.scope, caller, params[0]);
    await answer(context, route.endpoint, { request, response, params, body: undefined, ...(caller !== undefined ? { caller } : {}) });
  } catch (err) {
    const error = toTetherError(err);
    if (limit !== undefined && FAILED_GUESS_CODES.has(error.code)) context.auth.recordFailure(limit, address, surface);
    if (error.code === 'INTERNAL') context.log('error', 'http handler failed', { error: error.message });
    const headers: Record<string, string> = {};
    if (error instanceof RateLimitedError) headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
    // The body may be unread: closing beats reading what was refused.
    if (error.code === 'BAD_MESSAGE' || error.code === 'UNSUPPORTED_MEDIA_TYPE') headers.connection = 'close';
    sendError(response, error, headers);
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
