/**
 * The REST side of the port: `GET /healthz`, `POST /api/pair` (code → device token, rate
 * limited per address), `POST /api/admin/pairing-code` (admin secret → fresh code and
 * link), and the push routes (pushRoutes.ts). Anything else goes to an optional fallback
 * (the web UI), else 404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TetherError, toTetherError } from '../common/index.js';
import type { DeviceStore } from '../store/deviceStore.js';
import type { PairingService } from '../store/pairing.js';
import { secretMatches } from './auth.js';
import { bearerToken, readJsonBody, remoteAddress, sendError, sendJson } from './httpUtil.js';
import type { FailureRateLimiter } from './rateLimiter.js';
import type { TransportLog } from './clientConnection.js';
import { pushAction, pushTest, vapidPublicKey, type PushRouteContext } from './pushRoutes.js';

/** Longest device name kept; it is only a label. */
const MAX_DEVICE_NAME = 128;
/** Longest platform label kept. */
const MAX_PLATFORM = 64;

/** What the routes need. */
export interface HttpRouteContext extends PushRouteContext {
  readonly devices: DeviceStore;
  readonly pairing: PairingService;
  readonly adminSecret: string;
  readonly daemonVersion: string;
  readonly limiter: FailureRateLimiter;
  /** `http://host:port` as clients should reach this server. */
  origin(): string;
  readonly fallback?: (request: IncomingMessage, response: ServerResponse) => boolean;
  readonly log: TransportLog;
}

/** Handles one HTTP request; never rejects. @throws never */
export async function handleHttpRequest(
  context: HttpRouteContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  try {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const route = `${request.method ?? 'GET'} ${path}`;
    if (route === 'GET /healthz') return sendJson(response, 200, { ok: true, version: context.daemonVersion });
    if (route === 'POST /api/pair') return await pair(context, request, response);
    if (route === 'POST /api/admin/pairing-code') return await issueCode(context, request, response);
    if (route === 'GET /api/push/vapid-public-key') return vapidPublicKey(context, response);
    if (route === 'POST /api/push/action' || route === 'POST /api/admin/push-test') {
      if (answeredLimited(context, remoteAddress(request), response)) return;
      return route === 'POST /api/push/action' ? await pushAction(context, request, response) : await pushTest(context, request, response);
    }
    if (context.fallback?.(request, response)) return;
    sendJson(response, 404, { error: { code: 'BAD_MESSAGE', message: `no route ${route}` } });
  } catch (err) {
    const error = toTetherError(err);
    if (error.code === 'INTERNAL') context.log('error', 'http handler failed', { error: error.message });
    sendError(response, error, error.code === 'BAD_MESSAGE' ? { connection: 'close' } : {});
  }
}

async function pair(context: HttpRouteContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const address = remoteAddress(request);
  if (answeredLimited(context, address, response)) return;
  const body = await readJsonBody(request);
  const code = typeof body.code === 'string' ? body.code : '';
  const deviceName = typeof body.device_name === 'string' ? body.device_name.trim().slice(0, MAX_DEVICE_NAME) : '';
  if (deviceName === '') throw new TetherError('BAD_MESSAGE', 'device_name is required');
  if (body.platform !== undefined && typeof body.platform !== 'string') {
    throw new TetherError('BAD_MESSAGE', 'platform must be a string');
  }
  if (!context.pairing.redeem(code)) {
    context.limiter.recordFailure(address);
    context.log('warn', 'pairing rejected', { address });
    throw new TetherError('PAIRING_REJECTED', 'pairing code is unknown, used or expired');
  }
  const platform = typeof body.platform === 'string' ? body.platform.slice(0, MAX_PLATFORM) : undefined;
  const { device, token } = context.devices.pair({ device_name: deviceName, platform });
  context.log('info', 'device paired', { device_id: device.device_id, device_name: deviceName });
  sendJson(response, 200, { device_id: device.device_id, token });
}

async function issueCode(context: HttpRouteContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const address = remoteAddress(request);
  if (answeredLimited(context, address, response)) return;
  if (!secretMatches(bearerToken(request) ?? '', context.adminSecret)) {
    context.limiter.recordFailure(address);
    throw new TetherError('UNAUTHORIZED', 'admin secret required');
  }
  const { code, expiresAt } = context.pairing.issue();
  sendJson(response, 200, {
    code,
    url: `${context.origin()}/pair#code=${code}`,
    expires_at: new Date(expiresAt).toISOString(),
  });
}

/** Answers 429 (with Retry-After) and returns true when `address` has failed too often. */
function answeredLimited(context: HttpRouteContext, address: string, response: ServerResponse): boolean {
  const waitMs = context.limiter.retryAfterMs(address);
  if (waitMs === 0) return false;
  const seconds = Math.ceil(waitMs / 1000);
  const error = new TetherError('RATE_LIMITED', `too many failed attempts; retry in ${seconds} s`);
  sendError(response, error, { 'retry-after': String(seconds) });
  return true;
}
