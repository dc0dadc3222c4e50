/**
 * A local stand-in for the FCM HTTP v1 API: plain HTTP on 127.0.0.1 serving
 * `POST /v1/projects/{project}/messages:send`. It checks the bearer token, the project and the
 * message shape (token, string-only data, android priority, 4096-byte payload), records every
 * request, and can be told to fail a token: any status with FCM's error body and Retry-After,
 * a hang past the client's timeout, or a dropped connection.
 * Source: Firebase, "REST Resource: projects.messages" and "ErrorCode".
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** FCM's payload limit (bytes of data + notification JSON). */
const MAX_PAYLOAD_BYTES = 4096;
/** google.rpc status and FCM errorCode for each HTTP status, when a test gives none. */
const DEFAULT_ERRORS: Readonly<Record<number, { status: string; errorCode: string }>> = {
  400: { status: 'INVALID_ARGUMENT', errorCode: 'INVALID_ARGUMENT' },
  401: { status: 'UNAUTHENTICATED', errorCode: 'THIRD_PARTY_AUTH_ERROR' },
  403: { status: 'PERMISSION_DENIED', errorCode: 'SENDER_ID_MISMATCH' },
  404: { status: 'NOT_FOUND', errorCode: 'UNREGISTERED' },
  429: { status: 'RESOURCE_EXHAUSTED', errorCode: 'QUOTA_EXCEEDED' },
  500: { status: 'INTERNAL', errorCode: 'INTERNAL' },
  503: { status: 'UNAVAILABLE', errorCode: 'UNAVAILABLE' },
};

/** A misbehaviour for the next request(s) of one token. */
export type FcmFault =
  | { readonly kind: 'status'; readonly status: number; readonly errorCode?: string; readonly retryAfter?: string }
  /** Never answer. */
  | { readonly kind: 'hang' }
  /** Destroy the socket with the request unanswered. */
  | { readonly kind: 'destroy' };

/** One request as the mock saw it. */
export interface RecordedFcmRequest {
  readonly path: string;
  readonly authorization?: string;
  /** The parsed body (`{message}`), undefined when not JSON. */
  readonly body: { readonly message?: Record<string, unknown> } | undefined;
  readonly status: number;
  readonly errorCode?: string;
}

/** A running mock. */
export interface MockFcm {
  /** `http://127.0.0.1:<port>`, the provider's `endpoint`. */
  readonly endpoint: string;
  readonly projectId: string;
  /** The bearer token the mock accepts. */
  readonly accessToken: string;
  readonly requests: RecordedFcmRequest[];
  /** Applies `fault` to the next `count` requests for `token`. */
  injectFault(token: string, fault: FcmFault, count?: number): void;
  close(): Promise<void>;
}

/** Starts the mock on 127.0.0.1 with an ephemeral port. */
export async function startMockFcm(options: { projectId?: string; accessToken?: string } = {}): Promise<MockFcm> {
  const projectId = options.projectId ?? 'tether-test';
  const accessToken = options.accessToken ?? 'ya29.test-access-token';
  const requests: RecordedFcmRequest[] = [];
  const faults = new Map<string, { fault: FcmFault; remaining: number }>();
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, response, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function handle(request: IncomingMessage, response: ServerResponse, text: string): void {
    let body: RecordedFcmRequest['body'];
    try {
      body = JSON.parse(text) as RecordedFcmRequest['body'];
    } catch {
      body = undefined;
    }
    const base = { path: request.url ?? '', authorization: request.headers.authorization, body };
    const answer = (status: number, errorCode?: string, retryAfter?: string): void => {
      requests.push({ ...base, status, ...(errorCode === undefined ? {} : { errorCode }) });
      if (status === 200) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ name: `projects/${projectId}/messages/${requests.length}` }));
        return;
      }
      const rpc = DEFAULT_ERRORS[status] ?? { status: 'UNKNOWN', errorCode: 'UNSPECIFIED_ERROR' };
      response.writeHead(status, { 'content-type': 'application/json', ...(retryAfter === undefined ? {} : { 'retry-after': retryAfter }) });
      response.end(
        JSON.stringify({
          error: {
            code: status,
            message: `mock ${rpc.status}`,
            status: rpc.status,
            details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: errorCode ?? rpc.errorCode }],
          },
        }),
      );
    };
    if (request.method !== 'POST' || request.url !== `/v1/projects/${projectId}/messages:send`) return answer(404, 'UNSPECIFIED_ERROR');
    if (request.headers.authorization !== `Bearer ${accessToken}`) return answer(401, 'THIRD_PARTY_AUTH_ERROR');
    const problem = checkMessage(body?.message);
    if (problem !== undefined) return answer(400, problem);
    const token = String(body?.message?.token);
    const pending = faults.get(token);
    if (pending !== undefined) {
      if (--pending.remaining <= 0) faults.delete(token);
      const { fault } = pending;
      if (fault.kind === 'status') return answer(fault.status, fault.errorCode, fault.retryAfter);
      requests.push({ ...base, status: 0, errorCode: fault.kind });
      if (fault.kind === 'destroy') request.socket.destroy();
      return;
    }
    answer(200);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    projectId,
    accessToken,
    requests,
    injectFault(token, fault, count = 1) {
      faults.set(token, { fault, remaining: count });
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Returns an FCM errorCode for a malformed message, or undefined when it is well formed. */
function checkMessage(message: Record<string, unknown> | undefined): string | undefined {
  if (message === undefined || typeof message.token !== 'string' || message.token === '') return 'INVALID_ARGUMENT';
  const data = message.data as Record<string, unknown> | undefined;
  if (data !== undefined && Object.values(data).some((value) => typeof value !== 'string')) return 'INVALID_ARGUMENT';
  const android = message.android as { priority?: unknown; ttl?: unknown; notification?: Record<string, unknown> } | undefined;
  if (android?.priority !== undefined && !['high', 'normal', 'HIGH', 'NORMAL'].includes(String(android.priority))) return 'INVALID_ARGUMENT';
  if (android?.ttl !== undefined && !/^\d+(\.\d+)?s$/.test(String(android.ttl))) return 'INVALID_ARGUMENT';
  const notification = message.notification as Record<string, unknown> | undefined;
  if (notification !== undefined && (typeof notification.title !== 'string' || typeof notification.body !== 'string')) return 'INVALID_ARGUMENT';
  if (Buffer.byteLength(JSON.stringify({ data, notification })) > MAX_PAYLOAD_BYTES) return 'INVALID_ARGUMENT';
  return undefined;
}
