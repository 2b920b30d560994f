import { sql } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import type { OrderChannel } from './schema.ts';

/** A product a member has in hand: her latest completed order of it, on any channel. */
export interface Purchase {
  productId: string;
  orderId: string;
  channel: OrderChannel;
  purchasedAt: string;
}

/**
 * What the members `customerIds` (one person: she and the records merged into her, whose orders keep their
 * ids) bought and kept, one row per product, newest first: completed orders of every channel (web, app,
 * the till, LINE) whose line was not returned whole. `productIds` narrows to those products. What a review
 * needs: she may review only what she bought.
 */
export async function purchasesOf(
  db: Executor,
  customerIds: readonly string[],
  opts: { productIds?: readonly string[]; limit?: number } = {},
): Promise<Purchase[]> {
  if (!customerIds.length || opts.productIds?.length === 0) return [];
  const who = sql`o.customer_id IN (${sql.join(
    customerIds.map((id) => sql`${id}`),
    sql`, `,
  )})`;
  const which = opts.productIds
    ? sql`AND l.product_id IN (${sql.join(
        opts.productIds.map((id) => sql`${id}`),
        sql`, `,
      )})`
    : sql``;
  const rows = await query<{ product_id: string; order_id: string; channel: OrderChannel; created_at: Date | string }>(
    db,
    sql`SELECT DISTINCT ON (l.product_id) l.product_id, o.id AS order_id, o.channel, o.created_at
          FROM orders o JOIN order_lines l ON l.order_id = o.id
         WHERE ${who} AND o.status = 'completed' AND l.returned_quantity < l.quantity ${which}
         ORDER BY l.product_id, o.created_at DESC`,
  );
  return rows
    .map((r) => ({
      productId: r.product_id,
      orderId: r.order_id,
      channel: r.channel,
      purchasedAt: new Date(r.created_at).toISOString(),
    }))
    .sort((a, b) => b.purchasedAt.localeCompare(a.purchasedAt) || a.productId.localeCompare(b.productId))
    .slice(0, opts.limit ?? 500);
}
