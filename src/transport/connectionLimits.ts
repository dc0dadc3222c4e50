/**
 * Bounds on what connections may hold: at most `maxTotal` open sockets and `maxPerAddress`
 * from one address (more are answered 503 TOO_MANY_CONNECTIONS and closed), and HTTP timeouts
 * that close a socket whose request never completes. On Node 20 `headersTimeout` is enforced
 * only by the periodic connections check, which runs every `connectionsCheckingInterval`
 * (30 s by default) and only while `requestTimeout` is set, so all three are set here; a TLS
 * socket that never finishes its handshake is cut after HANDSHAKE_TIMEOUT_MS.
 * Source: Node.js 20 docs, "http.createServer" options and "server.headersTimeout".
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';

/** Open sockets at once, by default (`server.max_connections`). */
export const DEFAULT_MAX_CONNECTIONS = 256;
/** Open sockets from one address, by default (`server.max_connections_per_address`): a browser opens about six. */
export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 32;

/** Timeouts of every HTTP server of the daemon (ms); a half-sent request is gone within 30 s. */
export const HTTP_TIMEOUTS = {
  /** Request line and headers must arrive within this. */
  headersTimeout: 10_000,
  /** The whole request (bodies are ≤ 16 KiB) within this. */
  requestTimeout: 20_000,
  /** How often Node checks the two above. */
  connectionsCheckingInterval: 1_000,
  /** An idle keep-alive socket is closed after this. */
  keepAliveTimeout: 5_000,
} as const;
/** A TLS client must finish its handshake within this (Node's default is 120 s). */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

/** Caps for `limitConnections`. */
export interface ConnectionCaps {
  readonly maxTotal: number;
  readonly maxPerAddress: number;
  /** True for a TLS server: a refused socket is just closed (a plain-text 503 would be noise). */
  readonly tls: boolean;
  readonly onRefused?: (address: string, reason: 'total' | 'address') => void;
}

/** Live counts, for tests and stats. */
export interface ConnectionCounter {
  readonly total: number;
  byAddress(address: string): number;
}

/**
 * Counts every TCP connection of `server` and refuses those past the caps.
 * @throws never
 */
export function limitConnections(server: Server, caps: ConnectionCaps): ConnectionCounter {
  const perAddress = new Map<string, number>();
  let total = 0;
  server.on('connection', (socket: Socket) => {
    const address = unmapped(socket.remoteAddress ?? 'unknown');
    const fromAddress = perAddress.get(address) ?? 0;
    const reason = total >= caps.maxTotal ? 'total' : fromAddress >= caps.maxPerAddress ? 'address' : undefined;
    if (reason !== undefined) {
      caps.onRefused?.(address, reason);
      refuse(socket, caps.tls);
      return;
    }
    total += 1;
    perAddress.set(address, fromAddress + 1);
    socket.once('close', () => {
      total -= 1;
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left <= 0) perAddress.delete(address);
      else perAddress.set(address, left);
    });
  });
  return {
    get total() {
      return total;
    },
    byAddress: (address) => perAddress.get(address) ?? 0,
  };
}

/** Answers 503 TOO_MANY_CONNECTIONS (plain HTTP) and closes; a TLS socket is only closed. */
function refuse(socket: Socket, tls: boolean): void {
  socket.on('error', () => socket.destroy());
  if (tls) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code: 'TOO_MANY_CONNECTIONS', message: 'too many open connections; try again later' } });
  socket.end(
    `HTTP/1.1 503 ${STATUS_CODES[503]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nRetry-After: 5\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** An address with IPv4-mapped IPv6 unwrapped. */
function unmapped(address: string): string {
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
