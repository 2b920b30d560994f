import { sql, type SQL } from 'drizzle-orm';
import { survivorsSql } from '../customers/service.ts';

/**
 * Each person's first order's channel (person_id, channel): the earliest Japan date, then the smallest
 * order id, among her counted orders at the stores read.
 */
export function firstChannelsSql(ids: string[] | null): SQL {
  const at = ids
    ? sql`AND o.location_id IN (${sql.join(
        ids.map((s) => sql`${s}`),
        sql`, `,
      )})`
    : sql``;
  return sql`SELECT DISTINCT ON (coalesce(s.person_id, o.customer_id))
                    coalesce(s.person_id, o.customer_id) AS person_id, o.channel
               FROM analytics_order_sales o
               LEFT JOIN (${survivorsSql()}) s ON s.id = o.customer_id
              WHERE o.customer_id IS NOT NULL AND o.orders > 0 ${at}
              ORDER BY coalesce(s.person_id, o.customer_id), o.sold_on, o.order_id`;
}
