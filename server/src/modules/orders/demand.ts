import { sql, type SQL } from 'drizzle-orm';

/**
 * Units ordered per variant, location and Japan date (Asia/Tokyo) from `from` until `until`, cancelled
 * orders left out: variant_id, product_id, location_id, day (date), units. The location is where the
 * demand fell — the till's store, or the store or warehouse that fulfils an online order. What the
 * demand forecast (analytics) learns from.
 */
export function dailyDemandSql(from: Date, until: Date, locationId?: string): SQL {
  return sql`SELECT l.variant_id, l.product_id, f.location_id,
                    (o.created_at AT TIME ZONE 'Asia/Tokyo')::date AS day, sum(l.quantity)::int AS units
               FROM orders o
               JOIN order_lines l ON l.order_id = o.id
               JOIN fulfilments f ON f.id = l.fulfilment_id
              WHERE o.status <> 'cancelled' AND o.created_at >= ${from} AND o.created_at < ${until}
                ${locationId ? sql`AND f.location_id = ${locationId}` : sql``}
              GROUP BY 1, 2, 3, 4`;
}
