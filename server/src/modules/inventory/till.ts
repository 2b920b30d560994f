import { sql } from 'drizzle-orm';
import { query, type Tx } from '../../platform/db/connection.ts';
import { newId } from '../../platform/ids.ts';
import { actorId, type Principal } from '../../platform/auth.ts';
import { stockMovements } from './schema.ts';
import { announce, levelColumns, lockLevels, sortPairs, type Level } from './levels.ts';

export interface TillLine {
  variantId: string;
  locationId: string;
  quantity: number;
}

/**
 * Sell at the till, inside the caller's transaction. The goods are in the clerk's hand, so a sale is never
 * refused for want of free stock on record: if the record says fewer are free (a miscount, a delivery not
 * yet received), an adjustment brings it up first, with a reason, so the ledger still explains every unit
 * and the difference shows up in the store's adjustments report. Units reserved for others stay reserved.
 */
export async function sellAtTill(tx: Tx, actor: Principal, lines: TillLine[], reference: string): Promise<Level[]> {
  const sorted = sortPairs(lines);
  for (const l of sorted) {
    await tx.execute(sql`INSERT INTO stock_levels (variant_id, location_id) VALUES (${l.variantId}, ${l.locationId}) ON CONFLICT DO NOTHING`);
  }
  await lockLevels(tx, sorted);
  const levels: Level[] = [];
  for (const l of sorted) {
    const [before] = await query<{ on_hand: number; reserved: number }>(tx, sql`SELECT on_hand, reserved FROM stock_levels WHERE variant_id = ${l.variantId} AND location_id = ${l.locationId}`);
    const free = (before?.on_hand ?? 0) - (before?.reserved ?? 0);
    const shortfall = Math.max(0, l.quantity - free);
    const [level] = await query<Level>(
      tx,
      sql`UPDATE stock_levels SET on_hand = on_hand + ${shortfall} - ${l.quantity}, updated_at = now()
           WHERE variant_id = ${l.variantId} AND location_id = ${l.locationId} RETURNING ${levelColumns}`,
    );
    const onHandBefore = before?.on_hand ?? 0;
    if (shortfall > 0) {
      await tx.insert(stockMovements).values({
        id: newId('mov'),
        variantId: l.variantId,
        locationId: l.locationId,
        kind: 'adjustment',
        quantity: shortfall,
        onHandAfter: onHandBefore + shortfall,
        reason: 'レジで販売（記録より多く在庫あり）',
        reference,
        staffId: actorId(actor),
      });
    }
    await tx.insert(stockMovements).values({
      id: newId('mov'),
      variantId: l.variantId,
      locationId: l.locationId,
      kind: 'sale',
      quantity: -l.quantity,
      onHandAfter: level!.onHand,
      reference,
      staffId: actorId(actor),
    });
    levels.push(level!);
  }
  await announce(tx, levels);
  return levels;
}
