import { useLang, useT, type MessageKey } from '../../i18n';
import { formatYen } from '../../format';
import { locationName, useLocations } from '../../locations';
import { Button, ProblemBanner } from '../../ui';
import { lazy, Suspense } from 'react';
import { useCampaignResults, useExportResults } from './useCampaigns';

// ECharts is loaded with the chart only, not with every screen of the app.
const DailyChart = lazy(() => import('./DailyChart'));

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const signedPct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} pt`;

/** 効果: conversion and spend of those messaged against the holdout, and the sales attributed to it. */
export function CampaignResults({ id, name }: { id: string; name: string }) {
  const t = useT();
  const lang = useLang();
  const locations = useLocations();
  const results = useCampaignResults(id, true);
  const exportCsv = useExportResults();
  const r = results.data;
  if (!r) return <ProblemBanner error={results.error} />;
  const storeName = (lid: string) => {
    const l = locations.data?.find((x) => x.id === lid);
    return l ? locationName(l, lang) : '—';
  };
  return (
    <section className="campaign-results" aria-label={t('hq.campaigns.effect')}>
      <h3>{t('hq.campaigns.effect')}</h3>
      <dl className="campaign-counts">
        <div>
          <dt>{t('hq.campaigns.attributedSales')}</dt>
          <dd>{formatYen(r.attributed.sales, lang)}</dd>
        </div>
        <div>
          <dt>{t('hq.campaigns.attributedOrders')}</dt>
          <dd>{r.attributed.orders}</dd>
        </div>
        <div>
          <dt>{t('hq.campaigns.inStore')}</dt>
          <dd>
            {r.attributed.inStore.orders} · {formatYen(r.attributed.inStore.sales, lang)}
          </dd>
        </div>
        <div>
          <dt>{t('hq.campaigns.visits')}</dt>
          <dd>{t('hq.campaigns.visitsValue', { n: r.visits.count, members: r.visits.members })}</dd>
        </div>
        <div>
          <dt>{t('hq.campaigns.conversionTreated')}</dt>
          <dd>{pct(r.treated.conversion)}</dd>
        </div>
        <div>
          <dt>{t('hq.campaigns.conversionHoldout')}</dt>
          <dd>{r.holdout.members ? pct(r.holdout.conversion) : '—'}</dd>
        </div>
      </dl>
      <p className="muted">
        {r.lift
          ? t('hq.campaigns.liftLine', {
              lift: signedPct(r.lift.conversion),
              lo: signedPct(r.lift.conversionInterval[0] ?? 0),
              hi: signedPct(r.lift.conversionInterval[1] ?? 0),
              spend: formatYen(r.lift.spendPerMember, lang),
            })
          : t('hq.campaigns.noHoldout')}
      </p>
      <div className="actions">
        <Button onClick={() => exportCsv.mutate({ id, name })} busy={exportCsv.isPending}>
          {t('hq.campaigns.resultsCsv')}
        </Button>
      </div>
      <ProblemBanner error={exportCsv.error} />
      <h4>{t('hq.campaigns.dailyChart')}</h4>
      <Suspense fallback={<div className="daily-chart" />}>
        <DailyChart points={r.attributed.daily} from={r.from} until={r.until} />
      </Suspense>
      {r.attributed.byStore.length > 0 && (
        <table className="table">
          <caption>{t('hq.campaigns.byStore')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('hq.campaigns.store')}</th>
              <th scope="col" className="align-end">
                {t('hq.campaigns.attributedOrders')}
              </th>
              <th scope="col" className="align-end">
                {t('hq.campaigns.attributedSales')}
              </th>
            </tr>
          </thead>
          <tbody>
            {r.attributed.byStore.map((s) => (
              <tr key={s.locationId}>
                <td>{storeName(s.locationId)}</td>
                <td className="align-end">{s.orders}</td>
                <td className="align-end">{formatYen(s.sales, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {r.redeemed && (
        <p className="muted small" data-testid="campaign-redeemed">
          {t('hq.campaigns.redeemedLine', { n: r.redeemed.count, discount: formatYen(r.redeemed.discount, lang) })}
          {r.redeemed.byChannel.length > 0 &&
            `（${r.redeemed.byChannel.map((c) => `${t(`channel.${c.channel}` as MessageKey)} ${c.count}`).join(' · ')}）`}
          {r.redeemed.byStore.length > 0 &&
            ` ${r.redeemed.byStore.map((s) => `${storeName(s.locationId)} ${s.count}`).join(' · ')}`}
        </p>
      )}
      {r.attributed.byChannel.length > 0 && (
        <p className="muted small">
          {r.attributed.byChannel.map((c) => `${t(`channel.${c.channel}` as MessageKey)} ${c.orders}`).join(' · ')}
        </p>
      )}
    </section>
  );
}
