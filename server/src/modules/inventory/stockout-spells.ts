import { sql, type SQL } from 'drizzle-orm';

/**
 * Spells with nothing on hand, from the stock ledger (on_hand_after of each movement): a spell starts at the
 * movement that takes a variant × location's stock on hand to 0 or below and ends at the next one that
 * brings it above 0 (back_at null: still out). A variant never stocked at a location has no spell.
 * Only the pairs with a movement after `touchedAfter` (all pairs when null), each over its whole ledger:
 * variant_id, location_id, out_at, back_at. What the stockout analysis (analytics) keeps its spells from.
 * The pairs are found per location by the (location_id, created_at) index and each pair's ledger read by the
 * (variant_id, location_id, created_at) one, so a walk costs what moved, not the ledger.
 */
export function stockoutSpellsSql(touchedAfter: Date | null): SQL {
  const ledger = touchedAfter
    ? sql`(SELECT x.* FROM (SELECT DISTINCT t.variant_id, t.location_id
                              FROM locations l
                              CROSS JOIN LATERAL (SELECT variant_id, location_id FROM stock_movements
                                                   WHERE location_id = l.id AND created_at > ${touchedAfter}) t) p
             CROSS JOIN LATERAL (SELECT id, variant_id, location_id, created_at, on_hand_after FROM stock_movements s
                                  WHERE s.variant_id = p.variant_id AND s.location_id = p.location_id) x)`
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
