import { useLang, useT } from '../shared/i18n';
import { locationName, myLocations, useLocations } from '../shared/locations';
import type { Session } from '../shared/staff-session';
import { SalesAnalytics } from '../shared/analytics/SalesAnalytics';

/** /store/:id/analytics — a store manager's 売上分析: head office's screen, held to her stores by the server. */
export function AnalyticsScreen({ session }: { session: Session; locationId: string }) {
  const t = useT();
  const lang = useLang();
  const locations = useLocations();
  const stores = myLocations(session, locations.data ?? []).map((l) => ({ id: l.id, name: locationName(l, lang) }));
  return (
    <main className="page store store-analytics">
      <h1>{t('analytics.title')}</h1>
      <p className="muted">{t('analytics.lead')}</p>
      <SalesAnalytics stores={stores} allStoresLabel={t('analytics.myStores')} />
    </main>
  );
}
