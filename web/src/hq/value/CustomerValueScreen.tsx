import { lazy, Suspense } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import { formatDate, formatDateTime, formatYen } from '../../shared/format';
import { useLang, useT } from '../../shared/i18n';
import { Button, DataTable, ProblemBanner } from '../../shared/ui';

const DecileChart = lazy(() => import('./DecileChart'));

/** 予測LTV: the model in use, how well it predicted the weeks it had not seen, and a refit on demand. */
export function CustomerValueScreen() {
  const t = useT();
  const lang = useLang();
  const queryClient = useQueryClient();
  const model = useQuery({
    queryKey: ['customer-value'],
    queryFn: () => call(api.GET('/api/analytics/customer-value')),
  });
  const refit = useMutation({
    mutationFn: () => call(api.POST('/api/analytics/customer-value/refit')),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['customer-value'] }),
  });
  const m = model.data?.model;
  const acc = m?.accuracy;
  return (
    <main className="page store customer-value">
      <div className="section-head">
        <h1>{t('value.title')}</h1>
        <Button onClick={() => refit.mutate()} busy={refit.isPending}>
          {t('value.refit')}
        </Button>
      </div>
      <p className="muted">{t('value.lead')}</p>
      <ProblemBanner error={model.error ?? refit.error} />
      {model.data && !m && <p className="banner banner-info">{t('value.none')}</p>}
      {m && (
        <dl className="facts">
          <div className="facts-row">
            <dt>{t('value.fittedAt')}</dt>
            <dd>{formatDateTime(m.fittedAt, lang)}</dd>
          </div>
          <div className="facts-row">
            <dt>{t('value.members')}</dt>
            <dd>
              {m.members.toLocaleString('ja-JP')} ({t('value.repeaters')} {m.repeaters.toLocaleString('ja-JP')})
            </dd>
          </div>
        </dl>
      )}
      {m && !acc && <p className="muted">{t('value.noAccuracy')}</p>}
      {acc && (
        <section className="card" aria-labelledby="accuracy-title">
          <h2 id="accuracy-title">{t('value.accuracyTitle', { weeks: acc.holdoutWeeks })}</h2>
          <p className="muted">
            {t('value.accuracyLead', { from: formatDate(acc.from, lang), weeks: acc.holdoutWeeks })}
          </p>
          <dl className="facts">
            <div className="facts-row">
              <dt>{t('value.predictedTotal')}</dt>
              <dd data-testid="predicted-total">{formatYen(acc.predictedValue, lang)}</dd>
            </div>
            <div className="facts-row">
              <dt>{t('value.actualTotal')}</dt>
              <dd data-testid="actual-total">{formatYen(acc.actualValue, lang)}</dd>
            </div>
            {acc.valueError !== null && (
              <div className="facts-row">
                <dt>{t('value.error')}</dt>
                <dd>
                  {acc.valueError > 0 ? '+' : ''}
                  {Math.round(acc.valueError * 100)}%
                </dd>
              </div>
            )}
          </dl>
          <Suspense fallback={<div className="daily-chart" />}>
            <DecileChart deciles={acc.deciles} />
          </Suspense>
          <DataTable
            caption={t('value.chart')}
            rows={acc.deciles}
            rowKey={(d) => String(d.decile)}
            empty={null}
            stacked
            columns={[
              { key: 'decile', header: t('value.col.decile'), cell: (d) => t('value.decile', { n: d.decile }) },
              {
                key: 'members',
                header: t('value.col.members'),
                cell: (d) => d.members.toLocaleString('ja-JP'),
                align: 'end',
              },
              {
                key: 'predictedPurchases',
                header: t('value.col.predictedPurchases'),
                cell: (d) => d.predictedPurchases.toFixed(2),
                align: 'end',
              },
              {
                key: 'actualPurchases',
                header: t('value.col.actualPurchases'),
                cell: (d) => d.actualPurchases.toFixed(2),
                align: 'end',
              },
              {
                key: 'predictedValue',
                header: t('value.col.predictedValue'),
                cell: (d) => formatYen(d.predictedValue, lang),
                align: 'end',
              },
              {
                key: 'actualValue',
                header: t('value.col.actualValue'),
                cell: (d) => formatYen(d.actualValue, lang),
                align: 'end',
              },
            ]}
          />
        </section>
      )}
    </main>
  );
}
