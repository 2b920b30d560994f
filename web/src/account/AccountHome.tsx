import { useMutation, useQuery } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { CustomerSession } from '../shared/api/types';
import { formatPoints } from '../shared/format';
import { useLang, useT, type MessageKey } from '../shared/i18n';
import { Link, navigate } from '../shared/router';
import { Button, TierBadge } from '../shared/ui';
import { customerSignOut } from '../shared/customer/session';
import { UnreadBadge, useUnreadNotices } from '../shared/customer/unread';
import { TierProgress } from '../shared/customer/Balances';
import { useAccount } from './useAccount';

const menu: { href: string; title: MessageKey; hint: MessageKey }[] = [
  { href: '/account/card', title: 'account.menu.card', hint: 'account.menu.cardHint' },
  { href: '/shop/scan', title: 'scanGo.title', hint: 'scanGo.menuHint' },
  { href: '/account/inbox', title: 'account.menu.inbox', hint: 'account.menu.inboxHint' },
  { href: '/account/coupons', title: 'account.menu.coupons', hint: 'account.menu.couponsHint' },
  { href: '/account/orders', title: 'order.mine', hint: 'account.menu.ordersHint' },
  { href: '/account/appointments', title: 'account.menu.appointments', hint: 'account.menu.appointmentsHint' },
  { href: '/account/favourites', title: 'account.menu.favourites', hint: 'account.menu.favouritesHint' },
  { href: '/account/reviews', title: 'account.menu.reviews', hint: 'account.menu.reviewsHint' },
  { href: '/account/points', title: 'account.menu.points', hint: 'account.menu.pointsHint' },
  { href: '/account/wallet', title: 'account.menu.wallet', hint: 'account.menu.walletHint' },
  { href: '/account/addresses', title: 'account.menu.addresses', hint: 'account.menu.addressesHint' },
  { href: '/account/pin', title: 'account.menu.pin', hint: 'account.menu.pinHint' },
  { href: '/account/devices', title: 'account.menu.devices', hint: 'account.menu.devicesHint' },
  { href: '/account/consents', title: 'account.menu.consents', hint: 'account.menu.consentsHint' },
  { href: '/account/privacy', title: 'account.menu.privacy', hint: 'account.menu.privacyHint' },
];

/** /account — マイページ: who I am, my points at a glance, and the way to everything else. */
export function AccountHome({ session }: { session: CustomerSession }) {
  const t = useT();
  const lang = useLang();
  const c = useAccount(session);
  const unread = useUnreadNotices();
  const loyalty = useQuery({ queryKey: ['account', 'loyalty'], queryFn: () => call(api.GET('/api/account/loyalty')) });
  const logout = useMutation({
    mutationFn: () => call(api.POST('/api/customer-auth/logout')),
    // Leave even if the server could not be told: the token is dropped here either way (and with it the cache, see App).
    onSettled: () => {
      customerSignOut();
      navigate('/shop', { replace: true });
    },
  });

  return (
    <main className="page narrow account">
      <section className="card account-summary" aria-labelledby="account-name">
        <div className="section-head">
          <h1 id="account-name">{t('account.home.hello', { name: c.name ?? '' })}</h1>
          <TierBadge tier={loyalty.data?.tier ?? c.tier} />
        </div>
        <dl className="facts">
          <dt>{t('account.home.memberNumber')}</dt>
          <dd className="mono">{c.memberNumber}</dd>
          {loyalty.data && (
            <>
              <dt>{t('account.home.points')}</dt>
              <dd className="account-points">{formatPoints(loyalty.data.balance, lang)}</dd>
            </>
          )}
        </dl>
        {loyalty.data && <TierProgress loyalty={loyalty.data} />}
        <Link href="/account/card" className="btn btn-primary btn-lg account-card-button">
          {t('account.menu.card')}
        </Link>
      </section>

      <nav aria-label={t('account.nav.label')}>
        <ul className="menu-list">
          {menu.map((m) => (
            <li key={m.href}>
              <Link href={m.href} className="menu-item">
                <span className="menu-title">
                  {t(m.title)}
                  {m.href === '/account/inbox' && <UnreadBadge n={unread} />}
                </span>
                <span className="muted small">{t(m.hint)}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="more">
        <Button variant="ghost" onClick={() => logout.mutate()} busy={logout.isPending}>
          {t('account.menu.logout')}
        </Button>
      </div>
    </main>
  );
}
