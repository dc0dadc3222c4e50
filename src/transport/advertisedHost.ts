/**
 * The host name to put in URLs we hand out (the pairing link): the configured host, except
 * that a wildcard bind address is replaced by the machine's first non-internal IPv4 address.
 */
import { networkInterfaces } from 'node:os';

/** Wildcard bind addresses that no client can connect to as written. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/** Returns the host clients should use for a server bound to `host`. @throws never */
export function advertisedHost(host: string, interfaces = networkInterfaces()): string {
  if (!WILDCARD_HOSTS.has(host)) return host;
  for (const entries of Object.values(interfaces)) {
    for (const entry of entries ?? []) {
      if (entry.family === 'IPv4' && !entry.internal) return entry.address;
    }
  }
  return '127.0.0.1';
}

/** Builds `http(s)://host:port`, bracketing IPv6 literals. @throws never */
export function httpOrigin(host: string, port: number, scheme: 'http' | 'https' = 'http'): string {
  const literal = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${scheme}://${literal}:${port}`;
}
