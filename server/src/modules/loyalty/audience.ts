import { sql, type SQL } from 'drizzle-orm';

/** What a segment may ask of loyalty (engagement): each member's unexpired points (customer_id, points). */
export function pointBalancesSql(): SQL {
  return sql`SELECT customer_id, sum(remaining)::int AS points FROM point_lots
              WHERE remaining > 0 AND expires_at > now() GROUP BY customer_id`;
}

/**
 * Each member's points that lapse after `from` and by `until` (customer_id, points, first_expires_at: the
 * soonest of those lots) — for engagement's ポイント失効間近. Lots already lapsed but not yet booked as
 * expired are left out.
 */
export function expiringPointsSql(from: Date, until: Date): SQL {
  return sql`SELECT customer_id, sum(remaining)::int AS points, min(expires_at) AS first_expires_at FROM point_lots
              WHERE remaining > 0 AND expires_at > ${from} AND expires_at <= ${until} GROUP BY customer_id`;
}
