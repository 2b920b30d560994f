import { useState } from 'react';
import { useLang, useT, type MessageKey } from '../../i18n';
import { formatDateTime } from '../../format';
import { Button, ProblemBanner, SuccessBanner } from '../../ui';
import { useSegmentPreview } from '../segments/useSegments';
import { useSegments } from '../segments/useSegments';
import { CampaignResults } from './CampaignResults';
import { TriggerPanel } from './TriggerPanel';
import { useCampaign, useDeleteCampaign, useSendCampaign } from './useCampaigns';
import { ScheduleControl } from './ScheduleControl';
import { discountText } from '../../customer/Coupons';
import { useOfferChoices } from './useOffers';
import { useScopeText } from '../scope';

const COUNTS = ['audience', 'holdout', 'capped', 'queued', 'inbox', 'email', 'line', 'push'] as const;

/** One campaign: its message, and either 「今すぐ配信」 (a draft) or how its messages fared (sent). */
export function CampaignPanel({ id, onClose }: { id: string; onClose: () => void }) {
  const t = useT();
  const lang = useLang();
  const campaign = useCampaign(id);
  const segments = useSegments();
  const send = useSendCampaign();
  const remove = useDeleteCampaign(onClose);
  const [sent, setSent] = useState(false);
  const offers = useOfferChoices();
  const scopeText = useScopeText();
  const c = campaign.data;
  const offer = offers.data?.find((o) => o.couponId === c?.offerCouponId);
  const segment = segments.data?.find((s) => s.id === c?.segmentId);
  // The reach is the segment's members held to the campaign's store scope, as sending will hold them.
  const reach = useSegmentPreview(
    segment?.rules ?? { match: 'all', conditions: [] },
    !!segment,
    c?.storeScope ?? segment?.storeScope,
  );
  if (!c) return <ProblemBanner error={campaign.error} />;
  if (c.kind === 'trigger') return <TriggerPanel c={c} onClose={onClose} />;
  const draft = c.status === 'draft';

  return (
    <section className="card campaign-panel" aria-label={c.name}>
      <h2>
        {c.name}{' '}
        <span className={`badge ${draft ? 'badge-muted' : 'badge-ok'}`}>{t(`hq.campaigns.status.${c.status}`)}</span>
      </h2>
      <dl className="facts">
        <dt>{t('hq.campaigns.segment')}</dt>
        <dd>{segment?.name ?? '—'}</dd>
        <dt>{t('hq.campaigns.scope')}</dt>
        <dd data-testid="campaign-scope">{scopeText(c.storeScope)}</dd>
        <dt>{t('hq.campaigns.messageTitle')}</dt>
        <dd>{c.title}</dd>
        <dt>{t('hq.campaigns.body')}</dt>
        <dd className="pre-wrap">{c.body}</dd>
        <dt>{t('hq.campaigns.link')}</dt>
        {/* With an offer and no link of its own the message opens her coupon list (campaigns.ts COUPON_LIST_PATH). */}
        <dd data-testid="campaign-link">{c.link ?? (c.offerCouponId ? t('hq.campaigns.linkCoupons') : '—')}</dd>
        <dt>{t('hq.campaigns.holdout')}</dt>
        <dd>{c.holdoutPercent} %</dd>
        <dt>{t('hq.campaigns.offer')}</dt>
        <dd data-testid="campaign-offer">
          {c.offerCouponId
            ? offer
              ? `${offer.promotionName}（${discountText(t, offer)}）`
              : t('hq.campaigns.offerSet')
            : t('hq.campaigns.noOffer')}
        </dd>
        {c.sentAt && (
          <>
            <dt>{t('hq.campaigns.sentAt')}</dt>
            <dd>{formatDateTime(c.sentAt, lang)}</dd>
          </>
        )}
      </dl>
      <ProblemBanner error={send.error ?? remove.error} />
      {sent && <SuccessBanner>{t('hq.campaigns.sentNow')}</SuccessBanner>}
      {draft ? (
        <>
          <ScheduleControl c={c} />
          <div className="actions">
            <Button
              variant="primary"
              busy={send.isPending}
              onClick={() => {
                const n = reach.data?.count;
                const ask = n === undefined ? t('hq.campaigns.confirmSend') : t('hq.campaigns.confirmSendN', { n });
                if (window.confirm(ask)) send.mutate(c.id, { onSuccess: () => setSent(true) });
              }}
            >
              {t('hq.campaigns.send')}
            </Button>
            {reach.data && <span className="muted">{t('hq.campaigns.reach', { n: reach.data.count })}</span>}
            <Button variant="ghost" busy={remove.isPending} onClick={() => remove.mutate(c.id)}>
              {t('hq.campaigns.delete')}
            </Button>
            <Button variant="ghost" onClick={onClose}>
              {t('hq.segments.close')}
            </Button>
          </div>
        </>
      ) : (
        <>
          <h3>{t('hq.campaigns.results')}</h3>
          <dl className="campaign-counts">
            {COUNTS.map((k) => (
              <div key={k}>
                <dt>{t(`hq.campaigns.count.${k}` as MessageKey)}</dt>
                <dd>{(c.counts?.[k] ?? 0).toLocaleString('ja-JP')}</dd>
              </div>
            ))}
            <div>
              <dt>{t('hq.campaigns.count.read')}</dt>
              <dd>{c.progress.inbox.read.toLocaleString('ja-JP')}</dd>
            </div>
            {c.offer && (
              <>
                <div>
                  <dt>{t('hq.campaigns.count.issued')}</dt>
                  <dd data-testid="offer-issued">{c.offer.issued.toLocaleString('ja-JP')}</dd>
                </div>
                <div>
                  <dt>{t('hq.campaigns.count.redeemed')}</dt>
                  <dd data-testid="offer-redeemed">{c.offer.redeemed.toLocaleString('ja-JP')}</dd>
                </div>
              </>
            )}
          </dl>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('hq.campaigns.channel')}</th>
                <th scope="col" className="align-end">
                  {t('hq.campaigns.sent')}
                </th>
                <th scope="col" className="align-end">
                  {t('hq.campaigns.waiting')}
                </th>
                <th scope="col" className="align-end">
                  {t('hq.campaigns.failed')}
                </th>
                <th scope="col" className="align-end" title={t('hq.campaigns.clickedHint')}>
                  {t('hq.campaigns.clicked')}
                </th>
              </tr>
            </thead>
            <tbody>
              {c.progress.channels.length === 0 ? (
                <tr>
                  <td colSpan={5} className="table-empty">
                    {t('hq.campaigns.noMessages')}
                  </td>
                </tr>
              ) : (
                c.progress.channels.map((ch) => (
                  <tr key={ch.channel}>
                    <td>{t(`hq.segments.consent.${ch.channel}` as MessageKey)}</td>
                    <td className="align-end">{ch.sent}</td>
                    <td className="align-end">{ch.waiting}</td>
                    <td className="align-end">{ch.failed}</td>
                    <td className="align-end">{ch.clicked}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
          <CampaignResults id={c.id} name={c.name} />
          <Button variant="ghost" onClick={onClose}>
            {t('hq.segments.close')}
          </Button>
        </>
      )}
    </section>
  );
}
