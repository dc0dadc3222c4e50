/**
 * Loads `server.tls.{cert_file, key_file}` for the daemon and picks the host name phones
 * should use: the certificate's first DNS subject alternative name (e.g. the Tailscale name
 * `tailscale cert` issued it for).
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TetherError } from './common/index.js';

/** PEM material and the advertised host name. */
export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  /** First DNS name of the certificate, if it has one. */
  readonly hostname?: string;
}

/**
 * Reads the certificate and key.
 * @throws TetherError CONFIG_INVALID when a file is unreadable or the certificate is not PEM
 */
export function loadTls(files: { cert_file: string; key_file: string }): TlsMaterial {
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      throw new TetherError('CONFIG_INVALID', `server.tls.${what}: cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
  };
  const cert = read(files.cert_file, 'cert_file');
  const key = read(files.key_file, 'key_file');
  let hostname: string | undefined;
  try {
    const names = new X509Certificate(cert).subjectAltName ?? '';
    hostname = /DNS:([^,\s]+)/.exec(names)?.[1];
  } catch (err) {
    throw new TetherError('CONFIG_INVALID', `server.tls.cert_file: not a PEM certificate: ${(err as Error).message}`, { cause: err });
  }
  return { cert, key, ...(hostname && !hostname.startsWith('*') ? { hostname } : {}) };
}
