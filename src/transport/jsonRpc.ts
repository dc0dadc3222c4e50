/**
 * JSON-RPC 2.0 over the same WebSocket, for clients that speak it (a frame with
 * `"jsonrpc": "2.0"`, or a batch array of them): `device/register`, `device/unregister`,
 * `device/list`, `device/preferences` and `permission/pending`. Each request is checked
 * against the caller's rights (scopes.ts; METHOD_RIGHTS) like a typed message, after the frame's
 * live-identity check. Errors use JSON-RPC codes; Tether's own error code travels in
 * `error.data.code` (FORBIDDEN: -32000).
 */
import { z } from 'zod';
import { TetherError, toTetherError } from '../common/index.js';
import { LIMITS } from '../common/protocol.js';
import type { ISessionService } from '../core/index.js';
import { devicePreferencesSchema } from '../store/config.js';
import type { DeviceStore } from '../store/deviceStore.js';
import type { PushRegistration, RegistrationTokenType } from '../store/types.js';
import type { Right } from '../common/index.js';
import type { Authenticator, Identity } from './auth.js';
import type { ClientConnection, TransportLog } from './clientConnection.js';
import type { PushTokenRegistration } from './types.js';

/** JSON-RPC 2.0 error codes (spec §5.1) and the server-error code Tether uses. */
export const JSON_RPC_ERRORS = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  /** Any other TetherError; `data.code` says which. */
  server: -32000,
} as const;

/** Most requests a batch may hold. */
const MAX_BATCH = 32;

/** What the JSON-RPC methods need. */
export interface JsonRpcContext {
  readonly sessions: Pick<ISessionService, 'list' | 'currentWaiting'>;
  readonly devices: DeviceStore;
  readonly onPushToken: (deviceId: string, registration: PushTokenRegistration) => void | Promise<void>;
  readonly log: TransportLog;
  /** The auth helper that checks each method's right. */
  readonly scope: { readonly auth: Pick<Authenticator, 'require'> };
}

/**
 * The right each method needs: they read prompts or manage the caller's own push registrations,
 * as `register_push_token` and the live prompts do over the typed protocol (`view`).
 */
export const METHOD_RIGHTS: Readonly<Record<string, Right>> = {
  'device/register': 'view',
  'device/unregister': 'view',
  'device/list': 'view',
  'device/preferences': 'view',
  'permission/pending': 'view',
};

type JsonRpcId = string | number | null;
interface JsonRpcResponse {
  readonly jsonrpc: '2.0';
  readonly id: JsonRpcId;
  readonly result?: unknown;
  readonly error?: { readonly code: number; readonly message: string; readonly data?: { readonly code: string } };
}

class JsonRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly tetherCode?: string,
  ) {
    super(message);
  }
}

/**
 * True when a text frame is meant as JSON-RPC: an object with a `jsonrpc` member and no
 * `type`, or an array (batch); unparseable text counts when it mentions "jsonrpc" (so it gets
 * -32700). Checked before the typed protocol; frames without the word are never parsed here.
 * @throws never
 */
export function isJsonRpcFrame(raw: string): boolean {
  if (!raw.includes('"jsonrpc"')) return false;
  try {
    const value: unknown = JSON.parse(raw);
    if (Array.isArray(value)) return true;
    return typeof value === 'object' && value !== null && Object.hasOwn(value, 'jsonrpc') && !Object.hasOwn(value, 'type');
  } catch {
    return true;
  }
}

/** Handles one JSON-RPC frame (single or batch) and sends the response(s). @throws never */
export async function handleJsonRpc(context: JsonRpcContext, connection: ClientConnection, raw: string): Promise<void> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return reply(connection, failure(null, new JsonRpcError(JSON_RPC_ERRORS.parse, 'Parse error')));
  }
  if (Array.isArray(value)) {
    if (value.length === 0 || value.length > MAX_BATCH) {
      return reply(connection, failure(null, new JsonRpcError(JSON_RPC_ERRORS.invalidRequest, `a batch holds 1–${MAX_BATCH} requests`)));
    }
    const responses = (await Promise.all(value.map((item) => handleOne(context, connection.identity, item)))).filter((r) => r !== undefined);
    if (responses.length > 0) reply(connection, responses);
    return;
  }
  const response = await handleOne(context, connection.identity, value);
  if (response !== undefined) reply(connection, response);
}

function reply(connection: ClientConnection, body: JsonRpcResponse | JsonRpcResponse[]): void {
  connection.sendText(JSON.stringify(body));
}

function failure(id: JsonRpcId, error: JsonRpcError): JsonRpcResponse {
  return {
    jsonrpc: '2.0',
    id,
    error: { code: error.code, message: error.message, ...(error.tetherCode === undefined ? {} : { data: { code: error.tetherCode } }) },
  };
}

const requestSchema = z.object({
  jsonrpc: z.literal('2.0'),
  method: z.string().max(64),
  params: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
  id: z.union([z.string().max(LIMITS.requestId), z.number(), z.null()]).optional(),
});

async function handleOne(context: JsonRpcContext, identity: Identity, value: unknown): Promise<JsonRpcResponse | undefined> {
  const parsed = requestSchema.safeParse(value);
  if (!parsed.success) {
    const rawId = (value as { id?: unknown } | null)?.id;
    const id = typeof rawId === 'string' || typeof rawId === 'number' ? rawId : null;
    return failure(id, new JsonRpcError(JSON_RPC_ERRORS.invalidRequest, 'Invalid Request'));
  }
  const request = parsed.data;
  const isNotification = request.id === undefined;
  const id = request.id ?? null;
  try {
    const result = await call(context, identity, request.method, request.params ?? {});
    return isNotification ? undefined : { jsonrpc: '2.0', id, result };
  } catch (err) {
    if (isNotification) return undefined;
    if (err instanceof JsonRpcError) return failure(id, err);
    const error = toTetherError(err);
    if (error.code === 'INTERNAL') context.log('error', 'json-rpc handler failed', { method: request.method, error: String(err) });
    const code =
      error.code === 'BAD_MESSAGE' || error.code === 'INVALID_TOKEN'
        ? JSON_RPC_ERRORS.invalidParams
        : error.code === 'INTERNAL'
          ? JSON_RPC_ERRORS.internal
          : JSON_RPC_ERRORS.server;
    return failure(id, new JsonRpcError(code, error.message, error.code));
  }
}

const text = (max: number) => z.string().min(1).max(max);
const registerSchema = z.object({
  device_token: text(LIMITS.pushToken),
  device_id: text(LIMITS.id),
  device_name: text(LIMITS.name).optional(),
  app_version: text(LIMITS.platform).optional(),
  os_version: text(LIMITS.platform).optional(),
  environment: z.enum(['sandbox', 'production']).optional(),
  /** Optional: inferred from the token's format when absent (FCM tokens must say so). */
  token_type: z.enum(['apns', 'fcm', 'expo', 'webpush', 'live_activity']).optional(),
  platform: text(LIMITS.platform).optional(),
  session_id: text(LIMITS.id).optional(),
});
const deviceIdSchema = z.object({ device_id: text(LIMITS.id) });
const preferencesSchema = devicePreferencesSchema.extend({ device_id: text(LIMITS.id) });

function params<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const where = result.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || 'params'}: ${issue.message}`);
    throw new JsonRpcError(JSON_RPC_ERRORS.invalidParams, `Invalid params: ${where.join('; ')}`, 'BAD_MESSAGE');
  }
  return result.data;
}

async function call(context: JsonRpcContext, identity: Identity, method: string, value: unknown): Promise<unknown> {
  const { devices } = context;
  if (!Object.hasOwn(METHOD_RIGHTS, method)) throw new JsonRpcError(JSON_RPC_ERRORS.methodNotFound, `Method not found: ${method.slice(0, 64)}`);
  context.scope.auth.require(identity, METHOD_RIGHTS[method]);
  switch (method) {
    case 'device/register': {
      const input = params(registerSchema, value);
      assertMayManage(devices, identity, input.device_id);
      const tokenType = input.token_type ?? inferTokenType(input.device_token);
      await context.onPushToken(identity.deviceId, {
        token: input.device_token,
        token_type: tokenType,
        platform: input.platform ?? (tokenType === 'webpush' ? 'web' : tokenType === 'fcm' ? 'android' : 'ios'),
        // JSON-RPC device/register is the push seed's (cdev-ios): its pushes carry `pty_permission`.
        dialect: 'cdev',
        ...pick(input, ['environment', 'device_id', 'device_name', 'app_version', 'os_version', 'session_id']),
      });
      return { registered: true, device_id: input.device_id };
    }
    case 'device/unregister': {
      const { device_id } = params(deviceIdSchema, value);
      assertMayManage(devices, identity, device_id);
      devices.removeWhere((registration) => registration.device_id === device_id);
      return { unregistered: true };
    }
    case 'device/list':
      return { devices: listDevices(devices, identity) };
    case 'device/preferences': {
      const { device_id, ...given } = params(preferencesSchema, value);
      assertMayManage(devices, identity, device_id);
      const stored = devices.preferences(device_id) ?? {};
      const changed = given.quiet_hours !== undefined || given.wait_types !== undefined || given.task_pushes !== undefined;
      const preferences = changed ? { ...stored, ...given, wait_types: { ...stored.wait_types, ...given.wait_types } } : stored;
      if (changed) devices.setPreferences(device_id, preferences);
      return { device_id, preferences };
    }
    case 'permission/pending':
      return {
        prompts: context.sessions
          .list()
          .map((session) => context.sessions.currentWaiting(session.id))
          .filter((waiting) => waiting !== undefined),
      };
    default:
      throw new JsonRpcError(JSON_RPC_ERRORS.methodNotFound, `Method not found: ${method.slice(0, 64)}`);
  }
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (value[key] !== undefined) picked[key] = value[key];
  return picked;
}

/** The token type a device token's format implies; validation happens when it is stored. */
export function inferTokenType(token: string): RegistrationTokenType {
  if (/^Expo(?:nent)?PushToken\[/.test(token)) return 'expo';
  if (token.trimStart().startsWith('{')) return 'webpush';
  if (/^[0-9a-fA-F]+$/.test(token)) return 'apns';
  throw new TetherError('INVALID_TOKEN', 'cannot tell the token type from device_token; pass token_type');
}

/**
 * A caller manages its own paired id, ids whose registrations it made, and new ids; never
 * another paired device's id or registrations. The admin manages everything.
 * @throws TetherError UNAUTHORIZED
 */
function assertMayManage(devices: DeviceStore, identity: Identity, deviceId: string): void {
  if (identity.isAdmin || deviceId === identity.deviceId) return;
  const foreign =
    devices.get(deviceId) !== undefined ||
    devices.list().some((registration) => registration.device_id === deviceId && registration.owner_id !== identity.deviceId);
  if (foreign) throw new TetherError('UNAUTHORIZED', `device ${deviceId.slice(0, 64)} belongs to another paired device`);
}

/** Registrations grouped by device id, limited to what the caller may see. */
function listDevices(devices: DeviceStore, identity: Identity): unknown[] {
  const visible = devices
    .list()
    .filter((r) => identity.isAdmin || r.device_id === identity.deviceId || r.owner_id === identity.deviceId);
  const byDevice = new Map<string, PushRegistration[]>();
  for (const registration of visible) byDevice.set(registration.device_id, [...(byDevice.get(registration.device_id) ?? []), registration]);
  return [...byDevice].map(([deviceId, registrations]) => {
    const labelled = registrations.findLast((r) => r.device_name !== undefined) ?? registrations[registrations.length - 1];
    const paired = devices.get(labelled.owner_id ?? deviceId) ?? devices.get(deviceId);
    const registeredAt = registrations.map((r) => r.registered_at).sort()[0];
    return {
      device_id: deviceId,
      device_name: labelled.device_name ?? paired?.device_name ?? deviceId,
      app_version: labelled.app_version ?? null,
      registered_at: registeredAt,
      last_seen: paired?.last_seen ?? registeredAt,
      token_types: [...new Set(registrations.map((r) => r.token_type))],
    };
  });
}
