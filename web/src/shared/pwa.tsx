import { useRegisterSW } from 'virtual:pwa-register/react';
import { useEffect } from 'react';
import { useT } from './i18n';

/**
 * Three apps to install from one site: the shop (manifest.webmanifest), 店舗 (/store) and 本部 (/hq), each
 * with its own name, start page and scope. The service worker serves the same shell everywhere, so the page
 * links the manifest for where it is: public/manifest-link.js as the page is read (mapping paths as this does),
 * and useAppManifest on a navigation inside the app.
 */
export function manifestFor(path: string): string {
  if (path === '/store' || path.startsWith('/store/')) return '/store.webmanifest';
  if (path === '/hq' || path.startsWith('/hq/')) return '/hq.webmanifest';
  return '/manifest.webmanifest';
}

export function useAppManifest(path: string): void {
  const href = manifestFor(path);
  useEffect(() => {
    const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
    if (!link || link.getAttribute('href') === href) return;
    // A new element rather than a changed href: the browser reads a newly inserted manifest link at once.
    const next = document.createElement('link');
    next.rel = 'manifest';
    next.href = href;
    link.replaceWith(next);
  }, [href]);
}

/**
 * The installable app's service worker (src/sw.ts), registered once the page has loaded. A new version is
 * never applied by itself — a till mid-sale must not reload — but announced at the foot of every screen:
 * 「新しいバージョンがあります」 with 更新する (the new worker takes over and the page reloads) or あとで.
 */
export function UpdateBanner() {
  const t = useT();
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW({ immediate: true });
  if (!needRefresh) return null;
  return (
    <div className="update-banner" role="status" aria-live="polite">
      <p>{t('pwa.update')}</p>
      <button type="button" className="primary" onClick={() => void updateServiceWorker(true)}>
        {t('pwa.reload')}
      </button>
      <button type="button" onClick={() => setNeedRefresh(false)}>
        {t('pwa.later')}
      </button>
    </div>
  );
}
