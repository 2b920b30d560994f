import { useEffect } from 'react';
import { useT, type MessageKey } from '../shared/i18n';
import { Link, useLocationPath } from '../shared/router';

/**
 * Head office's analysis screens, one tab 「分析」 in the bar and this row beneath it. A new dashboard adds
 * its line here (and its path to App.tsx); the bar finds its tab from this list.
 */
export const ANALYTICS_VIEWS: Array<{ href: string; label: MessageKey }> = [
  { href: '/hq/analytics', label: 'analytics.view.sales' },
  { href: '/hq/analytics/rfm', label: 'rfm.view' },
  { href: '/hq/analytics/cohorts', label: 'analytics.view.cohorts' },
  { href: '/hq/analytics/ltv', label: 'analytics.view.ltv' },
  { href: '/hq/customer-value', label: 'hq.tab.value' },
  { href: '/hq/analytics/coupons', label: 'analytics.view.coupons' },
  { href: '/hq/analytics/stockouts', label: 'analytics.view.stockouts' },
  { href: '/hq/forecast', label: 'hq.tab.forecast' },
];

export const isAnalyticsPath = (pathname: string) => ANALYTICS_VIEWS.some((v) => v.href === pathname);

export function AnalyticsNav() {
  const t = useT();
  const { pathname } = useLocationPath();
  // On a phone the row scrolls sideways: keep the current view in sight.
  useEffect(() => {
    document
      .querySelector('.analytics-nav a[aria-current="page"]')
      ?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [pathname]);
  if (!isAnalyticsPath(pathname)) return null;
  return (
    <nav className="analytics-nav" aria-label={t('analytics.nav.label')}>
      {ANALYTICS_VIEWS.map((v) => (
        <Link key={v.href} href={v.href} aria-current={v.href === pathname ? 'page' : undefined}>
          {t(v.label)}
        </Link>
      ))}
    </nav>
  );
}
