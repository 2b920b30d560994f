import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

export const eventChannels = ['web', 'app', 'store', 'line'] as const;
export type EventChannel = (typeof eventChannels)[number];

/**
 * Everything a person did, online and in store: the unified timeline. The client's event id is the
 * idempotency key. customer_id is null until the device is known to belong to someone (stitching fills it).
 */
export const customerEvents = pgTable(
  'customer_events',
  {
    id: text().primaryKey(),
    type: text().notNull(),
    occurredAt: timestamp({ withTimezone: true }).notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    channel: text().notNull().$type<EventChannel>(),
    deviceId: text(),
    customerId: text(),
    locationId: text(),
    /** Who sent it: a staff id, 'customer', 'device' or a module name (orders, loyalty …). */
    source: text().notNull(),
    payload: jsonb().notNull().$type<Record<string, unknown>>(),
    /** The product an event is about (payload.productId), as a column so an index can answer by itself. */
    productId: text().generatedAlwaysAs(sql`payload->>'productId'`),
  },
  (t) => [
    index().on(t.customerId, t.occurredAt, t.id),
    index().on(t.deviceId, t.occurredAt),
    // Segments (engagement, audience.ts): each member's last store visit, read from a tenth of the
    // timeline instead of all of it; and who looked at some products lately, by product then time.
    index('customer_events_store_visits_index')
      .on(t.customerId, t.occurredAt)
      .where(sql`${t.channel} = 'store' AND ${t.customerId} IS NOT NULL`),
    index('customer_events_product_interest_index')
      .on(t.productId, t.occurredAt, t.customerId)
      .where(sql`${t.type} IN ('product_viewed', 'cart_updated', 'favorited') AND ${t.customerId} IS NOT NULL`),
  ],
);

/**
 * Each member's last store visit (a till purchase, a scan of her card, a check-in): kept by database
 * triggers on customer_events as store events arrive, move (a merge, its undo) or go (erasure), so a
 * segment over a million members reads a million short rows rather than two million visits (migration 0026).
 */
export const customerStoreVisits = pgTable('customer_store_visits', {
  customerId: text().primaryKey(),
  lastAt: timestamp({ withTimezone: true }).notNull(),
});

/**
 * Which members looked at something in a category lately: one row per member and category (the product's
 * own and every category above it), the time of her last view, cart change or favourite of any product in
 * it. Kept by statement triggers on customer_events as interest arrives, moves (a merge, its undo) or goes
 * (erasure), and re-filed when a product changes category (migration 0060). A segment's "viewed in
 * 「トップス」 in 30 days" reads one index range of this table instead of grouping a million views.
 */
export const customerCategoryInterest = pgTable(
  'customer_category_interest',
  {
    customerId: text().notNull(),
    categoryId: text().notNull(),
    lastAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.customerId, t.categoryId] }),
    index('customer_category_interest_recent_index').on(t.categoryId, t.lastAt, t.customerId),
  ],
);
