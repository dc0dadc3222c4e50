/**
 * EventStreamTail: reads an agent CLI's own server-sent event stream (OpenCode's `GET /event`)
 * on loopback with basic auth, handing each `data:` frame, parsed, to `onEvent`. The CLI's
 * server comes up some time after the spawn and goes with it: the tail connects again
 * `retryMs` after a failure until disposed. Two watchdogs make a silent connection count as
 * a failure: no response head within `responseTimeoutMs` (OpenCode 1.18.33 accepts connections
 * on its port seconds before it answers them, and a request made then is never answered,
 * observed), and no bytes for `idleTimeoutMs` on an open stream (OpenCode sends
 * `server.heartbeat` every 10 s, bundle 1.18.33). Frames that are not JSON or longer than
 * MAX_FRAME_BYTES are skipped (reported to `onSkip`). Nothing it does can hold or change the agent.
 */
import http from 'node:http';
import { Disposable, toDisposable } from '../common/index.js';

/** Pause before connecting again (ms). */
const RETRY_MS = 1000;
/** Pause before connecting again after the password was refused (ms): someone else's server, or not ours yet. */
const REFUSED_RETRY_MS = 10_000;
/** Longest wait for a response head (ms). */
const RESPONSE_TIMEOUT_MS = 5000;
/** Longest silence of an open stream (ms): three of OpenCode's heartbeats. */
const IDLE_TIMEOUT_MS = 35_000;
/** Longest frame kept (bytes); a longer one is skipped. */
const MAX_FRAME_BYTES = 4 << 20;

/** What a stream tail needs. */
export interface EventStreamTailOptions {
  /** `http://127.0.0.1:<port><path>`. */
  readonly url: string;
  readonly user: string;
  readonly password: string;
  readonly onEvent: (value: unknown) => void;
  readonly onSkip: (reason: string) => void;
  /** The stream opened (a 200 answer): the first time and after each reconnect. */
  readonly onOpen?: () => void;
  /** Timings (ms), for tests; the defaults suit OpenCode 1.18.33. */
  readonly retryMs?: number;
  readonly responseTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
}

/** Follows one event stream until disposed. */
export class EventStreamTail extends Disposable {
  private _request: http.ClientRequest | undefined;
  private _retry: ReturnType<typeof setTimeout> | undefined;
  private _watchdog: ReturnType<typeof setTimeout> | undefined;
  private _buffer = '';
  private _refusedReported = false;
  private _opens = 0;

  constructor(private readonly _options: EventStreamTailOptions) {
    super();
    this._register(toDisposable(() => (clearTimeout(this._retry), clearTimeout(this._watchdog), this._request?.destroy())));
    this._connect();
  }

  /** How often the stream opened (1 after the first connection, more after reconnects). */
  get opens(): number {
    return this._opens;
  }

  private _connect(): void {
    if (this.isDisposed) return;
    this._buffer = '';
    const authorization = `Basic ${Buffer.from(`${this._options.user}:${this._options.password}`).toString('base64')}`;
    const request = http.get(this._options.url, { headers: { accept: 'text/event-stream', authorization } });
    this._request = request;
    let retryMs = this._options.retryMs ?? RETRY_MS;
    this._watch(request, this._options.responseTimeoutMs ?? RESPONSE_TIMEOUT_MS);
    request.on('response', (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        if (response.statusCode === 401) {
          retryMs = Math.max(retryMs, REFUSED_RETRY_MS);
          if (!this._refusedReported) this._options.onSkip('event stream refused the session password');
          this._refusedReported = true;
        }
        return;
      }
      this._opens += 1;
      const idleMs = this._options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
      this._watch(request, idleMs);
      this._options.onOpen?.();
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (this._watch(request, idleMs), this._take(chunk)));
      response.on('error', () => undefined);
    });
    request.on('error', () => undefined);
    request.on('close', () => {
      if (this._request !== request || this.isDisposed) return;
      clearTimeout(this._watchdog);
      this._retry = setTimeout(() => this._connect(), retryMs);
      this._retry.unref();
    });
  }

  /** Ends `request` (and so connects again) unless something arrives within `ms`. */
  private _watch(request: http.ClientRequest, ms: number): void {
    clearTimeout(this._watchdog);
    this._watchdog = setTimeout(() => request.destroy(), ms);
    this._watchdog.unref();
  }

  /** Splits the stream into frames (a blank line ends one) and hands over their data. */
  private _take(chunk: string): void {
    this._buffer += chunk.replaceAll('\r\n', '\n');
    for (let end = this._buffer.indexOf('\n\n'); end !== -1; end = this._buffer.indexOf('\n\n')) {
      const frame = this._buffer.slice(0, end);
      this._buffer = this._buffer.slice(end + 2);
      const data = frame
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).replace(/^ /, ''))
        .join('\n');
      if (data !== '') this._frame(data);
    }
    if (this._buffer.length > MAX_FRAME_BYTES) {
      this._options.onSkip(`event stream frame longer than ${MAX_FRAME_BYTES} bytes skipped`);
      this._buffer = '';
    }
  }

  private _frame(data: string): void {
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      this._options.onSkip('event stream frame is not JSON');
      return;
    }
    try {
      this._options.onEvent(value);
    } catch (err) {
      this._options.onSkip(`event stream frame failed: ${(err as Error).message}`);
    }
  }
}
