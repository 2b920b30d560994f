import { lazy, Suspense, useState } from 'react';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import { isMessageKey, useT } from '../../shared/i18n';
import { saveFile } from '../../shared/save-file';
import { Button, DataTable, ProblemBanner } from '../../shared/ui';
import { CohortFilterBar } from './CohortFilterBar';
import { cohortQuery, lastTwelveMonths, plainYen, type CohortFilters } from './shared';

// ECharts is loaded with the chart only.
const LtvChart = lazy(() => import('./LtvChart'));

/**
 * /hq/analytics/ltv — 累計LTV: the members acquired in the period, their net revenue to date by acquisition
 * channel (with a chart), tier and first-purchase month; CSV.
 */
export function LtvScreen() {
  const t = useT();
  const [f, setF] = useState<CohortFilters>(lastTwelveMonths);
  const report = useQuery({
    queryKey: ['analytics', 'ltv', cohortQuery(f)],
    queryFn: () => call(api.GET('/api/analytics/ltv', { params: { query: cohortQuery(f) } })),
    placeholderData: keepPreviousData,
  });
  const csv = useMutation({
    mutationFn: async () => {
      const blob = await call(
        api.GET('/api/analytics/ltv/export.csv', { params: { query: cohortQuery(f) }, parseAs: 'blob' }),
      );
      saveFile(blob, `累計LTV_${f.from}_${f.to}.csv`);
    },
  });
  const r = report.data;
  type Group = NonNullable<typeof r>['total'];
  const yen = plainYen;
  const labelOf = (prefix: string) => (key: string) => {
    const k = `${prefix}${key}`;
    return key && isMessageKey(k) ? t(k) : t('ltv.unknown');
  };
  const monthLabel = (m: string) => t('cohorts.monthLabel', { y: m.slice(0, 4), m: String(+m.slice(5, 7)) });
  const table = (caption: string, rows: Group[], label: (key: string) => string) => (
    <DataTable<Group>
      caption={caption}
      rows={rows}
      rowKey={(g) => g.key || '-'}
      empty={null}
      stacked
      columns={[
        { key: 'key', header: t('ltv.col.key'), cell: (g) => label(g.key) },
        {
          key: 'members',
          header: t('ltv.col.members'),
          cell: (g) => g.members.toLocaleString('ja-JP'),
          align: 'end',
        },
        { key: 'net', header: t('ltv.col.net'), cell: (g) => yen(g.net), align: 'end' },
        { key: 'perMember', header: t('ltv.col.perMember'), cell: (g) => yen(g.netPerMember), align: 'end' },
        {
          key: 'orders',
          header: t('ltv.col.ordersPerMember'),
          cell: (g) => g.ordersPerMember.toFixed(2),
          align: 'end',
        },
        { key: 'basket', header: t('ltv.col.basket'), cell: (g) => yen(g.averageBasket), align: 'end' },
      ]}
    />
  );

  return (
    <main className="page store hq-ltv">
      <h1>{t('ltv.title')}</h1>
      <p className="muted">{t('ltv.lead')}</p>
      <p className="muted small">{t('ltv.taxNote')}</p>
      <CohortFilterBar f={f} onChange={setF} />
      <ProblemBanner error={report.error ?? csv.error} />
      {r && (
        <>
          <dl className="campaign-counts" data-testid="ltv-totals">
            <div>
              <dt>{t('ltv.col.members')}</dt>
              <dd>{r.total.members.toLocaleString('ja-JP')}</dd>
            </div>
            <div>
              <dt>{t('ltv.col.perMember')}</dt>
              <dd>{yen(r.total.netPerMember)}</dd>
            </div>
            <div>
              <dt>{t('ltv.col.ordersPerMember')}</dt>
              <dd>{r.total.ordersPerMember.toFixed(2)}</dd>
            </div>
            <div>
              <dt>{t('ltv.col.basket')}</dt>
              <dd>{yen(r.total.averageBasket)}</dd>
            </div>
          </dl>
          <div className="actions">
            <Button onClick={() => csv.mutate()} busy={csv.isPending}>
              {t('ltv.csv')}
            </Button>
          </div>
          {r.byChannel.length > 0 && (
            <Suspense fallback={null}>
              <LtvChart
                label={t('ltv.chart')}
                rows={r.byChannel.map((g) => ({ name: labelOf('ltv.channel.')(g.key), yen: g.netPerMember }))}
              />
            </Suspense>
          )}
          {table(t('ltv.byChannel'), r.byChannel, labelOf('ltv.channel.'))}
          {table(t('ltv.byTier'), r.byTier, labelOf('tier.'))}
          {table(t('ltv.byCohort'), r.byCohort, monthLabel)}
        </>
      )}
    </main>
  );
}
