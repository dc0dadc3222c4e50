/**
 * A local stand-in for Apple's APNs provider API: HTTP/2 over TLS on 127.0.0.1 (CA made at
 * start-up). It checks what APNs checks (path, ES256 JWT, topic incl. Live Activity, push type,
 * priority, size), records requests, and fails a token on demand: any status with Retry-After,
 * a hang, GOAWAY or a destroyed session. Source: Apple, "Sending notification requests to
 * APNs", "Establishing a token-based connection to APNs", "Handling notification responses".
 */
import { createPublicKey, generateKeyPairSync, randomUUID, verify, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { constants, createSecureServer, type Http2ServerRequest, type Http2ServerResponse, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

/** Apple's payload limit for regular remote notifications (bytes). */
const MAX_PAYLOAD_BYTES = 4096;
/** Apple rejects provider tokens older than one hour (ExpiredProviderToken); we allow the same. */
const MAX_TOKEN_AGE_SECONDS = 3600;
/** Push types Apple documents for `apns-push-type`. */
const PUSH_TYPES = ['alert', 'background', 'location', 'voip', 'complication', 'fileprovider', 'mdm', 'liveactivity', 'pushtotalk', 'widgets'];
/** The reason Apple sends with each status, when a test gives none. */
const DEFAULT_REASONS: Readonly<Record<number, string>> = {
  400: 'BadDeviceToken',
  403: 'InvalidProviderToken',
  410: 'Unregistered',
  413: 'PayloadTooLarge',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};

/** One request as the mock saw it. */
export interface RecordedApnsRequest {
  readonly method: string;
  readonly path: string;
  /** The device token from the path ('' when the path was not /3/device/<token>). */
  readonly token: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed JSON body (undefined when it was not JSON). */
  readonly payload: unknown;
  readonly payloadBytes: number;
  /** The decoded JWT header and claims, when an authorization header was present. */
  readonly jwt?: { readonly header: Record<string, unknown>; readonly claims: Record<string, unknown> };
  /** What the mock answered. */
  readonly status: number;
  readonly reason?: string;
}

/** A misbehaviour for the next request(s) of one token. */
export type ApnsFault =
  | { readonly kind: 'status'; readonly status: number; readonly reason?: string; readonly retryAfter?: string }
  /** Never answer (the stream stays open until the client cancels it or the mock closes). */
  | { readonly kind: 'hang' }
  /** Send GOAWAY and close the HTTP/2 session with the request unanswered. */
  | { readonly kind: 'goaway' }
  /** Destroy the HTTP/2 session (and its socket) with the request unanswered. */
  | { readonly kind: 'destroy' };

/** Options; every field has a test default. */
export interface MockApnsOptions {
  readonly teamId?: string;
  readonly keyId?: string;
  /** The topic the mock accepts (the app's bundle id). */
  readonly bundleId?: string;
}

/** A running mock. */
export interface MockApns {
  readonly port: number;
  /** PEM of the CA that signed the server certificate; trust it as `ca_file`. */
  readonly caPem: string;
  /** Path of the CA PEM written to a temp dir. */
  readonly caFile: string;
  /** Path of the PKCS#8 P-256 key (.p8) whose public half verifies JWTs. */
  readonly keyFile: string;
  readonly keyId: string;
  readonly teamId: string;
  readonly bundleId: string;
  /** Every request received, in order (live array). */
  readonly requests: RecordedApnsRequest[];
  /** Answers `token` with `status` and `{"reason"}` from now on (default reason per status). */
  respondWith(token: string, status: number, reason?: string, retryAfter?: string): void;
  /** Applies `fault` to the next `count` requests for `token` (before `respondWith`). */
  injectFault(token: string, fault: ApnsFault, count?: number): void;
  /** HTTP/2 sessions accepted so far (a reconnect adds one). */
  readonly sessionCount: number;
  /** Closes client sessions and the server, and removes the temp dir. */
  close(): Promise<void>;
}

/**
 * Starts the mock on 127.0.0.1 with an ephemeral port.
 * @throws Error when certificates cannot be generated or the port cannot be bound
 */
export async function startMockApns(options: MockApnsOptions = {}): Promise<MockApns> {
  const teamId = options.teamId ?? 'TEAM123456';
  const keyId = options.keyId ?? 'KEY1234567';
  const bundleId = options.bundleId ?? 'dev.tether.app';
  const directory = mkdtempSync(join(tmpdir(), 'tether-apns-'));

  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyFile = join(directory, `AuthKey_${keyId}.p8`);
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const publicKey = createPublicKey(privateKey);

  const ca = await generate([{ name: 'commonName', value: 'Tether Test CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  const caFile = join(directory, 'ca.pem');
  writeFileSync(caFile, ca.cert);

  const requests: RecordedApnsRequest[] = [];
  const overrides = new Map<string, { status: number; reason: string; retryAfter?: string }>();
  const faults = new Map<string, { fault: ApnsFault; remaining: number }>();
  const sessions = new Set<ServerHttp2Session>();
  let sessionCount = 0;
  const http2Server = createSecureServer({ key: server.private, cert: server.cert });
  http2Server.on('session', (session) => {
    sessionCount += 1;
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  http2Server.on('request', (request: Http2ServerRequest, response: Http2ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const outcome = judge(request, body, { teamId, keyId, bundleId, publicKey, overrides });
      const pending = faults.get(outcome.record.token);
      const fault = outcome.status === 200 && pending !== undefined ? pending.fault : undefined;
      if (pending !== undefined && fault !== undefined && --pending.remaining <= 0) faults.delete(outcome.record.token);
      if (fault !== undefined && fault.kind !== 'status') {
        requests.push({ ...outcome.record, status: 0, reason: fault.kind });
        const session = request.stream.session;
        if (fault.kind === 'goaway') session?.goaway(constants.NGHTTP2_NO_ERROR, 0);
        if (fault.kind === 'goaway') setImmediate(() => session?.destroy());
        if (fault.kind === 'destroy') session?.destroy();
        return;
      }
      if (fault !== undefined && fault.kind === 'status') {
        Object.assign(outcome, { status: fault.status, reason: fault.reason ?? DEFAULT_REASONS[fault.status] ?? 'InternalServerError', retryAfter: fault.retryAfter });
      }
      requests.push({ ...outcome.record, status: outcome.status, reason: outcome.reason });
      if (outcome.status === 200) {
        response.writeHead(200, { 'apns-id': request.headers['apns-id'] ?? randomUUID() });
        response.end();
        return;
      }
      const answer: Record<string, unknown> = { reason: outcome.reason };
      if (outcome.status === 410) answer.timestamp = Date.now();
      response.writeHead(outcome.status, {
        'content-type': 'application/json',
        ...(outcome.retryAfter === undefined ? {} : { 'retry-after': outcome.retryAfter }),
      });
      response.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve, reject) => {
    http2Server.once('error', reject);
    http2Server.listen(0, '127.0.0.1', () => resolve());
  });

  return {
    port: (http2Server.address() as AddressInfo).port,
    caPem: ca.cert,
    caFile,
    keyFile,
    keyId,
    teamId,
    bundleId,
    requests,
    respondWith(token, status, reason, retryAfter) {
      overrides.set(token, { status, reason: reason ?? DEFAULT_REASONS[status] ?? 'InternalServerError', ...(retryAfter === undefined ? {} : { retryAfter }) });
    },
    injectFault(token, fault, count = 1) {
      faults.set(token, { fault, remaining: count });
    },
    get sessionCount() {
      return sessionCount;
    },
    async close() {
      for (const session of sessions) session.destroy();
      await new Promise<void>((resolve) => http2Server.close(() => resolve()));
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

interface JudgeContext {
  readonly teamId: string;
  readonly keyId: string;
  readonly bundleId: string;
  readonly publicKey: KeyObject;
  readonly overrides: ReadonlyMap<string, { status: number; reason: string; retryAfter?: string }>;
}

interface Outcome {
  readonly record: Omit<RecordedApnsRequest, 'status' | 'reason'>;
  readonly status: number;
  readonly reason?: string;
  readonly retryAfter?: string;
}

/** Applies APNs' checks in Apple's order of concern; the first failure decides the answer. */
function judge(request: Http2ServerRequest, body: Buffer, context: JudgeContext): Outcome {
  const headers = request.headers;
  const path = request.url;
  const match = /^\/3\/device\/([^/?]+)$/.exec(path);
  const token = match?.[1] ?? '';
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    payload = undefined;
  }
  const jwt = decodeJwt(headers.authorization);
  const record = { method: request.method, path, token, headers: { ...headers }, payload, payloadBytes: body.length, jwt: jwt?.decoded };
  const fail = (status: number, reason: string): Outcome => ({ record, status, reason });

  if (request.method !== 'POST') return fail(405, 'MethodNotAllowed');
  if (match === null) return fail(404, 'BadPath');
  if (jwt === undefined) return fail(403, 'MissingProviderToken');
  const tokenProblem = checkJwt(jwt, context);
  if (tokenProblem !== undefined) return fail(403, tokenProblem);
  const pushType = String(headers['apns-push-type']);
  if (headers['apns-topic'] === undefined) return fail(400, 'MissingTopic');
  // Live Activity pushes go to `<bundle id>.push-type.liveactivity`, everything else to the bundle id.
  const expectedTopic = pushType === 'liveactivity' ? `${context.bundleId}.push-type.liveactivity` : context.bundleId;
  if (headers['apns-topic'] !== expectedTopic) return fail(400, 'TopicDisallowed');
  if (!PUSH_TYPES.includes(pushType)) return fail(400, 'InvalidPushType');
  const priority = headers['apns-priority'];
  if (priority !== undefined && !['1', '5', '10'].includes(String(priority))) return fail(400, 'BadPriority');
  // Apple: background pushes must use priority 5 ("Pushing background updates to your App").
  if (pushType === 'background' && String(priority) !== '5') return fail(400, 'BadPriority');
  const expiration = headers['apns-expiration'];
  if (expiration !== undefined && !/^\d+$/.test(String(expiration))) return fail(400, 'BadExpirationDate');
  const collapseId = headers['apns-collapse-id'];
  if (collapseId !== undefined && Buffer.byteLength(String(collapseId)) > 64) return fail(400, 'BadCollapseId');
  if (body.length === 0) return fail(400, 'PayloadEmpty');
  if (body.length > MAX_PAYLOAD_BYTES) return fail(413, 'PayloadTooLarge');
  if (payload === undefined || typeof payload !== 'object' || payload === null) return fail(400, 'BadPayload');
  const aps = (payload as { aps?: Record<string, unknown> }).aps ?? {};
  if (pushType === 'background' && (aps['content-available'] !== 1 || aps.alert !== undefined)) return fail(400, 'BadPayload');
  if (pushType === 'liveactivity' && (typeof aps.timestamp !== 'number' || !['start', 'update', 'end'].includes(String(aps.event)) || typeof aps['content-state'] !== 'object')) {
    return fail(400, 'BadPayload');
  }
  if (!/^[0-9a-fA-F]{64,200}$/.test(token)) return fail(400, 'BadDeviceToken');
  const override = context.overrides.get(token);
  if (override !== undefined) return { record, status: override.status, reason: override.reason, retryAfter: override.retryAfter };
  return { record, status: 200 };
}

interface DecodedJwt {
  readonly decoded: { header: Record<string, unknown>; claims: Record<string, unknown> };
  readonly signingInput: string;
  readonly signature: Buffer;
}

function decodeJwt(authorization: string | undefined): DecodedJwt | undefined {
  const match = /^bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(authorization ?? '');
  if (match === null) return undefined;
  try {
    const header = JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8')) as Record<string, unknown>;
    const claims = JSON.parse(Buffer.from(match[2], 'base64url').toString('utf8')) as Record<string, unknown>;
    return { decoded: { header, claims }, signingInput: `${match[1]}.${match[2]}`, signature: Buffer.from(match[3], 'base64url') };
  } catch {
    return undefined;
  }
}

/** Returns Apple's reason code for a bad provider token, or undefined when it is good. */
function checkJwt(jwt: DecodedJwt, context: JudgeContext): string | undefined {
  const { header, claims } = jwt.decoded;
  if (header.alg !== 'ES256' || header.kid !== context.keyId) return 'InvalidProviderToken';
  if (claims.iss !== context.teamId || typeof claims.iat !== 'number') return 'InvalidProviderToken';
  const age = Date.now() / 1000 - claims.iat;
  if (age > MAX_TOKEN_AGE_SECONDS) return 'ExpiredProviderToken';
  if (age < -60) return 'InvalidProviderToken';
  // ES256 JWS signatures are raw r||s (IEEE P1363), not DER.
  const valid = verify('sha256', Buffer.from(jwt.signingInput), { key: context.publicKey, dsaEncoding: 'ieee-p1363' }, jwt.signature);
  return valid ? undefined : 'InvalidProviderToken';
}
