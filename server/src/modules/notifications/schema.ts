import { boolean, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const notificationKinds = [
  'order_placed',
  'order_ready',
  'order_shipped',
  'order_out_for_delivery',
  'order_delivered',
  /** A hold due soon: engagement's service reminder (お知らせ（自動）), in HQ's words, in the payload. */
  'hold_expiring',
  /** An order ready at the counter and not yet collected: the same, in HQ's words. */
  'pickup_waiting',
  'order_cancelled',
  /** 来店予約 (appointments): booked, the reminder before it, cancelled — words in the payload (title, body). */
  'appointment_booked',
  'appointment_reminder',
  'appointment_cancelled',
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
  /** 'standard' (Standard Webhooks: webhook-id/-timestamp/-signature) or 'legacy' (Musubi-Signature, endpoints made before migration 0061; one release). */
  signature: text().$type<'standard' | 'legacy'>().notNull().default('standard'),
  /** After a roll (standard scheme): the secret before, still signing beside the new one until `previousSecretUntil`. */
  previousSecret: text(),
  previousSecretUntil: timestamp({ withTimezone: true }),
  active: boolean().notNull().default(true),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * A browser (or installed app) a member asked to receive Web Push on: one row per device, several per member.
 * The endpoint is the push service's address for that browser; p256dh and auth are its keys (RFC 8291), so
 * only that browser can read what we send.
 */
export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    id: text().primaryKey(),
    customerId: text().notNull(),
    endpoint: text().notNull(),
    p256dh: text().notNull(),
    auth: text().notNull(),
    userAgent: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex().on(t.endpoint), index().on(t.customerId)],
);

/**
 * The first click of a member on a marketing message's link, per channel (e-mail, LINE, push): "clicked" on
 * a campaign's page. `key` is the message's key (campaign:<id>), so any sender of marketing can use it.
 */
export const messageClicks = pgTable(
  'message_clicks',
  {
    key: text().notNull(),
    customerId: text().notNull(),
    channel: text().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.key, t.customerId, t.channel] }), index().on(t.customerId)],
);
