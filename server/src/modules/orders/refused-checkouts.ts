import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { checkoutRefusals } from './schema.ts';

/**
 * A checkout refused for want of stock (`cart.unavailable`), noted for the stockout analysis: the cart,
 * variant and location on today's Japan date. Called after the refusal, never inside the transaction that
 * rolled back; a failure to note it never changes the checkout's answer.
 */
export async function noteRefusedCheckout(db: Db, cartId: string, err: unknown): Promise<void> {
  if (!(err instanceof DomainError) || err.code !== 'cart.unavailable') return;
  const variantId = err.params.variantId;
  const locationId = err.params.locationId;
  if (typeof variantId !== 'string' || typeof locationId !== 'string' || !locationId) return;
  try {
    await db
      .insert(checkoutRefusals)
      .values({
        refusedOn: sql`(now() AT TIME ZONE 'Asia/Tokyo')::date`,
        variantId,
        locationId,
        cartId,
      })
      .onConflictDoNothing();
  } catch {
    // A note, not the checkout: the customer's answer is the refusal whatever happens here.
  }
}

/**
 * Refused checkouts per variant, location and Japan date from `from` to `to` (inclusive, 'YYYY-MM-DD'):
 * variant_id, location_id, day (date), carts (distinct carts refused that day).
 */
export function refusedCheckoutsSql(from: string, to: string): SQL {
  return sql`SELECT variant_id, location_id, refused_on AS day, count(*)::int AS carts
               FROM checkout_refusals
              WHERE refused_on BETWEEN ${from}::date AND ${to}::date
              GROUP BY 1, 2, 3`;
}

/**
 * Each refused cart of the Japan dates from `from` on, as it was noted: variant_id, location_id, day,
 * refused_at — to tell which refusals arrived after a given moment.
 */
export function refusalsFromSql(from: string): SQL {
  return sql`SELECT variant_id, location_id, refused_on AS day, refused_at
               FROM checkout_refusals
              WHERE refused_on >= ${from}::date`;
}
