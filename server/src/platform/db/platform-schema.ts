import { sql } from 'drizzle-orm';
import { bigserial, integer, jsonb, pgTable, primaryKey, text, timestamp, index } from 'drizzle-orm/pg-core';

/** Stored first responses of POSTs sent with an Idempotency-Key (kept IDEMPOTENCY_TTL_HOURS). */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    principal: text().notNull(),
    key: text().notNull(),
    method: text().notNull(),
    path: text().notNull(),
    requestHash: text().notNull(),
    status: text().notNull().$type<'running' | 'done'>(),
    responseStatus: integer(),
    responseType: text(),
    responseBody: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp({ withTimezone: true }),
    /** The attempt running the request ('running'); only it renews the lease or stores the answer. */
    owner: text(),
    /**
     * A running key belongs to its owner until then; the owner renews it while it works, so a lapsed lease
     * means the owner died and the next retry may take the key over. The default covers rows written by a
     * copy that predates leases (it never renews; its request is long done when the default lapses).
     */
    leaseUntil: timestamp({ withTimezone: true }).default(sql`now() + interval '30 seconds'`),
  },
  (t) => [primaryKey({ columns: [t.principal, t.key] }), index().on(t.createdAt)],
);

/** Small key/value settings shared by every app copy (e.g. the generated signing secret). */
export const settings = pgTable('settings', {
  key: text().primaryKey(),
  value: text().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * Messages to send (e-mail, push, LINE …), written in the same transaction as the change that causes them
 * and delivered afterwards, so nothing is sent for a change that rolled back and nothing is lost on a crash.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    channel: text().notNull(),
    recipient: text().notNull(),
    template: text().notNull(),
    payload: jsonb().notNull().$type<Record<string, unknown>>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    attempts: integer().notNull().default(0),
    sentAt: timestamp({ withTimezone: true }),
    lastError: text(),
  },
  (t) => [index().on(t.sentAt, t.id)],
);
