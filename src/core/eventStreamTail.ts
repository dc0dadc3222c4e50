/**
 * EventStreamTail: reads an agent CLI's own server-sent event stream (OpenCode's `GET /event`)
 * on loopback with basic auth, handing each `data:` frame, parsed, to `onEvent`. The CLI's
 * server comes up some time after the spawn and goes with it: the tail connects again every
 * RETRY_MS until disposed. Frames that are not JSON or longer than MAX_FRAME_BYTES are skipped
 * (reported to `onSkip`). Nothing it does can hold or change the agent.
 */
import http from 'node:http';
import { Disposable, toDisposable } from '../common/index.js';

/** Pause before connecting again (ms). */
const RETRY_MS = 1000;
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
}

/** Follows one event stream until disposed. */
export class EventStreamTail extends Disposable {
  private _request: http.ClientRequest | undefined;
  private _retry: ReturnType<typeof setTimeout> | undefined;
  private _buffer = '';

  constructor(private readonly _options: EventStreamTailOptions) {
    super();
    this._register(toDisposable(() => (clearTimeout(this._retry), this._request?.destroy())));
    this._connect();
  }

  private _connect(): void {
    if (this.isDisposed) return;
    this._buffer = '';
    const authorization = `Basic ${Buffer.from(`${this._options.user}:${this._options.password}`).toString('base64')}`;
    const request = http.get(this._options.url, { headers: { accept: 'text/event-stream', authorization } });
    this._request = request;
    request.on('response', (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        if (response.statusCode === 401) this._options.onSkip('event stream refused the session password');
        return;
      }
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => this._take(chunk));
      response.on('error', () => undefined);
    });
    request.on('error', () => undefined);
    request.on('close', () => {
      if (this._request !== request || this.isDisposed) return;
      this._retry = setTimeout(() => this._connect(), RETRY_MS);
      this._retry.unref();
    });
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
