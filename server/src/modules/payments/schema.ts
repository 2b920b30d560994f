import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** The built-in `test` card provider's own records (it behaves like a real acquirer: idempotent by key). */
export const testProviderCharges = pgTable('test_provider_charges', {
  id: text().primaryKey(),
  idempotencyKey: text().notNull().unique(),
  amount: integer().notNull(),
  captured: integer().notNull().default(0),
  refunded: integer().notNull().default(0),
  status: text().notNull().$type<'authorized' | 'captured' | 'voided' | 'refunded' | 'declined'>(),
  cardLast4: text().notNull(),
  /** Idempotency keys of the refunds already made: a retried refund with the same key is a no-op. */
  refundKeys: jsonb().notNull().$type<string[]>().default([]),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
