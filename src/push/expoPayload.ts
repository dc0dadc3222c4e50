/**
 * Expo push messages for a notification or a retraction, kept within Expo's 4096-byte payload
 * limit, and the classification of Expo's tickets and request errors into `PushResult`s.
 * Source: Expo docs, "Sending notifications with Expo's push API" (message fields, "Push
 * tickets", "Individual errors": DeviceNotRegistered, MessageTooBig, MessageRateExceeded,
 * MismatchSenderId, InvalidCredentials).
 */
import type { ExpoPushMessage, ExpoPushTicket } from 'expo-server-sdk';
import { BugError } from '../common/index.js';
import { httpFailure, transportFailure } from './providerHttp.js';
import { fitToBytes } from './text.js';
import type { PushNotification, PushResult, PushRetraction } from './types.js';

/** Expo's limit for a message (iOS and Android), in bytes of UTF-8 JSON. */
export const EXPO_MAX_PAYLOAD_BYTES = 4096;

/** Ticket/receipt error codes after which the token can never work again. */
const TOKEN_GONE = new Set(['DeviceNotRegistered']);
/** Ticket error codes worth a later resend. */
const RETRYABLE = new Set(['MessageRateExceeded', 'ExpoError', 'ProviderError']);

function bytes(message: ExpoPushMessage): number {
  return Buffer.byteLength(JSON.stringify(message), 'utf8');
}

/**
 * Builds the alert: title, subtitle (iOS), body, `data` (the app's data plus the category),
 * `categoryId` for the action buttons, priority, interruption level and expiration. Cuts the
 * body, then the subtitle, then the title (at character boundaries) to fit 4096 bytes.
 * @throws BugError when the message is too big even with empty texts
 */
export function buildExpoMessage(token: string, notification: PushNotification, channelId: string): ExpoPushMessage {
  const build = (title: string, subtitle: string, body: string): ExpoPushMessage => ({
    to: token,
    title,
    subtitle,
    body,
    data: { ...notification.data, category: notification.category },
    categoryId: notification.category,
    sound: 'default',
    priority: notification.priority,
    interruptionLevel: notification.urgency,
    channelId,
    mutableContent: true,
    expiration: Math.floor(notification.expiresAt / 1000),
  });
  let texts = { title: notification.title, subtitle: notification.subtitle, body: notification.body };
  let message = build(texts.title, texts.subtitle, texts.body);
  for (const field of ['body', 'subtitle', 'title'] as const) {
    if (bytes(message) <= EXPO_MAX_PAYLOAD_BYTES) return message;
    const current = texts;
    const fitted = fitToBytes(current[field], EXPO_MAX_PAYLOAD_BYTES, (candidate) => {
      const next = { ...current, [field]: candidate };
      return bytes(build(next.title, next.subtitle, next.body));
    });
    texts = { ...current, [field]: fitted };
    message = build(texts.title, texts.subtitle, texts.body);
  }
  if (bytes(message) > EXPO_MAX_PAYLOAD_BYTES) throw new BugError(`Expo payload is ${bytes(message)} bytes with empty texts`);
  return message;
}

/** Builds the data-only, content-available message that tells the app to dismiss a prompt's notification. */
export function buildExpoRetractMessage(token: string, retraction: PushRetraction): ExpoPushMessage {
  return {
    to: token,
    data: { ...retraction.aliases, type: 'waiting_cleared', session_id: retraction.session_id, prompt_id: retraction.prompt_id },
    priority: 'normal',
    _contentAvailable: true,
  };
}

/**
 * Maps one push ticket: `ok` → sent (the receipt may still report a failure later);
 * `DeviceNotRegistered` → token_removed; rate and service errors retryable; others
 * (MessageTooBig, InvalidCredentials, MismatchSenderId, DeveloperError) not.
 */
export function classifyExpoTicket(ticket: ExpoPushTicket): PushResult {
  if (ticket.status === 'ok') return { status: 'sent' };
  const reason = ticket.details?.error ?? 'unknown';
  if (TOKEN_GONE.has(reason)) return { status: 'token_removed', reason };
  return { status: 'failed', reason, retryable: RETRYABLE.has(reason) };
}

/**
 * Maps an error thrown by the SDK for a whole request: with an HTTP status, 429/5xx are
 * retryable (the SDK already retried a 429 twice); without one it is a transport failure
 * (undici's header/body timeouts become `timeout`).
 * @param retryAfterMs the last answer's Retry-After, already parsed
 */
export function classifyExpoError(err: unknown, retryAfterMs: number | undefined): PushResult {
  const error = err as { statusCode?: unknown; code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  if (typeof error?.statusCode === 'number') {
    const reason = typeof error.code === 'string' ? error.code : `HTTP ${error.statusCode}`;
    return httpFailure(error.statusCode, reason, retryAfterMs);
  }
  const cause = String(error?.cause?.code ?? '');
  if (cause === 'UND_ERR_HEADERS_TIMEOUT' || cause === 'UND_ERR_BODY_TIMEOUT') return { status: 'failed', reason: 'timeout', retryable: true };
  const detail = error?.cause?.message ?? error?.message;
  return transportFailure(new Error(typeof detail === 'string' ? detail : String(err)));
}
