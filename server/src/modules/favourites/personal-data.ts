import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import { personIds, type MergeStep } from '../customers/service.ts';
import { favourites } from './schema.ts';

/** Her favourites for a personal data export (開示請求): which products, since when. */
export async function exportFavourites(db: Executor, customerId: string): Promise<Record<string, unknown>> {
  const rows = await db
    .select()
    .from(favourites)
    .where(inArray(favourites.customerId, await personIds(db, customerId)))
    .orderBy(asc(favourites.addedAt));
  return { favourites: rows.map((r) => ({ productId: r.productId, addedAt: r.addedAt.toISOString() })) };
}

/** At her erasure: what she kept is deleted (it says what she likes; nothing else depends on it). */
export async function eraseFavourites(tx: Executor, customerId: string): Promise<Record<string, number>> {
  const rows = await tx
    .delete(favourites)
    .where(inArray(favourites.customerId, await personIds(tx, customerId)))
    .returning({ productId: favourites.productId });
  return { favourites: rows.length };
}

/**
 * A merge brings the merged record's favourites to the survivor — except a product the survivor keeps
 * already, which stays behind with the merged record; undo moves them back. The survivor may pass the
 * limit this way: a merge never drops what either record kept.
 */
export const favouritesMergeStep: MergeStep = {
  async move(tx, from, to) {
    const moved = await query<{ product_id: string }>(
      tx,
      sql`UPDATE favourites f SET customer_id = ${to}
           WHERE f.customer_id = ${from}
             AND NOT EXISTS (SELECT 1 FROM favourites s WHERE s.customer_id = ${to} AND s.product_id = f.product_id)
          RETURNING f.product_id`,
    );
    return { favourites: moved.map((m) => m.product_id) };
  },
  async moveBack(tx, moved, survivorId, restoredId) {
    const ids = Array.isArray(moved.favourites) ? (moved.favourites as string[]) : [];
    if (!ids.length) return;
    await tx
      .update(favourites)
      .set({ customerId: restoredId })
      .where(and(eq(favourites.customerId, survivorId), inArray(favourites.productId, ids)));
  },
};
