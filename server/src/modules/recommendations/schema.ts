import { index, integer, pgTable, primaryKey, real, smallint, text, timestamp } from 'drizzle-orm/pg-core';
import { products } from '../catalog/schema.ts';

/**
 * Each product's nearest products ("一緒に買われている商品"), best first: the top NEIGHBOURS by the score of
 * docs/recommendations.md (cosine of the members' weighted histories, shrunk by how many members share the
 * pair). Recomputed whole by the refresh job; readers see the previous set until it commits.
 */
export const productNeighbours = pgTable(
  'product_neighbours',
  {
    productId: text()
      .notNull()
      .references(() => products.id),
    /** 1 = the nearest. */
    rank: smallint().notNull(),
    neighbourId: text()
      .notNull()
      .references(() => products.id),
    score: real().notNull(),
    /** Members whose history holds both products. */
    together: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.productId, t.rank] })],
);

/** Products by how many members bought them lately: the fallback for a short history, and the baseline. */
export const productPopularity = pgTable(
  'product_popularity',
  {
    productId: text()
      .primaryKey()
      .references(() => products.id),
    buyers: integer().notNull(),
    rank: integer().notNull(),
  },
  (t) => [index().on(t.rank)],
);

/** The refresh job's one row: when it last ran and what it saw; `leaseUntil` keeps two app copies from running it together. */
export const recommendationRuns = pgTable('recommendation_runs', {
  id: text().primaryKey(),
  startedAt: timestamp({ withTimezone: true }),
  finishedAt: timestamp({ withTimezone: true }),
  leaseUntil: timestamp({ withTimezone: true }),
  members: integer().notNull().default(0),
  products: integer().notNull().default(0),
  pairs: integer().notNull().default(0),
});
