import { sql, type SQL } from 'drizzle-orm';
import { query, type Db, type Tx } from '../../../platform/db/connection.ts';
import { inTransaction } from '../../../platform/db/tx.ts';
import { productOfVariantSql } from '../../catalog/service.ts';
import { membersSql } from '../../customers/service.ts';
import { productViewsSql } from '../../events/service.ts';
import { ledgerNewestSql, stockoutSpellsSql } from '../../inventory/service.ts';
import { dailyDemandSql, refusedCheckoutsSql } from '../../orders/service.ts';
import { addDays, japanToday } from '../periods.ts';

/**
 * The demand signals that live in modules of analytics' own rank, handed in by the composition root:
 * engagement's 入荷したら知らせる wishes (`restockRequestsSql`: variant_id, location_id, created_at).
 */
export interface StockoutSignals {
  restockRequestsSql: (from: Date, until: Date) => SQL;
}

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
 * ledger, then each new spell's in-stock daily sales rate, then the demand signals on the days out
 * (`analytics_stockout_signals`: the new or changed spells' days, and every spell's days since the last walk).
 * Idempotent; two app copies run one after the other.
 */
export async function keepStockouts(
  db: Db,
  signals: StockoutSignals,
): Promise<{ spells: number; rated: number; signalDays: number }> {
  return inTransaction(db, async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${STOCKOUT_LOCK})`);
    const [cursor] = await query<{ seen_at: string | Date }>(
      tx,
      sql`SELECT seen_at FROM analytics_stockout_cursor WHERE name = 'ledger'`,
    );
    const [newest] = await query<{ at: string | Date | null }>(tx, ledgerNewestSql());
    if (!newest?.at) return { spells: 0, rated: 0, signalDays: 0 };
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
                           SET back_at = excluded.back_at, last_day = excluded.last_day, signals_counted = false
                         WHERE analytics_stockouts.back_at IS DISTINCT FROM excluded.back_at
                        RETURNING 1)
          SELECT (SELECT count(*) FROM kept)::int + (SELECT count(*) FROM gone)::int AS n`,
    );
    const rated = await rateNewSpells(tx);
    // What arrived since the last walk (views are sent late by apps, a day at most) is recounted from the
    // Japan date of that walk less one; the first walk counts everything (every spell new).
    const today = japanToday();
    const recent = cursor ? addDays(japanToday(new Date(cursor.seen_at)), -1) : today;
    const signalDays = await countSignals(tx, signals, recent < today ? recent : today, today);
    await tx.execute(sql`INSERT INTO analytics_stockout_cursor (name, seen_at) VALUES ('ledger', ${new Date(newest.at)})
                         ON CONFLICT (name) DO UPDATE SET seen_at = excluded.seen_at`);
    return { spells: spells[0]?.n ?? 0, rated, signalDays };
  });
}

/**
 * Count the demand signals of each variant × location × Japan date out of stock that is new (a spell not
 * counted yet: new, or changed by the walk) or from `recent` to `today` (any spell), into
 * `analytics_stockout_signals` (one row per day with some; a day with none loses its row). What the
 * dashboard used to count per read (report.ts): a member's view of the product (this variant, or naming
 * none) at the store or by a member whose home store it is, once; carts refused for this variant there;
 * wishes to be told when it is back there. Returns the days counted.
 */
async function countSignals(tx: Tx, signals: StockoutSignals, recent: string, today: string): Promise<number> {
  const todo = sql`(NOT a.signals_counted OR coalesce(a.last_day, ${today}::date) >= ${recent}::date)`;
  const start = sql`CASE WHEN a.signals_counted THEN greatest(a.first_day, ${recent}::date) ELSE a.first_day END`;
  const [range] = await query<{ first: string | null; last: string | null }>(
    tx,
    sql`SELECT min(${start})::text AS first, max(coalesce(a.last_day, ${today}::date))::text AS last
          FROM analytics_stockouts a WHERE ${todo}`,
  );
  if (!range?.first || !range.last) return 0;
  const last = range.last > today ? today : range.last;
  const from = japanMidnight(range.first);
  const until = japanMidnight(addDays(last, 1));
  const japanDate = (at: SQL) => sql`(${at} AT TIME ZONE 'Asia/Tokyo')::date`;
  const [done] = await query<{ n: number }>(
    tx,
    sql`WITH d AS MATERIALIZED (
               SELECT DISTINCT a.variant_id, a.location_id, g.day::date AS day
                 FROM analytics_stockouts a
                CROSS JOIN LATERAL generate_series(${start}, least(coalesce(a.last_day, ${today}::date), ${last}::date),
                                                   interval '1 day') g(day)
                WHERE ${todo}),
             vp AS MATERIALIZED (
               SELECT variant_id, ${productOfVariantSql(sql`x.variant_id`)} AS product_id
                 FROM (SELECT DISTINCT variant_id FROM d) x),
             products AS (SELECT vp.product_id, min(d.day) AS lo, max(d.day) AS hi
                            FROM d JOIN vp USING (variant_id) WHERE vp.product_id IS NOT NULL GROUP BY 1),
             views AS (
               SELECT v.product_id, v.variant_id, l.location_id, ${japanDate(sql`v.occurred_at`)} AS day
                 FROM products p
                CROSS JOIN LATERAL (${productViewsSql(
                  sql`(p.lo::timestamp AT TIME ZONE 'Asia/Tokyo')`,
                  sql`((p.hi + 1)::timestamp AT TIME ZONE 'Asia/Tokyo')`,
                  sql`p.product_id`,
                )}) v
                 LEFT JOIN (${membersSql()}) m ON m.customer_id = v.customer_id
                CROSS JOIN LATERAL (SELECT v.location_id UNION SELECT m.home_location_id) l(location_id)
                WHERE l.location_id IS NOT NULL),
             counts AS (
               SELECT d.variant_id, d.location_id, d.day, count(*)::int AS views, 0 AS refused, 0 AS requests
                 FROM views w
                 JOIN vp ON vp.product_id = w.product_id AND (w.variant_id IS NULL OR w.variant_id = vp.variant_id)
                 JOIN d ON d.variant_id = vp.variant_id AND d.location_id = w.location_id AND d.day = w.day
                GROUP BY 1, 2, 3
               UNION ALL
               SELECT d.variant_id, d.location_id, d.day, 0, r.carts::int, 0
                 FROM d JOIN (${refusedCheckoutsSql(range.first, last)}) r
                   ON r.variant_id = d.variant_id AND r.location_id = d.location_id AND r.day = d.day
               UNION ALL
               SELECT d.variant_id, d.location_id, d.day, 0, 0, count(*)::int
                 FROM d JOIN (${signals.restockRequestsSql(from, until)}) r
                   ON r.variant_id = d.variant_id AND r.location_id = d.location_id
                  AND ${japanDate(sql`r.created_at`)} = d.day
                GROUP BY 1, 2, 3),
             counted AS (
               SELECT variant_id, location_id, day,
                      sum(views)::int AS views, sum(refused)::int AS refused, sum(requests)::int AS requests
                 FROM counts GROUP BY 1, 2, 3),
             cleared AS (
               DELETE FROM analytics_stockout_signals s USING d
                WHERE s.variant_id = d.variant_id AND s.location_id = d.location_id AND s.day = d.day
                  AND NOT EXISTS (SELECT 1 FROM counted c WHERE c.variant_id = d.variant_id
                                     AND c.location_id = d.location_id AND c.day = d.day)
               RETURNING 1),
             written AS (
               INSERT INTO analytics_stockout_signals (variant_id, location_id, day, views, refused, requests)
               SELECT variant_id, location_id, day, views, refused, requests FROM counted
               ON CONFLICT (variant_id, location_id, day) DO UPDATE
                  SET views = excluded.views, refused = excluded.refused, requests = excluded.requests
                WHERE (analytics_stockout_signals.views, analytics_stockout_signals.refused,
                       analytics_stockout_signals.requests)
                      IS DISTINCT FROM (excluded.views, excluded.refused, excluded.requests)
               RETURNING 1),
             marked AS (UPDATE analytics_stockouts SET signals_counted = true WHERE NOT signals_counted RETURNING 1)
        SELECT (SELECT count(*) FROM d)::int AS n`,
  );
  return done?.n ?? 0;
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
