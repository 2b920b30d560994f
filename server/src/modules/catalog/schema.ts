import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { HIRAGANA, KATAKANA } from './search-text.ts';

export const categories = pgTable('categories', {
  id: text().primaryKey(),
  name: text().notNull(),
  nameKana: text().notNull().default(''),
  nameEn: text().notNull().default(''),
  parentId: text(),
  sort: integer().notNull().default(0),
  /** Not sold by スキャン＆ゴー (age-restricted goods, …): its products and its subcategories' are refused in the app. */
  notScanAndGo: boolean().notNull().default(false),
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
    /**
     * The name as search ranks it (NFKC, lower-case, katakana folded to hiragana), kept by the database:
     * the rank of every match compared it, and computing it there cost ~40 µs a match (100 ms for a broad
     * search of 50,000 products).
     */
    nameKey: text().generatedAlwaysAs(sql.raw(`translate(lower(normalize(name, NFKC)), '${KATAKANA}', '${HIRAGANA}')`)),
    /** Reading folded to hiragana: the order Japanese shoppers expect (compared with COLLATE "C"). */
    sortKey: text().notNull().default(''),
    /**
     * Kept from the product's active variants by the database (migration 0078's statement triggers on
     * variants, in the writing transaction, whoever writes): the lowest and highest price (null with none)
     * and how many there are. The shop's listing sorts and filters by them without reading every match's
     * variants, so its work does not grow with the number of matches.
     */
    priceMin: integer(),
    priceMax: integer(),
    activeVariants: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('products_search_grams_idx').using('gin', t.searchGrams),
    index().on(t.categoryId),
    // The shop's 新着 order and its home's new arrivals read the newest first.
    index().on(t.createdAt),
    // Its 価格の安い順 / 高い順 (ties newest first), walked and stopped at the page when nothing narrows it much.
    index('products_price_asc_idx').on(t.priceMin.asc(), t.createdAt.desc().nullsFirst(), t.id),
    index('products_price_desc_idx').on(t.priceMax.desc().nullsFirst(), t.createdAt.desc().nullsFirst(), t.id),
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

/**
 * A product's pictures, in order; `colour` ties one to the variants with that option value (カラー: ネイビー),
 * null for all of them. The files are `<base>-<width>.webp` in the object store (platform/storage): `base`
 * is content-hashed, so URLs change with the picture and are cached forever. Demo rows share their files.
 */
export const productImages = pgTable(
  'product_images',
  {
    id: text().primaryKey(),
    productId: text()
      .notNull()
      .references(() => products.id),
    colour: text(),
    position: integer().notNull(),
    /** 代替テキスト: what the picture shows, for a screen reader (ja). */
    alt: text().notNull().default(''),
    base: text().notNull(),
    /** The widths stored, narrowest first. */
    widths: integer().array().notNull(),
    /** Of the upright original: the page reserves its box before the picture arrives. */
    width: integer().notNull(),
    height: integer().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.productId, t.position), index().on(t.base)],
);
