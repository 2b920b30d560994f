import { sql } from 'drizzle-orm';
import { query, type Db, type Tx } from '../../../platform/db/connection.ts';
import { inTransaction } from '../../../platform/db/tx.ts';
import { ledgerNewestSql, stockoutSpellsSql } from '../../inventory/service.ts';
import { dailyDemandSql } from '../../orders/service.ts';
import { addDays } from '../periods.ts';

const STOCKOUT_LOCK = 0x736f7574;
/** Movements are stamped when their transaction starts: a walk looks this far behind what it saw last. */
const LATE_COMMIT_MS = 5 * 60_000;
/** Days of sales before a spell its daily rate is measured over, and the fewest in-stock days it divides by. */
export const RATE_WINDOW_DAYS = 28;
export const RATE_MIN_DAYS = 7;

/** The UTC instant a Japan date starts. */
export const japanMidnight = (day: string): Date => new Date(Date.parse(`${day}T00:00:00+09:00`));

/**
 * The job analytics.stockouts: bring the kept spells (`analytics_stockouts`) up to the stock ledger — every
 * variant × location with a movement since the last walk (all of them the first time) recomputed from its
 * ledger, then each new spell's in-stock daily sales rate. Idempotent; two app copies run one after the other.
 */
export async function keepStockouts(db: Db): Promise<{ spells: number; rated: number }> {
  return inTransaction(db, async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${STOCKOUT_LOCK})`);
    const [cursor] = await query<{ seen_at: string | Date }>(
      tx,
      sql`SELECT seen_at FROM analytics_stockout_cursor WHERE name = 'ledger'`,
    );
    const [newest] = await query<{ at: string | Date | null }>(tx, ledgerNewestSql());
    if (!newest?.at) return { spells: 0, rated: 0 };
    const since = cursor ? new Date(new Date(cursor.seen_at).getTime() - LATE_COMMIT_MS) : null;
    const spells = await query<{ n: number }>(
      tx,
      sql`WITH fresh AS MATERIALIZED (SELECT variant_id, location_id, out_at, back_at FROM (${stockoutSpellsSql(since)}) s),
               gone AS (DELETE FROM analytics_stockouts a
                         USING (SELECT DISTINCT variant_id, location_id FROM fresh) p
                         WHERE a.variant_id = p.variant_id AND a.location_id = p.location_id
                           AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.variant_id = a.variant_id
                                              AND f.location_id = a.location_id AND f.out_at = a.out_at)
                        RETURNING 1),
               kept AS (INSERT INTO analytics_stockouts (variant_id, location_id, out_at, back_at, first_day, last_day)
                        SELECT variant_id, location_id, out_at, back_at, (out_at AT TIME ZONE 'Asia/Tokyo')::date,
                               (back_at AT TIME ZONE 'Asia/Tokyo')::date
                          FROM fresh
                        ON CONFLICT (variant_id, location_id, out_at) DO UPDATE
                           SET back_at = excluded.back_at, last_day = excluded.last_day
                         WHERE analytics_stockouts.back_at IS DISTINCT FROM excluded.back_at
                        RETURNING 1)
          SELECT (SELECT count(*) FROM kept)::int + (SELECT count(*) FROM gone)::int AS n`,
    );
    const rated = await rateNewSpells(tx);
    await tx.execute(sql`INSERT INTO analytics_stockout_cursor (name, seen_at) VALUES ('ledger', ${new Date(newest.at)})
                         ON CONFLICT (name) DO UPDATE SET seen_at = excluded.seen_at`);
    return { spells: spells[0]?.n ?? 0, rated };
  });
}

/**
 * Each spell without a rate gets one: the units its variant sold at its location over the 28 Japan days
 * before its first day (orders' daily demand, cancelled orders aside), divided by those days less the ones
 * it was out of stock itself (at least 7).
 */
async function rateNewSpells(tx: Tx): Promise<number> {
  const [range] = await query<{ first: string | null; last: string | null }>(
    tx,
    sql`SELECT min(first_day)::text AS first, max(first_day)::text AS last FROM analytics_stockouts WHERE daily_rate IS NULL`,
  );
  if (!range?.first || !range.last) return 0;
  const demand = dailyDemandSql(japanMidnight(addDays(range.first, -RATE_WINDOW_DAYS)), japanMidnight(range.last));
  const rated = await query<{ n: number }>(
    tx,
    sql`WITH need AS (SELECT variant_id, location_id, out_at, first_day FROM analytics_stockouts WHERE daily_rate IS NULL),
             sold AS (SELECT n.variant_id, n.location_id, n.out_at, sum(d.units) AS units
                        FROM need n
                        JOIN (${demand}) d
                          ON d.variant_id = n.variant_id AND d.location_id = n.location_id
                         AND d.day >= n.first_day - ${RATE_WINDOW_DAYS}::int AND d.day < n.first_day
                       GROUP BY 1, 2, 3),
             out_before AS (
               SELECT n.variant_id, n.location_id, n.out_at,
                      sum(greatest(0, least(coalesce(p.last_day, n.first_day - 1), n.first_day - 1)
                                      - greatest(p.first_day, n.first_day - ${RATE_WINDOW_DAYS}::int) + 1)) AS days
                 FROM need n
                 JOIN analytics_stockouts p
                   ON p.variant_id = n.variant_id AND p.location_id = n.location_id AND p.out_at < n.out_at
                  AND coalesce(p.last_day, n.first_day) >= n.first_day - ${RATE_WINDOW_DAYS}::int
                GROUP BY 1, 2, 3),
             done AS (UPDATE analytics_stockouts a
                         SET daily_rate = coalesce(s.units, 0)::real
                                          / greatest(${RATE_MIN_DAYS}::int, ${RATE_WINDOW_DAYS}::int - coalesce(o.days, 0))
                        FROM need n
                        LEFT JOIN sold s USING (variant_id, location_id, out_at)
                        LEFT JOIN out_before o USING (variant_id, location_id, out_at)
                       WHERE a.variant_id = n.variant_id AND a.location_id = n.location_id AND a.out_at = n.out_at
                      RETURNING 1)
        SELECT count(*)::int AS n FROM done`,
  );
  return rated[0]?.n ?? 0;
}
