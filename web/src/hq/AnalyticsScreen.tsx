import { useLang, useT } from '../shared/i18n';
import { locationName, useLocations } from '../shared/locations';
import { SalesAnalytics } from '../shared/analytics/SalesAnalytics';

/** /hq/analytics — 売上分析: the omni-channel headline, then net sales by period, channel, store and category. */
export function AnalyticsScreen() {
  const t = useT();
  const lang = useLang();
  const locations = useLocations();
  const stores = (locations.data ?? []).map((l) => ({ id: l.id, name: locationName(l, lang) }));
  return (
    <main className="page store hq-analytics">
      <h1>{t('analytics.title')}</h1>
      <p className="muted">{t('analytics.lead')}</p>
      <SalesAnalytics stores={stores} allStoresLabel={t('analytics.allStores')} />
    </main>
  );
}
