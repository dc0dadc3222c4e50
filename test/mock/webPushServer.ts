/**
 * A local stand-in for a Web Push service (RFC 8030): HTTPS on 127.0.0.1 with a certificate
 * signed by a CA made at start-up. It hands out subscriptions whose P-256 key pair and auth
 * secret it keeps, and for each push it verifies the VAPID JWT (RFC 8292 §2–3), decrypts the
 * aes128gcm body (RFC 8188 §2, RFC 8291 §3–4) with node:crypto, and records the plaintext.
 * It can be told to fail a subscription: any status with Retry-After, a hang, or a dropped socket.
 */
import { createDecipheriv, createECDH, createHmac, createPublicKey, randomBytes, randomUUID, verify } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { generate } from 'selfsigned';

/** RFC 8030 §7.2: a push service must accept at least 4096 bytes; this one accepts exactly that. */
const MAX_BODY_BYTES = 4096;
/** RFC 8292 §2: a JWT must expire within 24 hours. */
const MAX_JWT_LIFETIME_SECONDS = 24 * 60 * 60;

/** A misbehaviour for the next request(s) of one subscription. */
export type WebPushFault =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: string }
  | { readonly kind: 'hang' }
  | { readonly kind: 'destroy' };

/** One push as the mock saw it. */
export interface RecordedPush {
  readonly subscriptionId: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Decrypted body (UTF-8), when it decrypted. */
  readonly plaintext?: string;
  /** The verified VAPID JWT claims. */
  readonly claims?: Readonly<Record<string, unknown>>;
  readonly bodyBytes: number;
  readonly status: number;
  /** Why the mock refused it, when it did. */
  readonly problem?: string;
}

/** A running mock. */
export interface MockWebPush {
  readonly origin: string;
  /** PEM of the CA that signed the server certificate (the provider's `testCa`). */
  readonly caPem: string;
  readonly pushes: RecordedPush[];
  /** A new subscription's JSON string (the registration token) and its id. */
  subscribe(): { readonly id: string; readonly token: string };
  injectFault(subscriptionId: string, fault: WebPushFault, count?: number): void;
  close(): Promise<void>;
}

/** A subscription's private half: the user agent's ECDH key pair and auth secret. */
export interface SubscriptionKeys {
  readonly ecdh: ReturnType<typeof createECDH>;
  readonly auth: Buffer;
}

/** Starts the mock on 127.0.0.1 with an ephemeral port. */
export async function startMockWebPush(): Promise<MockWebPush> {
  const ca = await generate([{ name: 'commonName', value: 'Tether Test CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const leaf = await generate([{ name: 'commonName', value: 'localhost' }], {
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
  const subscriptions = new Map<string, SubscriptionKeys>();
  const faults = new Map<string, { fault: WebPushFault; remaining: number }>();
  const pushes: RecordedPush[] = [];
  const sockets = new Set<Socket>();
  let origin = '';
  const server: Server = createServer({ key: leaf.private, cert: leaf.cert }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, response, Buffer.concat(chunks)));
  });
  server.on('secureConnection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function handle(request: IncomingMessage, response: ServerResponse, body: Buffer): void {
    const id = /^\/push\/([\w-]+)$/.exec(request.url ?? '')?.[1] ?? '';
    const base = { subscriptionId: id, headers: { ...request.headers }, bodyBytes: body.length };
    const refuse = (status: number, problem: string, retryAfter?: string): void => {
      pushes.push({ ...base, status, problem });
      response.writeHead(status, retryAfter === undefined ? {} : { 'retry-after': retryAfter });
      response.end(problem);
    };
    const keys = subscriptions.get(id);
    if (request.method !== 'POST' || keys === undefined) return refuse(404, 'no such subscription');
    const pending = faults.get(id);
    if (pending !== undefined) {
      if (--pending.remaining <= 0) faults.delete(id);
      if (pending.fault.kind === 'status') return refuse(pending.fault.status, 'injected', pending.fault.retryAfter);
      pushes.push({ ...base, status: 0, problem: pending.fault.kind });
      if (pending.fault.kind === 'destroy') request.socket.destroy();
      return;
    }
    if (request.headers.ttl === undefined || !/^\d+$/.test(String(request.headers.ttl))) return refuse(400, 'TTL header missing');
    const vapid = verifyVapid(String(request.headers.authorization ?? ''), origin);
    if (typeof vapid === 'string') return refuse(401, vapid);
    if (body.length > MAX_BODY_BYTES) return refuse(413, 'payload too large');
    if (request.headers['content-encoding'] !== 'aes128gcm') return refuse(415, 'content-encoding must be aes128gcm');
    let plaintext: string;
    try {
      plaintext = decryptAes128gcm(body, keys).toString('utf8');
    } catch (err) {
      return refuse(400, `decryption failed: ${(err as Error).message}`);
    }
    pushes.push({ ...base, status: 201, plaintext, claims: vapid });
    response.writeHead(201, { location: `${origin}/message/${randomUUID()}` });
    response.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    caPem: ca.cert,
    pushes,
    subscribe() {
      const id = randomUUID();
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      subscriptions.set(id, { ecdh, auth });
      const token = JSON.stringify({ endpoint: `${origin}/push/${id}`, expirationTime: null, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } });
      return { id, token };
    },
    injectFault(subscriptionId, fault, count = 1) {
      faults.set(subscriptionId, { fault, remaining: count });
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Verifies `Authorization: vapid t=<JWT>, k=<public key>` (RFC 8292 §3): ES256 signature by
 * `k`, `aud` = the push resource's origin, `exp` in the future and at most 24 h away, `sub`
 * a mailto: or https: URL. Returns the claims, or the problem.
 */
function verifyVapid(authorization: string, origin: string): Record<string, unknown> | string {
  const match = /^vapid t=([\w-]+)\.([\w-]+)\.([\w-]+), k=([\w-]+)$/.exec(authorization);
  if (match === null) return 'Authorization is not a vapid scheme';
  const point = Buffer.from(match[4], 'base64url');
  if (point.length !== 65 || point[0] !== 4) return 'k is not an uncompressed P-256 point';
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }, format: 'jwk' });
  const header = JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8')) as Record<string, unknown>;
  const claims = JSON.parse(Buffer.from(match[2], 'base64url').toString('utf8')) as Record<string, unknown>;
  if (header.alg !== 'ES256') return 'alg must be ES256';
  const signed = verify('sha256', Buffer.from(`${match[1]}.${match[2]}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(match[3], 'base64url'));
  if (!signed) return 'bad JWT signature';
  if (claims.aud !== origin) return `aud ${String(claims.aud)} is not ${origin}`;
  const now = Date.now() / 1000;
  if (typeof claims.exp !== 'number' || claims.exp <= now || claims.exp > now + MAX_JWT_LIFETIME_SECONDS) return 'exp out of range';
  if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub)) return 'sub must be mailto: or https:';
  return claims;
}

/** HKDF-Expand for one block (RFC 5869 §2.3 with L ≤ 32): HMAC-SHA-256(prk, info || 0x01). */
function expand(prk: Buffer, info: Buffer, length: number): Buffer {
  return createHmac('sha256', prk).update(Buffer.concat([info, Buffer.from([1])])).digest().subarray(0, length);
}

/**
 * Decrypts one aes128gcm body for the subscription (RFC 8291 §3.3–3.4, RFC 8188 §2).
 * @throws Error when the header, the tag or the padding is wrong
 */
export function decryptAes128gcm(body: Buffer, keys: SubscriptionKeys): Buffer {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20];
  const senderPublic = body.subarray(21, 21 + idLength);
  const records = body.subarray(21 + idLength);
  if (idLength !== 65) throw new Error('keyid is not the sender public key');
  if (records.length > recordSize) throw new Error('more than one record');
  const ecdhSecret = keys.ecdh.computeSecret(senderPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), keys.ecdh.getPublicKey(), senderPublic]);
  const ikm = expand(createHmac('sha256', keys.auth).update(ecdhSecret).digest(), keyInfo, 32);
  const prk = createHmac('sha256', salt).update(ikm).digest();
  const contentKey = expand(prk, Buffer.from('Content-Encoding: aes128gcm\0'), 16);
  const nonce = expand(prk, Buffer.from('Content-Encoding: nonce\0'), 12);
  const decipher = createDecipheriv('aes-128-gcm', contentKey, nonce);
  decipher.setAuthTag(records.subarray(records.length - 16));
  const padded = Buffer.concat([decipher.update(records.subarray(0, records.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (end < 0 || padded[end] !== 2) throw new Error('last record lacks the 0x02 delimiter');
  return padded.subarray(0, end);
}
