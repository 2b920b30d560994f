import { lazy, Suspense, useState } from 'react';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import { formatDate, formatDateTime, formatYen, tokyoToday } from '../../shared/format';
import { useLang, useT } from '../../shared/i18n';
import { locationName, useLocations } from '../../shared/locations';
import { saveFile } from '../../shared/save-file';
import { Button, DataTable, ProblemBanner, SelectField, TextField } from '../../shared/ui';
import { StoreStockouts } from './StoreStockouts';

// ECharts is loaded with the chart only.
const StockoutChart = lazy(() => import('./StockoutChart'));

interface Filters {
  from: string;
  to: string;
  /** One location id, or '' for every location. */
  store: string;
}

const addDays = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const queryOf = (f: Filters) => ({ from: f.from, to: f.to, ...(f.store ? { stores: f.store } : {}) });

/**
 * /hq/analytics/stockouts — 欠品・機会損失: items out of stock while there was demand — the totals, a row per
 * store, then each store's ten worst by estimated lost sales (the two worst stores open); CSV.
 */
export function StockoutsScreen() {
  const t = useT();
  const lang = useLang();
  const today = tokyoToday();
  const locations = useLocations();
  const [f, setF] = useState<Filters>({ from: addDays(today, -29), to: today, store: '' });
  const report = useQuery({
    queryKey: ['analytics', 'stockouts', queryOf(f)],
    queryFn: () => call(api.GET('/api/analytics/stockouts', { params: { query: queryOf(f) } })),
    placeholderData: keepPreviousData,
  });
  const csv = useMutation({
    mutationFn: async () => {
      const blob = await call(
        api.GET('/api/analytics/stockouts/export.csv', { params: { query: queryOf(f) }, parseAs: 'blob' }),
      );
      saveFile(blob, `欠品_${f.from}_${f.to}.csv`);
    },
  });
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setF((x) => ({ ...x, [k]: e.target.value }));
  const yen = (n: number) => formatYen(n, lang);
  const count = (n: number) => n.toLocaleString('ja-JP');
  const nameOf = (id: string, fallback: string) => {
    const l = locations.data?.find((x) => x.id === id);
    return l ? locationName(l, lang) : fallback;
  };
  const r = report.data;
  type Store = NonNullable<typeof r>['stores'][number];

  return (
    <main className="page store hq-stockouts">
      <h1>{t('stockouts.title')}</h1>
      <p className="muted">{t('stockouts.lead')}</p>
      <div className="hq-filters">
        <div className="hq-filter-row">
          <TextField
            type="date"
            label={t('analytics.from')}
            value={f.from}
            max={f.to}
            onChange={set('from')}
            required
          />
          <TextField type="date" label={t('analytics.to')} value={f.to} min={f.from} onChange={set('to')} required />
          <SelectField label={t('analytics.store')} value={f.store} onChange={set('store')}>
            <option value="">{t('stockouts.allLocations')}</option>
            {(locations.data ?? []).map((l) => (
              <option key={l.id} value={l.id}>
                {locationName(l, lang)}
              </option>
            ))}
          </SelectField>
        </div>
      </div>
      <ProblemBanner error={report.error ?? csv.error} />
      {r && (
        <>
          <p className="muted small">
            {t('stockouts.period', { from: formatDate(r.from, lang), to: formatDate(r.to, lang) })}
            {' · '}
            {r.ledgerSeenAt
              ? t('stockouts.ledgerSeen', { at: formatDateTime(r.ledgerSeenAt, lang) })
              : t('stockouts.ledgerNotYet')}
          </p>
          <dl className="campaign-counts stockout-totals" data-testid="stockout-totals">
            <div>
              <dt>{t('stockouts.total.lostYen')}</dt>
              <dd>{yen(r.totals.lostYen)}</dd>
            </div>
            <div>
              <dt>{t('stockouts.total.items')}</dt>
              <dd>{t('stockouts.itemsValue', { n: count(r.totals.stockouts) })}</dd>
            </div>
            <div>
              <dt>{t('stockouts.total.days')}</dt>
              <dd>{t('stockouts.daysValue', { n: count(r.totals.days) })}</dd>
            </div>
            <div>
              <dt>{t('stockouts.total.views')}</dt>
              <dd>{count(r.totals.views)}</dd>
            </div>
            <div>
              <dt>{t('stockouts.total.refused')}</dt>
              <dd>{count(r.totals.refusedCheckouts)}</dd>
            </div>
            <div>
              <dt>{t('stockouts.total.requests')}</dt>
              <dd>{count(r.totals.restockRequests)}</dd>
            </div>
          </dl>
          <div className="actions">
            <Button onClick={() => csv.mutate()} busy={csv.isPending}>
              {t('stockouts.csv')}
            </Button>
          </div>
          {r.stores.length === 0 && <p className="muted">{t('stockouts.none')}</p>}
          {r.stores.length > 0 && (
            <Suspense fallback={null}>
              <StockoutChart
                label={t('stockouts.chart')}
                stores={r.stores.map((s) => ({ name: nameOf(s.locationId, s.name), yen: s.totals.lostYen }))}
              />
            </Suspense>
          )}
          {r.stores.length > 0 && (
            <DataTable<Store>
              caption={t('stockouts.byStore')}
              rows={r.stores}
              rowKey={(s) => s.locationId}
              empty={null}
              stacked
              columns={[
                { key: 'store', header: t('analytics.store'), cell: (s) => nameOf(s.locationId, s.name) },
                {
                  key: 'items',
                  header: t('stockouts.total.items'),
                  cell: (s) => t('stockouts.itemsValue', { n: count(s.totals.stockouts) }),
                  align: 'end',
                },
                {
                  key: 'days',
                  header: t('stockouts.col.days'),
                  cell: (s) => t('stockouts.daysValue', { n: count(s.totals.days) }),
                  align: 'end',
                },
                { key: 'views', header: t('stockouts.col.views'), cell: (s) => count(s.totals.views), align: 'end' },
                {
                  key: 'refused',
                  header: t('stockouts.col.refused'),
                  cell: (s) => count(s.totals.refusedCheckouts),
                  align: 'end',
                },
                {
                  key: 'requests',
                  header: t('stockouts.col.requests'),
                  cell: (s) => count(s.totals.restockRequests),
                  align: 'end',
                },
                {
                  key: 'lostYen',
                  header: t('stockouts.col.lostYen'),
                  cell: (s) => yen(s.totals.lostYen),
                  align: 'end',
                },
              ]}
            />
          )}
          {r.stores.map((s, i) => (
            <StoreStockouts key={s.locationId} store={s} name={nameOf(s.locationId, s.name)} open={i < 2} />
          ))}
        </>
      )}
    </main>
  );
}
