import { sql, type SQL } from 'drizzle-orm';

/**
 * The variant × location pairs with a movement stamped after `after`, found per location by the
 * (location_id, created_at) index: variant_id, location_id.
 */
export function ledgerTouchedSql(after: Date): SQL {
  return sql`SELECT DISTINCT t.variant_id, t.location_id
               FROM locations l
              CROSS JOIN LATERAL (SELECT variant_id, location_id FROM stock_movements
                                   WHERE location_id = l.id AND created_at > ${after}) t`;
}

/**
 * Spells with nothing on hand, from the stock ledger (on_hand_after of each movement): a spell starts at the
 * movement that takes a variant × location's stock on hand to 0 or below and ends at the next one that
 * brings it above 0 (back_at null: still out). A variant never stocked at a location has no spell.
 * Every pair over its whole ledger when `pairs` is null; else only the pairs of that relation (variant_id,
 * location_id, read_from), each from its movements stamped at or after read_from, taken as in stock just
 * before (the caller knows: read_from is the start of a spell, or a time the pair was in stock): variant_id,
 * location_id, out_at, back_at. Each pair's ledger is read by the (variant_id, location_id, created_at)
 * index, so a walk costs what moved since, not the ledger. What the stockout analysis (analytics) keeps its
 * spells from.
 */
export function stockoutSpellsSql(pairs: SQL | null): SQL {
  const ledger = pairs
    ? sql`(SELECT x.* FROM (${pairs}) p
             CROSS JOIN LATERAL (SELECT id, variant_id, location_id, created_at, on_hand_after FROM stock_movements s
                                  WHERE s.variant_id = p.variant_id AND s.location_id = p.location_id
                                    AND s.created_at >= p.read_from) x)`
    : sql`stock_movements`;
  return sql`SELECT variant_id, location_id, at AS out_at, back_at
               FROM (SELECT variant_id, location_id, at, is_out,
                            lead(at) OVER (PARTITION BY variant_id, location_id ORDER BY at, id) AS back_at
                       FROM (SELECT variant_id, location_id, created_at AS at, id, on_hand_after <= 0 AS is_out,
                                    coalesce(lag(on_hand_after <= 0) OVER (PARTITION BY variant_id, location_id
                                                                        ORDER BY created_at, id), false) AS was_out
                               FROM ${ledger} m) m
                      WHERE is_out <> was_out) t
              WHERE is_out`;
}

/** The ledger's newest movement time (null when empty), by each location's newest: where a walk has got to. */
export function ledgerNewestSql(): SQL {
  return sql`SELECT max(m.created_at) AS at
               FROM locations l
               CROSS JOIN LATERAL (SELECT created_at FROM stock_movements WHERE location_id = l.id
                                    ORDER BY created_at DESC LIMIT 1) m`;
}
