import { useLang, useT } from '../../i18n';
import { formatDateTime } from '../../format';
import { locationName, useLocations } from '../../locations';
import type { CampaignDetail } from '../../api/types';
import { Button, ProblemBanner } from '../../ui';
import { CampaignResults } from './CampaignResults';
import { TriggerFirings } from './TriggerFirings';
import { useDeleteCampaign, useSetTriggerState } from './useCampaigns';

/** An always-on campaign: its condition and message, 配信を開始 / 停止, its firings and what they earned. */
export function TriggerPanel({ c, onClose }: { c: CampaignDetail; onClose: () => void }) {
  const t = useT();
  const lang = useLang();
  const stores = useLocations().data ?? [];
  const state = useSetTriggerState();
  const remove = useDeleteCampaign(onClose);
  const tr = c.trigger;
  if (!tr) return null;
  const active = c.status === 'active';
  const condition =
    tr.kind === 'near_store'
      ? t('hq.campaigns.triggerNearStore', { m: tr.radiusM, days: tr.cooldownDays }) +
        (tr.locationIds?.length
          ? ` · ${tr.locationIds
              .map((id) => {
                const l = stores.find((s) => s.id === id);
                return l ? locationName(l, lang) : '—';
              })
              .join('、')}`
          : ` · ${t('hq.campaigns.allStores')}`)
      : t('hq.campaigns.triggerCart', { h: tr.idleHours, days: tr.cooldownDays });
  return (
    <section className="card campaign-panel" aria-label={c.name}>
      <h2>
        {c.name}{' '}
        <span className={`badge ${active ? 'badge-ok' : 'badge-muted'}`} data-testid="trigger-status">
          {t(`hq.campaigns.status.${c.status}`)}
        </span>
      </h2>
      <dl className="facts">
        <dt>{t('hq.campaigns.kind')}</dt>
        <dd>{t(`hq.campaigns.kind.${tr.kind}`)}</dd>
        <dt>{t('hq.campaigns.trigger')}</dt>
        <dd>{condition}</dd>
        <dt>{t('hq.campaigns.messageTitle')}</dt>
        <dd>{c.title}</dd>
        <dt>{t('hq.campaigns.body')}</dt>
        <dd className="pre-wrap">{c.body}</dd>
        {tr.kind === 'cart_abandoned' && (
          <>
            <dt>{t('hq.campaigns.onlineTitle')}</dt>
            <dd>{tr.onlineTitle}</dd>
          </>
        )}
        <dt>{t('hq.campaigns.link')}</dt>
        <dd>{c.link ?? '—'}</dd>
        <dt>{t('hq.campaigns.holdout')}</dt>
        <dd>{c.holdoutPercent} %</dd>
        {c.activatedAt && (
          <>
            <dt>{t('hq.campaigns.activatedAt')}</dt>
            <dd>{formatDateTime(c.activatedAt, lang)}</dd>
          </>
        )}
      </dl>
      <ProblemBanner error={state.error ?? remove.error} />
      <div className="actions">
        {active ? (
          <Button busy={state.isPending} onClick={() => state.mutate({ id: c.id, on: false })}>
            {t('hq.campaigns.pause')}
          </Button>
        ) : (
          <Button
            variant="primary"
            busy={state.isPending}
            onClick={() => {
              if (window.confirm(t('hq.campaigns.confirmActivate'))) state.mutate({ id: c.id, on: true });
            }}
          >
            {t('hq.campaigns.activate')}
          </Button>
        )}
        {c.status === 'draft' && (
          <Button variant="ghost" busy={remove.isPending} onClick={() => remove.mutate(c.id)}>
            {t('hq.campaigns.delete')}
          </Button>
        )}
        <Button variant="ghost" onClick={onClose}>
          {t('hq.segments.close')}
        </Button>
      </div>
      {c.activatedAt && (
        <>
          <TriggerFirings id={c.id} active={active} />
          <CampaignResults id={c.id} name={c.name} />
        </>
      )}
    </section>
  );
}
