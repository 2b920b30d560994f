/* Musubi's Web Push service worker (registered by マイページ → お知らせの設定, scope /).
 * Shows a campaign's message (title, body) and opens its link on a tap; the link is this site's
 * click-through (/api/r?t=…), which counts the tap and sends her on to the page. Kept small on purpose:
 * a later PWA worker will take these two handlers over. */
self.addEventListener('push', (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = { title: 'Musubi', body: event.data ? event.data.text() : '' };
  }
  const title = message.title || 'Musubi';
  event.waitUntil(
    self.registration.showNotification(title, {
      body: message.body || '',
      tag: message.tag || undefined,
      icon: '/push-icon.svg',
      lang: 'ja',
      data: { url: message.url || '/account/inbox' },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url || '/', self.location.origin);
  // Only this site's pages: a payload can never send her elsewhere.
  if (target.origin !== self.location.origin) return;
  event.waitUntil(self.clients.openWindow(target.href));
});
