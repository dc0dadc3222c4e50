/**
 * Fuzzes the WebSocket of a running transport: the protocol surface's frames (valid messages of
 * every type mutated, JSON-RPC, random text, huge and deeply nested JSON) sent by a phone, a
 * full device and the admin over real sockets, and as the first frame of unauthenticated
 * sockets. Every reply must be a well-formed server message (or JSON-RPC response) and every
 * rejection a coded error that is not INTERNAL; no handler may throw (the transport logs an
 * error when one does), the socket stays open (1009 only for frames over 512 KiB) and unanswered
 * first frames close the socket with a door code.
 */
import fc from 'fast-check';
import { ERROR_CODES, SCOPE_PRESETS } from '../../src/common/index.js';
import { serverMessageSchema } from '../../src/common/protocol.js';
import { MAX_PAYLOAD_BYTES } from '../../src/transport/transport.js';
import { TestClient, type ReceivedMessage } from '../support/testClient.js';
import { ADMIN_SECRET, Harness } from '../support/transportHarness.js';
import type { FuzzSurface } from './fuzzSurface.js';
import { mutatedJson } from './mutations.js';
import { frames } from './protocol.fuzz.js';

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);
/** Close codes a bare socket may get after its first frame (docs/protocol.md, "Connecting"). */
const DOOR_CLOSE_CODES = new Set([4401, 4408, 4429]);

let harness: Harness | undefined;
const clients = new Map<'phone' | 'full' | 'admin', TestClient>();
let sentinel = 0;

const rpcFrames: fc.Arbitrary<string> = mutatedJson(
  fc.constantFrom(
    { jsonrpc: '2.0', id: 1, method: 'device/register', params: { device_token: 'ab'.repeat(32), device_id: 'phone-x' } },
    { jsonrpc: '2.0', id: 'b', method: 'device/preferences', params: { device_id: 'phone-x', quiet_hours: { start: '22:00', end: '07:00' } } },
    { jsonrpc: '2.0', id: 2, method: 'permission/pending' },
    { jsonrpc: '2.0', method: 'device/list' },
  ),
).map((value) => JSON.stringify(value));

/** Checks one reply. @throws a description of a malformed reply or an uncoded rejection */
function checkReply(message: ReceivedMessage | ReceivedMessage[], frame: string): void {
  const items = Array.isArray(message) ? message : [message];
  for (const item of items as Array<Record<string, unknown>>) {
    if (item.jsonrpc === '2.0') {
      const data = (item.error as { data?: { code?: string } } | undefined)?.data;
      if (data?.code !== undefined && (!KNOWN_CODES.has(data.code) || data.code === 'INTERNAL')) throw new Error(`JSON-RPC error ${data.code} for ${frame.slice(0, 200)}`);
      continue;
    }
    const parsed = serverMessageSchema.safeParse(item);
    if (!parsed.success) throw new Error(`malformed reply ${JSON.stringify(item).slice(0, 200)}`);
    if (item.type === 'error' && (!KNOWN_CODES.has(String(item.code)) || item.code === 'INTERNAL')) {
      throw new Error(`error ${String(item.code)} (${String(item.message)}) for ${frame.slice(0, 200)}`);
    }
  }
}

async function connect(kind: 'phone' | 'full' | 'admin'): Promise<TestClient> {
  const h = harness!;
  const token = kind === 'admin' ? ADMIN_SECRET : h.devices.pair({ device_name: kind, scopes: kind === 'full' ? SCOPE_PRESETS.full : SCOPE_PRESETS.phone }).token;
  const client = await TestClient.connect(h.wsUrl, { authorization: `Bearer ${token}` });
  await client.nextOfType('sessions');
  clients.set(kind, client);
  return client;
}

/** Sends a frame, then a sentinel; checks everything that came back before the sentinel's ack. */
async function sendOver(kind: 'phone' | 'full' | 'admin', frame: string): Promise<void> {
  const client = clients.get(kind) ?? (await connect(kind));
  client.send(frame);
  const id = `sentinel-${++sentinel}`;
  client.send({ type: 'unsubscribe', session_id: 'none', request_id: id });
  for (;;) {
    let message: ReceivedMessage;
    try {
      message = await client.next(5000);
    } catch (err) {
      clients.delete(kind);
      await client.close();
      if (client.closeCode === 1009 && Buffer.byteLength(frame) > MAX_PAYLOAD_BYTES) return;
      // A rotated token cuts the device's other sockets; the admin is never cut.
      if (kind !== 'admin' && client.closeCode !== undefined && /"rotate_token"/.test(frame)) return;
      throw new Error(`no sentinel reply (${(err as Error).message}) after ${frame.slice(0, 200)}`);
    }
    if (message.request_id === id) return;
    checkReply(message, frame);
  }
}

/** Sends a frame as the first frame of a bare socket: it must close it with a door code after a coded error. */
async function sendFirst(frame: string): Promise<void> {
  const client = await TestClient.connect(harness!.wsUrl);
  try {
    client.send(frame);
    for (;;) {
      let message: ReceivedMessage;
      try {
        message = await client.next(7000);
      } catch {
        if (client.closeCode === 1009 && Buffer.byteLength(frame) > MAX_PAYLOAD_BYTES) return;
        if (client.closeCode !== undefined && DOOR_CLOSE_CODES.has(client.closeCode)) return;
        throw new Error(`bare socket closed with ${client.closeCode} after ${frame.slice(0, 200)}`);
      }
      checkReply(message, frame);
      if (message.type === 'welcome') throw new Error(`an unauthenticated frame got in: ${frame.slice(0, 200)}`);
    }
  } finally {
    await client.close();
  }
}

export const websocketSurface: FuzzSurface = {
  name: 'websocket: frames on a live transport',
  runs: 20_000,
  sliceRuns: 200,
  async setup() {
    harness = await Harness.start({ maxConnections: 100_000, maxConnectionsPerAddress: 100_000 });
  },
  async teardown() {
    for (const client of clients.values()) await client.close();
    clients.clear();
    await harness?.stop();
    harness = undefined;
  },
  property: () =>
    fc.asyncProperty(
      fc.oneof({ weight: 6, arbitrary: frames }, { weight: 2, arbitrary: rpcFrames }),
      fc.constantFrom<'phone' | 'full' | 'admin' | 'bare'>('phone', 'phone', 'full', 'admin', 'bare'),
      async (frame, kind) => {
        if (kind === 'bare') await sendFirst(frame);
        else await sendOver(kind, frame);
        const failures = harness!.logs.filter((entry) => entry.level === 'error');
        if (failures.length > 0) throw new Error(`a handler threw: ${failures.map((entry) => entry.message).join('; ')} after ${frame.slice(0, 200)}`);
      },
    ),
};
