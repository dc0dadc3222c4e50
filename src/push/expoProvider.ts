/**
 * Delivers to Expo push tokens through Expo's push service with expo-server-sdk: sends made in
 * the same tick go out together, cut into the SDK's chunks (`chunkPushNotifications`); each
 * ticket answers its send, and the receipts (Expo's word on the APNs/FCM hand-off) are fetched
 * later on an IClock timer. A `DeviceNotRegistered` receipt arrives after `send` returned, so it
 * is reported through `onTokenRemoved`. Source: Expo docs, "Sending notifications with Expo's
 * push API" (tickets, receipts, error codes, 4096-byte payload limit).
 */
import { Expo, type ExpoPushMessage, type ExpoPushReceipt, type ExpoPushTicket } from 'expo-server-sdk';
import { Emitter, type Event, type IClock, type IDisposable } from '../common/index.js';
import { systemClock } from '../core/index.js';
import type { PushRegistration } from '../store/types.js';
import { createExpoDispatcher, type ExpoDispatcher } from './expoDispatcher.js';
import { buildExpoMessage, buildExpoRetractMessage, classifyExpoError, classifyExpoTicket } from './expoPayload.js';
import { CLOSED_RESULT, DEFAULT_REQUEST_TIMEOUT_MS, localFailure, parseRetryAfter } from './providerHttp.js';
import type { IPushProvider, PushLog, PushNotification, PushResult, PushRetraction } from './types.js';

/** Expo's production host. */
export const EXPO_DEFAULT_BASE_URL = 'https://exp.host';
/** Expo: "wait at least 15 minutes" before fetching receipts (ms). */
export const EXPO_RECEIPT_DELAY_MS = 15 * 60 * 1000;
/** Receipts not ready (absent from the answer) or not fetched (network) are asked again this many times in all. */
const RECEIPT_ROUNDS = 3;

/** A token the push service reported gone after `send` returned. */
export interface TokenRemoval {
  readonly token: string;
  /** The provider's reason code (Expo `DeviceNotRegistered`). */
  readonly reason: string;
}

/** A provider that can report gone tokens later; the daemon wires it to `registry.removeToken`. */
export interface ITokenRemovalSource {
  readonly onTokenRemoved: Event<TokenRemoval>;
}

/** True when `provider` reports late token removals (Expo receipts). */
export function hasTokenRemovals(provider: IPushProvider): provider is IPushProvider & ITokenRemovalSource {
  return typeof (provider as Partial<ITokenRemovalSource>).onTokenRemoved === 'function';
}

/** Options for an ExpoProvider. */
export interface ExpoProviderOptions {
  /** Expo access token, when the project has enhanced push security on. */
  readonly accessToken?: string;
  /** Scheme, host and optional path (default https://exp.host); tests point it at a local mock. */
  readonly baseUrl?: string;
  /** Delay before fetching receipts (ms; default 15 min). */
  readonly receiptDelayMs?: number;
  /** How long one request may wait for its answer (ms; default 10 s). */
  readonly requestTimeoutMs?: number;
  /** The SDK retries a 429 twice with exponential backoff from this delay (ms; SDK default 1 s). */
  readonly rateLimitRetryMs?: number;
  /** Android notification channel (`channelId`). */
  readonly androidChannelId?: string;
  /** Schedules receipt checks; gives the time for expirations and Retry-After dates. */
  readonly clock?: IClock;
  readonly log?: PushLog;
}

interface QueuedSend {
  readonly message: ExpoPushMessage;
  readonly resolve: (result: PushResult) => void;
}

/** An IPushProvider for `expo` registrations. */
export class ExpoProvider implements IPushProvider, ITokenRemovalSource {
  readonly tokenType = 'expo' as const;
  private readonly _onTokenRemoved = new Emitter<TokenRemoval>();
  /** Fires for each `DeviceNotRegistered` receipt, minutes after the send. */
  readonly onTokenRemoved: Event<TokenRemoval> = this._onTokenRemoved.event;
  private readonly _clock: IClock;
  private readonly _dispatcher: ExpoDispatcher;
  private _queue: QueuedSend[] = [];
  private readonly _timers = new Set<IDisposable>();
  private _closed = false;

  /** @throws TypeError when `baseUrl` is not a URL */
  constructor(private readonly _options: ExpoProviderOptions = {}) {
    this._clock = _options.clock ?? systemClock;
    this._dispatcher = createExpoDispatcher(_options.baseUrl ?? EXPO_DEFAULT_BASE_URL, _options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
  }

  /** Sends one alert (batched with other sends of this tick). Never throws. */
  send(registration: PushRegistration, notification: PushNotification): Promise<PushResult> {
    return this._enqueue(() => buildExpoMessage(registration.token, notification, this._options.androidChannelId ?? 'tether_prompts'));
  }

  /** Sends a data-only `waiting_cleared` message (content-available); the app dismisses the prompt's notification. Never throws. */
  retract(registration: PushRegistration, retraction: PushRetraction): Promise<PushResult> {
    return this._enqueue(() => buildExpoRetractMessage(registration.token, retraction));
  }

  /** Cancels receipt checks and closes connections; later sends fail with `retryable: false`. */
  async close(): Promise<void> {
    this._closed = true;
    for (const timer of this._timers) timer.dispose();
    this._timers.clear();
    for (const queued of this._queue.splice(0)) queued.resolve(CLOSED_RESULT);
    this._onTokenRemoved.dispose();
    await this._dispatcher.destroy();
  }

  private _enqueue(build: () => ExpoPushMessage): Promise<PushResult> {
    if (this._closed) return Promise.resolve(CLOSED_RESULT);
    let message: ExpoPushMessage;
    try {
      message = build();
    } catch (err) {
      return Promise.resolve(localFailure(err));
    }
    return new Promise<PushResult>((resolve) => {
      this._queue.push({ message, resolve });
      // Sends made in one synchronous pass (the dispatcher's loop over devices) share a request.
      if (this._queue.length === 1) queueMicrotask(() => void this._flush());
    });
  }

  private async _flush(): Promise<void> {
    const batch = this._queue.splice(0);
    if (batch.length === 0) return;
    const chunks = this._client(() => {}).chunkPushNotifications(batch.map((queued) => queued.message));
    let offset = 0;
    await Promise.all(
      chunks.map((chunk) => {
        const entries = batch.slice(offset, offset + chunk.length);
        offset += chunk.length;
        return this._sendChunk(chunk, entries);
      }),
    );
  }

  private async _sendChunk(chunk: ExpoPushMessage[], entries: QueuedSend[]): Promise<void> {
    let retryAfter: string | undefined;
    let tickets: ExpoPushTicket[];
    try {
      tickets = await this._client((value) => (retryAfter = value)).sendPushNotificationsAsync(chunk);
    } catch (err) {
      const result = this._closed ? CLOSED_RESULT : classifyExpoError(err, parseRetryAfter(retryAfter, this._clock.now()));
      for (const entry of entries) entry.resolve(result);
      return;
    }
    const receipts = new Map<string, string>();
    entries.forEach((entry, index) => {
      const ticket = tickets[index];
      if (ticket.status === 'ok') receipts.set(ticket.id, String(entry.message.to));
      entry.resolve(classifyExpoTicket(ticket));
    });
    if (receipts.size > 0) this._scheduleReceipts(receipts, 1);
  }

  private _scheduleReceipts(receipts: Map<string, string>, round: number): void {
    if (this._closed) return;
    const timer = this._clock.setTimeout(() => {
      this._timers.delete(timer);
      void this._checkReceipts(receipts, round);
    }, this._options.receiptDelayMs ?? EXPO_RECEIPT_DELAY_MS);
    this._timers.add(timer);
  }

  /** Fetches receipts; fires `onTokenRemoved` for DeviceNotRegistered, asks again for missing ones. */
  private async _checkReceipts(receipts: Map<string, string>, round: number): Promise<void> {
    const client = this._client(() => {});
    const again = new Map<string, string>();
    for (const ids of client.chunkPushNotificationReceiptIds([...receipts.keys()])) {
      let answers: Record<string, ExpoPushReceipt>;
      try {
        answers = await client.getPushNotificationReceiptsAsync(ids);
      } catch (err) {
        if (this._closed) return;
        this._options.log?.('warn', 'expo receipts fetch failed', { reason: err instanceof Error ? err.message : String(err), round });
        for (const id of ids) again.set(id, receipts.get(id)!);
        continue;
      }
      for (const id of ids) {
        const receipt = answers[id];
        const token = receipts.get(id)!;
        if (receipt === undefined) again.set(id, token);
        else if (receipt.status === 'error') this._onReceiptError(token, receipt);
      }
    }
    if (again.size > 0 && round < RECEIPT_ROUNDS) this._scheduleReceipts(again, round + 1);
  }

  private _onReceiptError(token: string, receipt: Extract<ExpoPushReceipt, { status: 'error' }>): void {
    if (this._closed) return;
    const reason = receipt.details?.error ?? 'unknown';
    if (reason === 'DeviceNotRegistered') {
      this._onTokenRemoved.fire({ token, reason });
      return;
    }
    this._options.log?.('warn', 'expo receipt error', { reason, message: receipt.message, token: token.slice(0, 24) });
  }

  /** An SDK client whose requests go through our dispatcher and report Retry-After to `observe`. */
  private _client(observe: (retryAfter: string) => void): Expo {
    return new Expo({
      httpAgent: this._dispatcher.forRequest(observe),
      ...(this._options.accessToken === undefined ? {} : { accessToken: this._options.accessToken }),
      ...(this._options.rateLimitRetryMs === undefined ? {} : { retryMinTimeout: this._options.rateLimitRetryMs }),
    });
  }
}
