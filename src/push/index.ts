/**
 * The push zone: turns session events into phone notifications. Imports common, store and the
 * core session contract only (never transport). The daemon wires `PushDispatcher` to sessions,
 * the device store and `createPushProviders(config.push)`.
 */
export * from './types.js';
export { PushDispatcher, shouldPush, type PushDispatcherOptions } from './pushDispatcher.js';
export { PresenceTracker, WATCH_WINDOW_MS, isInQuietHours, mergePreferences, preferenceSuppression } from './pushRules.js';
export { DeliveryQueue, RATE_WINDOW_MS } from './deliveryQueue.js';
export { backoffDelayMs, isRetryableFailure, nextRetryDelayMs, RETRY_BASE_DELAY_MS, RETRY_MAX_DELAY_MS } from './retryPolicy.js';
export {
  LiveActivityUpdater,
  LIVE_ACTIVITY_THROTTLE_MS,
  LIVE_ACTIVITY_STALE_MS,
  LIVE_ACTIVITY_DISMISSAL_MS,
  type ActivityReport,
  type ISessionActivitySource,
} from './liveActivities.js';
export { PushHistory, historyPath, PUSH_HISTORY_FILE, PUSH_HISTORY_LIMIT, deliveryResultOf, type PushDeliveryReport } from './deliveryReport.js';
export { createPushProviders, vapidPublicKeyOf, type CreatePushProvidersOptions } from './createPushProviders.js';
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
