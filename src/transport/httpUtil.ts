/**
 * Small HTTP helpers for the REST routes: bounded JSON bodies, JSON replies, the
 * `{"error": {code, message}}` error shape with a status per code, and bearer tokens.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TetherError, type ErrorCode } from '../common/index.js';

/** Request bodies are tiny JSON objects; 16 KiB leaves room and stops memory abuse. */
export const MAX_BODY_BYTES = 16 * 1024;

/** HTTP status for each code a route can answer with; anything unlisted is a 400. */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PAIRING_REJECTED: 401,
  RATE_LIMITED: 429,
  HOST_NOT_ALLOWED: 421,
  ORIGIN_NOT_ALLOWED: 403,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_CONNECTIONS: 503,
  SESSION_NOT_FOUND: 404,
  SESSION_EXITED: 409,
  SESSION_LIMIT: 409,
  STALE_PROMPT: 409,
  PROMPT_CHANGED: 409,
  INPUT_NOT_ECHOED: 409,
  QUEUE_FULL: 409,
  QUEUE_ITEM_NOT_FOUND: 404,
  QUEUE_ITEM_LOCKED: 409,
  INTERACTION_NOT_FOUND: 404,
  PUSH_FAILED: 503,
  INTERNAL: 500,
};

/**
 * Reads a JSON object body of at most `maxBytes` (default MAX_BODY_BYTES; the route table has
 * already refused bodies that are not `application/json`). An empty body reads as `{}`.
 * @throws TetherError BAD_MESSAGE when the body is too large, not JSON, or not an object
 */
export async function readJsonBody(request: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Record<string, unknown>> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw new TetherError('BAD_MESSAGE', `body exceeds ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new TetherError('BAD_MESSAGE', `body exceeds ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new TetherError('BAD_MESSAGE', 'body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TetherError('BAD_MESSAGE', 'body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** Sends `body` as JSON with `status`. @throws never */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(text);
}

/** Sends a TetherError as `{"error": {code, message}}` with its status. @throws never */
export function sendError(response: ServerResponse, error: TetherError, headers: Record<string, string> = {}): void {
  sendJson(response, errorStatus(error.code), { error: { code: error.code, message: error.message } }, headers);
}

/** The HTTP status for an error code. @throws never */
export function errorStatus(code: ErrorCode): number {
  return STATUS_BY_CODE[code] ?? 400;
}

/** The token from `Authorization: Bearer <token>`, if present. @throws never */
export function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** The remote address, with IPv4-mapped IPv6 unwrapped, as a rate-limit key. @throws never */
export function remoteAddress(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

/**
 * The request target as a URL (origin-form: `/path?query`; `//x` stays a path, never a host).
 * @throws TetherError BAD_MESSAGE when the target is not origin-form
 */
export function requestUrl(request: IncomingMessage): URL {
  const target = request.url ?? '/';
  if (!target.startsWith('/')) throw new TetherError('BAD_MESSAGE', 'the request target must be a path');
  try {
    return new URL(`http://localhost${target}`);
  } catch {
    throw new TetherError('BAD_MESSAGE', 'the request target is not a valid path');
  }
}
