import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const promotionKinds = ['percent_off', 'amount_off', 'buy_x_get_y', 'bundle_price'] as const;
export type PromotionKind = (typeof promotionKinds)[number];

/**
 * What a promotion gives, by kind (all yen are tax-included):
 * percent_off {percent 1–100}; amount_off {amount}; buy_x_get_y {buy, get, percent? = 100: the cheapest
 * `get` of every `buy + get` units are that much off}; bundle_price {quantity, price: any `quantity` units for `price`}.
 */
export interface PromotionParams {
  percent?: number | undefined;
  amount?: number | undefined;
  buy?: number | undefined;
  get?: number | undefined;
  quantity?: number | undefined;
  price?: number | undefined;
}

export const targetTypes = ['all', 'categories', 'products', 'variants'] as const;
export type PromotionTarget = { type: (typeof targetTypes)[number]; ids: string[] };

/** Empty lists mean "no restriction". The channel is the cart's (web, app, store, line). */
export interface PromotionConditions {
  channels: string[];
  /** Stores where the sale is made (a till cart's store); online carts have none and never match. */
  locationIds: string[];
  tiers: string[];
  /** Members with no earlier order (not cancelled); guests never qualify: we cannot tell. */
  firstPurchaseOnly: boolean;
  /** Tax-included spend on the targeted lines, before any discount. */
  minSpend: number;
}

export const promotions = pgTable(
  'promotions',
  {
    id: text().primaryKey(),
    /** Shown to the customer on the receipt and in the cart (Japanese). */
    name: text().notNull(),
    /** What the customer reads under the name in her coupon list (conditions, the fine print). */
    description: text().notNull().default(''),
    kind: text().notNull().$type<PromotionKind>(),
    params: jsonb().notNull().$type<PromotionParams>(),
    target: jsonb().notNull().$type<PromotionTarget>(),
    conditions: jsonb().notNull().$type<PromotionConditions>(),
    startsAt: timestamp({ withTimezone: true }),
    endsAt: timestamp({ withTimezone: true }),
    /** Higher goes first when stacking, and wins ties. */
    priority: integer().notNull().default(0),
    stackable: boolean().notNull().default(true),
    active: boolean().notNull().default(true),
    /** Only through a coupon code; otherwise it applies to every cart that qualifies. */
    requiresCoupon: boolean().notNull().default(false),
    createdBy: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.active, t.requiresCoupon)],
);

export type CouponKind = 'public' | 'single_use';

/** A way in to a promotion: one public code many people type, or a family of single-use codes. */
export const coupons = pgTable(
  'coupons',
  {
    id: text().primaryKey(),
    /** The public code (normalised: upper case, no spaces or hyphens); null for single-use coupons. */
    code: text().unique(),
    promotionId: text().notNull(),
    kind: text().notNull().$type<CouponKind>(),
    /** How many orders one member may use it on; null = no limit. A limit makes it members-only. */
    perCustomerLimit: integer(),
    startsAt: timestamp({ withTimezone: true }),
    endsAt: timestamp({ withTimezone: true }),
    /** Attribution: where the code was handed out (e.g. store flyer, LINE, app push) and the campaign. */
    issuedChannel: text(),
    campaign: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.promotionId), check('coupons_code_kind', sql`(${t.kind} = 'public') = (${t.code} IS NOT NULL)`)],
);

/**
 * Single-use codes, generated in batches. A code is used once: redeemedAt is set by a guarded update.
 * A code issued to a member's account (a campaign's offer) names her: only she can use it, and only once
 * per reason it was issued for (`issuedFor`, e.g. `campaign:cmp_…`).
 */
export const couponCodes = pgTable(
  'coupon_codes',
  {
    code: text().primaryKey(),
    couponId: text().notNull(),
    batchId: text().notNull(),
    redeemedAt: timestamp({ withTimezone: true }),
    orderId: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** The member it was issued to (her coupon list); null for a printed or handed-out code anyone may use. */
    customerId: text(),
    /** Why it was issued to her (`campaign:<id>`): one code per member per reason. */
    issuedFor: text(),
  },
  (t) => [
    index().on(t.couponId),
    index().on(t.batchId),
    // クーポン効果: the codes issued in a period.
    index().on(t.createdAt),
    // One code per member per reason: a retried or raced issue adds nothing.
    uniqueIndex('coupon_codes_issued_once')
      .on(t.issuedFor, t.customerId)
      .where(sql`${t.customerId} IS NOT NULL`),
    // Her coupon list: the codes issued to her that she has not used yet.
    index('coupon_codes_issued_to')
      .on(t.customerId)
      .where(sql`${t.customerId} IS NOT NULL AND ${t.redeemedAt} IS NULL`),
  ],
);

/**
 * One row per coupon used on an order: where it was issued vs where it was used. Cancelling the order
 * gives the coupon back by setting releasedAt (the row stays for the audit); a return does not.
 */
export const couponRedemptions = pgTable(
  'coupon_redemptions',
  {
    id: text().primaryKey(),
    couponId: text().notNull(),
    promotionId: text().notNull(),
    code: text().notNull(),
    singleUse: boolean().notNull(),
    customerId: text(),
    orderId: text().notNull(),
    amount: integer().notNull(),
    issuedChannel: text(),
    channel: text().notNull(),
    locationId: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Set when the order was cancelled: the use no longer counts (limits, single-use, reports). */
    releasedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index().on(t.couponId, t.createdAt),
    index().on(t.couponId, t.customerId),
    // クーポン効果: a period's uses, read in one range scan.
    index().on(t.createdAt),
    uniqueIndex().on(t.orderId, t.couponId),
    // The backstop behind the guarded update: a single-use code is held by one order at a time (a
    // cancelled order's released row no longer holds it, so the code can be used again).
    uniqueIndex('coupon_redemptions_single_use_code')
      .on(t.code)
      .where(sql`${t.singleUse} AND ${t.releasedAt} IS NULL`),
  ],
);
