/**
 * Test fixture for transport tests: a transport on 127.0.0.1:0 over a FakeSessionService, a
 * temp data dir, a movable clock, recorded push registrations and logs, a prompt queue with
 * autoplay (its messages broadcast as the daemon does), and helpers to connect clients.
 * `stop()` closes every client, the server and the dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Emitter, TetherError, type Right, type WaitingForInputEvent } from '../../src/common/index.js';
import { Autoplay, PromptQueue, systemClock } from '../../src/core/index.js';
import { QueueStore } from '../../src/store/queueStore.js';
import { DeviceStore } from '../../src/store/deviceStore.js';
import { PairingService } from '../../src/store/pairing.js';
import { FakeSessionService, fakeSession } from './fakeSessionService.js';
import { TestClient } from './testClient.js';
import { PushActionSecrets } from '../../src/store/pushActionSecrets.js';
import { startTransport, type AppStateReport, type PushTestResult, type PushTokenRegistration, type Transport, type TransportOptions } from '../../src/transport/transport.js';

/** What a harness listens with (kept for restart). */
interface ListenSetup {
  readonly sessions: FakeSessionService;
  readonly devices: DeviceStore;
  readonly pairing: PairingService;
  readonly now: { value: number };
  readonly actionSecrets: PushActionSecrets;
  readonly overrides: Partial<TransportOptions>;
  readonly reference: { harness?: Harness };
  readonly queues: { queue: PromptQueue; autoplay: Autoplay };
}

/** The admin secret every harness uses. */
export const ADMIN_SECRET = 'admin-secret-for-tests';

/** A running transport with fakes around it. */
export class Harness {
  readonly pushTokens: Array<{ deviceId: string; registration: PushTokenRegistration }> = [];
  /** `app_state` reports the transport forwarded. */
  readonly appStates: AppStateReport[] = [];
  /** Device ids `POST /api/admin/push-test` asked for, and what it answers. */
  readonly pushTests: Array<string | undefined> = [];
  pushTestResults: PushTestResult[] = [];
  readonly logs: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  private readonly _clients: TestClient[] = [];

  private constructor(
    public transport: Transport,
    readonly sessions: FakeSessionService,
    readonly devices: DeviceStore,
    readonly pairing: PairingService,
    readonly now: { value: number },
    readonly actionSecrets: PushActionSecrets,
    private readonly _dataDir: string,
    readonly queue: PromptQueue,
    readonly autoplay: Autoplay,
  ) {}

  /** Fire to report input at the desk (what SessionManager.onDidInput reports). */
  static readonly deskInput = new Emitter<{ readonly session_id: string }>();

  /**
   * Starts a harness with one running session `s1`; `overrides` change transport options
   * (caps, timeouts, origins, the clock starts at 1 000 000).
   * @throws the listen error
   */
  static async start(overrides: Partial<TransportOptions> = {}): Promise<Harness> {
    const dataDir = mkdtempSync(join(tmpdir(), 'tether-transport-'));
    const sessions = new FakeSessionService();
    sessions.sessions.set('s1', fakeSession('s1'));
    const devices = new DeviceStore(dataDir);
    const now = { value: 1_000_000 };
    const pairing = new PairingService({ now: () => now.value });
    const actionSecrets = new PushActionSecrets({ now: () => now.value });
    const reference: { harness?: Harness } = {};
    const queue = new PromptQueue((id) => sessions.sessions.has(id), new QueueStore(dataDir), systemClock);
    const autoplay = new Autoplay({ sessions, onActivity: sessions.onActivity, onDidInput: Harness.deskInput.event, inputDraft: () => undefined }, queue, systemClock);
    queue.onMessage((message) => reference.harness?.transport.broadcast(message));
    const setup: ListenSetup = { sessions, devices, pairing, now, actionSecrets, overrides, reference, queues: { queue, autoplay } };
    const transport = await Harness._listen(0, setup);
    reference.harness = new Harness(transport, sessions, devices, pairing, now, actionSecrets, dataDir, queue, autoplay);
    reference.harness._setup = setup;
    return reference.harness;
  }

  private _setup?: ListenSetup;

  /**
   * Closes the transport (every socket drops) and starts a new one on the same port over the
   * same sessions, devices and pairing codes, as a daemon restart would. @throws the listen error
   */
  async restart(): Promise<void> {
    const port = this.transport.port;
    await this.transport.close();
    if (this._setup === undefined) throw new Error('harness was not started with Harness.start');
    this.transport = await Harness._listen(port, this._setup);
  }

  private static _listen(port: number, setup: ListenSetup): Promise<Transport> {
    const { sessions, devices, pairing, now, actionSecrets, overrides, reference, queues } = setup;
    return startTransport({
      host: '127.0.0.1',
      port,
      sessions,
      devices,
      pairing,
      adminSecret: ADMIN_SECRET,
      daemonVersion: '9.9.9',
      onPushToken(deviceId, registration) {
        if (registration.token === 'bad') throw new TetherError('INVALID_TOKEN', 'token has the wrong format');
        reference.harness?.pushTokens.push({ deviceId, registration });
        devices.add({ ...registration, device_id: registration.device_id ?? deviceId, owner_id: deviceId, registered_at: new Date(now.value).toISOString() });
      },
      onAppState: (report) => reference.harness?.appStates.push(report),
      onPushTest: async (deviceId) => {
        reference.harness?.pushTests.push(deviceId);
        return reference.harness?.pushTestResults ?? [];
      },
      log: (level, message, fields) => reference.harness?.logs.push({ level, message, ...(fields !== undefined ? { fields } : {}) }),
      now: () => now.value,
      queues,
      actionSecrets,
      onDidRemoveSession: (listener) => sessions.onDidRemoveSession(listener),
      ...overrides,
    });
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return this.transport.url;
  }

  /** `ws://127.0.0.1:<port>/ws`. */
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.transport.port}/ws`;
  }

  /**
   * Connects with `token` in the Authorization header (a native client) or in a first `auth`
   * frame (a browser). @throws on a refused handshake
   */
  async connect(token: string, via: 'header' | 'message' = 'header'): Promise<TestClient> {
    if (via === 'header') return this.track(await TestClient.connect(this.wsUrl, { authorization: `Bearer ${token}` }));
    const client = this.track(await TestClient.connect(this.wsUrl));
    client.send({ type: 'auth', token });
    return client;
  }

  /** Connects a freshly paired device (the phone's rights unless `scopes` says otherwise) and reads past welcome + sessions. */
  async connectDevice(scopes?: readonly Right[]): Promise<TestClient> {
    const { token } = this.devices.pair({ device_name: 'phone', ...(scopes !== undefined ? { scopes } : {}) });
    const client = await this.connect(token);
    await client.nextOfType('sessions');
    return client;
  }

  /** Closes `client` when the harness stops. */
  track(client: TestClient): TestClient {
    this._clients.push(client);
    return client;
  }

  /** POSTs JSON (strings are sent as they are). */
  post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.transport.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  /** Calls a REST route with JSON `body` (strings are sent as they are) and `token` as the bearer. */
  call(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<Response> {
    return fetch(`${this.transport.url}${path}`, {
      method,
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.token !== undefined ? { authorization: `Bearer ${options.token}` } : {}),
      },
      ...(options.body !== undefined ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) } : {}),
    });
  }

  /** Closes clients, the transport and the data dir. */
  async stop(): Promise<void> {
    await Promise.all(this._clients.splice(0).map((client) => client.close()));
    await this.transport.close();
    this.autoplay.dispose();
    this.queue.dispose();
    rmSync(this._dataDir, { recursive: true, force: true });
  }
}

/** A canned waiting_for_input event. */
export function waitingEvent(sessionId: string): WaitingForInputEvent {
  return {
    type: 'waiting_for_input',
    session_id: sessionId,
    seq: 3,
    timestamp: '2026-01-01T00:00:00.000Z',
    prompt_id: 'p1',
    wait_type: 'tool_approval',
    prompt_content: 'Run ls?',
    options: [{ id: '1', label: 'Yes' }],
    cli_type: 'claude',
  };
}
