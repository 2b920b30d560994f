/** What the promotion form offers (kinds, channels, tiers) and how a promotion's kind and value read in the list. */
import type { Translate } from '../../shared/i18n';
import type { Promotion, PromotionBody, PromotionKind, Tier } from '../../shared/api/types';

/** A sales channel a promotion may be limited to (the list answers plain strings; the body takes these). */
export type Channel = NonNullable<NonNullable<PromotionBody['conditions']>['channels']>[number];
export const CHANNELS = ['web', 'app', 'store', 'line'] as const satisfies readonly Channel[];

export const KINDS = [
  'percent_off',
  'amount_off',
  'buy_x_get_y',
  'bundle_price',
] as const satisfies readonly PromotionKind[];
export type Kind = (typeof KINDS)[number];
export const TIERS = ['regular', 'silver', 'gold'] as const satisfies readonly Tier[];
export const TARGETS = ['all', 'categories'] as const;
export type Target = (typeof TARGETS)[number];

/** The number each kind asks for, and which parameter it is. */
export const VALUE_LABEL = {
  percent_off: 'hq.promo.percent',
  amount_off: 'hq.promo.amount',
  buy_x_get_y: 'hq.promo.getPercent',
  bundle_price: 'hq.promo.bundlePrice',
} as const;
export const VALUE_PARAM = {
  percent_off: 'percent',
  amount_off: 'amount',
  buy_x_get_y: 'percent',
  bundle_price: 'price',
} as const;

/** The params the API wants for a kind (promotions/schema.ts PromotionParams). */
export function paramsOf(kind: Kind, n: number, f: { buy: string; get: string; quantity: string }) {
  if (kind === 'percent_off') return { percent: n };
  if (kind === 'amount_off') return { amount: n };
  if (kind === 'buy_x_get_y') return { buy: Number(f.buy), get: Number(f.get), percent: n || 100 };
  return { quantity: Number(f.quantity), price: n };
}

/** A datetime-local value (no zone) is Tokyo time (shared with the campaign schedule). */
export { tokyo } from '../../shared/format';

/** A promotion's kind with its numbers, as the list shows it ("10% 引き", "2 点で ¥3,000"). */
export function promotionValue(p: Promotion, t: Translate): string {
  if (p.kind === 'percent_off') return t('hq.promo.value.percent', { n: p.params.percent ?? 0 });
  if (p.kind === 'amount_off') return t('hq.promo.value.amount', { n: (p.params.amount ?? 0).toLocaleString('ja-JP') });
  if (p.kind === 'buy_x_get_y')
    return t('hq.promo.value.bxgy', {
      buy: p.params.buy ?? 0,
      get: p.params.get ?? 0,
      percent: p.params.percent ?? 100,
    });
  if (p.kind === 'bundle_price')
    return t('hq.promo.value.bundle', {
      n: p.params.quantity ?? 0,
      price: (p.params.price ?? 0).toLocaleString('ja-JP'),
    });
  return t(`hq.promo.kind.${p.kind}`);
}
