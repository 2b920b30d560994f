import { useRegisterSW } from 'virtual:pwa-register/react';
import { useT } from './i18n';

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
