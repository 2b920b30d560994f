import { sql, type SQL } from 'drizzle-orm';
import { query, type Db } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { salesChannels } from '../../platform/channels.ts';
import { FACT_WINDOWS, type FactWindow } from './schema.ts';
import { returnedYen } from './audience.ts';

/**
 * Each member's purchase facts, kept in `customer_purchase_facts` so that a segment over a million members
 * reads a million short rows rather than every order of the year (at 1 M members and 3 M orders the year's
 * orders are 1.9 M rows spread over 1.6 M pages). Exact, not eventually right:
 *
 * - a row holds, for each window of FACT_WINDOWS days, what her orders were when it was computed, and
 *   `expires_at`: the moment the oldest of those orders leaves its window (the facts change by themselves then);
 * - any change to her orders that the facts count — an order placed, cancelled, returned, moved by a merge,
 *   re-dated — makes her row stale (expires_at = -infinity) in the same transaction, by database triggers
 *   on `orders` and `order_lines` (migration 0024): whatever code path changes an order, nothing is missed;
 * - readers take fresh rows as they are and compute the stale ones from her orders (a few index lookups),
 *   so an answer is always that of her orders now;
 * - the job `orders.purchase_facts` recomputes stale rows in batches (`refreshPurchaseFacts`).
 */

const windowed = (days: number, expr: string) =>
  `${expr} FILTER (WHERE o.created_at >= now() - interval '${days} days')`;

/** The channels of her orders in the window, as a sorted text[] (one bool_or per channel: parallel-safe). */
const channelsExpr = (days: number | null) =>
  `array_remove(ARRAY[${[...salesChannels]
    .sort()
    .map(
      (c) =>
        `CASE WHEN ${days === null ? `bool_or(o.channel = '${c}')` : windowed(days, `bool_or(o.channel = '${c}')`)} THEN '${c}' END`,
    )
    .join(', ')}]::text[], NULL)`;

/** What was returned of order `o`, in yen (each line's share of its total): looked up per order. */
const returnedLateral = sql`LEFT JOIN LATERAL (
    SELECT ${returnedYen} AS returned
      FROM order_lines l WHERE l.order_id = o.id AND l.returned_quantity > 0) r ON true`;

/** Recomputed columns of her row, from her orders joined as `o` (LEFT JOIN: none gives zeros). */
const recomputed = sql.raw(
  [
    'max(o.created_at) AS last_at',
    ...FACT_WINDOWS.flatMap((d) => [
      `${windowed(d, 'count(o.id)')}::int AS orders${d}`,
      `coalesce(${windowed(d, 'sum(o.total - coalesce(r.returned, 0))')}, 0)::bigint AS spend${d}`,
      `${channelsExpr(d)} AS channels${d}`,
    ]),
    `coalesce(least(${FACT_WINDOWS.map((d) => `${windowed(d, 'min(o.created_at)')} + interval '${d} days'`).join(', ')}), 'infinity') AS expires_at`,
  ].join(',\n       '),
);

const assigned = sql.raw(
  [
    'last_at = a.last_at',
    ...FACT_WINDOWS.flatMap((d) => [
      `orders${d} = a.orders${d}`,
      `spend${d} = a.spend${d}`,
      `channels${d} = a.channels${d}`,
    ]),
    'expires_at = a.expires_at',
    'refreshed_at = now()',
  ].join(', '),
);

/**
 * Recompute stale and expired rows, `batch` at a time, each batch in its own short transaction, until none
 * is left or `budgetMs` is spent. Rows locked by an order transaction in flight are skipped (it is about to
 * make them stale again). Safe in several app copies at once. Answers how many rows it refreshed.
 */
export async function refreshPurchaseFacts(db: Db, opts: { batch?: number; budgetMs?: number } = {}): Promise<number> {
  const batch = opts.batch ?? 5000;
  const until = performance.now() + (opts.budgetMs ?? 20_000);
  let done = 0;
  for (;;) {
    const n = await inTransaction(db, async (tx) => {
      // Statement 1 locks the batch; statement 2 reads her orders with a snapshot taken after the locks were
      // won, so an order committed while we waited is counted, and one still in flight re-stales the row.
      const ids = await query<{ customer_id: string }>(
        tx,
        sql`SELECT customer_id FROM customer_purchase_facts WHERE expires_at <= now()
             ORDER BY expires_at LIMIT ${batch} FOR UPDATE SKIP LOCKED`,
      );
      if (!ids.length) return 0;
      await tx.execute(sql`
        UPDATE customer_purchase_facts SET ${assigned}
          FROM (SELECT x.customer_id, ${recomputed}
                  FROM jsonb_array_elements_text(${JSON.stringify(ids.map((r) => r.customer_id))}::jsonb) AS x(customer_id)
                  LEFT JOIN orders o ON o.customer_id = x.customer_id AND o.status <> 'cancelled'
                  ${returnedLateral}
                 GROUP BY x.customer_id) a
         WHERE customer_purchase_facts.customer_id = a.customer_id`);
      // Her purchases per product, recomputed with her facts (read only while they are fresh).
      const batchIds = sql`SELECT jsonb_array_elements_text(${JSON.stringify(ids.map((r) => r.customer_id))}::jsonb)`;
      await tx.execute(sql`DELETE FROM customer_product_purchases WHERE customer_id IN (${batchIds})`);
      await tx.execute(sql`
        INSERT INTO customer_product_purchases (customer_id, product_id, last_at)
        SELECT o.customer_id, l.product_id, max(o.created_at)
          FROM orders o JOIN order_lines l ON l.order_id = o.id
         WHERE o.customer_id IN (${batchIds}) AND o.status <> 'cancelled'
         GROUP BY o.customer_id, l.product_id`);
      return ids.length;
    });
    done += n;
    if (n < batch || performance.now() > until) return done;
  }
}

/** Members whose kept facts cannot be read as they are (changed or expired since computed). */
const staleMembers = sql`SELECT customer_id FROM customer_purchase_facts WHERE expires_at <= now()`;

/** Her facts over `days` computed from her orders, for the members of `members` (a one-column subquery). */
function liveFactsSql(days: number, members: SQL | null): SQL {
  return sql`SELECT o.customer_id, max(o.created_at) AS last_at, count(*)::int AS orders,
                    sum(o.total - coalesce(r.returned, 0))::bigint AS spend,
                    ${sql.raw(channelsExpr(null))} AS channels
               FROM orders o
               ${returnedLateral}
              WHERE o.customer_id IS NOT NULL AND o.status <> 'cancelled'
                AND o.created_at >= now() - make_interval(days => ${days})
                ${members ? sql`AND o.customer_id IN (${members})` : sql``}
              GROUP BY o.customer_id`;
}

export const isFactWindow = (days: number): days is FactWindow => (FACT_WINDOWS as readonly number[]).includes(days);

/**
 * Per member who bought in the last `days`: customer_id, last_at, orders, spend (yen, net of returns),
 * channels (sorted text[]). For the kept windows (30, 90, 180, 365 days) the fresh kept rows plus the stale
 * ones computed from orders; for any other window, from orders. Either way exact as of now.
 */
export function purchaseFactsSql(days: number): SQL {
  if (!isFactWindow(days)) return liveFactsSql(days, null);
  const c = (name: string) => sql.identifier(`${name}${days}`);
  return sql`SELECT customer_id, last_at, ${c('orders')} AS orders, ${c('spend')} AS spend, ${c('channels')} AS channels
               FROM customer_purchase_facts WHERE expires_at > now() AND ${c('orders')} > 0
             UNION ALL
             ${liveFactsSql(days, staleMembers)}`;
}

/**
 * Members who bought one of `productIds` (a one-column subquery of product ids, or a list of ids) in the last
 * `days` (cancelled orders aside): from the kept purchases per product of members whose facts are fresh (an
 * index range per product), and from the orders of the stale ones. A member may appear more than once.
 */
export function buyersSql(productIds: SQL, days: number): SQL {
  return sql`SELECT k.customer_id FROM customer_product_purchases k
              WHERE k.product_id IN (${productIds}) AND k.last_at >= now() - make_interval(days => ${days})
                AND k.customer_id NOT IN (${staleMembers})
             UNION ALL
             SELECT o.customer_id FROM orders o JOIN order_lines l ON l.order_id = o.id
              WHERE o.customer_id IN (${staleMembers}) AND o.status <> 'cancelled'
                AND o.created_at >= now() - make_interval(days => ${days})
                AND l.product_id IN (${productIds})`;
}

/** Each member's last order ever (cancelled ones aside): customer_id, last_at. */
export function lastPurchaseSql(): SQL {
  return sql`SELECT customer_id, last_at FROM customer_purchase_facts WHERE expires_at > now() AND last_at IS NOT NULL
             UNION ALL
             SELECT o.customer_id, max(o.created_at) FROM orders o
              WHERE o.status <> 'cancelled' AND o.customer_id IN (${staleMembers})
              GROUP BY o.customer_id`;
}
