/**
 * Builds the configured push providers from the `push` config section (APNs when `push.apns`
 * is set), reading key and CA files up front so a bad path fails at start-up, not at the first
 * prompt. FCM, Expo and Web Push slot in here once they exist.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { TetherError } from '../common/index.js';
import type { ApnsConfig, PushConfig } from '../store/config.js';
import { ApnsProvider } from './apnsProvider.js';
import type { IPushProvider, PushLog } from './types.js';

/** Optional collaborators of the providers. */
export interface CreatePushProvidersOptions {
  readonly log?: PushLog;
}

/**
 * Creates one provider per configured service; [] when none is configured or push is disabled.
 * @throws TetherError CONFIG_INVALID when `push.apns.key_file` (or `ca_file`) is unreadable or
 *   the key is not a PKCS#8 EC private key (the .p8 from Apple Developer → Keys)
 */
export function createPushProviders(config: PushConfig, options: CreatePushProvidersOptions = {}): IPushProvider[] {
  if (!config.enabled) return [];
  const providers: IPushProvider[] = [];
  if (config.apns !== undefined) providers.push(createApnsProvider(config.apns, options.log));
  return providers;
}

function createApnsProvider(apns: ApnsConfig, log: PushLog | undefined): ApnsProvider {
  const key = readConfigFile(apns.key_file, 'push.apns.key_file');
  try {
    const parsed = createPrivateKey(key);
    if (parsed.asymmetricKeyType !== 'ec') throw new Error(`it is a ${parsed.asymmetricKeyType} key`);
  } catch (err) {
    throw new TetherError(
      'CONFIG_INVALID',
      `push.apns.key_file: ${apns.key_file} is not an APNs auth key (.p8, EC P-256): ${(err as Error).message}`,
      { cause: err },
    );
  }
  const ca = apns.ca_file === undefined ? undefined : readConfigFile(apns.ca_file, 'push.apns.ca_file');
  return new ApnsProvider({
    key,
    keyId: apns.key_id,
    teamId: apns.team_id,
    bundleId: apns.bundle_id,
    environment: apns.environment,
    ...(apns.address === undefined ? {} : { address: apns.address }),
    ...(apns.port === undefined ? {} : { port: apns.port }),
    ...(ca === undefined ? {} : { ca }),
    ...(log === undefined ? {} : { log }),
  });
}

/** Expands a leading `~/` (as in the documented `~/.tether/AuthKey.p8`). */
function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path;
}

/** @throws TetherError CONFIG_INVALID naming the config key and the path */
function readConfigFile(path: string, configKey: string): string {
  const resolved = expandHome(path);
  try {
    return readFileSync(resolved, 'utf8');
  } catch (err) {
    throw new TetherError('CONFIG_INVALID', `${configKey}: cannot read ${resolved}: ${(err as Error).message}`, { cause: err });
  }
}
