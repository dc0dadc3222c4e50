/**
 * Push-related REST routes. `POST /api/push/action`: a Web Push service worker posts the
 * notification action the user picked; it is authenticated by the registered subscription
 * (its endpoint or its JSON) and applied only while that prompt is live (else 409
 * STALE_PROMPT). `POST /api/admin/push-test`: the local CLI asks for a test push.
 * `GET /api/push/vapid-public-key`: the key browsers subscribe with. Access and the rate
 * limit are the route table's (httpRoutes.ts).
 */
import { z } from 'zod';
import { TetherError } from '../common/index.js';
import { pushResultSchema } from '../common/protocol.js';
import type { ApprovalResponse, ISessionService } from '../core/index.js';
import type { DeviceStore } from '../store/deviceStore.js';
import { secretMatches } from './auth.js';
import type { TransportLog } from './clientConnection.js';
import { endpoint } from './endpoint.js';
import type { PushTestResult } from './types.js';

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

/** `GET /api/push/vapid-public-key` → 200 `{public_key}` (base64url, for `applicationServerKey`); the key is public. */
export const vapidPublicKey = endpoint({
  summary: 'The VAPID public key browsers subscribe to Web Push with',
  tag: 'push',
  reply: z.object({ public_key: z.string().meta({ description: 'base64url, for `applicationServerKey`' }) }),
  errors: ['PUSH_FAILED'],
  handle: (context: PushRouteContext) => {
    if (context.webPushPublicKey === undefined) throw new TetherError('PUSH_FAILED', 'Web Push is not enabled in this daemon');
    return { public_key: context.webPushPublicKey };
  },
});

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

const shortId = z.string().min(1).max(128);

/** `POST /api/push/action`'s body. */
export const pushActionBodySchema = z.object({
  device_token: z
    .union([z.string(), z.object({ endpoint: z.string() })])
    .meta({ description: 'The Web Push subscription (object or JSON string) or its endpoint; it must match a stored `webpush` registration' }),
  session_id: shortId,
  prompt_id: shortId,
  action: z
    .string()
    .min(1)
    .max(32)
    .meta({ description: `One of ${Object.keys(PUSH_ACTIONS).join(', ')} (any case, as the notification's action names it)` }),
});

/** `POST /api/push/action {device_token, prompt_id, session_id, action}` → 200 `{applied: true}`. */
export const pushAction = endpoint({
  summary: "Apply a Web Push notification's action",
  description: 'A service worker posts the action the user picked; it is applied only while that prompt is live.',
  tag: 'push',
  body: pushActionBodySchema,
  reply: z.object({ applied: z.literal(true) }),
  errors: ['STALE_PROMPT', 'SESSION_NOT_FOUND'],
  handle: async (context: PushRouteContext, call) => {
    const { body } = call;
    const endpoint = endpointOf(body.device_token);
    if (endpoint === undefined || endpoint.length > 4096) throw new TetherError('BAD_MESSAGE', 'device_token must be the Web Push subscription or its endpoint');
    // The Web Push payload names actions like the APNs category (ALLOW, ALLOW_SESSION, DENY).
    const action = body.action.toLowerCase();
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
    if (context.sessions.currentWaiting(body.session_id)?.prompt_id !== body.prompt_id) {
      throw new TetherError('STALE_PROMPT', 'that prompt is no longer live');
    }
    await context.sessions.answerApproval(body.session_id, body.prompt_id, answer, { senderId: registration.device_id });
    context.log('info', 'push action applied', { device_id: registration.device_id, session_id: body.session_id, prompt_id: body.prompt_id, action });
    return { applied: true as const };
  },
});

/** `POST /api/admin/push-test {device_id?}` (admin secret) → 200 `{results: [...]}`. */
export const pushTest = endpoint({
  summary: 'Send a test push (the local CLI: `tether push test`)',
  description: "One test notification to each registration (of that device), bypassing the rules; one attempt each.",
  tag: 'push',
  body: z.object({ device_id: shortId.optional() }),
  reply: z.object({ results: z.array(pushResultSchema.omit({ type: true })) }),
  errors: ['PUSH_FAILED'],
  handle: async (context: PushRouteContext, call) => {
    if (context.onPushTest === undefined) throw new TetherError('PUSH_FAILED', 'push is not available in this daemon');
    return { results: [...(await context.onPushTest(call.body.device_id))] };
  },
});
