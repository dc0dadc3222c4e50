/**
 * A local stand-in for Expo's push service: plain HTTP on 127.0.0.1 serving
 * `POST /--/api/v2/push/send` (messages → tickets) and `POST /--/api/v2/push/getReceipts`
 * (receipt ids → receipts), gzip bodies included. It checks tokens, payload size and the access
 * token, records every request, and can be told to answer a token's ticket or receipt with an
 * error, hold receipts back, or fail whole requests (status with Retry-After, hang, drop).
 * Source: Expo docs, "Sending notifications with Expo's push API".
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** Expo's message limit. */
const MAX_MESSAGE_BYTES = 4096;
const TOKEN = /^Expo(?:nent)?PushToken\[[^\]]+\]$/;

/** A misbehaviour for the next request(s) to either endpoint. */
export type ExpoFault =
  | { readonly kind: 'status'; readonly status: number; readonly code?: string; readonly retryAfter?: string }
  | { readonly kind: 'hang' }
  | { readonly kind: 'destroy' };

/** One request as the mock saw it. */
export interface RecordedExpoRequest {
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed JSON body: messages for send, `{ids}` for getReceipts. */
  readonly body: unknown;
  readonly status: number;
}

/** A running mock. */
export interface MockExpo {
  /** `http://127.0.0.1:<port>`, the provider's `baseUrl`. */
  readonly baseUrl: string;
  readonly requests: RecordedExpoRequest[];
  /** Answers `token`'s tickets with an error (e.g. DeviceNotRegistered). */
  ticketError(token: string, error: string): void;
  /** Answers receipts of `token`'s pushes with an error. */
  receiptError(token: string, error: string): void;
  /** While true, getReceipts leaves every id out (not ready yet). */
  holdReceipts(hold: boolean): void;
  /** Applies `fault` to the next `count` requests. */
  injectFault(fault: ExpoFault, count?: number): void;
  close(): Promise<void>;
}

/** Starts the mock on 127.0.0.1; with `accessToken`, requests must carry it as a bearer token. */
export async function startMockExpo(options: { accessToken?: string } = {}): Promise<MockExpo> {
  const requests: RecordedExpoRequest[] = [];
  const ticketErrors = new Map<string, string>();
  const receiptErrors = new Map<string, string>();
  const receiptTokens = new Map<string, string>();
  const faults: Array<{ fault: ExpoFault; remaining: number }> = [];
  const sockets = new Set<Socket>();
  let holding = false;
  let nextId = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, response, Buffer.concat(chunks)));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function handle(request: IncomingMessage, response: ServerResponse, raw: Buffer): void {
    let body: unknown;
    try {
      body = JSON.parse((request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'));
    } catch {
      body = undefined;
    }
    const base = { path: request.url ?? '', headers: { ...request.headers }, body };
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      requests.push({ ...base, status });
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(payload));
    };
    const fault = faults[0];
    if (fault !== undefined) {
      if (--fault.remaining <= 0) faults.shift();
      if (fault.fault.kind === 'status') {
        const { status, code, retryAfter } = fault.fault;
        return reply(status, { errors: [{ code: code ?? (status === 429 ? 'TOO_MANY_REQUESTS' : 'INTERNAL_SERVER_ERROR'), message: 'injected' }] }, retryAfter === undefined ? {} : { 'retry-after': retryAfter });
      }
      requests.push({ ...base, status: 0 });
      if (fault.fault.kind === 'destroy') request.socket.destroy();
      return;
    }
    if (options.accessToken !== undefined && request.headers.authorization !== `Bearer ${options.accessToken}`) {
      return reply(401, { errors: [{ code: 'UNAUTHORIZED', message: 'bad access token' }] });
    }
    if (request.method === 'POST' && request.url === '/--/api/v2/push/send') {
      const messages = (Array.isArray(body) ? body : [body]) as Array<Record<string, unknown>>;
      if (messages.length > 100) return reply(400, { errors: [{ code: 'PUSH_TOO_MANY_NOTIFICATIONS', message: 'more than 100' }] });
      return reply(200, { data: messages.map(ticketFor) });
    }
    if (request.method === 'POST' && request.url === '/--/api/v2/push/getReceipts') {
      const ids = ((body as { ids?: unknown[] } | undefined)?.ids ?? []).map(String);
      const data: Record<string, unknown> = {};
      for (const id of ids) {
        const token = receiptTokens.get(id);
        if (token === undefined || holding) continue;
        const error = receiptErrors.get(token);
        data[id] = error === undefined ? { status: 'ok' } : { status: 'error', message: `mock ${error}`, details: { error, expoPushToken: token } };
      }
      return reply(200, { data });
    }
    reply(404, { errors: [{ code: 'NOT_FOUND', message: 'no such endpoint' }] });
  }

  function ticketFor(message: Record<string, unknown>): unknown {
    const token = String(message.to);
    if (!TOKEN.test(token)) return { status: 'error', message: `${token} is not a valid Expo push token`, details: { error: 'DeviceNotRegistered', expoPushToken: token } };
    if (Buffer.byteLength(JSON.stringify(message)) > MAX_MESSAGE_BYTES) return { status: 'error', message: 'too big', details: { error: 'MessageTooBig' } };
    const error = ticketErrors.get(token);
    if (error !== undefined) return { status: 'error', message: `mock ${error}`, details: { error, expoPushToken: token } };
    nextId += 1;
    const id = `receipt-${nextId}`;
    receiptTokens.set(id, token);
    return { status: 'ok', id };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    ticketError: (token, error) => void ticketErrors.set(token, error),
    receiptError: (token, error) => void receiptErrors.set(token, error),
    holdReceipts: (hold) => void (holding = hold),
    injectFault: (fault, count = 1) => void faults.push({ fault, remaining: count }),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
