import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../../test/support/waitFor.js';
import { EventStreamTail } from './eventStreamTail.js';

const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** An SSE server that checks basic auth and sends `frames` to each connection, then closes it. */
async function server(frames: string[]): Promise<{ url: string; connections: () => number; auths: string[] }> {
  let connections = 0;
  const auths: string[] = [];
  const srv = http.createServer((req, res) => {
    connections += 1;
    auths.push(String(req.headers.authorization));
    if (req.headers.authorization !== `Basic ${Buffer.from('opencode:secret').toString('base64')}`) return void res.writeHead(401).end();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const frame of frames) res.write(frame);
    res.end();
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => srv.close(resolve)));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/event`, connections: () => connections, auths };
}

describe('EventStreamTail', () => {
  it('hands over each data frame, skips frames that are not JSON, and connects again when the stream ends', async () => {
    const { url, connections } = await server(['data: {"type":"a"}\n\n', 'event: x\ndata: not json\n\n', 'data: {"type":', '"b"}\r\n\r\n']);
    const events: unknown[] = [];
    const skips: string[] = [];
    const tail = new EventStreamTail({ url, user: 'opencode', password: 'secret', onEvent: (e) => events.push(e), onSkip: (r) => skips.push(r) });
    closers.push(() => tail.dispose());
    await waitUntil(() => connections() >= 2, 10_000, 'a second connection');
    expect(events.slice(0, 2)).toEqual([{ type: 'a' }, { type: 'b' }]);
    expect(skips[0]).toBe('event stream frame is not JSON');
  });

  it('reports a refused password, and stops for good when disposed', async () => {
    const { url, connections } = await server([]);
    const skips: string[] = [];
    const tail = new EventStreamTail({ url, user: 'opencode', password: 'wrong', onEvent: () => undefined, onSkip: (r) => skips.push(r) });
    await waitUntil(() => skips.length > 0, 10_000, 'the refusal');
    expect(skips[0]).toBe('event stream refused the session password');
    tail.dispose();
    const after = connections();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(connections()).toBe(after);
  });

  it('gives up on a request left unanswered (OpenCode before its routes are up) and connects again', async () => {
    let requests = 0;
    const srv = http.createServer((req, res) => {
      requests += 1;
      if (requests <= 2) return; // accepted, never answered
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"type":"server.connected"}\n\n');
    });
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => (srv.closeAllConnections(), srv.close(resolve))));
    const events: unknown[] = [];
    let opened = 0;
    const tail = new EventStreamTail({
      url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/event`,
      user: 'opencode',
      password: 'secret',
      onEvent: (e) => events.push(e),
      onSkip: () => undefined,
      onOpen: () => (opened += 1),
      retryMs: 50,
      responseTimeoutMs: 200,
    });
    closers.push(() => tail.dispose());
    await waitUntil(() => events.length > 0, 10_000, 'an event after two unanswered requests');
    expect(requests).toBe(3);
    expect(opened).toBe(1);
    expect(tail.opens).toBe(1);
  });

  it('connects again when an open stream falls silent past the idle timeout', async () => {
    let requests = 0;
    const srv = http.createServer((req, res) => {
      requests += 1;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: {"n":${requests}}\n\n`);
      // then silence: no heartbeat, the connection stays open
    });
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => (srv.closeAllConnections(), srv.close(resolve))));
    const events: unknown[] = [];
    const tail = new EventStreamTail({ url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/event`, user: 'opencode', password: 'secret', onEvent: (e) => events.push(e), onSkip: () => undefined, retryMs: 50, idleTimeoutMs: 300 });
    closers.push(() => tail.dispose());
    await waitUntil(() => events.length >= 2, 10_000, 'the second stream');
    expect(events.slice(0, 2)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(tail.opens).toBeGreaterThanOrEqual(2);
  });
});
