import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import { useCategories } from '../../shared/categories';
import { formatDate, formatDateTime } from '../../shared/format';
import { useLang, useT } from '../../shared/i18n';
import { locationName, useLocations } from '../../shared/locations';
import { useLocationPath } from '../../shared/router';
import { DataTable, ProblemBanner, SelectField } from '../../shared/ui';
import { ReplenishmentPanel } from './ReplenishmentPanel';

const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)}%`);

/** 需要予測: the held-out accuracy (overall, by store, by category) and the next 28 days at one store. */
export function ForecastScreen() {
  const t = useT();
  const lang = useLang();
  const locations = useLocations();
  const categories = useCategories();
  // 欠品・機会損失 links here with the store chosen (?location=).
  const { search } = useLocationPath();
  const [locationId, setLocationId] = useState(search.get('location') ?? '');
  const chosen = locationId || locations.data?.[0]?.id || '';
  const accuracy = useQuery({
    queryKey: ['forecast', 'accuracy'],
    queryFn: () => call(api.GET('/api/analytics/forecast/accuracy')),
    staleTime: 10 * 60_000,
  });
  const forecast = useQuery({
    queryKey: ['forecast', chosen],
    queryFn: () => call(api.GET('/api/analytics/forecast', { params: { query: { locationId: chosen } } })),
    enabled: !!chosen,
    staleTime: 10 * 60_000,
  });
  const storeName = (id: string) => {
    const l = locations.data?.find((x) => x.id === id);
    return l ? locationName(l, lang) : '—';
  };
  const categoryName = (id: string) => categories.data?.find((c) => c.id === id)?.name ?? t('forecast.noCategory');
  const a = accuracy.data;
  const accuracyColumns = (name: (key: string) => string) => [
    { key: 'name', header: '', cell: (r: { key: string }) => name(r.key) },
    {
      key: 'units',
      header: t('forecast.units'),
      cell: (r: { units: number }) => r.units.toLocaleString('ja-JP'),
      align: 'end' as const,
    },
    {
      key: 'wape',
      header: t('forecast.wape'),
      cell: (r: { wape: number | null }) => pct(r.wape),
      align: 'end' as const,
    },
    {
      key: 'naive',
      header: t('forecast.naive'),
      cell: (r: { naiveWape: number | null }) => pct(r.naiveWape),
      align: 'end' as const,
    },
    {
      key: 'daily',
      header: t('forecast.dailyWape'),
      cell: (r: { dailyWape: number | null }) => pct(r.dailyWape),
      align: 'end' as const,
    },
    {
      key: 'dailyNaive',
      header: t('forecast.dailyNaive'),
      cell: (r: { dailyNaiveWape: number | null }) => pct(r.dailyNaiveWape),
      align: 'end' as const,
    },
  ];
  return (
    <main className="page store forecast">
      <h1>{t('forecast.title')}</h1>
      <p className="muted">{t('forecast.lead')}</p>
      <ProblemBanner error={accuracy.error ?? forecast.error} />
      {a && (
        <section className="card" aria-labelledby="forecast-accuracy">
          <h2 id="forecast-accuracy">
            {t('forecast.accuracyTitle', { from: formatDate(a.from, lang), to: formatDate(a.to, lang) })}
          </h2>
          <p className="muted">{t('forecast.accuracyLead')}</p>
          <DataTable
            caption={t('forecast.overall')}
            rows={[a.overall]}
            rowKey={() => 'all'}
            empty={null}
            columns={accuracyColumns(() => t('forecast.overall'))}
          />
          <DataTable
            caption={t('forecast.byStore')}
            rows={a.byLocation}
            rowKey={(r) => r.key}
            empty={null}
            stacked
            columns={accuracyColumns(storeName)}
          />
          <DataTable
            caption={t('forecast.byDepartment')}
            rows={a.byDepartment}
            rowKey={(r) => r.key}
            empty={null}
            stacked
            columns={accuracyColumns(categoryName)}
          />
        </section>
      )}
      <section className="card" aria-labelledby="forecast-items">
        <div className="hq-filter-row">
          <SelectField label={t('forecast.store')} value={chosen} onChange={(e) => setLocationId(e.target.value)}>
            {(locations.data ?? []).map((l) => (
              <option key={l.id} value={l.id}>
                {locationName(l, lang)}
              </option>
            ))}
          </SelectField>
        </div>
        <h2 id="forecast-items">
          {storeName(chosen)} {forecast.data && t('forecast.from', { date: formatDate(forecast.data.from, lang) })}
        </h2>
        {forecast.data?.computedAt && (
          <p className="muted">{t('forecast.computedAt', { at: formatDateTime(forecast.data.computedAt, lang) })}</p>
        )}
        {forecast.data && (
          <DataTable
            rows={forecast.data.items}
            rowKey={(i) => i.variantId}
            empty={t('forecast.none')}
            stacked
            columns={[
              {
                key: 'product',
                header: t('forecast.col.product'),
                cell: (i) => [i.productName, ...Object.values(i.options)].join(' '),
              },
              { key: 'next', header: t('forecast.col.next28'), cell: (i) => i.units.toFixed(1), align: 'end' },
              { key: 'last', header: t('forecast.col.last28'), cell: (i) => i.last28, align: 'end' },
              { key: 'method', header: t('forecast.col.method'), cell: (i) => t(`forecast.method.${i.method}`) },
            ]}
          />
        )}
      </section>
      {chosen && <ReplenishmentPanel locationId={chosen} />}
    </main>
  );
}
