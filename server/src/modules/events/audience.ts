import { sql, type SQL } from 'drizzle-orm';
import { interestEventTypes } from './types.ts';

/** What a segment may ask of the timeline, as SQL to compose into one query (engagement). */

/**
 * The interest types as literals, not parameters, so the planner can match the partial index
 * customer_events_product_interest_index (its WHERE names the same three) whatever the plan.
 */
const interestTypes = sql.raw(interestEventTypes.map((t) => `'${t}'`).join(', '));

/** Members who looked at one of `productIds` (a one-column subquery) online in the last `days`: viewed, carted, favourited. */
export function viewersSql(productIds: SQL, days: number): SQL {
  return sql`SELECT DISTINCT customer_id FROM customer_events
              WHERE customer_id IS NOT NULL
                AND type IN (${interestTypes})
                AND occurred_at >= now() - make_interval(days => ${days})
                AND product_id IN (${productIds})`;
}

/**
 * Members who looked at anything in one of `categoryIds` (or a category below one) online in the last `days`:
 * viewed, carted, favourited. Read from customer_category_interest, one index range per category, kept per
 * member and category by triggers on the timeline (migration 0060) — not a million views grouped per request.
 */
export function categoryViewersSql(categoryIds: readonly string[], days: number): SQL {
  if (!categoryIds.length) return sql`SELECT NULL::text AS customer_id WHERE false`;
  const one = (id: string) =>
    sql`SELECT customer_id FROM customer_category_interest
         WHERE category_id = ${id} AND last_at >= now() - make_interval(days => ${days})`;
  // One category is one range and needs no de-duplication; several are a UNION (a member in two of them once).
  return sql.join([...new Set(categoryIds)].sort().map(one), sql` UNION `);
}

/**
 * Each member's last time at a store (a purchase, a scan of her card, a visit): customer_id, last_at.
 * Kept per member by triggers as store events arrive, move and go (customer_store_visits).
 */
export function lastStoreVisitSql(): SQL {
  return sql`SELECT customer_id, last_at FROM customer_store_visits`;
}

/**
 * Members' store visits from `from` on — a scan of her member code at a till, a check-in at the door:
 * customer_id, occurred_at, location_id. What a campaign's attribution counts as "she came to the store".
 */
export function storeVisitsSql(from: Date): SQL {
  return sql`SELECT customer_id, occurred_at, location_id FROM customer_events
              WHERE channel = 'store' AND customer_id IS NOT NULL AND type IN ('store_visited', 'member_scanned')
                AND occurred_at >= ${from}`;
}

/**
 * Members' interest in products online and in the app since `since` — viewed, carted, favourited — one row
 * per member, product (or variant, when a cart event names only the variant) and type: customer_id,
 * product_id (null when only the variant is known), variant_id, type, last_at, times. With `customerId`, her
 * newest `limit` such events only (the timeline index, newest first): a heavy app user has tens of thousands.
 * What recommendations learn from, beside her purchases.
 */
export function memberInterestsSql(opts: { since: Date; customerId?: string | undefined; limit?: number }): SQL {
  const who = opts.customerId ? sql`customer_id = ${opts.customerId}` : sql`customer_id IS NOT NULL`;
  const newest = opts.customerId ? sql`ORDER BY occurred_at DESC, id DESC LIMIT ${opts.limit ?? 500}` : sql``;
  return sql`SELECT customer_id, product_id, variant_id, type, max(occurred_at) AS last_at, count(*)::int AS times
               FROM (SELECT customer_id, product_id, payload->>'variantId' AS variant_id, type, occurred_at
                       FROM customer_events
                      WHERE ${who} AND type IN (${interestTypes}) AND occurred_at >= ${opts.since}
                        AND (payload->>'removed') IS DISTINCT FROM 'true' ${newest}) e
              GROUP BY customer_id, product_id, variant_id, type`;
}
