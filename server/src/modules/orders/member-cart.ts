import { sql } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import type { VariantInfo } from '../catalog/service.ts';
import { variantInfoJson } from '../catalog/service.ts';
import type { OrderChannel } from './schema.ts';

/** Her cart as a clerk sees it on the clienteling card: what is in it now, with the variants. */
export interface MemberCart {
  cartId: string;
  channel: OrderChannel;
  updatedAt: string;
  lines: Array<{ variantId: string; quantity: number; addedAt: string; variant: VariantInfo }>;
}

/**
 * A member's open online cart (web or app; the newest she touched, as `myCart` picks it), with its lines in
 * the order they were added — or null when she has none. Reads only: who may see it is the caller's
 * decision (clienteling: staff of the store where she was just scanned).
 */
export async function memberOpenCart(db: Executor, customerId: string): Promise<MemberCart | null> {
  const [row] = await query<{
    id: string;
    channel: OrderChannel;
    updated_at: string;
    lines: MemberCart['lines'] | null;
  }>(
    db,
    sql`SELECT c.id, c.channel, c.updated_at,
               (SELECT json_agg(json_build_object('variantId', l.variant_id, 'quantity', l.quantity, 'addedAt', l.added_at, 'variant', ${variantInfoJson})
                                ORDER BY l.added_at, l.variant_id)
                  FROM cart_lines l JOIN variants v ON v.id = l.variant_id JOIN products p ON p.id = v.product_id
                 WHERE l.cart_id = c.id) AS lines
          FROM carts c
         WHERE c.customer_id = ${customerId} AND c.status = 'open' AND c.channel IN ('web', 'app')
         ORDER BY c.updated_at DESC, c.id DESC
         LIMIT 1`,
  );
  if (!row) return null;
  return {
    cartId: row.id,
    channel: row.channel,
    updatedAt: new Date(row.updated_at).toISOString(),
    lines: (row.lines ?? []).map((l) => ({ ...l, addedAt: new Date(l.addedAt).toISOString() })),
  };
}
