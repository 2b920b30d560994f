import { boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const notificationKinds = [
  'order_placed',
  'order_ready',
  'order_shipped',
  'order_out_for_delivery',
  'order_delivered',
  'hold_expiring',
  'order_cancelled',
  /** A head-office campaign's message (engagement): its words are the marketer's, in the payload. */
  'campaign',
] as const;
export type NotificationKind = (typeof notificationKinds)[number];

/** A customer's in-app inbox: written in the transaction of the change it reports. */
export const notifications = pgTable(
  'notifications',
  {
    id: text().primaryKey(),
    customerId: text().notNull(),
    kind: text().$type<NotificationKind>().notNull(),
    title: text().notNull(),
    body: text().notNull(),
    payload: jsonb().notNull().$type<Record<string, unknown>>(),
    /** One notification per key (e.g. hold_expiring:<fulfilmentId>), so a periodic job never repeats itself. */
    dedupeKey: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.customerId, t.createdAt), uniqueIndex().on(t.dedupeKey)],
);

/** Where order events are POSTed (managed by owner/hq). `events` are patterns: 'order.ready', 'order.*', '*'. */
export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: text().primaryKey(),
  url: text().notNull(),
  secret: text().notNull(),
  events: jsonb().notNull().$type<string[]>(),
  active: boolean().notNull().default(true),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
