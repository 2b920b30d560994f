import { sql, type SQL } from 'drizzle-orm';

/**
 * What a segment may ask of orders, as SQL to compose into one query (engagement). Cancelled orders do
 * not count; spend is net of what she returned.
 */

/** What was returned of the lines `l`, in yen: each returned unit's share of its line's total. */
export const returnedYen = sql`sum(round(l.total::numeric * l.returned_quantity / l.quantity))::int`;

/**
 * `r.returned`: what was returned of order `o`, in yen (each line's share of its total). Returned lines are
 * few: read them all at once (order_lines_returned_index) and join by order, rather than look up every
 * order's lines (a million lookups at a million orders).
 */
const returnedJoin = sql`LEFT JOIN (
    SELECT l.order_id, ${returnedYen} AS returned
      FROM order_lines l WHERE l.returned_quantity > 0 GROUP BY l.order_id) r ON r.order_id = o.id`;

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

/**
 * Members' open online carts with lines, untouched since `before` (cart_id, customer_id, touched_at, lines:
 * [{variantId, quantity}]) — what the カート放置 trigger reads. Touching the cart (a line, the pickup choice,
 * a coupon) moves `touched_at`.
 */
export function idleCartsSql(before: Date): SQL {
  return sql`SELECT c.id AS cart_id, c.customer_id, c.updated_at AS touched_at,
                    jsonb_agg(jsonb_build_object('variantId', l.variant_id, 'quantity', l.quantity)
                              ORDER BY l.variant_id) AS lines
               FROM carts c JOIN cart_lines l ON l.cart_id = c.id
              WHERE c.status = 'open' AND c.customer_id IS NOT NULL AND c.channel <> 'store'
                AND c.updated_at < ${before}
              GROUP BY c.id`;
}

/**
 * Members' purchases, one row per member and product she bought: customer_id, product_id, last_at (her latest
 * order of it), orders (how many of her orders had it). Every channel counts (web, app, the till, LINE);
 * cancelled orders and lines returned whole do not. `customerId` narrows to one member (her orders by
 * orders (customer_id, created_at), their lines by order_lines (order_id, product_id)); `since` to recent orders.
 * What recommendations learn from.
 */
export function memberProductsSql(opts: { since?: Date | undefined; customerId?: string | undefined } = {}): SQL {
  const since = opts.since ? sql`AND o.created_at >= ${opts.since}` : sql``;
  const who = opts.customerId ? sql`AND o.customer_id = ${opts.customerId}` : sql`AND o.customer_id IS NOT NULL`;
  return sql`SELECT o.customer_id, l.product_id, max(o.created_at) AS last_at, count(DISTINCT o.id)::int AS orders
               FROM orders o JOIN order_lines l ON l.order_id = o.id
              WHERE o.status <> 'cancelled' AND l.returned_quantity < l.quantity ${who} ${since}
              GROUP BY o.customer_id, l.product_id`;
}
