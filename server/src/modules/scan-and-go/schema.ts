import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { customers } from '../customers/schema.ts';
import { locations } from '../locations/schema.ts';

/**
 * スキャン＆ゴー at a store: whether it is on, the basket cap (yen, tax included) and the share of exit passes
 * picked for 「商品を確認してください」. No row: off (a store opts in; its manager or head office sets it).
 */
export const scanAndGoSettings = pgTable(
  'scan_and_go_settings',
  {
    locationId: text()
      .primaryKey()
      .references(() => locations.id),
    enabled: boolean().notNull().default(false),
    basketCap: integer().notNull().default(30000),
    checkPercent: integer().notNull().default(10),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedBy: text(),
  },
  (t) => [
    check('scan_and_go_settings_cap', sql`${t.basketCap} > 0 AND ${t.basketCap} <= 10000000`),
    check('scan_and_go_settings_check', sql`${t.checkPercent} >= 0 AND ${t.checkPercent} <= 100`),
  ],
);

/**
 * A member's scan-and-go basket at one store: open, then `paying` while one payment of it runs (a twin request
 * waits for it instead of selling again), then `paid`, naming the order. One unpaid basket per member and store.
 */
export const scanAndGoBaskets = pgTable(
  'scan_and_go_baskets',
  {
    id: text().primaryKey(),
    customerId: text()
      .notNull()
      .references(() => customers.id),
    locationId: text()
      .notNull()
      .references(() => locations.id),
    status: text().notNull().$type<'open' | 'paying' | 'paid'>().default('open'),
    orderId: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('scan_and_go_baskets_open')
      .on(t.customerId, t.locationId)
      .where(sql`${t.status} <> 'paid'`),
  ],
);

export const scanAndGoLines = pgTable(
  'scan_and_go_lines',
  {
    basketId: text()
      .notNull()
      .references(() => scanAndGoBaskets.id, { onDelete: 'cascade' }),
    variantId: text().notNull(),
    quantity: integer().notNull(),
    addedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.basketId, t.variantId] }),
    check('scan_and_go_lines_quantity', sql`${t.quantity} > 0 AND ${t.quantity} <= 99`),
  ],
);

/**
 * The exit pass of a paid basket: when it lapses, whether it was picked for a check (decided once, when
 * issued), and who at the door verified it and when.
 */
export const exitPasses = pgTable(
  'scan_and_go_exit_passes',
  {
    orderId: text().primaryKey(),
    basketId: text().notNull(),
    customerId: text()
      .notNull()
      .references(() => customers.id),
    locationId: text()
      .notNull()
      .references(() => locations.id),
    itemCount: integer().notNull(),
    mustCheck: boolean().notNull(),
    issuedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    verifiedAt: timestamp({ withTimezone: true }),
    verifiedBy: text(),
  },
  (t) => [index().on(t.locationId, t.issuedAt)],
);
