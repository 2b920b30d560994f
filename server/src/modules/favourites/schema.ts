import { index, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { products } from '../catalog/schema.ts';
import { customers } from '../customers/schema.ts';

/**
 * お気に入り: the products a member keeps (one row per member and product, so adding twice is adding once).
 * Her wish to hear when one is back (入荷お知らせ) is not kept here: it is engagement's restock wish for a
 * variant at her store, which the 再入荷 trigger answers.
 */
export const favourites = pgTable(
  'favourites',
  {
    customerId: text()
      .notNull()
      .references(() => customers.id),
    productId: text()
      .notNull()
      .references(() => products.id),
    addedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.productId] }), index().on(t.productId)],
);
