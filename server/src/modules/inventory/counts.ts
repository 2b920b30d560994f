import { sql } from 'drizzle-orm';
import { query, type Executor, type Tx } from '../../platform/db/connection.ts';
import { newId } from '../../platform/ids.ts';
import { actorId, requireRole, type Principal } from '../../platform/auth.ts';
import { announce, levelColumnsOf, lockLevels, readLevels, toLevel, type Level, type Pair } from './levels.ts';
import { announceBackInStock } from './back-in-stock.ts';

/** 棚卸: the counted total of a variant at a location. */
export interface CountedStock extends Pair {
  count: number;
}

/** Whether each count differs from the books ('update') or matches them ('unchanged'), without writing. */
export async function planCounts(db: Executor, counts: CountedStock[]): Promise<Array<'update' | 'unchanged'>> {
  const levels = await readLevels(db, counts);
  return counts.map((c, i) => (levels[i]!.onHand === c.count ? 'unchanged' : 'update'));
}

/**
 * Book many counts at once, in the caller's transaction: each count that differs from the books becomes
 * a `count` movement of the difference and sets on hand to the counted total; a count that matches writes
 * nothing (so counting the same file twice changes nothing). Rows are locked in key order (levels.ts).
 * Head office only: a chain-wide 棚卸 file. Returns how many levels changed.
 */
export async function recordCounts(
  tx: Tx,
  actor: Principal,
  counts: CountedStock[],
  reference: string,
): Promise<number> {
  requireRole(actor, 'owner', 'hq');
  if (!counts.length) return 0;
  await lockLevels(tx, counts);
  const before = await readLevels(tx, counts);
  const changes = counts.map((c, i) => ({ ...c, delta: c.count - before[i]!.onHand })).filter((c) => c.delta !== 0);
  if (!changes.length) return 0;
  const data = JSON.stringify(changes.map((c) => ({ v: c.variantId, l: c.locationId, n: c.count })));
  const levels = await query<Level>(
    tx,
    sql`UPDATE stock_levels s SET on_hand = d.n, updated_at = now()
          FROM jsonb_to_recordset(${data}::jsonb) AS d(v text, l text, n int)
         WHERE s.variant_id = d.v AND s.location_id = d.l
        RETURNING ${levelColumnsOf('s')}`,
  );
  const staffId = actorId(actor);
  const movements = changes.map((c) => ({
    id: newId('mov'),
    variant_id: c.variantId,
    location_id: c.locationId,
    quantity: c.delta,
    on_hand_after: c.count,
    staff_id: staffId,
  }));
  await tx.execute(sql`
    INSERT INTO stock_movements (id, variant_id, location_id, kind, quantity, on_hand_after, reason, reference, staff_id)
    SELECT id, variant_id, location_id, 'count', quantity, on_hand_after, '棚卸 (CSV)', ${reference}, staff_id
      FROM jsonb_to_recordset(${JSON.stringify(movements)}::jsonb)
        AS d(id text, variant_id text, location_id text, quantity int, on_hand_after int, staff_id text)`);
  await announce(tx, levels);
  const delta = new Map(changes.map((c) => [`${c.variantId}\u0000${c.locationId}`, c.delta]));
  for (const l of levels.map(toLevel))
    await announceBackInStock(tx, l, delta.get(`${l.variantId}\u0000${l.locationId}`) ?? 0, 'count');
  return changes.length;
}
