import { bigint, date, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

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
