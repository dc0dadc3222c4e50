import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, type ClientHttp2Session } from 'node:http2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockApns, type MockApns } from './apnsServer.js';

const TOKEN = '0f'.repeat(32);

function jwt(key: KeyObject, header: object, claims: object): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

describe('mock APNs server', () => {
  let mock: MockApns;
  let client: ClientHttp2Session;
  let key: KeyObject;

  beforeEach(async () => {
    mock = await startMockApns();
    key = createPrivateKey(readFileSync(mock.keyFile, 'utf8'));
    client = connect(`https://localhost:${mock.port}`, { ca: mock.caPem });
  });

  afterEach(async () => {
    await new Promise<void>((resolve) => client.close(() => resolve()));
    await mock.close();
  });

  function goodToken(): string {
    return jwt(key, { alg: 'ES256', kid: mock.keyId }, { iss: mock.teamId, iat: Math.floor(Date.now() / 1000) });
  }

  async function post(options: { token?: string; bearer?: string; headers?: Record<string, string>; body?: string } = {}) {
    const request = client.request({
      ':method': 'POST',
      ':path': `/3/device/${options.token ?? TOKEN}`,
      authorization: `bearer ${options.bearer ?? goodToken()}`,
      'apns-topic': mock.bundleId,
      'apns-push-type': 'alert',
      ...options.headers,
    });
    request.end(options.body ?? JSON.stringify({ aps: { alert: 'hi' } }));
    let status = 0;
    let body = '';
    request.on('response', (headers) => (status = Number(headers[':status'])));
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    await new Promise((resolve) => request.on('end', resolve));
    return { status, body: body === '' ? undefined : (JSON.parse(body) as { reason: string }) };
  }

  it('accepts a well-formed request over TLS trusted through the test CA and records it', async () => {
    await expect(post()).resolves.toEqual({ status: 200, body: undefined });
    expect(mock.requests[0]).toMatchObject({ token: TOKEN, status: 200, payload: { aps: { alert: 'hi' } }, jwt: { claims: { iss: mock.teamId } } });
  });

  it('rejects a JWT signed by another key, with another kid, or too old', async () => {
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const now = Math.floor(Date.now() / 1000);
    await expect(post({ bearer: jwt(stranger, { alg: 'ES256', kid: mock.keyId }, { iss: mock.teamId, iat: now }) })).resolves.toEqual({ status: 403, body: { reason: 'InvalidProviderToken' } });
    await expect(post({ bearer: jwt(key, { alg: 'ES256', kid: 'OTHER' }, { iss: mock.teamId, iat: now }) })).resolves.toMatchObject({ status: 403 });
    await expect(post({ bearer: jwt(key, { alg: 'ES256', kid: mock.keyId }, { iss: mock.teamId, iat: now - 7200 }) })).resolves.toEqual({ status: 403, body: { reason: 'ExpiredProviderToken' } });
  });

  it('checks topic, push type, token format and payload size', async () => {
    await expect(post({ headers: { 'apns-topic': 'com.other.app' } })).resolves.toEqual({ status: 400, body: { reason: 'TopicDisallowed' } });
    await expect(post({ headers: { 'apns-push-type': 'banner' } })).resolves.toEqual({ status: 400, body: { reason: 'InvalidPushType' } });
    await expect(post({ token: 'not-hex' })).resolves.toEqual({ status: 400, body: { reason: 'BadDeviceToken' } });
    await expect(post({ body: JSON.stringify({ aps: { alert: 'x'.repeat(5000) } }) })).resolves.toEqual({ status: 413, body: { reason: 'PayloadTooLarge' } });
  });

  it('answers a token as told', async () => {
    mock.respondWith(TOKEN, 410);
    const gone = await post();
    expect(gone.status).toBe(410);
    expect(gone.body?.reason).toBe('Unregistered');
    mock.respondWith(TOKEN, 429);
    await expect(post()).resolves.toEqual({ status: 429, body: { reason: 'TooManyRequests' } });
    mock.respondWith(TOKEN, 500);
    await expect(post()).resolves.toEqual({ status: 500, body: { reason: 'InternalServerError' } });
    mock.respondWith(TOKEN, 400);
    await expect(post()).resolves.toEqual({ status: 400, body: { reason: 'BadDeviceToken' } });
  });

  it('checks the Live Activity topic and the background priority', async () => {
    const activity = JSON.stringify({ aps: { timestamp: 1, event: 'update', 'content-state': {} } });
    await expect(post({ headers: { 'apns-push-type': 'liveactivity' }, body: activity })).resolves.toEqual({ status: 400, body: { reason: 'TopicDisallowed' } });
    await expect(post({ headers: { 'apns-push-type': 'liveactivity', 'apns-topic': `${mock.bundleId}.push-type.liveactivity` }, body: activity })).resolves.toEqual({ status: 200, body: undefined });
    const background = JSON.stringify({ aps: { 'content-available': 1 } });
    await expect(post({ headers: { 'apns-push-type': 'background', 'apns-priority': '10' }, body: background })).resolves.toEqual({ status: 400, body: { reason: 'BadPriority' } });
    await expect(post({ headers: { 'apns-push-type': 'background', 'apns-priority': '5' }, body: background })).resolves.toEqual({ status: 200, body: undefined });
  });

  it('injects a one-shot status with retry-after', async () => {
    mock.injectFault(TOKEN, { kind: 'status', status: 503, retryAfter: '7' });
    const request = client.request({ ':method': 'POST', ':path': `/3/device/${TOKEN}`, authorization: `bearer ${goodToken()}`, 'apns-topic': mock.bundleId, 'apns-push-type': 'alert' });
    request.end(JSON.stringify({ aps: { alert: 'hi' } }));
    const headers = await new Promise<Record<string, unknown>>((resolve) => request.on('response', resolve));
    request.resume();
    await new Promise((resolve) => request.on('end', resolve));
    expect(headers).toMatchObject({ ':status': 503, 'retry-after': '7' });
    await expect(post()).resolves.toEqual({ status: 200, body: undefined });
  });
});
