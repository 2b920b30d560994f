import { sql, type SQL } from 'drizzle-orm';

/**
 * What a segment may ask of the catalog, as SQL to compose into one query (engagement): the products of
 * some categories, their subcategories included, as a one-column subquery of product ids.
 */
export function productsInCategoriesSql(categoryIds: readonly string[]): SQL {
  if (!categoryIds.length) return sql`SELECT NULL::text AS id WHERE false`;
  return sql`WITH RECURSIVE tree AS (
      SELECT id FROM categories WHERE id IN (${sql.join(
        categoryIds.map((c) => sql`${c}`),
        sql`, `,
      )})
      UNION SELECT c.id FROM categories c JOIN tree t ON c.parent_id = t.id)
    SELECT p.id FROM products p WHERE p.category_id IN (SELECT id FROM tree)`;
}

/** The product of a variant (a one-row subquery of `variantId`, an SQL expression): null when unknown. */
export function productOfVariantSql(variantId: SQL): SQL {
  return sql`(SELECT product_id FROM variants WHERE id = ${variantId})`;
}

/** The active variants of a product (`productId`, an SQL expression), as a one-column subquery of ids. */
export function variantsOfProductSql(productId: SQL): SQL {
  return sql`SELECT id FROM variants WHERE product_id = ${productId} AND status = 'active'`;
}

/** True when the product (`productId`, an SQL expression) is on sale: active, not archived. */
export function isActiveProductSql(productId: SQL): SQL {
  return sql`EXISTS (SELECT 1 FROM products WHERE id = ${productId} AND status = 'active')`;
}

/** A category and every category under it, as a one-column subquery of ids (the shop's category filter). */
export function categorySubtreeSql(categoryId: string): SQL {
  return sql`WITH RECURSIVE tree AS (
      SELECT id FROM categories WHERE id = ${categoryId}
      UNION SELECT c.id FROM categories c JOIN tree t ON c.parent_id = t.id)
    SELECT id FROM tree`;
}

/** Every variant's product and current price, as a subquery (variant_id, product_id, price) to join to. */
export function variantPricesSql(): SQL {
  return sql`SELECT id AS variant_id, product_id, price FROM variants`;
}
