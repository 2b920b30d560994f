import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { SegmentRules } from './segment-rules.ts';

/** A saved segment (セグメント): a named rule set, evaluated afresh whenever it is used. */
export const segments = pgTable(
  'segments',
  {
    id: text().primaryKey(),
    name: text().notNull(),
    description: text().notNull().default(''),
    rules: jsonb().notNull().$type<SegmentRules>(),
    createdBy: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.updatedAt)],
);
