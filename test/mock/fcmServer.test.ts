import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockFcm, type MockFcm } from './fcmServer.js';

describe('mock FCM server', () => {
  let mock: MockFcm;

  beforeEach(async () => {
    mock = await startMockFcm();
  });

  afterEach(async () => {
    await mock.close();
  });

  async function post(message: unknown, bearer = mock.accessToken, project = mock.projectId) {
    const response = await fetch(`${mock.endpoint}/v1/projects/${project}/messages:send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ message }),
    });
    return { status: response.status, body: (await response.json()) as { error?: { details: Array<{ errorCode: string }> } } };
  }

  it('accepts a well-formed message and checks bearer, project and shape', async () => {
    await expect(post({ token: 't', data: { a: 'b' }, android: { priority: 'high' } })).resolves.toMatchObject({ status: 200 });
    await expect(post({ token: 't' }, 'other')).resolves.toMatchObject({ status: 401 });
    await expect(post({ token: 't' }, mock.accessToken, 'other-project')).resolves.toMatchObject({ status: 404 });
    const numeric = await post({ token: 't', data: { count: 1 } });
    expect(numeric.status).toBe(400);
    expect(numeric.body.error?.details[0].errorCode).toBe('INVALID_ARGUMENT');
    await expect(post({ token: 't', notification: { title: 'x', body: 'y'.repeat(5000) } })).resolves.toMatchObject({ status: 400 });
    expect(mock.requests.map((request) => request.status)).toEqual([200, 401, 404, 400, 400]);
  });

  it('answers an injected status once, with FCM error details', async () => {
    mock.injectFault('t', { kind: 'status', status: 404 });
    const gone = await post({ token: 't' });
    expect(gone.status).toBe(404);
    expect(gone.body.error?.details[0].errorCode).toBe('UNREGISTERED');
    await expect(post({ token: 't' })).resolves.toMatchObject({ status: 200 });
  });
});
