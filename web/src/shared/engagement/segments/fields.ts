import type { SegmentCondition, SegmentField } from '../../api/types';

/** The conditions a marketer can add, in the order the menu offers them. */
export const FIELDS: readonly SegmentField[] = [
  'near_store',
  'rfm_group',
  'channel_mix',
  'days_since_purchase',
  'days_since_visit',
  'spend',
  'bought',
  'viewed',
  'viewed_not_bought',
  'tier',
  'points',
  'consent',
  'birthday_month',
  'rfm_score',
];

export const RFM_GROUPS = ['champions', 'new', 'at_risk', 'dormant', 'regular', 'none'] as const;
export const CHANNEL_MIXES = ['omni', 'web_only', 'store_only', 'app'] as const;
export const TIERS = ['regular', 'silver', 'gold'] as const;
export const CONSENT_CHANNELS = ['email', 'push', 'line', 'sms'] as const;
export const WINDOWS = [7, 30, 90, 180, 365] as const;

/** A new condition of `field` with sensible starting values (the first store, the last 30 days …). */
export function newCondition(field: SegmentField, firstStore: string | undefined): SegmentCondition {
  switch (field) {
    case 'near_store':
      return { field, locationId: firstStore ?? '', km: 2 };
    case 'rfm_group':
      return { field, in: ['champions'] };
    case 'channel_mix':
      return { field, in: ['omni'] };
    case 'days_since_purchase':
      return { field, range: { min: 90 } };
    case 'days_since_visit':
      return { field, range: { min: 60 } };
    case 'spend':
      return { field, days: 365, range: { min: 30000 } };
    case 'bought':
    case 'viewed':
    case 'viewed_not_bought':
      return { field, products: { categoryIds: [], days: 30 } };
    case 'tier':
      return { field, in: ['gold'] };
    case 'points':
      return { field, range: { min: 1000 } };
    case 'consent':
      return { field, channel: 'line' };
    case 'birthday_month':
      return { field, months: [new Date().getMonth() + 1] };
    case 'rfm_score':
      return { field, recency: [4, 5] };
  }
}
