import { index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const categories = pgTable('categories', {
  id: text().primaryKey(),
  name: text().notNull(),
  nameKana: text().notNull().default(''),
  nameEn: text().notNull().default(''),
  parentId: text(),
  sort: integer().notNull().default(0),
});

export const products = pgTable(
  'products',
  {
    id: text().primaryKey(),
    /** 品番: the office's own code for the product (what a CSV import groups its variants by); optional. */
    code: text().unique(),
    name: text().notNull(),
    nameKana: text().notNull().default(''),
    description: text().notNull().default(''),
    categoryId: text().references(() => categories.id),
    taxRate: integer().notNull().$type<10 | 8>(),
    status: text().notNull().default('active').$type<'active' | 'archived'>(),
    /** Normalised text searched by q (NFKC, lower-case, katakana folded to hiragana). */
    searchText: text().notNull().default(''),
    /** Every 1- and 2-character gram of searchText; a GIN index makes short Japanese terms fast. */
    searchGrams: text().array().notNull().default([]),
    /** Reading folded to hiragana: the order Japanese shoppers expect (compared with COLLATE "C"). */
    sortKey: text().notNull().default(''),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('products_search_grams_idx').using('gin', t.searchGrams),
    index().on(t.categoryId),
    // The shop's 新着 order and its home's new arrivals read the newest first.
    index().on(t.createdAt),
  ],
);

export const variants = pgTable(
  'variants',
  {
    id: text().primaryKey(),
    productId: text()
      .notNull()
      .references(() => products.id),
    sku: text().notNull().unique(),
    jan: text().notNull().unique(),
    /** Tax-included (税込) price in yen. */
    price: integer().notNull(),
    options: jsonb().$type<Record<string, string>>().notNull().default({}),
    status: text().notNull().default('active').$type<'active' | 'archived'>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.productId)],
);
