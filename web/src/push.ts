/**
 * Web Push for the phone view: registers the service worker, and on a secure origin (https or
 * localhost) subscribes with the daemon's VAPID key (`GET /api/push/vapid-public-key`) and
 * registers the subscription with `register_push_token` (token_type "webpush"). Without the
 * key, without PushManager, or on plain http over the LAN it reports why and does nothing.
 */
import type { Connection } from './connection.js';

/** Why push is (un)available here. */
export type PushSupport = 'ready' | 'insecure' | 'unsupported' | 'no-key' | 'denied';

/** Registers `/sw.js` when the browser allows it (secure contexts only). @throws never */
export async function registerServiceWorker(): Promise<ServiceWorkerRegistration | undefined> {
  if (!window.isSecureContext || !('serviceWorker' in navigator)) return undefined;
  try {
    return await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  } catch {
    return undefined;
  }
}

async function vapidKey(): Promise<string | undefined> {
  try {
    const response = await fetch('/api/push/vapid-public-key', { cache: 'no-store' });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { public_key?: string; publicKey?: string };
    return body.public_key ?? body.publicKey;
  } catch {
    return undefined;
  }
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** Whether the enable button can work here, before asking for permission. */
export function pushSupport(): PushSupport {
  if (!window.isSecureContext) return 'insecure';
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  return 'ready';
}

/** Asks for permission, subscribes and registers the subscription with the daemon. @throws never */
export async function enablePush(connection: Connection): Promise<PushSupport> {
  const support = pushSupport();
  if (support !== 'ready') return support;
  const key = await vapidKey();
  if (key === undefined) return 'no-key';
  if ((await Notification.requestPermission()) !== 'granted') return 'denied';
  const registration = await registerServiceWorker();
  if (registration === undefined) return 'unsupported';
  try {
    const subscription =
      (await registration.pushManager.getSubscription()) ??
      (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) }));
    await connection.request({ type: 'register_push_token', token: JSON.stringify(subscription.toJSON()), token_type: 'webpush', platform: 'web' });
    return 'ready';
  } catch {
    return 'unsupported';
  }
}

/**
 * Registers the current subscription again (the browser may have rotated it; the daemon
 * replaces the old one), when notifications are already on. Called whenever the app becomes
 * active. @throws never
 */
export async function refreshPushRegistration(connection: Connection): Promise<void> {
  if (pushSupport() !== 'ready' || Notification.permission !== 'granted') return;
  try {
    const registration = await navigator.serviceWorker.getRegistration('/');
    const subscription = await registration?.pushManager.getSubscription();
    if (subscription == null) return;
    await connection.request({ type: 'register_push_token', token: JSON.stringify(subscription.toJSON()), token_type: 'webpush', platform: 'web' });
  } catch {
    // Offline or refused: the next activation tries again.
  }
}
