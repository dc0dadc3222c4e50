// Tether's service worker: shows Web Push alerts with their action buttons, posts the chosen
// action to the daemon (POST /api/push/action, authenticated by the single-use secret the push
// carried in its encrypted payload, and this browser's subscription), closes
// notifications whose prompt was answered elsewhere, and opens the app on a tap. It caches
// nothing: every page needs the live daemon anyway.

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let message;
  try {
    message = event.data ? event.data.json() : undefined;
  } catch {
    message = undefined;
  }
  if (!message) return;
  if (message.type === 'waiting_cleared') {
    event.waitUntil(
      self.registration.getNotifications().then((list) => {
        for (const notification of list) if (notification.data && notification.data.prompt_id === message.prompt_id) notification.close();
      }),
    );
    return;
  }
  const body = [message.subtitle, message.body].filter(Boolean).join('\n');
  event.waitUntil(
    self.registration.showNotification(message.title || 'Tether', {
      body,
      tag: message.tag,
      renotify: true,
      requireInteraction: Boolean(message.requireInteraction),
      icon: '/icons/icon-192.png',
      badge: '/icons/badge-96.png',
      actions: (message.actions || []).map((action) => ({ action: action.action, title: action.title })),
      data: { ...(message.data || {}), actions: message.actions || [] },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  const notification = event.notification;
  const data = notification.data || {};
  notification.close();
  const chosen = (data.actions || []).find((action) => action.action === event.action);
  if (chosen && data.action_secret) {
    // The daemon applies the action only with this push's secret, once, for this subscription.
    event.waitUntil(
      self.registration.pushManager.getSubscription().then((subscription) => {
        if (!subscription) return undefined;
        return fetch('/api/push/action', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            action_secret: data.action_secret,
            device_token: subscription.endpoint,
            action: chosen.action,
            session_id: data.session_id,
            prompt_id: data.prompt_id,
          }),
        }).catch(() => undefined);
      }),
    );
    return;
  }
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const existing = windows.find((client) => new URL(client.url).origin === self.location.origin);
      if (existing) return existing.focus();
      return self.clients.openWindow('/phone');
    }),
  );
});
