import { useEffect } from 'react';
import { useT, type MessageKey } from '../shared/i18n';
import { Link, useLocationPath } from '../shared/router';
import type { Session } from '../shared/staff-session';

/** One screen of a group that shares a tab in the bar: its address, its name, and who sees it. */
interface View {
  href: string;
  label: MessageKey;
  /** Also current below this address (a store's settings under 店舗). */
  prefix?: boolean;
  ownerOnly?: boolean;
}

/**
 * Head office's analysis screens, one tab 「分析」 in the bar and this row beneath it. A new dashboard adds
 * its line here (and its path to App.tsx); the bar finds its tab from this list.
 */
export const ANALYTICS_VIEWS: View[] = [
  { href: '/hq/analytics', label: 'analytics.view.sales' },
  { href: '/hq/analytics/rfm', label: 'rfm.view' },
  { href: '/hq/analytics/cohorts', label: 'analytics.view.cohorts' },
  { href: '/hq/analytics/ltv', label: 'analytics.view.ltv' },
  { href: '/hq/customer-value', label: 'hq.tab.value' },
  { href: '/hq/analytics/coupons', label: 'analytics.view.coupons' },
  { href: '/hq/analytics/stockouts', label: 'analytics.view.stockouts' },
  { href: '/hq/forecast', label: 'hq.tab.forecast' },
];

/** The chain's administration under one tab 「設定」: stores, the business, staff, the audit trail, security. */
export const SETTINGS_VIEWS: View[] = [
  { href: '/hq/stores', label: 'hq.tab.stores', prefix: true },
  { href: '/hq/business', label: 'hq.tab.business' },
  { href: '/hq/staff', label: 'hq.tab.staff' },
  // 操作履歴 is the owner's: it shows who looked at whom.
  { href: '/hq/audit', label: 'hq.tab.audit', ownerOnly: true },
  { href: '/hq/security', label: 'hq.tab.security' },
  { href: '/hq/webhooks', label: 'hq.tab.webhooks' },
  { href: '/hq/imports', label: 'hq.tab.imports' },
  // Tokens act as the owner: hers to create and revoke.
  { href: '/hq/api-tokens', label: 'hq.tab.apiTokens', ownerOnly: true },
];

const isView = (v: View, pathname: string) => v.href === pathname || (!!v.prefix && pathname.startsWith(`${v.href}/`));
export const isAnalyticsPath = (pathname: string) => ANALYTICS_VIEWS.some((v) => isView(v, pathname));
export const isSettingsPath = (pathname: string) => SETTINGS_VIEWS.some((v) => isView(v, pathname));

/** The row of a group's screens under the bar, on those screens only (scrolls sideways on a phone). */
export function SubNav({ session }: { session: Session }) {
  const t = useT();
  const { pathname } = useLocationPath();
  const group = isAnalyticsPath(pathname)
    ? { views: ANALYTICS_VIEWS, label: t('analytics.nav.label') }
    : isSettingsPath(pathname)
      ? { views: SETTINGS_VIEWS, label: t('hq.settings.nav') }
      : null;
  useEffect(() => {
    document
      .querySelector('.analytics-nav a[aria-current="page"]')
      ?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [pathname]);
  if (!group) return null;
  return (
    <nav className="analytics-nav" aria-label={group.label}>
      {group.views
        .filter((v) => !v.ownerOnly || session.staff.role === 'owner')
        .map((v) => (
          <Link key={v.href} href={v.href} aria-current={isView(v, pathname) ? 'page' : undefined}>
            {t(v.label)}
          </Link>
        ))}
    </nav>
  );
}
