/**
 * The dispatcher's calls into providers and the registry, made safe: a send that throws
 * becomes a failed result, a retraction is logged whatever happens, and removing a token the
 * provider reported gone never throws.
 */
import type { IPushRegistry, PushRegistration } from '../store/types.js';
import type { IPushProvider, PushLog, PushNotification, PushResult, PushRetraction } from './types.js';

/** Sends one notification; never rejects (no provider or a throw → failed, not retryable). */
export async function sendSafely(provider: IPushProvider | undefined, registration: PushRegistration, notification: PushNotification): Promise<PushResult> {
  if (provider === undefined) return { status: 'failed', reason: 'no provider', retryable: false };
  try {
    return await provider.send(registration, notification);
  } catch (err) {
    return { status: 'failed', reason: `provider threw: ${String(err)}`, retryable: false };
  }
}

/**
 * Removes a delivered notification of a prompt from one registration and logs the outcome;
 * resolves at once when the provider cannot retract. Never rejects.
 */
export async function retractSafely(provider: IPushProvider | undefined, registration: PushRegistration, retraction: PushRetraction, log: PushLog): Promise<void> {
  if (provider?.retract === undefined) return;
  const fields = { session_id: retraction.session_id, prompt_id: retraction.prompt_id, device_id: registration.device_id, provider: registration.token_type };
  try {
    const result = await provider.retract(registration, retraction);
    log(result.status === 'sent' ? 'info' : 'warn', `push retracted: ${result.status}`, { ...fields, ...result });
  } catch (err) {
    log('error', 'push retraction threw', { ...fields, error: String(err) });
  }
}

/** Drops a token a provider reported gone (at once, or later like Expo receipts). @throws never */
export function removeTokenSafely(registry: IPushRegistry, token: string, reason: string, log: PushLog): void {
  const gone = registry.list().find((registration) => registration.token === token);
  try {
    registry.removeToken(token);
    if (gone !== undefined) log('info', 'push token removed', { device_id: gone.device_id, provider: gone.token_type, reason });
  } catch (err) {
    log('error', 'could not remove push token', { device_id: gone?.device_id, error: String(err) });
  }
}

/** Sets a registration's badge (APNs) and logs the outcome; resolves at once when the provider cannot. Never rejects. */
export async function setBadgeSafely(provider: IPushProvider | undefined, registration: PushRegistration, badge: number, log: PushLog): Promise<void> {
  if (provider?.setBadge === undefined) return;
  const fields = { device_id: registration.device_id, provider: registration.token_type, badge };
  try {
    const result = await provider.setBadge(registration, badge);
    log(result.status === 'sent' ? 'info' : 'warn', `push badge set: ${result.status}`, { ...fields, ...result });
  } catch (err) {
    log('error', 'push badge threw', { ...fields, error: String(err) });
  }
}
