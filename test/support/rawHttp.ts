/**
 * Low-level HTTP and WebSocket helpers for the door tests: requests with headers fetch will
 * not send (Host), raw TCP sockets that send half a request or nothing, and masked WebSocket
 * frames written straight onto a client's socket (to send after the server cut it).
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** A response as the tests read it. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** Sends one HTTP request with exactly these headers (no Host unless given). */
export function httpRequest(port: number, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path ?? '/', headers: options.headers ?? {}, setHost: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Opens a TCP socket to the port; resolves once connected. */
export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with what the server sent and the ms until it closed the socket (or rejects after `timeoutMs`). */
export function closedWithin(socket: Socket, timeoutMs: number): Promise<{ ms: number; received: string }> {
  const started = Date.now();
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ ms: Date.now() - started, received });
    });
  });
}

/** A masked client text frame (RFC 6455 §5.2), for payloads under 64 KiB. */
export function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const mask = randomBytes(4);
  const header = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const masked = Buffer.alloc(payload.length);
  for (let index = 0; index < payload.length; index++) masked[index] = payload[index] ^ mask[index % 4];
  return Buffer.concat([header, mask, masked]);
}

/** Writes a frame onto a ws client's TCP socket, bypassing its state (it may already be closing). */
export function writeRawFrame(client: WebSocket, text: string): void {
  const socket = (client as unknown as { _socket?: Socket })._socket;
  if (socket !== undefined && !socket.destroyed) socket.write(maskedTextFrame(text));
}
