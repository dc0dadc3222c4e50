/**
 * A WebSocket test client that queues every JSON message it receives, so tests can await
 * "the next message" or "the next message of type X" without racing the socket.
 */
import { WebSocket } from 'ws';

/** A received server message (loosely typed for assertions). */
export type ReceivedMessage = { type: string; [key: string]: unknown };

/** Queues messages from one socket. */
export class TestClient {
  readonly received: ReceivedMessage[] = [];
  private _cursor = 0;
  private _waiters: Array<() => void> = [];
  closeCode: number | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.received.push(JSON.parse(String(data)) as ReceivedMessage);
      this._wake();
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      this._wake();
    });
  }

  /** Connects (offering `protocols` as subprotocols); resolves once open. @throws the handshake error (e.g. "Unexpected server response: 401") */
  static connect(url: string, headers: Record<string, string> = {}, protocols: string[] = []): Promise<TestClient> {
    const socket = new WebSocket(url, protocols, { headers });
    const client = new TestClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
    });
  }

  /** Sends a message (objects are JSON-encoded, strings sent as-is). */
  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next unread message. @throws after `timeoutMs` or when the socket closes */
  async next(timeoutMs = 2000): Promise<ReceivedMessage> {
    const deadline = Date.now() + timeoutMs;
    while (this._cursor >= this.received.length) {
      if (this.closeCode !== undefined) throw new Error(`socket closed (${this.closeCode})`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error('timed out waiting for a message');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this._waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received[this._cursor++];
  }

  /** Reads until a message of `type` arrives and returns it. @throws like `next` */
  async nextOfType(type: string, timeoutMs = 2000): Promise<ReceivedMessage> {
    for (;;) {
      const message = await this.next(timeoutMs);
      if (message.type === type) return message;
    }
  }

  /** Messages not yet read. */
  unread(): ReceivedMessage[] {
    return this.received.slice(this._cursor);
  }

  /** Closes the socket and waits for the close. */
  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.terminate();
    });
  }

  private _wake(): void {
    const waiters = this._waiters;
    this._waiters = [];
    for (const wake of waiters) wake();
  }
}
