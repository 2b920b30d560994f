import { Link, useLocationPath } from '../router';
import { setLang, useLang, useT } from '../i18n';
import { itemCount, useCart } from '../cart';
import { UnreadBadge, useUnreadNotices } from '../customer/unread';

/**
 * The top bar every screen shares: brand, the apps, and the language switch. A shopper sees her shop only
 * (ショップ, カート, マイページ); staff reach /store and /hq by their own address, and there the bar links the
 * two staff apps instead.
 */
export function Header() {
  const t = useT();
  const lang = useLang();
  const { pathname } = useLocationPath();
  // /stores is the shop's store list, not the store app (/store, /store/…).
  const app =
    pathname === '/store' || pathname.startsWith('/store/')
      ? 'store'
      : pathname.startsWith('/hq')
        ? 'hq'
        : pathname.startsWith('/account')
          ? 'account'
          : pathname.startsWith('/stores')
            ? 'stores'
            : 'shop';
  const staff = app === 'store' || app === 'hq';
  const current = (a: typeof app) => (app === a && pathname !== '/shop/cart' ? 'page' : undefined);
  return (
    <header className="app-header">
      <Link href={staff ? '/store' : '/'} className="brand">
        <span className="brand-mark" aria-hidden="true">
          結
        </span>
        Musubi
      </Link>
      <nav className="app-nav" aria-label={t('nav.label')}>
        {staff ? (
          <>
            <Link href="/store" aria-current={current('store')}>
              {t('nav.store')}
            </Link>
            <Link href="/hq/customers" aria-current={current('hq')}>
              {t('nav.hq')}
            </Link>
          </>
        ) : (
          <>
            <Link href="/" aria-current={current('shop')}>
              {t('nav.shop')}
            </Link>
            <Link href="/stores" aria-current={pathname.startsWith('/stores') ? 'page' : undefined}>
              {t('nav.stores')}
            </Link>
            <CartLink current={pathname === '/shop/cart' ? 'page' : undefined} />
            <AccountLink current={current('account')} />
          </>
        )}
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

/** カート (n): the shopper's cart, from any page. */
function CartLink({ current }: { current: 'page' | undefined }) {
  const t = useT();
  const n = itemCount(useCart().data);
  return (
    <Link href="/shop/cart" aria-current={current} data-testid="cart-link" data-count={n}>
      {n > 0 ? t('nav.cartCount', { n }) : t('nav.cart')}
    </Link>
  );
}

/** マイページ, with the count of unread notices when she has any (one light query, asked again on focus). */
function AccountLink({ current }: { current: 'page' | undefined }) {
  const t = useT();
  const unread = useUnreadNotices();
  return (
    <Link href="/account" aria-current={current} data-testid="account-link">
      {t('nav.account')}
      <UnreadBadge n={unread} />
    </Link>
  );
}
