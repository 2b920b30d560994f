import { sql } from 'drizzle-orm';
import {
  bigint,
  date,
  check,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { salesChannels, type SalesChannel } from '../../platform/channels.ts';
import type { Principal } from '../../platform/auth.ts';
import type { CheckoutInput } from './schemas.ts';

export const orderChannels = salesChannels;
export type OrderChannel = SalesChannel;

export const fulfilmentTypes = ['ship', 'pickup', 'hold', 'order_ahead', 'delivery', 'instore'] as const;
export type FulfilmentType = (typeof fulfilmentTypes)[number];

export interface Address {
  postalCode: string;
  prefecture: string;
  city: string;
  line1: string;
  line2?: string | undefined;
  name: string;
  phone: string;
  lat?: number | undefined;
  lng?: number | undefined;
}

export interface FulfilmentChoice {
  type: FulfilmentType;
  locationId?: string | null | undefined;
  slotStart?: string | null | undefined;
  address?: Address | null | undefined;
  /** Delivery: straight-line km from the store to the address's pin (sets the fee). */
  distanceKm?: number | null | undefined;
}

/** A cart: an anonymous device's, a customer's (the device's follows them at login), or a till's. */
export const carts = pgTable(
  'carts',
  {
    id: text().primaryKey(),
    channel: text().notNull().$type<OrderChannel>(),
    customerId: text(),
    deviceId: text(),
    /** The store of a till cart, or where a store-channel order is sold. */
    locationId: text(),
    status: text().notNull().$type<'open' | 'checked_out' | 'merged'>().default('open'),
    fulfilment: jsonb().$type<FulfilmentChoice>(),
    coupons: jsonb().notNull().$type<string[]>().default([]),
    orderId: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.customerId, t.status), index().on(t.deviceId, t.status)],
);

export const cartLines = pgTable(
  'cart_lines',
  {
    cartId: text().notNull(),
    variantId: text().notNull(),
    quantity: integer().notNull(),
    addedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.cartId, t.variantId] }),
    check('cart_lines_quantity', sql`${t.quantity} > 0 AND ${t.quantity} <= 99`),
  ],
);

/** Order numbers people read aloud at the counter: W-000123 (web/app), S-000123 (store). */
export const orderNumberSeq = pgSequence('order_number_seq', { startWith: 1001 });

export type OrderStatus = 'placed' | 'completed' | 'cancelled';

/** One order model for every channel. Money is integer yen, tax-included. */
export const orders = pgTable(
  'orders',
  {
    id: text().primaryKey(),
    number: text().notNull().unique(),
    channel: text().notNull().$type<OrderChannel>(),
    /** The selling store for store orders; null online. */
    locationId: text(),
    customerId: text(),
    guest: jsonb().$type<{ name: string; email: string; phone?: string | undefined }>(),
    status: text().notNull().$type<OrderStatus>().default('placed'),
    subtotal: integer().notNull(),
    discountTotal: integer().notNull().default(0),
    shippingFee: integer().notNull().default(0),
    total: integer().notNull(),
    /** Consumption tax contained in the total, by rate: [{rate, base, tax}] (内消費税). */
    taxes: jsonb().notNull().$type<Array<{ rate: number; base: number; tax: number }>>(),
    discounts: jsonb().notNull().$type<Array<{ code: string; label: string; amount: number }>>().default([]),
    pointsUsed: integer().notNull().default(0),
    pointsEarned: integer().notNull().default(0),
    cartId: text(),
    /** A till's own id for the sale: a repeated submission finds the first order. */
    clientTransactionId: text(),
    staffId: text(),
    /** A sale rung up while the till was offline: when (the device's clock); synced later, created_at then. */
    offlineAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index().on(t.customerId, t.createdAt),
    index().on(t.locationId, t.createdAt),
    index().on(t.createdAt),
    uniqueIndex().on(t.locationId, t.clientTransactionId),
    uniqueIndex('orders_cart_id_unique').on(t.cartId),
  ],
);

export const orderLines = pgTable(
  'order_lines',
  {
    id: text().primaryKey(),
    orderId: text().notNull(),
    fulfilmentId: text().notNull(),
    variantId: text().notNull(),
    productId: text().notNull(),
    /** Names and price as sold (the catalog may change later). */
    name: text().notNull(),
    options: jsonb().notNull().$type<Record<string, string>>(),
    jan: text().notNull(),
    quantity: integer().notNull(),
    unitPrice: integer().notNull(),
    taxRate: integer().notNull(),
    discount: integer().notNull().default(0),
    total: integer().notNull(),
    returnedQuantity: integer().notNull().default(0),
  },
  (t) => [
    // By order, with the product: the order's lines as before, and "who bought these products lately"
    // (segments) from the index alone, not one heap page per order line (at 1 M members, the buyers of
    // a category over 30 days: 3.7 s → 2.5 s).
    index().on(t.orderId, t.productId),
    // The few lines with a return, so spend net of returns reads them alone (segments' purchase facts).
    index('order_lines_returned_index')
      .on(t.orderId)
      .where(sql`${t.returnedQuantity} > 0`),
    check('order_lines_returned', sql`${t.returnedQuantity} >= 0 AND ${t.returnedQuantity} <= ${t.quantity}`),
  ],
);

export type FulfilmentStatus =
  'placed' | 'picking' | 'ready' | 'picked_up' | 'shipped' | 'delivered' | 'completed' | 'cancelled';

/** How (part of) an order reaches the person, with its own state machine. */
export const fulfilments = pgTable(
  'fulfilments',
  {
    id: text().primaryKey(),
    orderId: text().notNull(),
    type: text().notNull().$type<FulfilmentType>(),
    /** The location that fulfils it (ships, prepares, hands over). */
    locationId: text().notNull(),
    status: text().notNull().$type<FulfilmentStatus>(),
    slotStart: timestamp({ withTimezone: true }),
    address: jsonb().$type<Address>(),
    /** Shown as a QR at the pickup counter. */
    pickupCode: text(),
    /** Pickups are cancelled and restocked after this; holds lapse. */
    deadline: timestamp({ withTimezone: true }),
    reservationId: text(),
    readyAt: timestamp({ withTimezone: true }),
    completedAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.orderId), index().on(t.locationId, t.status)],
);

export const paymentMethods = ['card', 'wallet', 'points', 'cash', 'terminal', 'qr', 'pay_at_store'] as const;
export type PaymentMethod = (typeof paymentMethods)[number];
export type PaymentStatus = 'authorized' | 'captured' | 'voided' | 'refunded' | 'partially_refunded' | 'pending';

/** One payment of an order (split payments are several rows). */
export const payments = pgTable(
  'payments',
  {
    id: text().primaryKey(),
    orderId: text().notNull(),
    method: text().notNull().$type<PaymentMethod>(),
    provider: text(),
    providerRef: text(),
    amount: integer().notNull(),
    capturedAmount: integer().notNull().default(0),
    refundedAmount: integer().notNull().default(0),
    status: text().notNull().$type<PaymentStatus>(),
    /** Cash tendered at the till (change = tendered − amount). */
    tendered: integer(),
    details: jsonb().$type<Record<string, unknown>>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index().on(t.orderId),
    check(
      'payments_amounts',
      sql`${t.amount} > 0 AND ${t.capturedAmount} >= 0 AND ${t.refundedAmount} >= 0 AND ${t.refundedAmount} <= ${t.capturedAmount} AND ${t.capturedAmount} <= ${t.amount}`,
    ),
  ],
);

export const returnConditions = ['resellable', 'damaged'] as const;
export type ReturnCondition = (typeof returnConditions)[number];
export const refundMethods = ['original', 'wallet', 'cash'] as const;
export type RefundMethod = (typeof refundMethods)[number];

/** One refund of a return, per original payment: card via the provider (after the commit), the rest at once. */
export interface ReturnRefund {
  paymentId: string;
  /** The original payment's method. */
  method: PaymentMethod;
  /** How the money went back: card (provider), wallet, points, cash at the till. */
  refundedAs: 'card' | 'wallet' | 'points' | 'cash';
  amount: number;
  /** Card refunds are `pending` until the provider has confirmed them. */
  status: 'refunded' | 'pending';
}

/** A return of (part of) an order at any store ("returns anywhere"). */
export const returns = pgTable(
  'returns',
  {
    id: text().primaryKey(),
    orderId: text().notNull(),
    /** The store that took the goods back (and restocked them). */
    locationId: text().notNull(),
    staffId: text(),
    reason: text().notNull(),
    refundMethod: text().notNull().$type<RefundMethod>().default('original'),
    /** The Idempotency-Key the till sent: a second return with the same key finds the first. */
    idempotencyKey: text(),
    refundTotal: integer().notNull(),
    refunds: jsonb().notNull().$type<ReturnRefund[]>().default([]),
    pointsReversed: integer().notNull().default(0),
    /** Earned points the customer had already spent: not taken back (reported only). */
    pointsUnrecovered: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index().on(t.orderId),
    index().on(t.locationId, t.createdAt),
    uniqueIndex().on(t.orderId, t.idempotencyKey),
    check('returns_refund_total', sql`${t.refundTotal} >= 0`),
  ],
);

export const returnLines = pgTable(
  'return_lines',
  {
    returnId: text().notNull(),
    orderLineId: text().notNull(),
    variantId: text().notNull(),
    quantity: integer().notNull(),
    condition: text().notNull().$type<ReturnCondition>(),
    /** What this line gives back (its paid total's share, after discounts). */
    amount: integer().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.returnId, t.orderLineId, t.condition] }),
    index().on(t.orderLineId),
    check('return_lines_quantity', sql`${t.quantity} > 0`),
  ],
);

export const slotKinds = ['order_ahead', 'delivery'] as const;
export type SlotKind = (typeof slotKinds)[number];

/**
 * Booked places per 10-minute pickup slot of a store (order-ahead). A row appears with the slot's first
 * booking; checkout adds one with a guarded upsert (never past capacity), cancelling gives one back.
 */
export const orderSlots = pgTable(
  'order_slots',
  {
    locationId: text().notNull(),
    kind: text().notNull().$type<SlotKind>(),
    slotStart: timestamp({ withTimezone: true }).notNull(),
    /** The store's capacity when the slot was last booked. */
    capacity: integer().notNull(),
    booked: integer().notNull().default(0),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.locationId, t.kind, t.slotStart] }),
    check('order_slots_booked', sql`${t.booked} >= 0 AND ${t.booked} <= ${t.capacity}`),
  ],
);

/** A store's slot settings per kind (no row: the defaults in slots.ts). */
export const slotSettings = pgTable(
  'slot_settings',
  {
    locationId: text().notNull(),
    kind: text().notNull().$type<SlotKind>(),
    /** Orders per 10-minute slot. */
    capacity: integer().notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.locationId, t.kind] }),
    check('slot_settings_capacity', sql`${t.capacity} >= 0 AND ${t.capacity} <= 1000`),
  ],
);

export type CardAttemptStatus = 'authorising' | 'placed' | 'voiding' | 'voided';

/**
 * One card checkout attempt, written with its stock holds (one statement) before the acquirer is called,
 * so that a process killed mid-checkout strands nothing: its owner renews `leaseUntil` while the checkout runs; an
 * attempt whose lease lapsed before it was placed is taken over (status `voiding`) by the sweep
 * (card-attempts.ts), which voids the authorisation — found by `providerKey` when its charge id never came
 * back — and releases `reservationIds`. The order's statement marks it `placed` (guarded: never after a
 * takeover).
 */
export const cardAttempts = pgTable(
  'card_attempts',
  {
    id: text().primaryKey(),
    cartId: text().notNull(),
    /** The idempotency key the acquirer was called with (`checkout:<cart>:<attempt>`). */
    providerKey: text().notNull(),
    provider: text().notNull(),
    /** The holds made for it (in the same statement as this row). */
    reservationIds: jsonb().notNull().$type<string[]>(),
    status: text().notNull().$type<CardAttemptStatus>().default('authorising'),
    leaseUntil: timestamp({ withTimezone: true }).notNull(),
    chargeId: text(),
    orderId: text(),
    /**
     * A card the shopper confirms in her browser (Stripe): the checkout body she began with (her guest
     * contact included) and who she was, so the webhook or the sweep can place her order when her browser
     * never comes back (place-order/unattended.ts). Personal: cleared as soon as the attempt ends.
     */
    checkoutInput: jsonb().$type<CheckoutInput>(),
    actingAs: jsonb().$type<Principal>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('card_attempts_open')
      .on(t.leaseUntil)
      .where(sql`status IN ('authorising', 'voiding')`),
    index().on(t.cartId),
    index().on(t.createdAt),
  ],
);

/** The windows a member's purchase facts are kept for (days): what segments ask most. */
export const FACT_WINDOWS = [30, 90, 180, 365] as const;
export type FactWindow = (typeof FACT_WINDOWS)[number];

const factColumns = () => ({
  orders30: integer().notNull().default(0),
  spend30: bigint({ mode: 'number' }).notNull().default(0),
  channels30: text()
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  orders90: integer().notNull().default(0),
  spend90: bigint({ mode: 'number' }).notNull().default(0),
  channels90: text()
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  orders180: integer().notNull().default(0),
  spend180: bigint({ mode: 'number' }).notNull().default(0),
  channels180: text()
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  orders365: integer().notNull().default(0),
  spend365: bigint({ mode: 'number' }).notNull().default(0),
  channels365: text()
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
});

/**
 * Each member's purchase facts (purchase-facts.ts): her last order and, over the last 30/90/180/365 days,
 * her orders, spend net of returns and channels — so a segment of a million members reads a million short
 * rows instead of every order of the year. A row is exact until `expiresAt`: the moment her oldest order in
 * a window leaves it. Any change to her orders (a new one, a cancellation, a return, a merge) sets it to
 * -infinity in the same transaction (database triggers, migration 0024), and a stale row is never read:
 * it is computed from her orders instead, until the job `orders.purchase_facts` refreshes it.
 */
export const customerPurchaseFacts = pgTable(
  'customer_purchase_facts',
  {
    customerId: text().primaryKey(),
    lastAt: timestamp({ withTimezone: true }),
    ...factColumns(),
    expiresAt: timestamp({ withTimezone: true })
      .notNull()
      .default(sql`'-infinity'`),
    refreshedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.expiresAt)],
);

/**
 * What each member bought, per product: her last order of it (cancelled orders aside) — so "bought one of
 * these in the last N days" is an index range, not a walk over the window's orders and their lines. Kept
 * with her purchase facts: recomputed when her facts row is, and read only while that row is fresh (a stale
 * member's purchases are read from her orders), so it is as exact as the facts.
 */
export const customerProductPurchases = pgTable(
  'customer_product_purchases',
  {
    customerId: text().notNull(),
    productId: text().notNull(),
    lastAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.productId] }), index().on(t.productId, t.lastAt, t.customerId)],
);

/**
 * Checkouts refused because a line was not available (`cart.unavailable`): one row per cart, variant,
 * location and Japan date, written after the refusal (outside the failed transaction). A demand signal for
 * the stockout analysis (analytics), read through `refusedCheckoutsSql`; a cart retried ten times counts once a day.
 */
export const checkoutRefusals = pgTable(
  'checkout_refusals',
  {
    refusedOn: date({ mode: 'string' }).notNull(),
    variantId: text().notNull(),
    locationId: text().notNull(),
    cartId: text().notNull(),
    refusedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.variantId, t.locationId, t.refusedOn, t.cartId] }), index().on(t.refusedOn)],
);

/** A till's figures at a moment: the X report (点検) while open, the Z report (精算) kept at close (till-sessions.ts). */
export interface TillReportFigures {
  float: number;
  cashIn: number;
  cashOut: number;
  cashSales: number;
  cashRefunds: number;
  /**
   * Wallet top-ups taken in cash (チャージ（現金）): in the drawer, counted in expectedCash, never in sales
   * (prepaid value, 不課税). Z reports kept before it existed are read with none (`withTopUps`).
   */
  cashTopUps: { count: number; amount: number };
  expectedCash: number;
  salesCount: number;
  offlineSalesCount: number;
  grossSales: number;
  discountTotal: number;
  byMethod: Record<'cash' | 'terminal' | 'qr' | 'wallet' | 'points', { count: number; amount: number }>;
  /** Terminal payments by card brand, QR payments by service: what the terminal's and the QR service's statements show. */
  byService: Array<{ method: 'terminal' | 'qr'; service: string; count: number; amount: number }>;
  /** Sales per staff member who rang them (担当者別); absent from Z reports kept before it was added. */
  byStaff?: Array<{ staffId: string; name: string; count: number; amount: number }>;
  /** Tax-included sales and the 内消費税 in them, per rate. */
  byTaxRate: Array<{ rate: number; sales: number; tax: number }>;
  refunds: { count: number; total: number; byMethod: Record<'cash' | 'card' | 'wallet' | 'points', number> };
  netSales: number;
  /** Up to this moment (the close, for a Z). */
  until: string;
}

/** Yen notes and coins a drawer is counted in: 1万円 … 1円. */
export const denominations = [10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 1] as const;

/**
 * A till session (レジ開け → レジ締め) of a store: opened with the float (釣銭準備金), closed with the cash
 * counted by denomination and its Z report (精算) kept as it was printed. At most one open session per store
 * (the partial unique index): the till's sales at the store between open and close are its sales.
 */
export const tillSessions = pgTable(
  'till_sessions',
  {
    id: text().primaryKey(),
    locationId: text().notNull(),
    /** The label the till shows and prints (レジ1). */
    registerName: text().notNull(),
    float: integer().notNull(),
    openedBy: text().notNull(),
    openedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    closedBy: text(),
    closedAt: timestamp({ withTimezone: true }),
    /** Pieces counted per denomination ({"10000": 3, …}). */
    counted: jsonb().$type<Record<string, number>>(),
    countedCash: integer(),
    expectedCash: integer(),
    /** countedCash − expectedCash: over (+) or short (−), 過不足. */
    overShort: integer(),
    /** The store's Z number (精算No.), 1, 2, … */
    zNumber: integer(),
    report: jsonb().$type<TillReportFigures>(),
    note: text(),
  },
  (t) => [
    uniqueIndex('till_sessions_one_open')
      .on(t.locationId)
      .where(sql`${t.closedAt} IS NULL`),
    index().on(t.locationId, t.closedAt),
    index().on(t.closedAt),
    check('till_sessions_float', sql`${t.float} >= 0`),
  ],
);

/** Cash put into (入金) or taken out of (出金) a session's drawer, with the reason. */
export const tillCashMovements = pgTable(
  'till_cash_movements',
  {
    id: text().primaryKey(),
    sessionId: text().notNull(),
    kind: text().notNull().$type<'in' | 'out'>(),
    amount: integer().notNull(),
    reason: text().notNull(),
    staffId: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.sessionId, t.createdAt), check('till_cash_movements_amount', sql`${t.amount} > 0`)],
);
