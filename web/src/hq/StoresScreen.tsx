import type { Location } from '../shared/api/types';
import { useLang, useT, type Translate } from '../shared/i18n';
import { locationName, useLocations } from '../shared/locations';
import { Link } from '../shared/router';
import type { Session } from '../shared/staff-session';
import { CsvDownload, DataTable, ProblemBanner } from '../shared/ui';
import { StoreSettings } from '../shared/store-settings/StoreSettings';

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export function storeSettingsHref(id: string) {
  return `/hq/stores/${encodeURIComponent(id)}`;
}

/** Today's hours in Japan, as a store's list row shows them. */
function todayHours(t: Translate, l: Location): string {
  const day = WEEKDAYS[new Date(Date.now() + 9 * 3600_000).getUTCDay()]!;
  const hours = l.openingHours[day];
  return hours
    ? t('stores.today', { hours: t('stores.hoursSummary', { open: hours.open, close: hours.close }) })
    : t('stores.closedToday');
}

function servicesOf(t: Translate, l: Location): string {
  const s = l.services;
  return [
    s.pickup && t('audit.field.services.pickup'),
    s.orderAhead && t('audit.field.services.orderAhead'),
    s.deliveryRadiusKm !== null &&
      `${t('audit.field.services.deliveryRadiusKm')} ${t('audit.value.km', { n: s.deliveryRadiusKm })}`,
    s.shipping && t('audit.field.services.shipping'),
  ]
    .filter(Boolean)
    .join('・');
}

/** /hq/stores — every store and warehouse: today's hours, what it offers; each opens its 店舗設定. */
export function StoresScreen() {
  const t = useT();
  const lang = useLang();
  const locations = useLocations();
  return (
    <main className="page store hq-stores">
      <h1>{t('stores.title')}</h1>
      <p className="muted">{t('stores.intro')}</p>
      <section className="hq-downloads" aria-label={t('csv.stockTitle')}>
        <CsvDownload path="/api/stock-levels.csv" label={t('csv.stockLevels')} testId="stock-levels-csv" />
        <CsvDownload path="/api/stock-movements.csv" label={t('csv.stockMovements')} testId="stock-movements-csv" />
      </section>
      <ProblemBanner error={locations.error} />
      <DataTable<Location>
        stacked
        rows={locations.data ?? []}
        rowKey={(l) => l.id}
        empty={locations.isPending ? t('common.loading') : t('stores.none')}
        columns={[
          {
            key: 'name',
            header: t('stores.col.name'),
            cell: (l) => (
              <Link href={storeSettingsHref(l.id)} className="row-link">
                {locationName(l, lang)}
              </Link>
            ),
          },
          {
            key: 'address',
            header: t('stores.col.address'),
            cell: (l) => (l.kind === 'warehouse' ? t('stores.warehouse') : `${l.prefecture}${l.city}${l.address}`),
          },
          { key: 'hours', header: t('stores.col.hours'), cell: (l) => todayHours(t, l) },
          { key: 'services', header: t('stores.col.services'), cell: (l) => servicesOf(t, l) },
          {
            key: 'edit',
            header: '',
            align: 'end',
            cell: (l) => (
              <Link href={storeSettingsHref(l.id)} aria-label={`${locationName(l, lang)} ${t('stores.settings')}`}>
                {t('stores.settings')}
              </Link>
            ),
          },
        ]}
      />
    </main>
  );
}

/** /hq/stores/:id — one store's 店舗設定, as head office sees it. */
export function StoreSettingsHqScreen({ session, id }: { session: Session; id: string }) {
  const t = useT();
  return (
    <main className="page narrow">
      <p>
        <Link href="/hq/stores">← {t('storeSettings.back')}</Link>
      </p>
      <StoreSettings session={session} locationId={id} />
    </main>
  );
}
