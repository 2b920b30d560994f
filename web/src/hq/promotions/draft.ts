/** The new-promotion form's state, and the body it becomes for POST /api/promotions. */
import type { PromotionBody, Tier } from '../../shared/api/types';
import { paramsOf, tokyo, type Channel, type Kind, type Target } from './kinds';

/** What the form holds: numbers as typed (strings), '' for "any". */
export interface Draft {
  name: string;
  kind: Kind;
  value: string;
  buy: string;
  get: string;
  quantity: string;
  target: Target;
  categoryId: string;
  channel: Channel | '';
  locationId: string;
  startsAt: string;
  endsAt: string;
  requiresCoupon: boolean;
  tiers: Tier[];
  firstPurchaseOnly: boolean;
  minSpend: string;
  priority: string;
  stackable: boolean;
}

export const EMPTY_DRAFT: Draft = {
  name: '',
  kind: 'percent_off',
  value: '',
  buy: '2',
  get: '1',
  quantity: '2',
  target: 'all',
  categoryId: '',
  channel: '',
  locationId: '',
  startsAt: '',
  endsAt: '',
  requiresCoupon: false,
  tiers: [],
  firstPurchaseOnly: false,
  minSpend: '',
  priority: '0',
  stackable: true,
};

/** The draft as the API wants it: a category target only with a category chosen, empty conditions as "any". */
export function toBody(f: Draft): PromotionBody {
  return {
    name: f.name.trim(),
    kind: f.kind,
    params: paramsOf(f.kind, Number(f.value), f),
    target:
      f.target === 'categories' && f.categoryId
        ? { type: 'categories', ids: [f.categoryId] }
        : { type: 'all', ids: [] },
    conditions: {
      channels: f.channel ? [f.channel] : [],
      locationIds: f.locationId ? [f.locationId] : [],
      tiers: f.tiers,
      firstPurchaseOnly: f.firstPurchaseOnly,
      minSpend: Number(f.minSpend) || 0,
    },
    priority: Number(f.priority) || 0,
    stackable: f.stackable,
    startsAt: tokyo(f.startsAt),
    endsAt: tokyo(f.endsAt),
    requiresCoupon: f.requiresCoupon,
  };
}

/** Sets one field of the draft. */
export type SetDraft = <K extends keyof Draft>(k: K, v: Draft[K]) => void;
