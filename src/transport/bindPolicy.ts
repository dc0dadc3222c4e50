/**
 * Where the daemon may listen. On loopback only the machine itself can connect. Beyond it,
 * device tokens, the admin secret and pairing codes would cross the network in clear, so a
 * non-loopback bind without TLS is refused unless the user opts out by name
 * (`--insecure-no-tls`, `server.insecure_no_tls: true`), and then every start warns.
 */
import { TetherError } from '../common/index.js';
import { isLoopback } from './requestGuards.js';

/** The warning every start logs when the opt-out is used. */
export const INSECURE_BIND_WARNING =
  'listening beyond loopback WITHOUT TLS (insecure_no_tls): device tokens and pairing codes cross the network in clear; configure server.tls';

/**
 * Checks a bind address against TLS and the opt-out; logs the warning when the opt-out is used.
 * @throws TetherError CONFIG_INVALID for a non-loopback bind without TLS or the opt-out
 */
export function checkBindPolicy(
  host: string,
  hasTls: boolean,
  insecureNoTls: boolean,
  log: (level: 'warn', message: string, fields?: Record<string, unknown>) => void,
): void {
  if (isLoopback(host) || hasTls) return;
  if (!insecureNoTls) {
    throw new TetherError(
      'CONFIG_INVALID',
      `refusing to listen on ${host} without TLS: tokens would cross the network in clear. Configure server.tls (e.g. from "tailscale cert"), or pass --insecure-no-tls (server.insecure_no_tls: true) to accept that`,
    );
  }
  log('warn', INSECURE_BIND_WARNING, { host });
}
