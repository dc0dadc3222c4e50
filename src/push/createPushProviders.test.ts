import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TetherError } from '../common/index.js';
import { configSchema } from '../store/config.js';
import { createPushProviders } from './createPushProviders.js';
import { validatePushToken } from './pushToken.js';

const directory = mkdtempSync(join(tmpdir(), 'tether-push-'));
const ecKey = join(directory, 'AuthKey.p8');
writeFileSync(ecKey, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
const rsaKey = join(directory, 'rsa.pem');
writeFileSync(rsaKey, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));

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
