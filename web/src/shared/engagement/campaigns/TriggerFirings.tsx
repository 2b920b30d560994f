import { formatDateTime } from '../../format';
import { useLang, useT } from '../../i18n';
import { DataTable, ProblemBanner } from '../../ui';
import { useFirings } from './useCampaigns';
import { loyaltyFiringDetail } from './triggerTexts';

/** 配信履歴: who a trigger campaign fired for, when, with what outcome and about which store. */
export function TriggerFirings({ id, active, service = false }: { id: string; active: boolean; service?: boolean }) {
  const t = useT();
  const lang = useLang();
  const firings = useFirings(id, active);
  const d = firings.data;
  return (
    <section aria-label={t('hq.campaigns.firings')}>
      <h3>{t('hq.campaigns.firings')}</h3>
      <ProblemBanner error={firings.error} />
      {d && (
        <p className="muted" data-testid="firings-total">
          {service
            ? t('hq.campaigns.firingsServiceTotal', { n: d.totals.firings })
            : t('hq.campaigns.firingsTotal', {
                n: d.totals.firings,
                q: d.totals.queued,
                h: d.totals.holdout,
                c: d.totals.capped,
              })}
        </p>
      )}
      <DataTable
        stacked
        rows={d?.items ?? []}
        rowKey={(r) => `${r.at}:${r.memberNumber}:${r.firing}`}
        empty={firings.isPending ? t('common.loading') : t('hq.campaigns.firingsNone')}
        columns={[
          { key: 'at', header: t('hq.campaigns.firing.at'), cell: (r) => formatDateTime(r.at, lang) },
          { key: 'member', header: t('hq.campaigns.firing.member'), cell: (r) => r.memberNumber ?? '—' },
          { key: 'status', header: t('hq.campaigns.firing.status'), cell: (r) => t(`hq.campaigns.firing.${r.status}`) },
          {
            key: 'detail',
            header: t('hq.campaigns.firing.detail'),
            cell: (r) => {
              const store = typeof r.detail?.store === 'string' ? r.detail.store : null;
              // お知らせ（自動）: the order, its stage (取り置き期限, 受け取り待ち …) and the store.
              if (typeof r.detail?.number === 'string') {
                const stage = r.detail.stage;
                const label =
                  stage === 'expiring' || stage === 'waiting' || stage === 'last_call'
                    ? t(`hq.campaigns.firing.stage.${stage}`)
                    : '';
                return [r.detail.number, label, store].filter(Boolean).join(' · ');
              }
              const m = typeof r.detail?.distanceM === 'number' ? r.detail.distanceM : null;
              const units = typeof r.detail?.units === 'number' ? r.detail.units : null;
              if (store && units !== null) return t('hq.campaigns.firing.restock', { store, n: units });
              if (store) return m !== null ? `${store} · ${m} m` : store;
              const loyalty = loyaltyFiringDetail(t, r.detail);
              if (loyalty) return loyalty;
              return r.detail && 'cartId' in r.detail ? t('hq.campaigns.firing.online') : '—';
            },
          },
        ]}
      />
    </section>
  );
}
