import { sql, type SQL } from 'drizzle-orm';

/**
 * What the analytics rollups may ask of orders, as SQL to compose (issue 10 §5). An order counts on the
 * Japan date (Asia/Tokyo) it was placed, at its selling store (a till sale) or else the location that
 * fulfils it (a pickup's store, the warehouse that ships it); a cancelled order counts for nothing, and
 * what was returned comes off the order's own day.
 */

/** The Japan calendar date of a timestamp, as 'YYYY-MM-DD'. */
export const japanDateSql = (at: SQL) => sql`to_char(${at} AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD')`;

/**
 * One row per (order, product) of the orders `orderIds` (a one-column subquery or list of ids), and one
 * row with a null product for the order's shipping fee: order_id, sold_on, channel, location_id,
 * customer_id, cancelled, updated_at, product_id, units and returned_units (pieces), gross (the lines' totals after
 * discounts, tax included), discount, returned (yen: each returned piece's share of its line, as the
 * return refunded it — cumulative floor, so the parts add up to return_lines.amount), net = gross − returned,
 * net_excl (net without consumption tax, per line at its rate, rounded). An order that does not exist has
 * no rows.
 */
export function orderSalesSql(orderIds: SQL): SQL {
  return sql`WITH o AS (
      SELECT o.id, o.channel, o.customer_id, o.status, o.shipping_fee, o.created_at, o.updated_at,
             coalesce(o.location_id,
                      (SELECT f.location_id FROM fulfilments f WHERE f.order_id = o.id ORDER BY f.id LIMIT 1)) AS location_id
        FROM orders o WHERE o.id IN (${orderIds}))
    SELECT o.id AS order_id, ${japanDateSql(sql`o.created_at`)} AS sold_on, o.channel, o.location_id, o.customer_id,
           o.status = 'cancelled' AS cancelled, ${usText(sql`o.updated_at`)} AS updated_at, x.product_id,
           x.units::int, x.returned_units::int, x.gross::bigint, x.discount::bigint, x.returned::bigint,
           (x.gross - x.returned)::bigint AS net, x.net_excl::bigint
      FROM o
      CROSS JOIN LATERAL (
        SELECT l.product_id, sum(l.quantity) AS units, sum(l.returned_quantity) AS returned_units,
               sum(l.total) AS gross, sum(l.discount) AS discount, sum(r.yen) AS returned,
               sum(round((l.total - r.yen) * 100.0 / (100 + l.tax_rate))) AS net_excl
          FROM order_lines l
          CROSS JOIN LATERAL (SELECT floor(l.total::numeric * l.returned_quantity / l.quantity) AS yen) r
         WHERE l.order_id = o.id
         GROUP BY l.product_id
        UNION ALL
        -- Shipping carries the standard rate (10 %).
        SELECT NULL, 0, 0, o.shipping_fee, 0, 0, round(o.shipping_fee * 100.0 / 110)
         WHERE o.shipping_fee <> 0) x`;
}

/**
 * Orders placed after the position (created_at, id), oldest first, `limit` of them: id, created_at,
 * updated_at — how the rollups walk every order once (a backfill) without a scan per step.
 */
export function ordersAfterSql(after: { at: Date | string; id: string }, limit: number): SQL {
  // created_at to the microsecond, as text: a JavaScript Date would cut it to the millisecond, and a cursor
  // kept from it would walk its last order again on every run.
  return sql`SELECT o.id, ${usText(sql`o.created_at`)} AS created_at, o.updated_at FROM orders o
              WHERE (o.created_at, o.id) > (${after.at}::timestamptz, ${after.id})
              ORDER BY o.created_at, o.id LIMIT ${limit}`;
}

/** A timestamptz as ISO 8601 in UTC to the microsecond (what `::timestamptz` reads back exactly). */
export const usText = (at: SQL) => sql`to_char(${at} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Orders placed since `from`: id, updated_at (a change to an order — a return, a cancellation — moves it). */
export function ordersPlacedSinceSql(from: Date): SQL {
  return sql`SELECT o.id, o.updated_at FROM orders o WHERE o.created_at >= ${from}`;
}
