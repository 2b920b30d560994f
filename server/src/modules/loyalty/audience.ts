import { sql, type SQL } from 'drizzle-orm';

/** What a segment may ask of loyalty (engagement): each member's unexpired points (customer_id, points). */
export function pointBalancesSql(): SQL {
  return sql`SELECT customer_id, sum(remaining)::int AS points FROM point_lots
              WHERE remaining > 0 AND expires_at > now() GROUP BY customer_id`;
}
