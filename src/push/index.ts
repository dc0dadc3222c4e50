/**
 * The push zone: turns session events into phone notifications. Imports common, store and the
 * core session contract only (never transport). The daemon wires `PushDispatcher` to sessions,
 * the device store and `createPushProviders(config.push)`.
 */
export * from './types.js';
export { PushDispatcher, shouldPush, RETRY_DELAYS_MS, type PushDispatcherOptions } from './pushDispatcher.js';
export { createPushProviders, type CreatePushProvidersOptions } from './createPushProviders.js';
export { ApnsProvider, type ApnsEnvironment, type ApnsProviderOptions } from './apnsProvider.js';
export { buildApnsPayload, payloadBytes, APNS_MAX_PAYLOAD_BYTES, type ApnsPayload, type ApnsAlert } from './apnsPayload.js';
export { classifyApnsFailure, type ApnsFailure } from './apnsResult.js';
export {
  buildPushNotification,
  cliDisplayName,
  PUSH_EXPIRATION_MS,
  type NotificationContext,
  type PushContent,
} from './notification.js';
export { validatePushToken } from './pushToken.js';
