/**
 * Push-related REST routes. `POST /api/push/action`: a Web Push service worker posts the
 * notification action the user picked; it is authenticated by the registered subscription
 * (its endpoint or its JSON) and applied only while that prompt is live (else 409
 * STALE_PROMPT). `POST /api/admin/push-test`: the local CLI asks for a test push.
 * `GET /api/push/vapid-public-key`: the key browsers subscribe with. Access and the rate
 * limit are the route table's (httpRoutes.ts).
 */
import { TetherError } from '../common/index.js';
import type { ApprovalResponse, ISessionService } from '../core/index.js';
import type { DeviceStore } from '../store/deviceStore.js';
import { secretMatches } from './auth.js';
import type { TransportLog } from './clientConnection.js';
import { readJsonBody, sendJson } from './httpUtil.js';
import type { PushTestResult, RouteCall } from './types.js';

/** Notification action identifiers (the APNs category actions, lower-cased) → approval answers. */
export const PUSH_ACTIONS: Readonly<Record<string, ApprovalResponse>> = {
  allow: 'yes',
  allow_session: 'yes_always',
  deny: 'no',
};

/** What the push routes need. */
export interface PushRouteContext {
  readonly sessions: Pick<ISessionService, 'currentWaiting' | 'answerApproval'>;
  readonly devices: DeviceStore;
  readonly log: TransportLog;
  readonly webPushPublicKey?: string;
  onPushTest?(deviceId: string | undefined): Promise<readonly PushTestResult[]>;
}

/**
 * `GET /api/push/vapid-public-key` → 200 `{public_key}` (base64url, for `applicationServerKey`).
 * The key is public; no auth. @throws TetherError PUSH_FAILED (503) when Web Push is off
 */
export function vapidPublicKey(context: PushRouteContext, call: RouteCall): void {
  if (context.webPushPublicKey === undefined) throw new TetherError('PUSH_FAILED', 'Web Push is not enabled in this daemon');
  sendJson(call.response, 200, { public_key: context.webPushPublicKey });
}

/** Reads a required short string field. @throws TetherError BAD_MESSAGE */
function field(body: Record<string, unknown>, name: string, max = 128): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '' || value.length > max) throw new TetherError('BAD_MESSAGE', `${name} must be a string of 1–${max} characters`);
  return value;
}

/** The push endpoint of a Web Push token: the subscription JSON's `endpoint`, or the string itself. */
function endpointOf(token: unknown): string | undefined {
  if (typeof token === 'object' && token !== null) {
    const endpoint = (token as { endpoint?: unknown }).endpoint;
    return typeof endpoint === 'string' ? endpoint : undefined;
  }
  if (typeof token !== 'string') return undefined;
  if (!token.trimStart().startsWith('{')) return token;
  try {
    return endpointOf(JSON.parse(token) as unknown);
  } catch {
    return undefined;
  }
}

/**
 * `POST /api/push/action {device_token, prompt_id, session_id, action}` → 200 `{applied: true}`.
 * @throws TetherError BAD_MESSAGE (400) | UNAUTHORIZED (401, unknown subscription) |
 *   STALE_PROMPT (409) | SESSION_NOT_FOUND (404)
 */
export async function pushAction(context: PushRouteContext, call: RouteCall): Promise<void> {
  const body = await readJsonBody(call.request);
  const endpoint = endpointOf(body.device_token);
  if (endpoint === undefined || endpoint.length > 4096) throw new TetherError('BAD_MESSAGE', 'device_token must be the Web Push subscription or its endpoint');
  const promptId = field(body, 'prompt_id');
  const sessionId = field(body, 'session_id');
  // The Web Push payload names actions like the APNs category (ALLOW, ALLOW_SESSION, DENY).
  const action = field(body, 'action', 32).toLowerCase();
  const answer = Object.hasOwn(PUSH_ACTIONS, action) ? PUSH_ACTIONS[action] : undefined;
  if (answer === undefined) throw new TetherError('BAD_MESSAGE', `action must be one of: ${Object.keys(PUSH_ACTIONS).join(', ')}`);
  // Constant-time against every stored subscription, so timing reveals nothing about them.
  let registration: { device_id: string } | undefined;
  for (const candidate of context.devices.list()) {
    if (candidate.token_type !== 'webpush') continue;
    const stored = endpointOf(candidate.token);
    if (stored !== undefined && secretMatches(endpoint, stored) && registration === undefined) registration = candidate;
  }
  if (registration === undefined) throw new TetherError('UNAUTHORIZED', 'device_token is not a registered Web Push subscription');
  if (context.sessions.currentWaiting(sessionId)?.prompt_id !== promptId) {
    throw new TetherError('STALE_PROMPT', 'that prompt is no longer live');
  }
  await context.sessions.answerApproval(sessionId, promptId, answer);
  context.log('info', 'push action applied', { device_id: registration.device_id, session_id: sessionId, prompt_id: promptId, action });
  sendJson(call.response, 200, { applied: true });
}

/**
 * `POST /api/admin/push-test {device_id?}` (admin secret) → 200 `{results: [...]}`.
 * @throws TetherError BAD_MESSAGE | PUSH_FAILED (push is not wired)
 */
export async function pushTest(context: PushRouteContext, call: RouteCall): Promise<void> {
  const body = await readJsonBody(call.request);
  const deviceId = body.device_id === undefined ? undefined : field(body, 'device_id');
  if (context.onPushTest === undefined) throw new TetherError('PUSH_FAILED', 'push is not available in this daemon');
  const results = await context.onPushTest(deviceId);
  sendJson(call.response, 200, { results });
}
