// Which app this page installs as, linked while the page is still being read. The shell is the same
// everywhere (the service worker answers every page with it), so the HTML carries no manifest link: this
// links the shop's, or 店舗's at /store, or 本部's at /hq — one link, the right one, from the start (a link
// swapped afterwards can leave Chromium with the first manifest it fetched). Navigations inside the app swap
// it (src/shared/pwa.tsx, useAppManifest, which maps paths alike).
(function () {
  var path = location.pathname;
  var href = '/manifest.webmanifest';
  if (path === '/store' || path.indexOf('/store/') === 0) href = '/store.webmanifest';
  else if (path === '/hq' || path.indexOf('/hq/') === 0) href = '/hq.webmanifest';
  var link = document.createElement('link');
  link.rel = 'manifest';
  link.href = href;
  document.head.appendChild(link);
})();
