import { integer, pgTable, primaryKey, text, timestamp, index } from 'drizzle-orm/pg-core';

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
  },
  (t) => [primaryKey({ columns: [t.principal, t.key] }), index().on(t.createdAt)],
);

/** Small key/value settings shared by every app copy (e.g. the generated signing secret). */
export const settings = pgTable('settings', {
  key: text().primaryKey(),
  value: text().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
