import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TetherError } from '../common/index.js';
import { configSchema } from '../store/config.js';
import { createPushProviders, vapidPublicKeyOf } from './createPushProviders.js';
import { validatePushToken } from './pushToken.js';

const directory = mkdtempSync(join(tmpdir(), 'tether-push-'));
const ecKey = join(directory, 'AuthKey.p8');
writeFileSync(ecKey, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
const rsaKey = join(directory, 'rsa.pem');
writeFileSync(rsaKey, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));

const rsaPem = readFileSync(rsaKey, 'utf8');
const serviceAccount = join(directory, 'service-account.json');
writeFileSync(serviceAccount, JSON.stringify({ type: 'service_account', project_id: 'tether-prod', client_email: 'push@tether-prod.iam.gserviceaccount.com', private_key: rsaPem }));
const serviceAccountNoProject = join(directory, 'service-account-no-project.json');
writeFileSync(serviceAccountNoProject, JSON.stringify({ client_email: 'push@x.iam.gserviceaccount.com', private_key: rsaPem }));

afterAll(() => rmSync(directory, { recursive: true, force: true }));

function pushConfig(apns?: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return configSchema.parse({ push: { ...extra, ...(apns === undefined ? {} : { apns: { key_id: 'KEY', team_id: 'TEAM', bundle_id: 'dev.tether.app', ...apns } }) } }).push;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof TetherError ? `${err.code}: ${err.message}` : `other: ${String(err)}`;
  }
  return undefined;
}

describe('createPushProviders', () => {
  it('returns no providers without an apns section or when disabled', () => {
    expect(createPushProviders(pushConfig())).toEqual([]);
    expect(createPushProviders(pushConfig({ key_file: ecKey }, { enabled: false }))).toEqual([]);
  });

  it('creates an APNs provider from a readable .p8', async () => {
    const providers = createPushProviders(pushConfig({ key_file: ecKey }));
    expect(providers.map((provider) => provider.tokenType)).toEqual(['apns']);
    await Promise.all(providers.map((provider) => provider.close()));
  });

  it('throws CONFIG_INVALID for an unreadable key, a non-EC key, or an unreadable CA', () => {
    expect(codeOf(() => createPushProviders(pushConfig({ key_file: join(directory, 'missing.p8') })))).toMatch(/^CONFIG_INVALID: push\.apns\.key_file: cannot read/);
    expect(codeOf(() => createPushProviders(pushConfig({ key_file: rsaKey })))).toMatch(/^CONFIG_INVALID: push\.apns\.key_file: .* is not an APNs auth key/);
    expect(codeOf(() => createPushProviders(pushConfig({ key_file: ecKey, ca_file: join(directory, 'nope.pem') })))).toMatch(/^CONFIG_INVALID: push\.apns\.ca_file/);
  });
});

describe('createPushProviders with FCM, Expo and Web Push', () => {
  const closeAll = (providers: Array<{ close(): Promise<void> }>) => Promise.all(providers.map((provider) => provider.close()));

  it('creates every configured provider, and Web Push whenever a data dir is given', async () => {
    const dataDir = join(directory, 'data-all');
    const config = configSchema.parse({
      push: {
        apns: { key_file: ecKey, key_id: 'KEY', team_id: 'TEAM', bundle_id: 'dev.tether.app' },
        fcm: { service_account_file: serviceAccount },
        expo: {},
      },
    }).push;
    const providers = createPushProviders(config, { dataDir });
    expect(providers.map((provider) => provider.tokenType)).toEqual(['apns', 'fcm', 'expo', 'webpush']);
    expect(vapidPublicKeyOf(providers)).toBe(JSON.parse(readFileSync(join(dataDir, 'vapid.json'), 'utf8')).publicKey);
    await closeAll(providers);
    expect(vapidPublicKeyOf(createPushProviders(pushConfig()))).toBeUndefined();
  });

  it('throws CONFIG_INVALID for a bad service account, a missing project, a bad VAPID subject or a corrupt vapid.json', () => {
    const fcm = (file: string) => configSchema.parse({ push: { fcm: { service_account_file: file } } }).push;
    expect(codeOf(() => createPushProviders(fcm(join(directory, 'missing.json'))))).toMatch(/^CONFIG_INVALID: push\.fcm\.service_account_file: cannot read/);
    expect(codeOf(() => createPushProviders(fcm(ecKey)))).toMatch(/^CONFIG_INVALID: push\.fcm\.service_account_file: .* is not a service-account key/);
    expect(codeOf(() => createPushProviders(fcm(serviceAccountNoProject)))).toMatch(/^CONFIG_INVALID: push\.fcm\.project_id/);
    const subject = configSchema.parse({ push: { webpush: { subject: 'tether@example.com' } } }).push;
    expect(codeOf(() => createPushProviders(subject, { dataDir: join(directory, 'data-subject') }))).toMatch(/^CONFIG_INVALID: push\.webpush\.subject/);
    const corrupt = join(directory, 'data-corrupt');
    void closeAll(createPushProviders(pushConfig(), { dataDir: corrupt }));
    writeFileSync(join(corrupt, 'vapid.json'), 'not json');
    expect(codeOf(() => createPushProviders(pushConfig(), { dataDir: corrupt }))).toMatch(/^CONFIG_INVALID: .*vapid\.json holds no valid VAPID key pair/);
  });
});

describe('validatePushToken', () => {
  it.each([
    ['apns', 'ab'.repeat(32)],
    ['fcm', 'dXNlcjoxMjM0NTY3ODkw:APA91bH-abcdefghijklmnopqrstuvwxyz0123456789'],
    ['expo', 'ExponentPushToken[xxxxxxxxxxxxxxxxxxxxxx]'],
    ['webpush', JSON.stringify({ endpoint: 'https://push.example.com/abc', keys: { p256dh: 'BN…', auth: 'xyz' } })],
  ] as const)('accepts a %s token', (type, token) => {
    expect(() => validatePushToken(type, token)).not.toThrow();
  });

  it.each([
    ['apns', 'xyz'],
    ['apns', 'ab'.repeat(10)],
    ['fcm', 'short'],
    ['expo', 'PushToken[abc]'],
    ['webpush', '{"endpoint":"http://insecure"}'],
  ] as const)('refuses a bad %s token with INVALID_TOKEN', (type, token) => {
    expect(codeOf(() => validatePushToken(type, token))).toMatch(/^INVALID_TOKEN/);
  });
});
