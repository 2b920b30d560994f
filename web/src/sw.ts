/// <reference lib="webworker" />
/**
 * Musubi's service worker (scope /), built by vite-plugin-pwa (injectManifest): the app shell and its
 * assets precached, so the shop, the account and the store screens load without the network (the till
 * keeps selling offline); every page of the app answered from the cached index.html when offline; the
 * API never cached here (its answers are live). A new version waits until the page says so (the page
 * shows 「新しいバージョンがあります」 and the clerk updates between sales), never mid-sale.
 * Also Web Push: a campaign's message shown, a tap opening its link on this site.
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope;

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// The app's own pages (as the server answers them with index.html): /, /shop…, /stores…, /account…, /store…, /hq….
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), {
    allowlist: [/^\/$/, /^\/(shop|stores|account|store|hq)(\/[^.]*)?$/],
  }),
);

// The first worker takes the page that installed it at once (it can then reload offline); a later one only
// once the page said so (SKIP_WAITING) and reloads.
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

self.addEventListener('push', (event) => {
  let message: { title?: string; body?: string; tag?: string; url?: string } = {};
  try {
    message = event.data ? (event.data.json() as typeof message) : {};
  } catch {
    message = { title: 'Musubi', body: event.data ? event.data.text() : '' };
  }
  event.waitUntil(
    self.registration.showNotification(message.title || 'Musubi', {
      body: message.body || '',
      ...(message.tag ? { tag: message.tag } : {}),
      icon: '/push-icon.svg',
      lang: 'ja',
      data: { url: message.url || '/account/inbox' },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL((event.notification.data as { url?: string } | null)?.url || '/', self.location.origin);
  // Only this site's pages: a payload can never send her elsewhere.
  if (target.origin !== self.location.origin) return;
  event.waitUntil(self.clients.openWindow(target.href).then(() => undefined));
});
