import { sql, type SQL } from 'drizzle-orm';
import { interestEventTypes } from './types.ts';

/** As literals, so the planner matches the partial index customer_events_product_interest_index. */
const interestTypes = sql.raw(interestEventTypes.map((t) => `'${t}'`).join(', '));

/**
 * Members' product page views (`product_viewed`, any channel) from `from` until `until`: product_id,
 * variant_id (null when the page named none), customer_id, location_id (a store's event), occurred_at,
 * received_at.
 * Bounds and product may be SQL (a lateral join's columns). Read by product and time from the product interest index (anonymous views are not in it). What the
 * stockout analysis (analytics) counts as demand while an item was out.
 */
export function productViewsSql(
  from: Date | SQL,
  until: Date | SQL,
  productId?: SQL,
  /** Only the views that arrived after this (received_at): what a count made before has not seen. */
  receivedAfter?: SQL,
): SQL {
  return sql`SELECT product_id, payload->>'variantId' AS variant_id, customer_id, location_id, occurred_at, received_at
               FROM customer_events
              WHERE type IN (${interestTypes}) AND type = 'product_viewed' AND customer_id IS NOT NULL
                AND occurred_at >= ${from} AND occurred_at < ${until}
                ${productId ? sql`AND product_id = ${productId}` : sql``}
                ${receivedAfter ? sql`AND received_at > ${receivedAfter}` : sql``}`;
}
