import { sql } from 'drizzle-orm';
import { query, type Db, type Executor } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import {
  announce,
  levelColumnsOf,
  lockLevels,
  pairKey,
  pairsSql,
  sortPairs,
  toLevel,
  type Level,
  type Pair,
} from './levels.ts';

/**
 * Expired reservations give their stock back. Two paths share this code: a background job sweeps
 * everything due, and every read or failed reservation of a stock row whose `next_expiry` has passed
 * sweeps that row first — so stock is never held longer than the next look at it.
 */
export async function sweepPairs(db: Db, pairs: Pair[]): Promise<Level[]> {
  if (!pairs.length) return [];
  return inTransaction(db, async (tx) => {
    // Locks first, in key order; the statements after it see every reservation committed before.
    await lockLevels(tx, pairs);
    const released = await query<Level>(
      tx,
      sql`WITH expired AS (
            UPDATE reservations r SET status = 'expired', updated_at = now()
             WHERE r.status = 'active' AND r.expires_at <= now()
               AND r.id IN (SELECT reservation_id FROM reservation_lines WHERE (variant_id, location_id) IN (${pairsSql(pairs)}))
            RETURNING r.id),
          freed AS (
            SELECT l.variant_id, l.location_id, sum(l.quantity)::int AS q
              FROM reservation_lines l JOIN expired e ON e.id = l.reservation_id GROUP BY 1, 2)
          UPDATE stock_levels s SET reserved = s.reserved - f.q, updated_at = now()
            FROM freed f WHERE s.variant_id = f.variant_id AND s.location_id = f.location_id
          RETURNING ${levelColumnsOf('s')}`,
    );
    const touched = new Map<string, Pair>();
    for (const p of [...pairs, ...released])
      touched.set(pairKey(p), { variantId: p.variantId, locationId: p.locationId });
    await recomputeNextExpiry(tx, [...touched.values()]);
    await announce(tx, released);
    return released.map(toLevel);
  });
}

async function recomputeNextExpiry(tx: Executor, pairs: Pair[]): Promise<void> {
  await tx.execute(
    sql`UPDATE stock_levels s SET next_expiry = (
          SELECT min(r.expires_at) FROM reservation_lines l JOIN reservations r ON r.id = l.reservation_id
           WHERE l.variant_id = s.variant_id AND l.location_id = s.location_id AND r.status = 'active')
        WHERE (s.variant_id, s.location_id) IN (${pairsSql(sortPairs(pairs))})`,
  );
}

/** The background job: release everything that has expired, a batch at a time. Returns rows freed. */
export async function sweepExpired(db: Db, batch = 200): Promise<number> {
  let total = 0;
  for (let round = 0; round < 50; round++) {
    const due = await query<Pair>(
      db,
      sql`SELECT variant_id AS "variantId", location_id AS "locationId" FROM stock_levels
           WHERE next_expiry <= now() ORDER BY next_expiry LIMIT ${batch}`,
    );
    const lost = await query<Pair>(
      db,
      sql`SELECT DISTINCT l.variant_id AS "variantId", l.location_id AS "locationId"
            FROM reservations r JOIN reservation_lines l ON l.reservation_id = r.id
           WHERE r.status = 'active' AND r.expires_at <= now() LIMIT ${batch}`,
    );
    const pairs = new Map([...due, ...lost].map((p) => [pairKey(p), p]));
    if (!pairs.size) break;
    total += (await sweepPairs(db, [...pairs.values()])).length;
    if (pairs.size < batch) break;
  }
  return total;
}

/** Sweep the given rows if any of them has a reservation past its expiry. */
export async function sweepIfDue(db: Db, pairs: Pair[]): Promise<boolean> {
  if (!pairs.length) return false;
  const due = await query<Pair>(
    db,
    sql`SELECT variant_id AS "variantId", location_id AS "locationId" FROM stock_levels
         WHERE (variant_id, location_id) IN (${pairsSql(pairs)}) AND next_expiry <= now()`,
  );
  if (!due.length) return false;
  await sweepPairs(db, due);
  return true;
}
