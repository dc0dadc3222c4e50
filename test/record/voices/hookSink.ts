/**
 * The hook sink of the voices study: an HTTP server on 127.0.0.1 that stands in for the daemon's
 * events endpoint. Every POST (an HTTP hook's body, or a forwarder's relay of a command hook's
 * stdin) is recorded with its path, its arrival time and its parsed JSON, and answered at once
 * with `200 {}` (an empty JSON object: "no decision" for every CLI that reads the answer).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One hook call the sink received. */
export interface HookCall {
  /** Path after `/hook/`, e.g. `http/PreToolUse` or `node/Stop`. */
  readonly label: string;
  /** Arrival time, ms since the sink started (monotonic clock). */
  readonly atMs: number;
  /** The body parsed as JSON, or the raw text when it is not JSON. */
  readonly body: unknown;
  /** Request headers that matter to the study (content-type, user-agent, x-tether-*). */
  readonly headers: Readonly<Record<string, string>>;
}

/** A running sink. */
export interface HookSink {
  /** Base URL, e.g. `http://127.0.0.1:43210`; hooks post to `${url}/hook/<label>`. */
  readonly url: string;
  readonly calls: HookCall[];
  /** Calls whose label starts with `prefix`. */
  callsFor(prefix: string): HookCall[];
  close(): Promise<void>;
}

/** Headers kept in the record (never authorization: samples are committed). */
const KEPT_HEADERS = ['content-type', 'user-agent'];

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Starts the sink.
 * @throws Error when the port cannot be bound.
 */
export async function startHookSink(): Promise<HookSink> {
  const calls: HookCall[] = [];
  const started = performance.now();
  const server = http.createServer((req, res) => {
    readBody(req)
      .then((text) => {
        const label = (req.url ?? '/').replace(/^\/hook\//, '').split('?')[0];
        const headers: Record<string, string> = {};
        for (const name of KEPT_HEADERS) {
          const value = req.headers[name];
          if (typeof value === 'string') headers[name] = value;
        }
        for (const [name, value] of Object.entries(req.headers)) {
          if (name.startsWith('x-tether-') && typeof value === 'string') headers[name] = value;
        }
        calls.push({ label, atMs: performance.now() - started, body: parse(text), headers });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 });
        res.end('{}');
      })
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    callsFor: (prefix) => calls.filter((call) => call.label.startsWith(prefix)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
