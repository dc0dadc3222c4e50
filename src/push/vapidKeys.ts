/**
 * The daemon's VAPID key pair (RFC 8292): made on first start, kept in `<dataDir>/vapid.json`
 * (owner-only, written atomically) and reused, because every browser subscription is bound to
 * the public key it subscribed with (`applicationServerKey`). Losing the file orphans them all.
 */
import { createECDH } from 'node:crypto';
import { join } from 'node:path';
import webpush from 'web-push';
import { TetherError } from '../common/index.js';
import { readFileIfExists, writeFileAtomicSync } from '../store/atomicFile.js';

/** File name in the data directory. */
export const VAPID_FILE = 'vapid.json';

/** A VAPID key pair, both halves base64url (no padding) as web-push and browsers use them. */
export interface VapidKeys {
  /** The uncompressed P-256 point (65 bytes): the `applicationServerKey` clients subscribe with. */
  readonly publicKey: string;
  /** The 32-byte P-256 private scalar. */
  readonly privateKey: string;
}

/**
 * Reads the VAPID keys from `dataDir`, or makes and saves a new pair (mode 0600) when the file
 * does not exist yet.
 * @throws TetherError CONFIG_INVALID when the file exists but cannot be read or holds no valid
 *   P-256 key pair (it is never silently replaced: that would break every subscription)
 * @throws TetherError STORE_WRITE_FAILED when a new file cannot be written (ENOSPC, EACCES)
 */
export function loadOrCreateVapidKeys(dataDir: string): VapidKeys {
  const path = join(dataDir, VAPID_FILE);
  let text: string | undefined;
  try {
    text = readFileIfExists(path);
  } catch (err) {
    throw new TetherError('CONFIG_INVALID', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (text === undefined) {
    const created = webpush.generateVAPIDKeys();
    const keys: VapidKeys = { publicKey: created.publicKey, privateKey: created.privateKey };
    writeFileAtomicSync(path, `${JSON.stringify(keys, null, 2)}\n`);
    return keys;
  }
  try {
    const parsed = JSON.parse(text) as Partial<VapidKeys>;
    if (typeof parsed.publicKey !== 'string' || typeof parsed.privateKey !== 'string') throw new Error('publicKey and privateKey must be strings');
    checkKeyPair(parsed.publicKey, parsed.privateKey);
    return { publicKey: parsed.publicKey, privateKey: parsed.privateKey };
  } catch (err) {
    throw new TetherError('CONFIG_INVALID', `${path} holds no valid VAPID key pair: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Checks that both halves are P-256 and belong together (the private scalar's public point is
 * the public key). @throws Error describing the mismatch
 */
function checkKeyPair(publicKey: string, privateKey: string): void {
  const point = Buffer.from(publicKey, 'base64url');
  const scalar = Buffer.from(privateKey, 'base64url');
  if (point.length !== 65 || point[0] !== 4) throw new Error('publicKey is not an uncompressed P-256 point');
  if (scalar.length !== 32) throw new Error('privateKey is not a 32-byte P-256 scalar');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(scalar);
  if (!ecdh.getPublicKey().equals(point)) throw new Error('publicKey does not match privateKey');
}
