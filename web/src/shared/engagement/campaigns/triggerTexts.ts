import type { MessageKey, Translate } from '../../i18n';
import type { CampaignDetail } from '../../api/types';

type Trigger = NonNullable<CampaignDetail['trigger']>;

/** 配信条件 of the loyalty triggers (誕生日 …) in words: what fires it and how often at most. */
export function triggerCondition(
  t: Translate,
  tr: Exclude<
    Trigger,
    { kind: 'near_store' | 'cart_abandoned' | 'back_in_stock' | 'hold_expiring' | 'pickup_waiting' }
  >,
): string {
  switch (tr.kind) {
    case 'birthday':
      return tr.daysBefore
        ? t('hq.campaigns.triggerBirthdayBefore', { n: tr.daysBefore })
        : t('hq.campaigns.triggerBirthday');
    case 'tier_up':
      return t('hq.campaigns.triggerTierUp', { days: tr.cooldownDays });
    case 'points_expiring':
      return t('hq.campaigns.triggerExpiring', { n: tr.withinDays, p: tr.minPoints, days: tr.cooldownDays });
  }
}

/** 内容 of one firing of a loyalty trigger: the birthday celebrated, the tiers risen between, the points lapsing ('' when it is not one of theirs). */
export function loyaltyFiringDetail(t: Translate, detail: Record<string, unknown> | null | undefined): string {
  if (typeof detail?.day === 'string') {
    const [, m, d] = detail.day.split('-').map(Number);
    return t('hq.campaigns.firing.birthday', { m: m!, d: d! });
  }
  if (typeof detail?.expiresOn === 'string' && typeof detail.points === 'number') {
    const [, m, d] = detail.expiresOn.split('-').map(Number);
    return t('hq.campaigns.firing.expiring', { n: detail.points, m: m!, d: d! });
  }
  if (typeof detail?.to === 'string' && typeof detail.from === 'string')
    return `${t(`tier.${detail.from}` as MessageKey)} → ${t(`tier.${detail.to}` as MessageKey)}`;
  return '';
}
