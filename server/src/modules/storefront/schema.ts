import { boolean, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { categories, products } from '../catalog/schema.ts';

/**
 * 特集: a named set of products the shop features. `manual`: the products in collection_products, in their
 * order; `rule`: a category (with its subcategories), optionally only what arrived in the last N days.
 */
export const collections = pgTable('collections', {
  id: text().primaryKey(),
  name: text().notNull(),
  nameEn: text().notNull().default(''),
  description: text().notNull().default(''),
  kind: text().notNull().$type<'manual' | 'rule'>(),
  categoryId: text().references(() => categories.id),
  newWithinDays: integer(),
  /** Shown on the shop's home, in `sort` order. */
  featured: boolean().notNull().default(true),
  sort: integer().notNull().default(0),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const collectionProducts = pgTable(
  'collection_products',
  {
    collectionId: text()
      .notNull()
      .references(() => collections.id, { onDelete: 'cascade' }),
    productId: text()
      .notNull()
      .references(() => products.id),
    position: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.collectionId, t.productId] }), index().on(t.productId)],
);
