/**
 * Fuzzes every HTTP route of a running transport: the route table's paths (and near misses),
 * every method, headers that matter to the doors (Host, Origin, Content-Type, Authorization
 * with the admin secret, a device token or garbage, Content-Length) and bodies (each route's
 * valid body mutated, random JSON and text, huge). Every answer must be a status the route
 * table can give with the error shape `{"error": {code, message}}` and a known code (never
 * INTERNAL), carry the security headers, and no handler may throw (the transport logs an
 * error when one does).
 */
import { request } from 'node:http';
import fc from 'fast-check';
import { ERROR_CODES, SCOPE_PRESETS, type ErrorCode } from '../../src/common/index.js';
import { HTTP_ROUTES } from '../../src/transport/httpRoutes.js';
import { errorStatus } from '../../src/transport/httpUtil.js';
import { ADMIN_SECRET, Harness } from '../support/transportHarness.js';
import type { FuzzSurface } from './fuzzSurface.js';
import { anyText, hugeJson, mutatedJson } from './mutations.js';

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

let harness: Harness | undefined;
let deviceToken = '';

/** A valid body per route (the fuzzer mutates them). */
const BODIES: Readonly<Record<string, unknown>> = {
  '/api/pair': { code: 'K7QXM2PA', device_name: 'Phone', platform: 'ios' },
  '/api/admin/pairing-code': { scope: 'full' },
  '/api/admin/push-test': { device_id: 'd1' },
  '/api/push/action': { action_secret: 'x'.repeat(43), device_token: 'https://push.example.net/send/abc', session_id: 's1', prompt_id: 'p1', action: 'allow' },
  '/api/web/pairing-code': { scope: 'phone' },
};

const paths = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HTTP_ROUTES.map((route) => route.path.replace(':device_id', 'dev-1'))) },
  { weight: 1, arbitrary: fc.constantFrom('/', '/pair', '/desktop', '/ws', '/api', '/api/web/devices/', '/api/web/devices/../../etc/passwd', '/%00', '/api/web/devices/' + 'a'.repeat(200)) },
  { weight: 1, arbitrary: fc.webPath() },
);

const bodies = (path: string): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    { weight: 4, arbitrary: mutatedJson(fc.constant(BODIES[path] ?? {})).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.constant(BODIES[path] === undefined ? undefined : JSON.stringify(BODIES[path])) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'null') },
    { weight: 1, arbitrary: anyText },
    { weight: 1, arbitrary: hugeJson.filter((text) => text.length < 200_000) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );

/** Header values the HTTP client accepts (visible ASCII and spaces). */
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 60 });

interface Case {
  readonly method: string;
  readonly path: string;
  readonly body: string | undefined;
  readonly host: 'own' | 'localhost' | 'evil' | 'garbage';
  readonly origin: 'none' | 'own' | 'evil' | 'null';
  readonly contentType: string | undefined;
  readonly auth: 'none' | 'admin' | 'device' | 'garbage';
  readonly garbage: string;
}

const cases: fc.Arbitrary<Case> = paths.chain((path) =>
  fc.record({
    method: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'HEAD', 'OPTIONS', 'PATCH'),
    path: fc.constant(path),
    body: bodies(path),
    host: fc.constantFrom<Case['host']>('own', 'own', 'own', 'localhost', 'evil', 'garbage'),
    origin: fc.constantFrom<Case['origin']>('none', 'none', 'own', 'evil', 'null'),
    contentType: fc.constantFrom(undefined, 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'APPLICATION/JSON'),
    auth: fc.constantFrom<Case['auth']>('none', 'admin', 'device', 'garbage'),
    garbage: headerText,
  }),
);

function send(item: Case): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const port = harness!.transport.port;
  const headers: Record<string, string> = { connection: 'close' };
  headers.host = { own: `127.0.0.1:${port}`, localhost: `localhost:${port}`, evil: `evil.example:${port}`, garbage: item.garbage || 'x' }[item.host];
  if (item.origin !== 'none') headers.origin = { own: `http://127.0.0.1:${port}`, evil: 'https://evil.example', null: 'null' }[item.origin];
  if (item.contentType !== undefined) headers['content-type'] = item.contentType;
  if (item.auth !== 'none') headers.authorization = `Bearer ${{ admin: ADMIN_SECRET, device: deviceToken, garbage: item.garbage || 'x' }[item.auth]}`;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: item.method, path: item.path, headers, setHost: false, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    req.on('error', reject);
    req.end(item.method === 'GET' || item.method === 'HEAD' ? undefined : item.body);
  });
}

export const httpSurface: FuzzSurface = {
  name: 'http: every route on a live transport',
  runs: 10_000,
  sliceRuns: 150,
  async setup() {
    harness = await Harness.start({ maxConnections: 100_000, maxConnectionsPerAddress: 100_000 });
    deviceToken = harness.devices.pair({ device_name: 'fuzz', scopes: SCOPE_PRESETS.desktop }).token;
  },
  async teardown() {
    await harness?.stop();
    harness = undefined;
  },
  property: () =>
    fc.asyncProperty(cases, async (item) => {
      const what = `${item.method} ${item.path.slice(0, 80)} host=${item.host} origin=${item.origin} auth=${item.auth} type=${item.contentType}`;
      harness!.logs.splice(0);
      let answer;
      try {
        answer = await send(item);
      } catch (err) {
        // The client refused to send it (an invalid header or path): not the daemon's answer.
        if ((err as NodeJS.ErrnoException).code === 'ERR_INVALID_CHAR' || (err as NodeJS.ErrnoException).code === 'ERR_UNESCAPED_CHARACTERS') return;
        throw new Error(`request failed (${(err as Error).message}): ${what}`);
      }
      if (answer.headers['x-content-type-options'] !== 'nosniff' && answer.status !== 400) throw new Error(`no security headers on ${answer.status}: ${what}`);
      if (answer.status >= 400 && answer.body !== '' && !(answer.status === 400 && answer.headers['x-content-type-options'] === undefined)) {
        let code: string | undefined;
        try {
          code = (JSON.parse(answer.body) as { error?: { code?: string } }).error?.code;
        } catch {
          code = undefined;
        }
        if (code === undefined || !KNOWN_CODES.has(code) || code === 'INTERNAL') throw new Error(`uncoded ${answer.status} ${answer.body.slice(0, 200)}: ${what}`);
        if (errorStatus(code as ErrorCode) !== answer.status) throw new Error(`${code} answered with ${answer.status}: ${what}`);
      }
      const failures = harness!.logs.splice(0).filter((entry) => entry.level === 'error');
      if (failures.length > 0) throw new Error(`a handler threw: ${failures.map((entry) => `${entry.message} ${JSON.stringify(entry.fields)}`).join('; ')}: ${what}`);
    }),
};
