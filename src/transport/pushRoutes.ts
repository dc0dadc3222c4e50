/**
 * Push-related REST routes. `POST /api/push/action`: a service worker (or an app) posts the
 * notification action the user picked; it is authenticated by the single-use secret the push
 * carried (store/pushActionSecrets.ts), which names the registration, session and prompt, and
 * applied only while that prompt is live (else 409 STALE_PROMPT) and its registration is
 * still stored. `POST /api/admin/push-test`: the local CLI asks for a test push.
 * `GET /api/push/vapid-public-key`: the key browsers subscribe with. Access and the rate
 * limit are the route table's (httpRoutes.ts).
 */
import { z } from 'zod';
import { TetherError } from '../common/index.js';
import { pushResultSchema } from '../common/protocol.js';
import type { ApprovalResponse, ISessionService } from '../core/index.js';
import type { DeviceStore } from '../store/deviceStore.js';
import type { PushActionSecrets } from '../store/pushActionSecrets.js';
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
  readonly actionSecrets: PushActionSecrets;
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
  action_secret: z
    .string()
    .min(1)
    .max(128)
    .meta({ description: 'The single-use secret the push carried (inside its encrypted payload); it names the registration, session and prompt' }),
  device_token: z
    .union([z.string(), z.object({ endpoint: z.string() })])
    .optional()
    .meta({ description: 'The Web Push subscription (object or JSON string) or its endpoint; when sent, it must be the registration the push went to' }),
  session_id: shortId,
  prompt_id: shortId,
  action: z
    .string()
    .min(1)
    .max(32)
    .meta({ description: `One of ${Object.keys(PUSH_ACTIONS).join(', ')} (any case, as the notification's action names it; an \`_ACTION\` suffix, as the push seed's app sends, is dropped)` }),
});

/** `POST /api/push/action {action_secret, session_id, prompt_id, action, device_token?}` → 200 `{applied: true}`. */
export const pushAction = endpoint({
  summary: "Apply a push notification's action",
  description:
    'A service worker (or app) posts the action the user picked with the single-use `action_secret` its push carried; ' +
    'it is applied only while that prompt is live and the registration the push went to is still stored.',
  tag: 'push',
  body: pushActionBodySchema,
  reply: z.object({ applied: z.literal(true) }),
  errors: ['STALE_PROMPT', 'SESSION_NOT_FOUND'],
  handle: async (context: PushRouteContext, call) => {
    const { body } = call;
    // The payload names actions like the APNs category (ALLOW, ALLOW_SESSION, DENY); the push
    // seed's app (cdev-ios) names them ALLOW_ACTION, ALLOW_SESSION_ACTION, DENY_ACTION.
    const action = body.action.toLowerCase().replace(/_action$/, '');
    const answer = Object.hasOwn(PUSH_ACTIONS, action) ? PUSH_ACTIONS[action] : undefined;
    if (answer === undefined) throw new TetherError('BAD_MESSAGE', `action must be one of: ${Object.keys(PUSH_ACTIONS).join(', ')}`);
    const claimed = body.device_token === undefined ? undefined : endpointOf(body.device_token);
    if (body.device_token !== undefined && (claimed === undefined || claimed.length > 4096)) {
      throw new TetherError('BAD_MESSAGE', 'device_token must be the Web Push subscription or its endpoint');
    }
    const grant = context.actionSecrets.redeem(body.action_secret, { session_id: body.session_id, prompt_id: body.prompt_id });
    if (grant === undefined) throw new TetherError('UNAUTHORIZED', 'action_secret is unknown, used, expired or for another prompt');
    const registration = context.devices.list().find((candidate) => candidate.token === grant.token);
    const ownerGone = registration?.owner_id !== undefined && context.devices.get(registration.owner_id) === undefined;
    if (registration === undefined || ownerGone) throw new TetherError('UNAUTHORIZED', 'the registration this push went to is gone');
    const stored = endpointOf(registration.token) ?? registration.token;
    if (claimed !== undefined && !secretMatches(claimed, stored)) throw new TetherError('UNAUTHORIZED', 'device_token is not the registration this push went to');
    if (context.sessions.currentWaiting(body.session_id)?.prompt_id !== body.prompt_id) {
      throw new TetherError('STALE_PROMPT', 'that prompt is no longer live');
    }
    await context.sessions.answerApproval(body.session_id, body.prompt_id, answer, { senderId: grant.device_id });
    context.log('info', 'push action applied', { device_id: grant.device_id, session_id: body.session_id, prompt_id: body.prompt_id, action });
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
