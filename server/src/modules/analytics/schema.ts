import {
  bigint,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

/**
 * Fitted customer-value models (BG/NBD + Gamma-Gamma, clv/): each fit's parameters, the data it saw and its
 * accuracy on a held-out period. The newest row is the one in use; older ones stay as the history of fits.
 */
export const customerValueModels = pgTable(
  'customer_value_models',
  {
    id: text().primaryKey(),
    fittedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** The moment the histories end (purchases before it). */
    asOf: timestamp({ withTimezone: true }).notNull(),
    members: integer().notNull(),
    repeaters: integer().notNull(),
    /** { bgNbd: {r, alpha, a, b}, gammaGamma: {p, q, gamma} } (weeks, yen). */
    params: jsonb().notNull(),
    /** The holdout check: fitted before `asOf − holdoutWeeks`, predicted for those weeks, against what happened. */
    accuracy: jsonb().notNull(),
  },
  (t) => [index().on(t.fittedAt)],
);

/** Each buyer's predicted next 12 months under the newest model (recomputed with each fit). */
export const customerValuePredictions = pgTable('customer_value_predictions', {
  customerId: text().primaryKey(),
  modelId: text().notNull(),
  /** Expected purchase days in the next 52 weeks. */
  purchases12m: real().notNull(),
  /** Expected spend in the next 52 weeks, yen (tax included, returns netted). */
  value12m: integer().notNull(),
  /** Probability she is still a customer. */
  alive: real().notNull(),
  /** Her history then: net spend to date, yen, and purchase days. */
  spendToDate: integer().notNull(),
  purchaseDays: integer().notNull(),
  computedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * Each order's contribution to the rollups as last computed (one row per order × top category; '' is
 * no category, and the shipping fee): what recomputing the order takes back off `sales_daily` before it
 * adds the new figures, so an event delivered twice, or several app copies at once, never count twice.
 * A cancelled order keeps no rows. `orders` is 1 on one row of each counted order (its first category).
 */
export const orderSales = pgTable(
  'analytics_order_sales',
  {
    orderId: text().notNull(),
    categoryId: text().notNull(),
    soldOn: date({ mode: 'string' }).notNull(),
    locationId: text().notNull(),
    channel: text().notNull(),
    /** Kept for the omni-channel headline (who bought where): a member id, never her details. */
    customerId: text(),
    orders: integer().notNull(),
    units: integer().notNull(),
    gross: bigint({ mode: 'number' }).notNull(),
    discount: bigint({ mode: 'number' }).notNull(),
    returned: bigint({ mode: 'number' }).notNull(),
    net: bigint({ mode: 'number' }).notNull(),
    netExcl: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.categoryId] }), index().on(t.soldOn), index().on(t.customerId, t.soldOn)],
);

/** The orders the rollups have settled, and the order's `updated_at` they saw (a later change re-settles it). */
export const settledOrders = pgTable('analytics_settled_orders', {
  orderId: text().primaryKey(),
  orderUpdatedAt: timestamp({ withTimezone: true }).notNull(),
  settledAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * Sales per Japan date × location × channel × top category (integer yen, tax-included and excluded),
 * maintained by deltas from `analytics_order_sales`: the dashboards read days from here, never orders.
 */
export const salesDaily = pgTable(
  'analytics_sales_daily',
  {
    soldOn: date({ mode: 'string' }).notNull(),
    locationId: text().notNull(),
    channel: text().notNull(),
    categoryId: text().notNull(),
    orders: integer().notNull(),
    units: integer().notNull(),
    gross: bigint({ mode: 'number' }).notNull(),
    discount: bigint({ mode: 'number' }).notNull(),
    returned: bigint({ mode: 'number' }).notNull(),
    net: bigint({ mode: 'number' }).notNull(),
    netExcl: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.soldOn, t.locationId, t.channel, t.categoryId] })],
);

/** Where the backfill walk over every order has got to (created_at, id); one row. */
export const settleCursor = pgTable('analytics_settle_cursor', {
  name: text().primaryKey(),
  createdAt: timestamp({ withTimezone: true }).notNull(),
  orderId: text().notNull(),
});

/**
 * 需要予測 as computed last (once a Japan day, by the job analytics.forecast): each sold variant × location's
 * next 28 days from `from_date`. Replaced whole in one transaction, so a reader sees one night's set.
 */
export const demandForecasts = pgTable(
  'analytics_demand_forecasts',
  {
    locationId: text().notNull(),
    variantId: text().notNull(),
    productId: text().notNull(),
    method: text().notNull(),
    /** Units per day from `from_date` (the run's). */
    daily: jsonb().notNull().$type<number[]>(),
    units: real().notNull(),
    last28: integer().notNull(),
    sd28: real().notNull(),
  },
  // By variant: 補充提案 reads what a page's items sold at every location (keptRecentSales).
  (t) => [
    primaryKey({ columns: [t.locationId, t.variantId] }),
    index().on(t.locationId, t.units),
    index().on(t.variantId),
  ],
);

/** The last forecast run: the Japan date it starts on, when it ran, and its held-out accuracy. One row. */
export const forecastRuns = pgTable('analytics_forecast_runs', {
  name: text().primaryKey(),
  fromDate: date({ mode: 'string' }).notNull(),
  computedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  items: integer().notNull(),
  accuracy: jsonb().notNull(),
});

/**
 * 欠品: each spell with nothing on hand at a variant × location, from the stock ledger (inventory's
 * `stockoutSpellsSql`), kept by the job analytics.stockouts; the Japan dates it covers (last_day null: still
 * out) and the in-stock daily sales rate before it (units a day over the 28 days before first_day, its own
 * stockout days left out), from which lost sales are estimated. The dashboard reads spells, never the ledger.
 */
export const stockoutSpells = pgTable(
  'analytics_stockouts',
  {
    variantId: text().notNull(),
    locationId: text().notNull(),
    outAt: timestamp({ withTimezone: true }).notNull(),
    backAt: timestamp({ withTimezone: true }),
    firstDay: date({ mode: 'string' }).notNull(),
    lastDay: date({ mode: 'string' }),
    /** Units a day sold while in stock before the spell; null until computed. */
    dailyRate: real(),
    /**
     * When its days' demand signals were last counted into `analytics_stockout_signals` (through that
     * Japan date); null: new or changed since, not counted yet (a report reads its signals from the events).
     */
    signalsAt: timestamp({ withTimezone: true }),
    /**
     * Its days up to this date (the end of a Japan month) are summed in its pair's rows of
     * `analytics_stockout_months`; null: none of them. Set for every spell of the pair that reaches that
     * date; cleared with the pair's month rows when a walk changes the pair.
     */
    rolledThrough: date({ mode: 'string' }),
  },
  (t) => [
    primaryKey({ columns: [t.variantId, t.locationId, t.outAt] }),
    index().on(t.locationId, t.firstDay),
    index().on(t.lastDay),
  ],
);

/**
 * 欠品's demand signals per variant × location × Japan date it was out of stock (rows only for days with
 * some), kept by the job analytics.stockouts with the spells so the dashboard sums kept counts instead of
 * reading events and orders: members' views of the product (this variant or naming none) at the store or by
 * a member whose home store it is, checkouts refused for it there, 入荷したら知らせる wishes made there. A
 * walk counts the days of spells new or changed since the last, and recounts every spell's days from the
 * Japan date of the last walk less one (what arrived since).
 */
export const stockoutSignals = pgTable(
  'analytics_stockout_signals',
  {
    variantId: text().notNull(),
    locationId: text().notNull(),
    day: date({ mode: 'string' }).notNull(),
    views: integer().notNull(),
    refused: integer().notNull(),
    requests: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.variantId, t.locationId, t.day] }), index().on(t.day, t.locationId)],
);

/**
 * 欠品 per variant × location × Japan month, kept by the job analytics.stockouts for the months that are over
 * and settled (every spell of the pair there counted, and no later count can touch its days), so a long
 * period reads its whole months here and only its edge days from the spells: the days out (a day two spells
 * share once), rate × days (exact: in 10^-10 units), the highest rate, whether a spell of the month was still out
 * when it was kept, the first and last days out, and the kept signals of those days. `month` is the month's
 * first day. A walk that changes a pair deletes its rows (and clears its spells' `rolled_through`).
 */
export const stockoutMonths = pgTable(
  'analytics_stockout_months',
  {
    variantId: text().notNull(),
    locationId: text().notNull(),
    month: date({ mode: 'string' }).notNull(),
    days: integer().notNull(),
    /** Rate × days in 10^-10 units (stockouts/spells.ts, LOST_SCALE): exact. */
    lost: bigint({ mode: 'bigint' }).notNull(),
    rate: real().notNull(),
    open: boolean().notNull(),
    firstDay: date({ mode: 'string' }).notNull(),
    lastDay: date({ mode: 'string' }).notNull(),
    views: integer().notNull(),
    refused: integer().notNull(),
    requests: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.variantId, t.locationId, t.month] }), index().on(t.month, t.locationId)],
);

/** Where the job's walk over the stock ledger has got to (its newest movement seen). One row. */
export const stockoutCursor = pgTable('analytics_stockout_cursor', {
  name: text().primaryKey(),
  seenAt: timestamp({ withTimezone: true }).notNull(),
});

/**
 * The omni-channel table kept per member (omni-kept.ts), for the windows built (a 30-day and a 12-month
 * period ending on the build's Japan day): per window start `from_date` and scope ('*' every store, or one
 * location), her orders per channel in the period (from `from_date` on, today included) and in the 365
 * days before it (retention), and her net spend in the period. Rebuilt from `analytics_order_sales` once a
 * Japan day; what settled since is in `analytics_omni_log` and is added at read.
 */
export const omniMembers = pgTable(
  'analytics_omni_members',
  {
    fromDate: date({ mode: 'string' }).notNull(),
    scope: text().notNull(),
    customerId: text().notNull(),
    nowWeb: integer().notNull(),
    nowApp: integer().notNull(),
    nowStore: integer().notNull(),
    nowLine: integer().notNull(),
    nowNet: bigint({ mode: 'number' }).notNull(),
    beforeWeb: integer().notNull(),
    beforeApp: integer().notNull(),
    beforeStore: integer().notNull(),
    beforeLine: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.fromDate, t.scope, t.customerId] })],
);

/**
 * The omni table's answer per window and scope as built (omni-kept.ts): for `kind` 'now' the members who
 * bought in the period, omni (two channels or more) or not, their orders and spend; for 'kept' the members
 * who bought in the 365 days before it, by whether they were omni then (`customers`), and how many of them
 * bought again in the period (`orders`). A read adds only the logged members' change to these.
 */
export const omniTotals = pgTable(
  'analytics_omni_totals',
  {
    fromDate: date({ mode: 'string' }).notNull(),
    scope: text().notNull(),
    kind: text().notNull(),
    omni: boolean().notNull(),
    customers: bigint({ mode: 'number' }).notNull(),
    orders: bigint({ mode: 'number' }).notNull(),
    spend: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.fromDate, t.scope, t.kind, t.omni] })],
);

/** The windows `analytics_omni_members` holds, and when each was built. */
export const omniWindows = pgTable('analytics_omni_windows', {
  fromDate: date({ mode: 'string' }).primaryKey(),
  days: integer().notNull(),
  builtAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * What settling changed in members' per-order rows since the omni table was last built: one row per
 * change (member, location, channel, Japan date; orders and net as deltas), written in the settling's own
 * transaction, so the kept table plus this log is always exact; the build folds it in and deletes it.
 */
export const omniLog = pgTable('analytics_omni_log', {
  id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  customerId: text().notNull(),
  locationId: text().notNull(),
  channel: text().notNull(),
  soldOn: date({ mode: 'string' }).notNull(),
  orders: integer().notNull(),
  net: bigint({ mode: 'number' }).notNull(),
});

/**
 * コホート・累計LTV kept per person (cohort-kept.ts), for every store together (scope '*') and each store:
 * her orders, net and net excluding tax per Japan month, a merged-away record's orders under the survivor.
 */
export const cohortMonths = pgTable(
  'analytics_cohort_months',
  {
    scope: text().notNull(),
    personId: text().notNull(),
    month: date({ mode: 'string' }).notNull(),
    orders: integer().notNull(),
    net: bigint({ mode: 'number' }).notNull(),
    netExcl: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.scope, t.month] })],
);

/**
 * Each person who bought at a scope: her first month with an order (her cohort), her first order's channel
 * there, her loyalty tier now, and her orders and value to date.
 */
export const cohortPeople = pgTable(
  'analytics_cohort_people',
  {
    scope: text().notNull(),
    personId: text().notNull(),
    cohort: date({ mode: 'string' }).notNull(),
    channel: text().notNull(),
    tier: text().notNull(),
    orders: integer().notNull(),
    net: bigint({ mode: 'number' }).notNull(),
    netExcl: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.scope] })],
);

/** The cohort grid as kept: per scope, cohort and month from it on, the buyers and their net. */
export const cohortCells = pgTable(
  'analytics_cohort_cells',
  {
    scope: text().notNull(),
    cohort: date({ mode: 'string' }).notNull(),
    month: date({ mode: 'string' }).notNull(),
    buyers: integer().notNull(),
    net: bigint({ mode: 'number' }).notNull(),
    netExcl: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.cohort, t.month] })],
);

/** 累計LTV as kept: per scope, cohort, acquisition channel and tier now, the members and their value to date. */
export const ltvCells = pgTable(
  'analytics_ltv_cells',
  {
    scope: text().notNull(),
    cohort: date({ mode: 'string' }).notNull(),
    channel: text().notNull(),
    tier: text().notNull(),
    members: integer().notNull(),
    orders: integer().notNull(),
    net: bigint({ mode: 'number' }).notNull(),
    netExcl: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.cohort, t.channel, t.tier] })],
);

/** When the kept cohorts were filled from the per-order rows (a row once they are whole). */
export const cohortFill = pgTable('analytics_cohort_fill', {
  name: text().primaryKey(),
  filledAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * クーポン効果 kept per use (coupon-kept.ts): each coupon use that stands, as its order was last settled —
 * when and where it was used, the code's issue (date, campaign, channel), the discount and the order's net
 * sales (returns deducted). Written by the settling of its order, like analytics_order_sales.
 */
export const couponUses = pgTable(
  'analytics_coupon_uses',
  {
    redemptionId: text().primaryKey(),
    orderId: text().notNull(),
    usedOn: date({ mode: 'string' }).notNull(),
    /** The Japan date its single-use code was issued; null for a public code. */
    issuedOn: date({ mode: 'string' }),
    promotionId: text().notNull(),
    /** The campaign that issued the code, or ''. */
    campaignId: text().notNull(),
    issueChannel: text().notNull(),
    channel: text().notNull(),
    /** Where it was used, or '' (online without a store). */
    locationId: text().notNull(),
    discount: bigint({ mode: 'number' }).notNull(),
    sales: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [index().on(t.orderId)],
);

/** The uses per Japan date × store × promotion × campaign × issue channel × use channel (deltas kept). */
export const couponDaily = pgTable(
  'analytics_coupon_daily',
  {
    usedOn: date({ mode: 'string' }).notNull(),
    locationId: text().notNull(),
    promotionId: text().notNull(),
    campaignId: text().notNull(),
    issueChannel: text().notNull(),
    channel: text().notNull(),
    redeemed: integer().notNull(),
    discount: bigint({ mode: 'number' }).notNull(),
    sales: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({
      name: 'analytics_coupon_daily_pk',
      columns: [t.usedOn, t.locationId, t.promotionId, t.campaignId, t.issueChannel, t.channel],
    }),
  ],
);

/**
 * Single-use codes per Japan date of issue × promotion × campaign: how many were issued (counted once the
 * day is over, by the job analytics.coupons) and how many of them stand used (kept by the settlings).
 */
export const couponCodesDaily = pgTable(
  'analytics_coupon_codes_daily',
  {
    issuedOn: date({ mode: 'string' }).notNull(),
    promotionId: text().notNull(),
    campaignId: text().notNull(),
    issued: integer().notNull().default(0),
    used: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.issuedOn, t.promotionId, t.campaignId] })],
);

/** What the kept クーポン効果 holds: 'uses' once filled; 'issued' with the last Japan date counted. */
export const couponFill = pgTable('analytics_coupon_fill', {
  name: text().primaryKey(),
  through: date({ mode: 'string' }),
  at: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
