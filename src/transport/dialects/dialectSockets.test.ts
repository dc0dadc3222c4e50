/**
 * Seed dialects on the real `/ws` socket (issue 11 §4): the subprotocol is echoed, an unknown
 * one is refused with 400 before the handshake, none is Tether's own, and a client speaking only
 * a seed's messages sees and answers a prompt in that seed's shapes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Harness, waitingEvent } from '../../../test/support/transportHarness.js';

let harness: Harness;
let sockets: WebSocket[] = [];
beforeEach(async () => (harness = await Harness.start()));
afterEach(async () => {
  sockets.forEach((socket) => socket.terminate());
  sockets = [];
  await harness.stop();
});

/** Opens `/ws` with `protocols` as a paired device; resolves with the socket and the frames it reads. */
function open(protocols: string[]): Promise<{ socket: WebSocket; frames: Array<Record<string, unknown>> }> {
  const { token } = harness.devices.pair({ device_name: 'seed app' });
  const socket = new WebSocket(harness.wsUrl, protocols, { headers: { authorization: `Bearer ${token}` } });
  sockets.push(socket);
  const frames: Array<Record<string, unknown>> = [];
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, frames }));
    socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    socket.once('error', reject);
  });
}

async function frameOf(frames: Array<Record<string, unknown>>, type: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const frame = frames.find((candidate) => candidate.type === type);
    if (frame !== undefined) return frame;
    if (Date.now() > deadline) throw new Error(`no ${type}; got ${frames.map((f) => String(f.type)).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('/ws subprotocols', () => {
  it('echoes the chosen dialect, and none means Tether', async () => {
    const craft = await open(['x-other', 'craft']);
    expect(craft.socket.protocol).toBe('craft');
    const plain = await open([]);
    expect(plain.socket.protocol).toBe('');
    expect((await frameOf(plain.frames, 'welcome')).protocol_version).toBe(1);
  });

  it('refuses an unknown subprotocol with 400', async () => {
    await expect(open(['graphql-ws'])).rejects.toThrow('HTTP 400');
  });

  it('mobilecli: sessions in the seed’s shape', async () => {
    const { frames } = await open(['mobilecli']);
    const list = await frameOf(frames, 'sessions');
    expect(list.sessions).toEqual([expect.objectContaining({ id: 's1', project_path: '/tmp', status: 'active', cli_type: 'claude' })]);
    expect((list.sessions as Array<Record<string, unknown>>)[0]).not.toHaveProperty('cwd');
  });

  it('mobilecli: subscribe answers with the screen and then the live waiting state (seed §10.1 "request-waiting-state")', async () => {
    const { socket, frames } = await open(['mobilecli']);
    await frameOf(frames, 'sessions');
    // The prompt appeared while this client was not looking (no event reached it).
    harness.sessions.waiting.set('s1', waitingEvent('s1'));
    frames.splice(0);
    socket.send(JSON.stringify({ type: 'subscribe', session_id: 's1' }));
    await frameOf(frames, 'waiting_for_input');
    expect(frames.map((frame) => frame.type)).toEqual(['screen', 'waiting_for_input']);
    expect(frames[1]).toEqual({ type: 'waiting_for_input', session_id: 's1', timestamp: '2026-01-01T00:00:00.000Z', prompt_content: 'Run ls?', wait_type: 'tool_approval', cli_type: 'claude' });
  });

  it('craft: permission_request in, permission_response answers the prompt; an unknown request is refused', async () => {
    const { socket, frames } = await open(['craft']);
    await frameOf(frames, 'sessions');
    harness.sessions.emit(waitingEvent('s1'));
    const request = await frameOf(frames, 'permission_request');
    expect(request).toEqual({ type: 'permission_request', sessionId: 's1', request: { requestId: 'p1', toolName: 'tool_approval', command: 'Run ls?', description: 'Run ls?' } });
    socket.send(JSON.stringify({ type: 'permission_response', requestId: 'p1', allowed: true, alwaysAllow: false }));
    await expect.poll(() => harness.sessions.calls.find((call) => call.method === 'answerApproval')?.args.slice(0, 3)).toEqual(['s1', 'p1', 'yes']);
    socket.send(JSON.stringify({ type: 'permission_response', requestId: 'nope', allowed: true }));
    expect(await frameOf(frames, 'error')).toMatchObject({ code: 'STALE_PROMPT' });
  });

  it('a push registration keeps the dialect of the socket that made it; JSON-RPC device/register is the push seed’s (cdev)', async () => {
    const ios = await open(['ios-backend']);
    await frameOf(ios.frames, 'sessions');
    // The seed's token kinds: `device` (an APNs token) and `live_activity` with the seed's sessionId.
    ios.socket.send(JSON.stringify({ type: 'register_push_token', token: 'ab'.repeat(32), token_type: 'device' }));
    ios.socket.send(JSON.stringify({ type: 'register_push_token', token: 'cd'.repeat(32), token_type: 'live_activity', sessionId: 's1' }));
    const mobile = await open(['mobilecli']);
    await frameOf(mobile.frames, 'sessions');
    mobile.socket.send(JSON.stringify({ type: 'register_push_token', token: 'ExponentPushToken[abc]', token_type: 'expo', platform: 'android' }));
    mobile.socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'device/register', params: { device_token: 'ef'.repeat(32), device_id: 'cdev-uuid' } }));
    await expect.poll(() => harness.pushTokens.length).toBe(4);
    const byToken = new Map(harness.pushTokens.map(({ registration }) => [registration.token, registration]));
    expect(byToken.get('ab'.repeat(32))).toMatchObject({ token_type: 'apns', platform: 'ios', dialect: 'ios-backend' });
    expect(byToken.get('cd'.repeat(32))).toMatchObject({ token_type: 'live_activity', platform: 'ios', session_id: 's1', dialect: 'ios-backend' });
    expect(byToken.get('ExponentPushToken[abc]')).toMatchObject({ token_type: 'expo', platform: 'android', dialect: 'mobilecli' });
    expect(byToken.get('ef'.repeat(32))).toMatchObject({ token_type: 'apns', device_id: 'cdev-uuid', dialect: 'cdev' });
    ios.socket.send(JSON.stringify({ type: 'register_push_token', token: 'cd'.repeat(32), token_type: 'live_activity' }));
    expect(await frameOf(ios.frames, 'error')).toMatchObject({ code: 'BAD_MESSAGE' });
  });
});
