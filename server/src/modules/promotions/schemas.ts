import { z } from 'zod';
import { tiers } from '../customers/service.ts';
import { salesChannels } from '../../platform/channels.ts';
import { promotionKinds, targetTypes } from './schema.ts';

/** Request and response shapes of the promotion and coupon routes: validation, types and OpenAPI in one. */

const ids = z.array(z.string().min(1).max(64)).max(1000);
const yen = z.number().int().min(0).max(100_000_000);
const params = z.object({
  percent: z.number().int().min(1).max(100).optional(),
  amount: yen.optional(),
  buy: z.number().int().min(1).max(99).optional(),
  get: z.number().int().min(1).max(99).optional(),
  quantity: z.number().int().min(2).max(99).optional(),
  price: yen.optional(),
});
const conditions = z.object({
  channels: z.array(z.enum(salesChannels)).max(10).optional(),
  locationIds: ids.optional(),
  tiers: z.array(z.enum(tiers)).max(10).optional(),
  firstPurchaseOnly: z.boolean().optional(),
  minSpend: yen.optional(),
});
const when = z.string().datetime({ offset: true }).nullable().optional();

export const promotionBody = z.object({
  name: z.string().min(1).max(100),
  description: z.string().max(500).optional().describe('What the customer reads under the name in her coupon list'),
  kind: z.enum(promotionKinds),
  params,
  target: z.object({ type: z.enum(targetTypes), ids: ids.default([]) }).optional(),
  conditions: conditions.optional(),
  startsAt: when,
  endsAt: when,
  priority: z.number().int().min(-1000).max(1000).optional(),
  stackable: z.boolean().optional(),
  active: z.boolean().optional(),
  requiresCoupon: z.boolean().optional(),
});
export type PromotionInput = z.infer<typeof promotionBody>;

export const promotionListQuery = z.object({ active: z.enum(['true', 'false']).optional() });

export const couponFields = z.object({
  promotionId: z.string().min(1).max(64),
  perCustomerLimit: z.number().int().min(1).max(1000).nullable().optional(),
  startsAt: when,
  endsAt: when,
  issuedChannel: z.string().min(1).max(40).nullable().optional(),
  campaign: z.string().min(1).max(100).nullable().optional(),
});
export type CouponInput = z.infer<typeof couponFields>;

export const publicCouponBody = couponFields.extend({ code: z.string().min(4).max(40) });
export const couponListQuery = z.object({ promotionId: z.string().max(64).optional() });
export const couponBatchBody = z.object({
  couponId: z.string().max(64).optional(),
  coupon: couponFields.optional(),
  count: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .describe('0: the coupon alone, for codes issued to members later (a campaign’s offer)'),
  prefix: z.string().max(8).optional(),
});

// ── Answers (describe only: no limits, so a stored oddity is shown rather than turned into a 500) ──

const int = z.number().int();

export const promotionView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  kind: z.enum(promotionKinds),
  params: z.object({
    percent: int.optional(),
    amount: int.optional(),
    buy: int.optional(),
    get: int.optional(),
    quantity: int.optional(),
    price: int.optional(),
  }),
  target: z.object({ type: z.enum(targetTypes), ids: z.array(z.string()) }),
  conditions: z.object({
    channels: z.array(z.string()),
    locationIds: z.array(z.string()),
    tiers: z.array(z.string()),
    firstPurchaseOnly: z.boolean(),
    minSpend: int,
  }),
  startsAt: z.date().nullable(),
  endsAt: z.date().nullable(),
  priority: int,
  stackable: z.boolean(),
  active: z.boolean(),
  requiresCoupon: z.boolean(),
  createdBy: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export const promotionList = z.object({ items: z.array(promotionView) });
/** A promotion as the engine (engine.ts) takes it: what a till keeps to price offline. */
export const enginePromotionView = promotionView.pick({
  id: true,
  name: true,
  kind: true,
  params: true,
  target: true,
  conditions: true,
  startsAt: true,
  endsAt: true,
  priority: true,
  stackable: true,
  active: true,
  requiresCoupon: true,
});

const couponKinds = ['public', 'single_use'] as const;
export const couponView = z.object({
  id: z.string(),
  code: z.string().nullable().describe('The public code; null for single-use coupons'),
  promotionId: z.string(),
  kind: z.enum(couponKinds),
  perCustomerLimit: int.nullable(),
  startsAt: z.date().nullable(),
  endsAt: z.date().nullable(),
  issuedChannel: z.string().nullable(),
  campaign: z.string().nullable(),
  createdAt: z.date(),
});
export const couponList = z.object({ items: z.array(couponView) });

export const couponBatchView = z.object({ couponId: z.string(), batchId: z.string(), codes: z.array(z.string()) });

export const couponRedemptionsView = z.object({
  couponId: z.string(),
  promotionId: z.string(),
  code: z.string().nullable(),
  kind: z.enum(couponKinds),
  issuedChannel: z.string().nullable(),
  campaign: z.string().nullable(),
  codesIssued: int.nullable(),
  redemptions: int.describe('Uses that still stand'),
  released: int.describe('Uses given back by a cancelled order: they count nowhere else'),
  discountTotal: int,
  usedAt: z.array(z.object({ channel: z.string(), locationId: z.string().nullable(), count: int, amount: int })),
  items: z.array(
    z.object({
      code: z.string(),
      customerId: z.string().nullable(),
      orderId: z.string(),
      amount: int,
      issuedChannel: z.string().nullable(),
      channel: z.string(),
      locationId: z.string().nullable(),
      at: z.string(),
      releasedAt: z.string().nullable(),
    }),
  ),
});

export const issuedCouponView = z.object({
  code: z.string(),
  couponId: z.string(),
  promotionId: z.string(),
  name: z.string(),
  description: z.string(),
  kind: z.enum(promotionKinds),
  params: promotionView.shape.params,
  minSpend: int,
  channels: z.array(z.string()),
  issuedAt: z.string(),
  startsAt: z.string().nullable(),
  expiresAt: z.string().nullable().describe('Exclusive; null: no end'),
});
export const issuedCouponList = z.object({ items: z.array(issuedCouponView) });
