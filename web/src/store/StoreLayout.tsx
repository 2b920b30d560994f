import type { ReactNode } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { useLang, useT } from '../shared/i18n';
import { Link, navigate, useLocationPath } from '../shared/router';
import { Button } from '../shared/ui';
import { locationName, useLocations } from '../shared/locations';
import { signOut, type Session } from '../shared/staff-session';
import { useTillSync } from './till/offline-sync';
import { OperatorSwitch } from './till/OperatorSwitch';

/** The bar above every store screen: which store, the tasks, who is signed in, log out. */
export function StoreLayout({
  session,
  locationId,
  children,
}: {
  session: Session;
  locationId: string;
  children: ReactNode;
}) {
  const t = useT();
  const lang = useLang();
  const queryClient = useQueryClient();
  const { pathname } = useLocationPath();
  const store = useLocations().data?.find((l) => l.id === locationId);
  // Sales rung up offline are sent from whichever store screen is open; the till's tab counts them.
  const sync = useTillSync();
  const base = `/store/${encodeURIComponent(locationId)}`;
  const tabs = [
    {
      href: `${base}/till`,
      label: sync.pending
        ? `${t('store.tab.till')}（${t('till.offline.pending', { n: sync.pending })}）`
        : t('store.tab.till'),
    },
    { href: `${base}/till-session`, label: t('store.tab.tillSession') },
    { href: `${base}/stock`, label: t('store.tab.stock') },
    { href: `${base}/members`, label: t('store.tab.members') },
    { href: `${base}/exit-pass`, label: t('store.tab.exitPass') },
    { href: `${base}/transfers`, label: t('store.tab.transfers') },
    { href: `${base}/reservations`, label: t('store.tab.reservations') },
    { href: `${base}/pickups`, label: t('store.tab.pickups') },
    { href: `${base}/appointments`, label: t('store.tab.appointments') },
    { href: `${base}/returns`, label: t('store.tab.returns') },
    // モバイルオーダー: only at the café stores that take order-ahead.
    ...(store?.services.orderAhead ? [{ href: `${base}/prep`, label: t('store.tab.prep') }] : []),
    // キャンペーン: the store manager's (her store's members only); head office has its own screen.
    ...(session.staff.role === 'store_manager' ? [{ href: `${base}/campaigns`, label: t('store.tab.campaigns') }] : []),
    ...(session.staff.role === 'store_manager'
      ? [{ href: `${base}/analytics`, label: t('analytics.view.sales') }]
      : []),
  ];
  const logout = useMutation({
    mutationFn: () => call(api.POST('/api/auth/logout')),
    // Leave even if the server could not be told: the token is dropped here either way.
    onSettled: () => {
      signOut();
      queryClient.clear();
      navigate('/store/login', { replace: true });
    },
  });

  return (
    <div className="store-shell">
      <div className="store-bar">
        <div className="store-where">
          <span className="store-current" data-testid="current-store">
            {store ? locationName(store, lang) : locationId}
          </span>
          <Link href="/store" className="store-change">
            {t('store.bar.change')}
          </Link>
          {/* 店舗設定 beside the store's name, not one more tab in the crowded task bar. */}
          <Link
            href={`${base}/settings`}
            className="store-change"
            aria-current={pathname === `${base}/settings` ? 'page' : undefined}
          >
            {t('storeSettings.link')}
          </Link>
        </div>
        <nav className="store-tabs" aria-label={t('store.bar.tasks')}>
          {tabs.map((tab) => (
            <Link key={tab.href} href={tab.href} aria-current={pathname === tab.href ? 'page' : undefined}>
              {tab.label}
            </Link>
          ))}
        </nav>
        <div className="store-who">
          {/* 担当：名前 and 担当切替; the till shows its own, larger, beside the basket. */}
          {pathname === `${base}/till` ? (
            <span>{session.staff.name}</span>
          ) : (
            <OperatorSwitch session={session} locationId={locationId} />
          )}
          <Link href="/store/security" className="store-change">
            {t('staffAccount.menu')}
          </Link>
          <Button variant="ghost" onClick={() => logout.mutate()} busy={logout.isPending}>
            {t('store.bar.logout')}
          </Button>
        </div>
      </div>
      {children}
    </div>
  );
}
