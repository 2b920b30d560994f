import { sql, type SQL } from 'drizzle-orm';

/**
 * Spells with nothing on hand, from the stock ledger (on_hand_after of each movement): a spell starts at the
 * movement that takes a variant × location's stock on hand to 0 or below and ends at the next one that
 * brings it above 0 (back_at null: still out). A variant never stocked at a location has no spell.
 * Only the pairs with a movement after `touchedAfter` (all pairs when null), each over its whole ledger:
 * variant_id, location_id, out_at, back_at. What the stockout analysis (analytics) keeps its spells from.
 */
export function stockoutSpellsSql(touchedAfter: Date | null): SQL {
  const touched = touchedAfter
    ? sql`WHERE (variant_id, location_id) IN
            (SELECT DISTINCT variant_id, location_id FROM stock_movements WHERE created_at > ${touchedAfter})`
    : sql``;
  return sql`SELECT variant_id, location_id, at AS out_at, back_at
               FROM (SELECT variant_id, location_id, at, is_out,
                            lead(at) OVER (PARTITION BY variant_id, location_id ORDER BY at, id) AS back_at
                       FROM (SELECT variant_id, location_id, created_at AS at, id, on_hand_after <= 0 AS is_out,
                                    coalesce(lag(on_hand_after <= 0) OVER (PARTITION BY variant_id, location_id
                                                                        ORDER BY created_at, id), false) AS was_out
                               FROM stock_movements ${touched}) m
                      WHERE is_out <> was_out) t
              WHERE is_out`;
}

/** The ledger's newest movement time (null when empty): where a walk over it has got to. */
export function ledgerNewestSql(): SQL {
  return sql`SELECT max(created_at) AS at FROM stock_movements`;
}
