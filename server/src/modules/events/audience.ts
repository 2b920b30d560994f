import { sql, type SQL } from 'drizzle-orm';
import { interestEventTypes } from './types.ts';

/** What a segment may ask of the timeline, as SQL to compose into one query (engagement). */

/** Members who looked at one of `productIds` (a one-column subquery) online in the last `days`: viewed, carted, favourited. */
export function viewersSql(productIds: SQL, days: number): SQL {
  return sql`SELECT DISTINCT customer_id FROM customer_events
              WHERE customer_id IS NOT NULL
                AND type IN (${sql.join(
                  interestEventTypes.map((t) => sql`${t}`),
                  sql`, `,
                )})
                AND occurred_at >= now() - make_interval(days => ${days})
                AND payload->>'productId' IN (${productIds})`;
}

/** Each member's last time at a store (a purchase, a scan of her card, a visit): customer_id, last_at. */
export function lastStoreVisitSql(): SQL {
  return sql`SELECT customer_id, max(occurred_at) AS last_at FROM customer_events
              WHERE customer_id IS NOT NULL AND channel = 'store' GROUP BY customer_id`;
}
