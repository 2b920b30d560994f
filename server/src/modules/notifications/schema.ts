import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const notificationKinds = ['order_placed', 'order_ready', 'order_shipped', 'order_out_for_delivery', 'order_delivered', 'hold_expiring', 'order_cancelled'] as const;
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

/**
 * One event for one endpoint. Handed over from the outbox (channel 'webhook'), then POSTed by the
 * webhooks job with its own attempts and backoff (next_attempt_at), up to WEBHOOK_MAX_ATTEMPTS.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text().primaryKey(),
    outboxId: integer().notNull(),
    endpointId: text().notNull(),
    event: text().notNull(),
    body: text().notNull(),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp({ withTimezone: true }),
    /** Set when it gave up after the last attempt. */
    failedAt: timestamp({ withTimezone: true }),
    lastStatus: integer(),
    lastError: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex().on(t.outboxId, t.endpointId), index().on(t.nextAttemptAt).where(sql`delivered_at IS NULL AND failed_at IS NULL`)],
);
