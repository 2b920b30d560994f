import { sql } from 'drizzle-orm';
import { query, type Tx } from '../../platform/db/connection.ts';
import { newId } from '../../platform/ids.ts';
import { actorId, type Principal } from '../../platform/auth.ts';
import { stockMovements } from './schema.ts';
import { announce, levelColumns, lockLevels, sortPairs, toLevel, type Level } from './levels.ts';
import { announceBackInStock } from './back-in-stock.ts';

export interface ReturnLine {
  variantId: string;
  locationId: string;
  quantity: number;
}

/** Why damaged returns are written off straight after they are booked back in. */
export const DAMAGED_RETURN_REASON = '返品（破損・不良）: 販売不可のため在庫から除外';

/**
 * Goods a customer brings back, inside the caller's transaction (a return of an order, at any store).
 * Every unit is booked in with a `return` movement at the store that took it, so the ledger explains
 * where it came from. Resellable goods stay on sale there. Damaged goods (`damaged: true`) are then
 * written off at once with an `adjustment` of the same quantity and a reason: the store's on-hand does
 * not change, and the adjustments report shows the write-off.
 */
export async function returnAtLocation(
  tx: Tx,
  actor: Principal,
  lines: ReturnLine[],
  reference: string,
  opts: { damaged?: boolean; note?: string | undefined } = {},
): Promise<Level[]> {
  const sorted = sortPairs(lines);
  if (!sorted.length) return [];
  await lockLevels(tx, sorted);
  const levels: Level[] = [];
  for (const l of sorted) {
    const [after] = await query<Level>(
      tx,
      sql`UPDATE stock_levels SET on_hand = on_hand + ${l.quantity}, updated_at = now()
           WHERE variant_id = ${l.variantId} AND location_id = ${l.locationId} RETURNING ${levelColumns}`,
    );
    await tx.insert(stockMovements).values({
      id: newId('mov'),
      variantId: l.variantId,
      locationId: l.locationId,
      kind: 'return',
      quantity: l.quantity,
      onHandAfter: after!.onHand,
      reason: opts.note ?? null,
      reference,
      staffId: actorId(actor),
    });
    let level = after!;
    if (opts.damaged) {
      const [out] = await query<Level>(
        tx,
        sql`UPDATE stock_levels SET on_hand = on_hand - ${l.quantity}, updated_at = now()
             WHERE variant_id = ${l.variantId} AND location_id = ${l.locationId} RETURNING ${levelColumns}`,
      );
      await tx.insert(stockMovements).values({
        id: newId('mov'),
        variantId: l.variantId,
        locationId: l.locationId,
        kind: 'adjustment',
        quantity: -l.quantity,
        onHandAfter: out!.onHand,
        reason: DAMAGED_RETURN_REASON,
        reference,
        staffId: actorId(actor),
      });
      level = out!;
    } else await announceBackInStock(tx, toLevel(level), l.quantity, 'return');
    levels.push(level);
  }
  await announce(tx, levels);
  return levels;
}
