import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockExpo, type MockExpo } from './expoServer.js';

const TOKEN = 'ExponentPushToken[cccccccccccccccccccccc]';

describe('mock Expo push service', () => {
  let mock: MockExpo;

  beforeEach(async () => {
    mock = await startMockExpo();
  });

  afterEach(async () => {
    await mock.close();
  });

  async function post(path: string, body: unknown, gzip = false) {
    const json = Buffer.from(JSON.stringify(body));
    const response = await fetch(`${mock.baseUrl}/--/api/v2/push/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close', ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
      body: gzip ? gzipSync(json) : json,
    });
    return { status: response.status, body: (await response.json()) as { data: Record<string, { status: string; id?: string; details?: Record<string, string> }> } };
  }

  it('answers tickets (gzip bodies too) and then receipts, with the errors it was told', async () => {
    mock.receiptError(TOKEN, 'DeviceNotRegistered');
    const sent = await post('send', [{ to: TOKEN, body: 'x' }, { to: 'not-a-token' }, { to: TOKEN, body: 'y'.repeat(5000) }], true);
    expect(sent.body.data).toMatchObject([{ status: 'ok' }, { status: 'error', details: { error: 'DeviceNotRegistered' } }, { status: 'error', details: { error: 'MessageTooBig' } }]);
    const id = String(sent.body.data[0].id);
    mock.holdReceipts(true);
    await expect(post('getReceipts', { ids: [id] })).resolves.toEqual({ status: 200, body: { data: {} } });
    mock.holdReceipts(false);
    const receipts = await post('getReceipts', { ids: [id] });
    expect(receipts.body.data[id]).toMatchObject({ status: 'error', details: { error: 'DeviceNotRegistered', expoPushToken: TOKEN } });
  });

  it('fails the next request as told, with Retry-After', async () => {
    mock.injectFault({ kind: 'status', status: 429, retryAfter: '5' });
    const response = await fetch(`${mock.baseUrl}/--/api/v2/push/send`, { method: 'POST', body: JSON.stringify([{ to: TOKEN }]), headers: { connection: 'close' } });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('5');
    await response.text();
    await expect(post('send', [{ to: TOKEN }])).resolves.toMatchObject({ status: 200 });
  });
});
