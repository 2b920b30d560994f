import { sql, type SQL } from 'drizzle-orm';
import { isActiveProductSql, productOfVariantSql } from '../catalog/service.ts';
import { memberInterestsSql } from '../events/service.ts';
import { memberProductsSql } from '../orders/service.ts';

/**
 * A member's unified history: what she bought in any channel (web, app, the till, LINE: orders) and what
 * she looked at online (views, carts, favourites: the timeline), folded into one weight per product.
 * docs/recommendations.md defines the weights and the score built on them.
 */

/** How strongly each kind of history says "she wants this kind of thing". A purchase is the strongest. */
export const WEIGHTS = { purchase: 1, cart_updated: 0.6, favorited: 0.6, product_viewed: 0.3 } as const;
/** History older than this is not read. */
export const HISTORY_DAYS = 365;
/** A member's newest products only: a heavy shopper's long tail says little and costs quadratically in pairs. */
export const MAX_HISTORY = 100;

const daysAgo = (days: number, now: Date) => new Date(now.getTime() - days * 86400_000);

/**
 * One row per member and (active) product of her history: customer_id, product_id, w (the strongest of her
 * signals for it), at (the latest of them). `customerId`: hers only, from her newest events.
 */
export function historySql(opts: { customerId?: string | undefined; now?: Date } = {}): SQL {
  const since = daysAgo(HISTORY_DAYS, opts.now ?? new Date());
  const bought = memberProductsSql({ since, customerId: opts.customerId });
  const looked = memberInterestsSql({ since, customerId: opts.customerId, limit: 500 });
  return sql`SELECT customer_id, product_id, max(w) AS w, max(at) AS at FROM (
      SELECT customer_id, product_id, ${WEIGHTS.purchase}::float8 AS w, last_at AS at FROM (${bought}) b
      UNION ALL
      SELECT customer_id, coalesce(product_id, ${productOfVariantSql(sql`i.variant_id`)}) AS product_id,
             CASE type WHEN 'product_viewed' THEN ${WEIGHTS.product_viewed}::float8 ELSE ${WEIGHTS.cart_updated}::float8 END AS w,
             last_at AS at
        FROM (${looked}) i
    ) h
    WHERE product_id IS NOT NULL AND ${isActiveProductSql(sql`h.product_id`)}
    GROUP BY customer_id, product_id`;
}
