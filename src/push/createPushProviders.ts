/**
 * Builds the configured push providers from the `push` config section: APNs when `push.apns`,
 * FCM when `push.fcm`, Expo when `push.expo`, Web Push whenever a data directory is given (its
 * VAPID keys live there). Key files are read up front so a bad path fails at start-up, not at
 * the first prompt.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { TetherError, type IClock } from '../common/index.js';
import type { ApnsConfig, PushConfig } from '../store/config.js';
import { ApnsProvider } from './apnsProvider.js';
import { ExpoProvider } from './expoProvider.js';
import { FcmProvider, type ServiceAccountKey } from './fcmProvider.js';
import type { IPushProvider, PushLog } from './types.js';
import { loadOrCreateVapidKeys } from './vapidKeys.js';
import { WebPushProvider } from './webPushProvider.js';

/** Optional collaborators of the providers. */
export interface CreatePushProvidersOptions {
  /** The daemon's data directory: Web Push keeps `vapid.json` here. Without it, Web Push is off. */
  readonly dataDir?: string;
  readonly log?: PushLog;
  /** Schedules request timeouts and Expo receipt checks (default: the system clock). */
  readonly clock?: IClock;
  /** Replaces FCM's service-account token source (tests). */
  readonly fcmAccessTokenProvider?: () => Promise<string>;
}

/**
 * Creates one provider per configured service; [] when push is disabled.
 * @throws TetherError CONFIG_INVALID when `push.apns.key_file` (or `ca_file`) is unreadable or
 *   the key is not a PKCS#8 EC private key (the .p8 from Apple Developer → Keys); when
 *   `push.fcm.service_account_file` is unreadable, not a service-account key, or names no
 *   project; when `push.webpush.subject` is not a mailto: or https: URL; or when
 *   `<dataDir>/vapid.json` exists but holds no valid key pair
 */
export function createPushProviders(config: PushConfig, options: CreatePushProvidersOptions = {}): IPushProvider[] {
  if (!config.enabled) return [];
  const providers: IPushProvider[] = [];
  const common = { ...(options.log === undefined ? {} : { log: options.log }), ...(options.clock === undefined ? {} : { clock: options.clock }) };
  try {
    if (config.apns !== undefined) providers.push(createApnsProvider(config.apns, options.log));
    if (config.fcm !== undefined) {
      const fcm = config.fcm;
      const account = readServiceAccount(fcm.service_account_file);
      const projectId = fcm.project_id ?? account.project_id;
      if (projectId === undefined) throw new TetherError('CONFIG_INVALID', 'push.fcm.project_id: not set and not in the service-account file');
      providers.push(
        new FcmProvider({
          projectId,
          serviceAccount: account,
          androidChannelId: fcm.android_channel_id,
          ...(fcm.endpoint === undefined ? {} : { endpoint: fcm.endpoint }),
          ...(options.fcmAccessTokenProvider === undefined ? {} : { accessTokenProvider: options.fcmAccessTokenProvider }),
          ...common,
        }),
      );
    }
    if (config.expo !== undefined) {
      const expo = config.expo;
      providers.push(
        new ExpoProvider({
          ...(expo.access_token === undefined ? {} : { accessToken: expo.access_token }),
          ...(expo.base_url === undefined ? {} : { baseUrl: expo.base_url }),
          ...(config.fcm === undefined ? {} : { androidChannelId: config.fcm.android_channel_id }),
          ...common,
        }),
      );
    }
    if (options.dataDir !== undefined) {
      const subject = config.webpush.subject;
      if (!/^(mailto:.+|https:\/\/.+)/.test(subject)) {
        throw new TetherError('CONFIG_INVALID', `push.webpush.subject: ${subject} is not a mailto: or https: URL (RFC 8292 §2.1)`);
      }
      providers.push(new WebPushProvider({ vapidKeys: loadOrCreateVapidKeys(options.dataDir), subject, ...common }));
    }
  } catch (err) {
    for (const provider of providers) void provider.close();
    throw err;
  }
  return providers;
}

/** The VAPID public key browsers subscribe with, when Web Push is on (for the pairing/QR flow). */
export function vapidPublicKeyOf(providers: readonly IPushProvider[]): string | undefined {
  return providers.find((provider): provider is WebPushProvider => provider instanceof WebPushProvider)?.publicKey;
}

/**
 * Reads a Google service-account JSON key.
 * @throws TetherError CONFIG_INVALID when unreadable, not JSON, or without client_email and an RSA private_key
 */
function readServiceAccount(path: string): ServiceAccountKey {
  const text = readConfigFile(path, 'push.fcm.service_account_file');
  try {
    const parsed = JSON.parse(text) as Partial<ServiceAccountKey>;
    if (typeof parsed.client_email !== 'string' || typeof parsed.private_key !== 'string') throw new Error('client_email and private_key are required');
    const key = createPrivateKey(parsed.private_key);
    if (key.asymmetricKeyType !== 'rsa') throw new Error(`private_key is a ${key.asymmetricKeyType} key, not RSA`);
    return { client_email: parsed.client_email, private_key: parsed.private_key, ...(typeof parsed.project_id === 'string' ? { project_id: parsed.project_id } : {}) };
  } catch (err) {
    throw new TetherError('CONFIG_INVALID', `push.fcm.service_account_file: ${expandHome(path)} is not a service-account key: ${(err as Error).message}`, { cause: err });
  }
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
