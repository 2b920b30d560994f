import { Link, useLocationPath } from '../router';
import { setLang, useLang, useT } from '../i18n';

/** The top bar every screen shares: brand, the two apps, and the language switch. */
export function Header() {
  const t = useT();
  const lang = useLang();
  const { pathname } = useLocationPath();
  const inStore = pathname.startsWith('/store');
  return (
    <header className="app-header">
      <Link href="/" className="brand">
        <span className="brand-mark" aria-hidden="true">
          結
        </span>
        Musubi
      </Link>
      <nav className="app-nav" aria-label={t('nav.label')}>
        <Link href="/" aria-current={!inStore ? 'page' : undefined}>
          {t('nav.shop')}
        </Link>
        <Link href="/store" aria-current={inStore ? 'page' : undefined}>
          {t('nav.store')}
        </Link>
      </nav>
      <div className="lang-switch" role="group" aria-label={t('nav.language')}>
        <button type="button" aria-pressed={lang === 'ja'} onClick={() => setLang('ja')} lang="ja">
          日本語
        </button>
        <button type="button" aria-pressed={lang === 'en'} onClick={() => setLang('en')} lang="en">
          English
        </button>
      </div>
    </header>
  );
}
