import { useEffect, type ReactNode } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { useT } from '../shared/i18n';
import { Link, navigate, useLocationPath } from '../shared/router';
import { Button } from '../shared/ui';
import { isChainWide, signOut, type Session } from '../shared/staff-session';
import { isAnalyticsPath, isSettingsPath, SubNav } from './AnalyticsNav';

/** The bar above the head-office screens; only owner and hq get past it. */
export function HqLayout({ session, children }: { session: Session; children: ReactNode }) {
  const t = useT();
  const queryClient = useQueryClient();
  const { pathname } = useLocationPath();
  const tabs = [
    { href: '/hq/analytics', label: t('hq.tab.analytics'), current: isAnalyticsPath(pathname) },
    {
      href: '/hq/customers',
      label: t('hq.tab.customers'),
      current: pathname.startsWith('/hq/customers') && pathname !== '/hq/customers/duplicates',
    },
    {
      href: '/hq/customers/duplicates',
      label: t('hq.tab.duplicates'),
      current: pathname === '/hq/customers/duplicates',
    },
    { href: '/hq/orders', label: t('hq.tab.orders'), current: pathname.startsWith('/hq/orders') },
    { href: '/hq/products', label: t('hq.tab.products'), current: pathname.startsWith('/hq/products') },
    { href: '/hq/catalog', label: t('hq.tab.catalog'), current: pathname === '/hq/catalog' },
    { href: '/hq/reviews', label: t('hq.tab.reviews'), current: pathname.startsWith('/hq/reviews') },
    { href: '/hq/promotions', label: t('hq.tab.promotions'), current: pathname.startsWith('/hq/promotions') },
    { href: '/hq/segments', label: t('hq.tab.segments'), current: pathname.startsWith('/hq/segments') },
    { href: '/hq/campaigns', label: t('hq.tab.campaigns'), current: pathname.startsWith('/hq/campaigns') },
    { href: '/hq/deliveries', label: t('hq.tab.deliveries'), current: pathname.startsWith('/hq/deliveries') },
    { href: '/hq/stores', label: t('hq.tab.settings'), current: isSettingsPath(pathname) },
  ];
  // On a phone the tabs scroll sideways: keep the current one in sight.
  useEffect(() => {
    document
      .querySelector('.hq-shell .store-tabs a[aria-current="page"]')
      ?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [pathname]);
  const logout = useMutation({
    mutationFn: () => call(api.POST('/api/auth/logout')),
    onSettled: () => {
      signOut();
      queryClient.clear();
      navigate('/store/login', { replace: true });
    },
  });

  return (
    <div className="store-shell hq-shell">
      <div className="store-bar">
        <div className="store-where">
          <span className="store-current">{t('nav.hq')}</span>
        </div>
        <nav className="store-tabs" aria-label={t('hq.bar.label')}>
          {tabs.map((tab) => (
            <Link key={tab.href} href={tab.href} aria-current={tab.current ? 'page' : undefined}>
              {tab.label}
            </Link>
          ))}
        </nav>
        <div className="store-who">
          <span>{session.staff.name}</span>
          <Link href="/store/security" className="store-change">
            {t('store.totp.menu')}
          </Link>
          <Button variant="ghost" onClick={() => logout.mutate()} busy={logout.isPending}>
            {t('store.bar.logout')}
          </Button>
        </div>
      </div>
      {isChainWide(session) ? (
        <>
          <SubNav session={session} />
          {children}
        </>
      ) : (
        <main className="page narrow">
          <p className="banner banner-info">{t('hq.forbidden')}</p>
          <Link href="/store">{t('hq.forbiddenBack')}</Link>
        </main>
      )}
    </div>
  );
}
