import { sql } from 'drizzle-orm';
import type { Tx } from '../../platform/db/connection.ts';
import { queryNamed } from '../../platform/db/prepared.ts';
import { EVENTS_CHANNEL } from '../../platform/events/hub.ts';
import { newId } from '../../platform/ids.ts';
import { actorId, type Principal } from '../../platform/auth.ts';
import { levelColumnsOf, pairKey, pairsSql, sortPairs, toLevel, type Level } from './levels.ts';

export interface TillLine {
  variantId: string;
  locationId: string;
  quantity: number;
}

/**
 * Sell at the till, inside the caller's transaction. The goods are in the clerk's hand, so a sale is never
 * refused for want of free stock on record: if the record says fewer are free (a miscount, a delivery not
 * yet received), an adjustment brings it up first, with a reason, so the ledger still explains every unit
 * and the difference shows up in the store's adjustments report. Units reserved for others stay reserved;
 * when the sale took units that were not free on record (reserved for a web order, or the record was
 * short), the shortfall is also listed for the manager to reconcile (stock_reconciliations).
 */
export async function sellAtTill(tx: Tx, actor: Principal, lines: TillLine[], reference: string): Promise<Level[]> {
  const sorted = sortPairs(lines);
  if (!sorted.length) return [];
  const byKey = new Map((await sellRows(tx, actor, sorted, reference)).map((r) => [pairKey(r), toLevel(r)]));
  // An item never stocked here yet has no row to lock: written now, then sold (the usual sale has every
  // row already and so costs one statement, not an insert before it every time).
  const missing = sorted.filter((l) => !byKey.has(pairKey(l)));
  if (missing.length) {
    await tx.execute(
      sql`INSERT INTO stock_levels (variant_id, location_id) VALUES ${pairsSql(missing)} ON CONFLICT DO NOTHING`,
    );
    for (const r of await sellRows(tx, actor, missing, reference)) byKey.set(pairKey(r), toLevel(r));
  }
  return sorted.map((l) => byKey.get(pairKey(l))!);
}

/** The sale of `sorted` (key order) on the rows that exist; a line without a row is left out of the answer. */
async function sellRows(tx: Tx, actor: Principal, sorted: TillLine[], reference: string): Promise<Level[]> {
  // Ids in ledger order: a line's adjustment (if any) before its sale.
  const now = Date.now();
  const want = JSON.stringify(
    sorted.map((l, i) => ({
      variant_id: l.variantId,
      location_id: l.locationId,
      quantity: l.quantity,
      adj_id: newId('mov', now + 2 * i),
      sale_id: newId('mov', now + 2 * i + 1),
    })),
  );
  const staffId = actorId(actor);
  // One statement: the rows locked in key order, each taken down by what was sold (brought up first by the
  // shortfall, with its adjustment movement), the sale movements, and the new levels announced.
  return queryNamed<Level>(
    tx,
    sql`WITH want AS (SELECT * FROM jsonb_to_recordset(${want}::jsonb) AS w(variant_id text, location_id text, quantity int, adj_id text, sale_id text)),
        lk AS MATERIALIZED (
          SELECT s.variant_id, s.location_id, s.on_hand, s.reserved
            FROM stock_levels s JOIN want w ON w.variant_id = s.variant_id AND w.location_id = s.location_id
           ORDER BY s.variant_id, s.location_id FOR UPDATE OF s),
        calc AS (
          SELECT w.*, lk.on_hand AS before, GREATEST(0, w.quantity - (lk.on_hand - lk.reserved)) AS shortfall
            FROM want w JOIN lk ON lk.variant_id = w.variant_id AND lk.location_id = w.location_id),
        lvl AS (
          UPDATE stock_levels s SET on_hand = s.on_hand + c.shortfall - c.quantity, updated_at = now()
            FROM calc c WHERE s.variant_id = c.variant_id AND s.location_id = c.location_id
          RETURNING ${levelColumnsOf('s')}),
        adj AS (
          INSERT INTO stock_movements (id, variant_id, location_id, kind, quantity, on_hand_after, reason, reference, staff_id)
          SELECT adj_id, variant_id, location_id, 'adjustment', shortfall, before + shortfall, ${SHORTFALL_REASON}::text, ${reference}::text, ${staffId}::text
            FROM calc WHERE shortfall > 0 RETURNING 1),
        flag AS (
          INSERT INTO stock_reconciliations (id, variant_id, location_id, quantity, reference)
          SELECT adj_id, variant_id, location_id, shortfall, ${reference}::text FROM calc WHERE shortfall > 0 RETURNING 1),
        sale AS (
          INSERT INTO stock_movements (id, variant_id, location_id, kind, quantity, on_hand_after, reference, staff_id)
          SELECT c.sale_id, c.variant_id, c.location_id, 'sale', -c.quantity, l."onHand", ${reference}::text, ${staffId}::text
            FROM calc c JOIN lvl l ON l."variantId" = c.variant_id AND l."locationId" = c.location_id RETURNING 1),
        note AS (
          SELECT pg_notify(${EVENTS_CHANNEL}, json_build_object('topic', 'stock', 'data', json_build_object(
            'variantId', "variantId", 'locationId', "locationId", 'onHand', "onHand", 'reserved', reserved,
            'inTransit', "inTransit", 'available', available))::text) FROM lvl)
        SELECT lvl.*, (SELECT count(*) FROM adj) AS adjusted, (SELECT count(*) FROM flag) AS flagged, (SELECT count(*) FROM sale) AS sold, (SELECT count(*) FROM note) AS notified FROM lvl`,
  );
}

/** Why a till sale brought the stock up first: more on the shelf than on record. */
const SHORTFALL_REASON = 'レジで販売（記録より多く在庫あり）';
