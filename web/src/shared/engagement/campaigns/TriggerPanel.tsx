import { useState } from 'react';
import { useLang, useT } from '../../i18n';
import { formatDateTime } from '../../format';
import { locationName, useLocations } from '../../locations';
import type { CampaignDetail } from '../../api/types';
import { Button, ProblemBanner } from '../../ui';
import { CampaignResults } from './CampaignResults';
import { ServiceTriggerEdit } from './ServiceTriggerEdit';
import { TriggerFirings } from './TriggerFirings';
import { triggerCondition } from './triggerTexts';
import { useDeleteCampaign, useSetTriggerState } from './useCampaigns';

/** An always-on campaign: its condition and message, 配信を開始 / 停止, its firings and what they earned. */
export function TriggerPanel({ c, onClose }: { c: CampaignDetail; onClose: () => void }) {
  const t = useT();
  const lang = useLang();
  const stores = useLocations().data ?? [];
  const state = useSetTriggerState();
  const remove = useDeleteCampaign(onClose);
  const [editing, setEditing] = useState(false);
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
      : tr.kind === 'cart_abandoned'
        ? t('hq.campaigns.triggerCart', { h: tr.idleHours, days: tr.cooldownDays })
        : tr.kind === 'back_in_stock'
          ? t('hq.campaigns.triggerRestock', { factor: tr.factor, days: tr.cooldownDays })
          : tr.kind === 'hold_expiring'
            ? t('hq.campaigns.triggerHold', { h: tr.withinHours })
            : tr.kind === 'pickup_waiting'
              ? t('hq.campaigns.triggerPickup', { a: tr.afterHours, l: tr.lastCallHours })
              : triggerCondition(t, tr);
  return (
    <section className="card campaign-panel" aria-label={c.name}>
      <h2>
        {c.name}{' '}
        <span className={`badge ${active ? 'badge-ok' : 'badge-muted'}`} data-testid="trigger-status">
          {t(`hq.campaigns.status.${c.status}`)}
        </span>{' '}
        {c.service && <span className="badge badge-muted">{t('hq.campaigns.serviceBadge')}</span>}
      </h2>
      {c.service && <p className="muted">{t('hq.campaigns.serviceLead')}</p>}
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
        <dd>
          {c.service
            ? t('hq.campaigns.serviceLink')
            : tr.kind === 'back_in_stock'
              ? t('hq.campaigns.restockLink')
              : (c.link ?? '—')}
        </dd>
        <dt>{t('hq.campaigns.holdout')}</dt>
        <dd>{c.service ? t('hq.campaigns.serviceHoldout') : `${c.holdoutPercent} %`}</dd>
        {c.activatedAt && (
          <>
            <dt>{t('hq.campaigns.activatedAt')}</dt>
            <dd>{formatDateTime(c.activatedAt, lang)}</dd>
          </>
        )}
      </dl>
      <ProblemBanner error={state.error ?? remove.error} />
      {editing && <ServiceTriggerEdit c={c} onDone={() => setEditing(false)} />}
      <div className="actions">
        {c.service ? (
          !editing && (
            <Button variant="primary" onClick={() => setEditing(true)}>
              {t('hq.campaigns.edit')}
            </Button>
          )
        ) : active ? (
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
          <TriggerFirings id={c.id} active={active} service={c.service} />
          {/* A notice has no holdout to measure against, and no sale is credited to it. */}
          {!c.service && <CampaignResults id={c.id} name={c.name} />}
        </>
      )}
    </section>
  );
}
