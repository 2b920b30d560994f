import { sql, type SQL } from 'drizzle-orm';

/**
 * What a segment may ask of orders, as SQL to compose into one query (engagement). Cancelled orders do
 * not count; spend is net of what she returned.
 */

/** `r.returned`: what was returned of order `o`, in yen (each line's share of its total). */
const returnedJoin = sql`LEFT JOIN LATERAL (
    SELECT sum(round(l.total::numeric * l.returned_quantity / l.quantity))::int AS returned
      FROM order_lines l WHERE l.order_id = o.id AND l.returned_quantity > 0) r ON true`;

/** Per member over the last `days`: last_at, orders, spend (yen, net of returns), channels (text[]). */
export function purchaseFactsSql(days: number): SQL {
  return sql`SELECT o.customer_id, max(o.created_at) AS last_at, count(*)::int AS orders,
                    sum(o.total - coalesce(r.returned, 0))::bigint AS spend,
                    array_agg(DISTINCT o.channel) AS channels
               FROM orders o
               ${returnedJoin}
              WHERE o.customer_id IS NOT NULL AND o.status <> 'cancelled'
                AND o.created_at >= now() - make_interval(days => ${days})
              GROUP BY o.customer_id`;
}

/** Members who bought one of `productIds` (a one-column subquery of product ids) in the last `days`. */
export function buyersSql(productIds: SQL, days: number): SQL {
  return sql`SELECT DISTINCT o.customer_id FROM order_lines l JOIN orders o ON o.id = l.order_id
              WHERE o.customer_id IS NOT NULL AND o.status <> 'cancelled'
                AND o.created_at >= now() - make_interval(days => ${days})
                AND l.product_id IN (${productIds})`;
}

/**
 * Members' orders from `from` on (cancelled ones left out), each with its net amount (returns taken off):
 * id, customer_id, created_at, channel, location_id, net — what a campaign's attribution reads.
 */
export function memberOrdersSql(from: Date): SQL {
  return sql`SELECT o.id, o.customer_id, o.created_at, o.channel, o.location_id,
                    (o.total - coalesce(r.returned, 0))::bigint AS net
               FROM orders o
               ${returnedJoin}
              WHERE o.customer_id IS NOT NULL AND o.status <> 'cancelled' AND o.created_at >= ${from}`;
}
