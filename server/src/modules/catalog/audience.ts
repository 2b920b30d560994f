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
