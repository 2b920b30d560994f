import { lazy, Suspense, useMemo, useState } from 'react';
import { useLang, useT, type MessageKey } from '../i18n';
import { formatYen, tokyoToday } from '../format';
import { Button, ProblemBanner, SelectField, TextField } from '../ui';
import { useAnalyticsCsv, useOmni, useSales, type AnalyticsFilters, type Breakdown, type Grain } from './useAnalytics';

// ECharts is loaded with the chart only, not with every screen of the app.
const SalesChart = lazy(() => import('./SalesChart'));

const GRAINS: Grain[] = ['day', 'week', 'month'];
const BREAKDOWNS: Breakdown[] = ['channel', 'store', 'category'];
const CHANNEL_KEYS: Record<string, MessageKey> = {
  web: 'channel.web',
  app: 'channel.app',
  store: 'channel.store',
  line: 'channel.line',
};

const addDays = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
/** The periods a head office reads most (the omni table is kept for exactly these, so they answer fastest). */
const PRESETS: Array<{ days: number; grain: Grain; label: MessageKey }> = [
  { days: 30, grain: 'day', label: 'analytics.last30' },
  { days: 365, grain: 'month', label: 'analytics.last12' },
];
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
/** 前期比 / 前年比 as the change in per cent ('—' with nothing to compare to). */
const change = (now: number, before: number) =>
  before ? `${now >= before ? '+' : ''}${(((now - before) / before) * 100).toFixed(1)}%` : '—';
const jaDate = (d: string) => `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;

/**
 * 売上分析: the OMO headline (omni-channel against single-channel members) first, then net sales by day,
 * week or month with a channel, store or category breakdown, against the previous period and last year,
 * and each table as CSV. Head office picks any store; a store manager her own (`stores`).
 */
export function SalesAnalytics({
  stores,
  allStoresLabel,
}: {
  stores: Array<{ id: string; name: string }>;
  allStoresLabel: string;
}) {
  const t = useT();
  const lang = useLang();
  const today = tokyoToday();
  const [f, setF] = useState<AnalyticsFilters>({
    from: addDays(today, -29),
    to: today,
    store: '',
    grain: 'day',
    breakdown: 'channel',
  });
  const sales = useSales(f);
  const omni = useOmni(f);
  const csv = useAnalyticsCsv();
  const set = (k: keyof AnalyticsFilters) => (e: { target: { value: string } }) =>
    setF((x) => ({ ...x, [k]: e.target.value }));
  const yen = (n: number) => formatYen(n, lang);
  const keyName = (key: string, label: string) =>
    f.breakdown === 'channel' && CHANNEL_KEYS[key]
      ? t(CHANNEL_KEYS[key])
      : key === ''
        ? t('analytics.noneStore')
        : label;

  const r = sales.data;
  const chart = useMemo(() => {
    if (!r) return null;
    const periods = r.series.map((s) => s.period);
    const index = new Map(periods.map((p, i) => [p, i]));
    const series = r.rows.map((row) => {
      const data = periods.map(() => 0);
      for (const x of r.breakdownSeries) if (x.key === row.key) data[index.get(x.period)!] = x.net;
      return { name: keyName(row.key, row.label), data };
    });
    return { periods, series };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [r, lang]);

  const o = omni.data;
  return (
    <div className="analytics">
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
            <option value="">{allStoresLabel}</option>
            {stores.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="analytics-presets" role="group" aria-label={t('analytics.presets')}>
          {PRESETS.map(({ days, grain, label }) => {
            const from = addDays(today, -(days - 1));
            return (
              <button
                type="button"
                className="chip"
                key={days}
                aria-pressed={f.from === from && f.to === today}
                onClick={() => setF((x) => ({ ...x, from, to: today, grain }))}
              >
                {t(label)}
              </button>
            );
          })}
        </div>
      </div>

      <section className="analytics-omni" aria-labelledby="analytics-omni-title">
        <h2 id="analytics-omni-title">{t('analytics.omni.title')}</h2>
        <p className="muted small">{t('analytics.omni.lead')}</p>
        <ProblemBanner error={omni.error} />
        {o && (
          <>
            <p className="analytics-headline" data-testid="omni-headline">
              {o.spendRatio !== null
                ? t('analytics.omni.headline', { ratio: o.spendRatio.toFixed(2) })
                : t('analytics.omni.noHeadline')}
            </p>
            <div className="table-scroll">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('analytics.omni.group')}</th>
                    <th scope="col" className="align-end">
                      {t('analytics.omni.customers')}
                    </th>
                    <th scope="col" className="align-end">
                      {t('analytics.omni.annualSpend')}
                    </th>
                    <th scope="col" className="align-end">
                      {t('analytics.omni.frequency')}
                    </th>
                    <th scope="col" className="align-end">
                      {t('analytics.omni.basket')}
                    </th>
                    <th scope="col" className="align-end">
                      {t('analytics.omni.retention')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {(['omni', 'single'] as const).map((g) => (
                    <tr key={g} data-testid={`omni-${g}`}>
                      <th scope="row">{t(`analytics.omni.${g}`)}</th>
                      <td className="align-end">{o[g].customers.toLocaleString('ja-JP')}</td>
                      <td className="align-end">{yen(o[g].annualSpendPerCustomer)}</td>
                      <td className="align-end">{t('analytics.omni.frequencyValue', { n: o[g].frequency })}</td>
                      <td className="align-end">{yen(o[g].averageBasket)}</td>
                      <td className="align-end">{o[g].retention12 === null ? '—' : pct(o[g].retention12)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
        <div className="actions">
          <Button
            onClick={() => csv.mutate({ table: 'omni', f })}
            busy={csv.isPending && csv.variables?.table === 'omni'}
          >
            {t('analytics.omni.csv')}
          </Button>
        </div>
      </section>

      <section className="analytics-sales" aria-labelledby="analytics-sales-title">
        <h2 id="analytics-sales-title">{t('analytics.sales.title')}</h2>
        <div className="hq-filter-row">
          <SelectField label={t('analytics.grain')} value={f.grain} onChange={set('grain')}>
            {GRAINS.map((g) => (
              <option key={g} value={g}>
                {t(`analytics.grain.${g}`)}
              </option>
            ))}
          </SelectField>
          <SelectField label={t('analytics.breakdown')} value={f.breakdown} onChange={set('breakdown')}>
            {BREAKDOWNS.map((b) => (
              <option key={b} value={b}>
                {t(`analytics.breakdown.${b}`)}
              </option>
            ))}
          </SelectField>
        </div>
        <ProblemBanner error={sales.error} />
        {r && (
          <>
            <dl className="campaign-counts analytics-totals">
              <div>
                <dt>{t('analytics.net')}</dt>
                <dd data-testid="analytics-net">{yen(r.totals.current.net)}</dd>
              </div>
              <div>
                <dt>{t('analytics.vsPrevious')}</dt>
                <dd>{change(r.totals.current.net, r.totals.previous.net)}</dd>
              </div>
              <div>
                <dt>{t('analytics.vsLastYear')}</dt>
                <dd>{change(r.totals.current.net, r.totals.lastYear.net)}</dd>
              </div>
              <div>
                <dt>{t('analytics.orders')}</dt>
                <dd>{r.totals.current.orders.toLocaleString('ja-JP')}</dd>
              </div>
              <div>
                <dt>{t('analytics.basket')}</dt>
                <dd>{yen(r.totals.current.averageBasket)}</dd>
              </div>
              <div>
                <dt>{t('analytics.units')}</dt>
                <dd>{r.totals.current.units.toLocaleString('ja-JP')}</dd>
              </div>
              <div>
                <dt>{t('analytics.netExcl')}</dt>
                <dd>{yen(r.totals.current.netExcl)}</dd>
              </div>
            </dl>
            <p className="muted small">
              {t('analytics.previousLine', {
                from: jaDate(r.previous.from),
                to: jaDate(r.previous.to),
                net: yen(r.totals.previous.net),
              })}
              {' · '}
              {t('analytics.lastYearLine', {
                from: jaDate(r.lastYear.from),
                to: jaDate(r.lastYear.to),
                net: yen(r.totals.lastYear.net),
              })}
            </p>
            {r.series.length === 0 ? (
              <p className="muted">{t('analytics.none')}</p>
            ) : (
              chart && (
                <Suspense fallback={<div className="daily-chart sales-chart" />}>
                  <SalesChart periods={chart.periods} series={chart.series} label={t('analytics.breakdownChart')} />
                </Suspense>
              )
            )}
            <div className="table-scroll">
              <table className="table" data-testid="analytics-breakdown">
                <caption>{t(`analytics.breakdown.${f.breakdown}`)}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('analytics.key')}</th>
                    <th scope="col" className="align-end">
                      {t('analytics.net')}
                    </th>
                    <th scope="col" className="align-end">
                      {t('analytics.share')}
                    </th>
                    <th scope="col" className="align-end">
                      {t('analytics.vsPrevious')}
                    </th>
                    <th scope="col" className="align-end">
                      {t('analytics.vsLastYear')}
                    </th>
                    <th scope="col" className="align-end">
                      {t('analytics.units')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {r.rows.map((row) => (
                    <tr key={row.key}>
                      <th scope="row">{keyName(row.key, row.label)}</th>
                      <td className="align-end">{yen(row.current.net)}</td>
                      <td className="align-end">
                        {r.totals.current.net ? pct(row.current.net / r.totals.current.net) : '—'}
                      </td>
                      <td className="align-end">{change(row.current.net, row.previous.net)}</td>
                      <td className="align-end">{change(row.current.net, row.lastYear.net)}</td>
                      <td className="align-end">{row.current.units.toLocaleString('ja-JP')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="table-scroll">
              <table className="table" data-testid="analytics-series">
                <caption>{t(`analytics.grain.${f.grain}`)}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('analytics.period')}</th>
                    <th scope="col" className="align-end">
                      {t('analytics.net')}
                    </th>
                    <th scope="col" className="align-end">
                      {t('analytics.orders')}
                    </th>
                    <th scope="col" className="align-end">
                      {t('analytics.basket')}
                    </th>
                    <th scope="col" className="align-end">
                      {t('analytics.returned')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {r.series.map((s) => (
                    <tr key={s.period}>
                      <th scope="row">{jaDate(s.period)}</th>
                      <td className="align-end">{yen(s.net)}</td>
                      <td className="align-end">{s.orders.toLocaleString('ja-JP')}</td>
                      <td className="align-end">{yen(s.averageBasket)}</td>
                      <td className="align-end">{yen(s.returned)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
        <div className="actions">
          <Button
            onClick={() => csv.mutate({ table: 'sales', f })}
            busy={csv.isPending && csv.variables?.table === 'sales'}
          >
            {t('analytics.csv')}
          </Button>
        </div>
        <ProblemBanner error={csv.error} />
      </section>
    </div>
  );
}
