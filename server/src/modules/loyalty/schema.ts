import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uniqueIndex, jsonb } from 'drizzle-orm/pg-core';
import { customers } from '../customers/schema.ts';

export const pointKinds = ['earn', 'redeem', 'expire', 'reverse', 'adjust'] as const;
export type PointKind = (typeof pointKinds)[number];

/** The points ledger (append-only). The balance is the sum of `points`; nothing here is ever updated. */
export const pointEntries = pgTable(
  'point_entries',
  {
    id: text().primaryKey(),
    customerId: text()
      .notNull()
      .references(() => customers.id),
    kind: text().notNull().$type<PointKind>(),
    /** Signed: earn/positive adjust > 0, redeem/expire/negative adjust < 0. */
    points: integer().notNull(),
    /** The order, receipt or campaign this is about; (customer, kind, reference) is unique. */
    reference: text().notNull(),
    reason: text(),
    /** Tax-included spend (yen) an earn was based on; feeds the rolling 12-month tier spend. */
    spend: integer(),
    channel: text(),
    locationId: text(),
    staffId: text(),
    /** The entry a reverse undoes. */
    reverses: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.customerId, t.createdAt), uniqueIndex().on(t.customerId, t.kind, t.reference)],
);

/**
 * Lots: each earn (or positive adjust) is a lot that expires; redemptions consume the oldest first.
 * `remaining` is the unspent part of the lot (allocation state, checked never negative).
 */
export const pointLots = pgTable(
  'point_lots',
  {
    id: text().primaryKey(),
    customerId: text()
      .notNull()
      .references(() => customers.id),
    entryId: text().notNull(),
    points: integer().notNull(),
    remaining: integer().notNull(),
    earnedAt: timestamp({ withTimezone: true }).notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    index().on(t.customerId, t.expiresAt),
    check('point_lots_remaining_range', sql`${t.remaining} >= 0 AND ${t.remaining} <= ${t.points}`),
  ],
);

/** Which lots a redemption (or expiry) consumed, so a reversal can give the same points back. */
export const pointAllocations = pgTable(
  'point_allocations',
  {
    entryId: text().notNull(),
    lotId: text().notNull(),
    points: integer().notNull(),
  },
  (t) => [index().on(t.entryId), index().on(t.lotId)],
);

/** Campaign multipliers by channel/store/date window (null = any). */
export const pointCampaigns = pgTable('point_campaigns', {
  id: text().primaryKey(),
  name: text().notNull(),
  multiplier: integer().notNull(),
  channel: text(),
  locationId: text(),
  startsAt: timestamp({ withTimezone: true }).notNull(),
  endsAt: timestamp({ withTimezone: true }).notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const walletKinds = ['top_up', 'pay', 'refund', 'expire', 'adjust'] as const;
export type WalletKind = (typeof walletKinds)[number];

/** The stored-value wallet ledger (append-only, yen). The balance is the sum of `amount`. */
export const walletEntries = pgTable(
  'wallet_entries',
  {
    id: text().primaryKey(),
    customerId: text()
      .notNull()
      .references(() => customers.id),
    kind: text().notNull().$type<WalletKind>(),
    /** Signed yen: top_up/refund > 0, pay/expire < 0. */
    amount: integer().notNull(),
    /** How a top-up was paid (cash, card, …). */
    method: text(),
    reference: text().notNull(),
    reason: text(),
    channel: text(),
    locationId: text(),
    staffId: text(),
    /** When the value from a top-up lapses (unused balance). */
    expiresAt: timestamp({ withTimezone: true }),
    details: jsonb().$type<Record<string, unknown>>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.customerId, t.createdAt), uniqueIndex().on(t.customerId, t.kind, t.reference)],
);

export const topUpStatuses = ['pending', 'credited', 'failed'] as const;
export type TopUpStatus = (typeof topUpStatuses)[number];

/**
 * A top-up (チャージ) taken at the till in cash or in the app by card. A card top-up's row is written
 * `pending` before the acquirer is called — its amount counts against the balance cap meanwhile — and is
 * completed (`credited`, with its wallet entry) or `failed` after; a row whose owner stopped renewing its
 * lease is finished or voided by the sweep. A cash top-up is written `credited` with its entry at once.
 * `key` (unique) makes a double-tap or a retry one top-up.
 */
export const walletTopUps = pgTable(
  'wallet_top_ups',
  {
    id: text().primaryKey(),
    customerId: text()
      .notNull()
      .references(() => customers.id),
    key: text().notNull(),
    method: text().notNull().$type<'cash' | 'card'>(),
    amount: integer().notNull(),
    status: text().notNull().$type<TopUpStatus>(),
    channel: text().notNull(),
    locationId: text(),
    staffId: text(),
    /** Cash: what she handed over, and the change given (お預かり・お釣り). */
    cashReceived: integer(),
    change: integer(),
    /** Card: the acquirer, the key it was called with, its charge and the card's last four digits. */
    provider: text(),
    providerKey: text(),
    chargeId: text(),
    cardLast4: text(),
    /** Why it failed: a decline code, or `voided` by the sweep. */
    failure: text(),
    entryId: text(),
    leaseUntil: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex().on(t.key),
    index().on(t.customerId, t.status),
    index().on(t.locationId, t.completedAt),
    index('wallet_top_ups_pending')
      .on(t.leaseUntil)
      .where(sql`status = 'pending'`),
    check('wallet_top_ups_amount', sql`${t.amount} > 0`),
  ],
);
