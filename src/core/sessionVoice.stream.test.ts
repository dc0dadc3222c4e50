/**
 * SessionVoice with a CLI's own event stream (OpenCode 1.18.33's recorded `GET /event` frames,
 * test/data/voices/opencode/1.18.33/events.jsonl) served by a stand-in server that behaves as
 * OpenCode was seen to: the first request is accepted and never answered, and the stream drops
 * once mid-turn. The session still gets the whole timeline once, its conversation id and one
 * turn end, and the cross-check gets the stream's evidence.
 */
import { readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentEvent, SessionEvent } from '../common/index.js';
import { getCli } from '../../parsers/index.js';
import { VirtualClock } from './clocks.js';
import { freeLoopbackPort, prepareVoice, SessionVoice } from './sessionVoice.js';
import { waitUntil } from '../../test/support/waitFor.js';

const FRAMES = readFileSync(join(process.cwd(), 'test', 'data', 'voices', 'opencode', '1.18.33', 'events.jsonl'), 'utf8').split('\n').filter(Boolean);
const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/**
 * OpenCode's server as observed: basic auth; request 1 hangs; request 2 gets frames up to `dropAt`
 * and is cut; request 3 gets the rest (what was missed while away is lost, as with the real bus).
 */
async function opencodeServer(port: number, password: string, dropAt: number): Promise<{ requests: () => number }> {
  let requests = 0;
  const server = http.createServer((req, res) => {
    if (req.headers.authorization !== `Basic ${Buffer.from(`opencode:${password}`).toString('base64')}`) return void res.writeHead(401).end();
    requests += 1;
    if (requests === 1) return;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const frames = requests === 2 ? FRAMES.slice(0, dropAt) : FRAMES.slice(dropAt);
    // The drop comes once the frames before it are on the wire.
    res.write(frames.map((frame) => `data: ${frame}\n\n`).join(''), () => requests === 2 && res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))));
  return { requests: () => requests };
}

describe('SessionVoice with an event stream (OpenCode)', () => {
  it('puts the server on a private port with the session secret, reads through a hang and a drop, and hands the evidence on', async () => {
    const witnesses = getCli('opencode').witnesses;
    if (!witnesses) throw new Error('OpenCode has no witnesses');
    const port = await freeLoopbackPort();
    const prepared = prepareVoice(witnesses, { id: 's1', args: [], env: { OPENCODE_SERVER_USERNAME: 'someone' }, port }, { baseUrl: 'http://127.0.0.1:9', forwarder: ['node', 'f.mjs'] });
    if (!prepared) throw new Error('expected an injection');
    closers.push(() => rmSync(prepared.runDir, { recursive: true, force: true }));
    expect(prepared.args).toEqual(['--hostname', '127.0.0.1', '--port', String(port)]);
    expect(prepared.env).toMatchObject({ OPENCODE_SERVER_PASSWORD: prepared.token, OPENCODE_SERVER_USERNAME: 'opencode' });
    expect(prepared.streamPort).toBe(port);
    // A user who put the server somewhere already keeps it, unread.
    expect(prepareVoice(witnesses, { id: 's2', args: ['--port=4096'], env: {}, port }, { baseUrl: 'http://127.0.0.1:9', forwarder: [] })?.streamPort).toBeUndefined();

    // Cut the stream just after the permission was asked (frames before it arrive once, the rest after the reconnect).
    const dropAt = FRAMES.findIndex((frame) => frame.includes('"permission.asked"')) + 1;
    const server = await opencodeServer(port, prepared.token, dropAt);
    const events: SessionEvent[] = [];
    const evidence: Array<{ kind: string; events: readonly AgentEvent[] }> = [];
    const conversations: string[] = [];
    let seq = 0;
    const voice = new SessionVoice({
      sessionId: 's1',
      clock: new VirtualClock(Date.now()),
      nextSeq: () => ++seq,
      emit: (event) => events.push(event),
      witnesses,
      prepared,
      home: '/nowhere',
      cwd: '/p',
      onEvents: (said, raw) => evidence.push({ kind: raw.kind, events: said }),
      onConversation: (id) => conversations.push(id),
    });
    closers.push(() => voice.dispose());
    // The hung first request is given up after 5 s (the tail's response timeout).
    await waitUntil(() => events.some((e) => e.type === 'interaction_completed'), 20_000, 'the turn end').catch((err) => { throw new Error(`${err.message}: requests ${server.requests()}, ${events.map((e) => e.type).join(' ')}`); });
    expect(server.requests()).toBe(3);
    expect(conversations).toEqual(['ses_dcc6596beffeUIISYHPZxgW1tO']);
    expect(events.filter((e) => e.type === 'interaction_completed')).toMatchObject([{ status: 'ok' }]);
    const activity = events.filter((e): e is Extract<SessionEvent, { type: 'activity' }> => e.type === 'activity');
    expect(activity.filter((e) => e.activity_type === 'tool_start').map((e) => e.tool_name)).toEqual(['todowrite', 'bash', 'todowrite', 'read', 'todowrite']);
    expect(activity.find((e) => e.activity_type === 'tool_start' && e.tool_name === 'bash')).toMatchObject({ source: 'hook', tool_params: { command: 'echo hello > out.txt' } });
    expect(activity.filter((e) => e.activity_type === 'tool_result').length).toBe(5);
    expect(activity.filter((e) => e.activity_type === 'user_prompt').map((e) => e.content)).toEqual(['Make a todo list, write hello to out.txt, then read the notes.']);
    const progress = events.filter((e): e is Extract<SessionEvent, { type: 'progress_update' }> => e.type === 'progress_update' && e.todo_progress !== undefined);
    expect(progress.at(-1)?.todo_progress).toEqual({ completed: 2, total: 2 });
    // The screen's cross-check got the permission request from the stream.
    expect(evidence.every((e) => e.kind === 'stream')).toBe(true);
    expect(evidence.flatMap((e) => e.events).find((e) => e.kind === 'permission_request')).toMatchObject({ toolName: 'bash', command: 'echo hello > out.txt', requestId: 'per_2339b055b001UfxHuClc16A15e' });
  }, 30_000);

  it('never hands one port to two sessions started close together, until the hold has passed', async () => {
    const drawn = [41001, 41001, 41002, 41001];
    const draw = async () => drawn.shift() ?? 41003;
    const now = 1_000_000;
    expect(await freeLoopbackPort({ now, draw })).toBe(41001);
    // The OS gives 41001 again: it is still held for the first session's start-up.
    expect(await freeLoopbackPort({ now: now + 1000, draw })).toBe(41002);
    // Five minutes on, the first CLI has long bound it (or gone): 41001 may be handed out again.
    expect(await freeLoopbackPort({ now: now + 6 * 60_000, draw })).toBe(41001);
    await expect(freeLoopbackPort({ now: now + 6 * 60_000, draw: async () => 41001 })).rejects.toThrow('no loopback port free');
  });
});
