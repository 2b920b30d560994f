import { useState } from 'react';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import { useCampaigns } from '../../shared/engagement/campaigns/useCampaigns';
import { formatYen, tokyoToday } from '../../shared/format';
import { useLang, useT, type MessageKey } from '../../shared/i18n';
import { locationName, useLocations } from '../../shared/locations';
import { Link } from '../../shared/router';
import { saveFile } from '../../shared/save-file';
import { Button, DataTable, ProblemBanner, SelectField, TextField } from '../../shared/ui';

const addDays = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const num = (n: number) => n.toLocaleString('ja-JP');
const KNOWN = ['campaign', 'web', 'app', 'store', 'line', 'email', 'push', 'sms', 'inbox', 'flyer', 'unknown'];

/**
 * /hq/analytics/coupons — クーポン・キャンペーン効果: the online → store headline, then per coupon its
 * issue, use, discount and attributed sales, the issue × use channel table, and per campaign its uses and
 * the lift its own results measure (engagement's attribution, read through its route).
 */
export function CouponEffectScreen() {
  const t = useT();
  const lang = useLang();
  const today = tokyoToday();
  const [f, setF] = useState({ from: addDays(today, -89), to: today, store: '' });
  const query = { from: f.from, to: f.to, ...(f.store ? { stores: f.store } : {}) };
  const report = useQuery({
    queryKey: ['analytics', 'coupons', query],
    queryFn: () => call(api.GET('/api/analytics/coupons', { params: { query } })),
    placeholderData: keepPreviousData,
  });
  const csv = useMutation({
    mutationFn: async () => {
      const blob = await call(api.GET('/api/analytics/coupons/export.csv', { params: { query }, parseAs: 'blob' }));
      saveFile(blob, `クーポン効果_${f.from}_${f.to}.csv`);
    },
  });
  const campaigns = useCampaigns();
  const locations = useLocations();
  const stores = (locations.data ?? []).filter((l) => l.kind === 'store');
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF((x) => ({ ...x, [k]: e.target.value }));
  const yen = (n: number) => formatYen(n, lang);
  const ch = (c: string) => t(`coupons.ch.${KNOWN.includes(c) ? c : 'other'}` as MessageKey);
  const campaignName = (id: string) => campaigns.data?.find((c) => c.id === id)?.name ?? t('coupons.unnamedCampaign');
  const r = report.data;

  return (
    <main className="page store hq-coupons">
      <div className="section-head">
        <h1>{t('coupons.title')}</h1>
        <Button onClick={() => csv.mutate()} busy={csv.isPending} disabled={!r}>
          {t('coupons.csv')}
        </Button>
      </div>
      <p className="muted">{t('coupons.lead')}</p>
      <div className="hq-filters">
        <div className="hq-filter-row">
          <TextField type="date" label={t('coupons.from')} value={f.from} max={f.to} onChange={set('from')} required />
          <TextField type="date" label={t('coupons.to')} value={f.to} min={f.from} onChange={set('to')} required />
          <SelectField label={t('coupons.store')} value={f.store} onChange={set('store')}>
            <option value="">{t('coupons.allStores')}</option>
            {stores.map((s) => (
              <option key={s.id} value={s.id}>
                {locationName(s, lang)}
              </option>
            ))}
          </SelectField>
        </div>
        {f.store && <p className="muted small">{t('coupons.storeNote')}</p>}
      </div>
      <ProblemBanner error={report.error ?? csv.error} />
      {r && (
        <>
          <section className="card" aria-labelledby="coupons-headline">
            <h2 id="coupons-headline">{t('coupons.headline')}</h2>
            <p className="analytics-headline" data-testid="online-to-store">
              {t('coupons.headlineText', { n: num(r.onlineToStore.redeemed), sales: yen(r.onlineToStore.sales) })}
            </p>
            <p className="muted small">{t('coupons.headlineLead')}</p>
            <dl className="facts">
              {r.issued !== null && (
                <div className="facts-row">
                  <dt>{t('coupons.issued')}</dt>
                  <dd>
                    {num(r.issued)} ({t('coupons.used')} {num(r.used ?? 0)})
                  </dd>
                </div>
              )}
              <div className="facts-row">
                <dt>{t('coupons.redeemed')}</dt>
                <dd data-testid="coupons-redeemed">{num(r.totals.redeemed)}</dd>
              </div>
              <div className="facts-row">
                <dt>{t('coupons.discount')}</dt>
                <dd>{yen(r.totals.discount)}</dd>
              </div>
              <div className="facts-row">
                <dt>{t('coupons.sales')}</dt>
                <dd>{yen(r.totals.sales)}</dd>
              </div>
            </dl>
          </section>
          <section className="card">
            <DataTable
              caption={t('coupons.byPromotion')}
              stacked
              rows={r.promotions}
              rowKey={(x) => x.promotionId}
              empty={t('coupons.none')}
              columns={[
                { key: 'name', header: t('coupons.promotion'), cell: (x) => x.name },
                {
                  key: 'issued',
                  header: t('coupons.issued'),
                  align: 'end',
                  cell: (x) => (x.issued === null ? '—' : num(x.issued)),
                },
                {
                  key: 'rate',
                  header: t('coupons.rate'),
                  align: 'end',
                  cell: (x) => (x.redemptionRate === null ? '—' : `${(x.redemptionRate * 100).toFixed(1)}%`),
                },
                { key: 'redeemed', header: t('coupons.redeemed'), align: 'end', cell: (x) => num(x.redeemed) },
                { key: 'discount', header: t('coupons.discount'), align: 'end', cell: (x) => yen(x.discount) },
                { key: 'sales', header: t('coupons.sales'), align: 'end', cell: (x) => yen(x.sales) },
                {
                  key: 'o2s',
                  header: t('coupons.onlineToStore'),
                  align: 'end',
                  cell: (x) => num(x.onlineToStore.redeemed),
                },
              ]}
            />
          </section>
          <section className="card">
            <DataTable
              caption={t('coupons.byChannel')}
              stacked
              rows={r.channels}
              rowKey={(x) => `${x.issueChannel}|${x.channel}`}
              empty={t('coupons.none')}
              columns={[
                { key: 'issue', header: t('coupons.issueChannel'), cell: (x) => ch(x.issueChannel) },
                { key: 'channel', header: t('coupons.channel'), cell: (x) => ch(x.channel) },
                { key: 'redeemed', header: t('coupons.redeemed'), align: 'end', cell: (x) => num(x.redeemed) },
                { key: 'discount', header: t('coupons.discount'), align: 'end', cell: (x) => yen(x.discount) },
                { key: 'sales', header: t('coupons.sales'), align: 'end', cell: (x) => yen(x.sales) },
              ]}
            />
          </section>
          {r.campaigns.length > 0 && (
            <section className="card">
              <p className="muted small">{t('coupons.campaignsLead')}</p>
              <DataTable
                caption={t('coupons.campaigns')}
                stacked
                rows={r.campaigns}
                rowKey={(x) => x.campaignId}
                empty={null}
                columns={[
                  { key: 'name', header: t('coupons.campaign'), cell: (x) => campaignName(x.campaignId) },
                  {
                    key: 'issued',
                    header: t('coupons.issued'),
                    align: 'end',
                    cell: (x) => (x.issued === null ? '—' : num(x.issued)),
                  },
                  { key: 'redeemed', header: t('coupons.redeemed'), align: 'end', cell: (x) => num(x.redeemed) },
                  { key: 'inStore', header: t('coupons.inStore'), align: 'end', cell: (x) => num(x.inStore) },
                  { key: 'sales', header: t('coupons.sales'), align: 'end', cell: (x) => yen(x.sales) },
                  { key: 'lift', header: t('coupons.lift'), align: 'end', cell: (x) => <Lift id={x.campaignId} /> },
                  {
                    key: 'open',
                    header: '',
                    cell: () => <Link href="/hq/campaigns">{t('coupons.open')}</Link>,
                  },
                ]}
              />
            </section>
          )}
        </>
      )}
    </main>
  );
}

/** A campaign's conversion lift over its holdout, from its own results (engagement's attribution). */
function Lift({ id }: { id: string }) {
  const t = useT();
  const results = useQuery({
    queryKey: ['campaign-results', id],
    queryFn: () => call(api.GET('/api/campaigns/{id}/results', { params: { path: { id } } })),
    retry: false,
  });
  const lift = results.data?.lift;
  if (!lift) return <>{t('coupons.liftNone')}</>;
  const pts = lift.conversion * 100;
  return <>{t('coupons.liftValue', { pts: `${pts >= 0 ? '+' : ''}${pts.toFixed(1)}` })}</>;
}
