/**
 * Checks the format of a push token before it is stored, per provider, so a typo or a token
 * of the wrong kind is refused at registration rather than failing every later push.
 * Sources: Apple "Registering your app with APNs" (opaque device token, hex-encoded by apps),
 * Firebase "FCM registration token", Expo push token format, W3C Push API PushSubscription JSON.
 */
import { TetherError } from '../common/index.js';
import type { RegistrationTokenType } from '../store/types.js';

/** APNs tokens are 32 bytes today; Apple warns the length may grow, so allow up to 100 bytes. */
const APNS_TOKEN = /^(?:[0-9a-fA-F]{2}){32,100}$/;
/** FCM registration tokens are opaque URL-safe strings of about 150–200 characters. */
const FCM_TOKEN = /^[A-Za-z0-9_:\-.]{32,4096}$/;
/** Expo tokens look like `ExponentPushToken[xxxx]` (older) or `ExpoPushToken[xxxx]`. */
const EXPO_TOKEN = /^Expo(?:nent)?PushToken\[[^\]\s]{1,200}\]$/;
/** A Web Push subscription (JSON) is a few hundred bytes; refuse anything absurd. */
const MAX_WEBPUSH_BYTES = 4096;

/**
 * Validates a push token for its provider.
 * @throws TetherError INVALID_TOKEN when the token does not have the provider's format
 */
export function validatePushToken(tokenType: RegistrationTokenType, token: string): void {
  const ok = (() => {
    switch (tokenType) {
      case 'apns':
      case 'live_activity':
        // A Live Activity push token is an APNs token too (ActivityKit `pushToken`, hex-encoded).
        return APNS_TOKEN.test(token);
      case 'fcm':
        return FCM_TOKEN.test(token);
      case 'expo':
        return EXPO_TOKEN.test(token);
      case 'webpush':
        return isWebPushSubscription(token);
      default:
        return false;
    }
  })();
  if (!ok) throw new TetherError('INVALID_TOKEN', `not a valid ${String(tokenType)} push token`);
}

/** A PushSubscription's JSON: an https endpoint and the p256dh and auth keys. */
function isWebPushSubscription(token: string): boolean {
  if (token.length > MAX_WEBPUSH_BYTES) return false;
  try {
    const value = JSON.parse(token) as { endpoint?: unknown; keys?: { p256dh?: unknown; auth?: unknown } };
    return (
      typeof value.endpoint === 'string' &&
      value.endpoint.startsWith('https://') &&
      typeof value.keys?.p256dh === 'string' &&
      typeof value.keys?.auth === 'string'
    );
  } catch {
    return false;
  }
}
