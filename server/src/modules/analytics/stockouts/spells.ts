import { sql, type SQL } from 'drizzle-orm';
import { query, type Db, type Tx } from '../../../platform/db/connection.ts';
import { inTransaction } from '../../../platform/db/tx.ts';
import { productOfVariantSql } from '../../catalog/service.ts';
import { membersSql } from '../../customers/service.ts';
import { productViewsSql } from '../../events/service.ts';
import { ledgerNewestSql, ledgerTouchedSql, stockoutSpellsSql } from '../../inventory/service.ts';
import { dailyDemandSql, refusalsFromSql, refusedCheckoutsSql } from '../../orders/service.ts';
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

/** Spells whose signals one transaction of the job counts: short enough that requests get the database between. */
export const SIGNALS_BATCH = 400;

/**
 * The job analytics.stockouts: bring the kept spells (`analytics_stockouts`) up to the stock ledger
 * (walkSpells), then count the demand signals on their days out (`analytics_stockout_signals`) a few hundred
 * spells per transaction, giving way between them (on PGlite every request waits for the one connection):
 * the spells not counted yet (new, or changed by a walk) and, for a spell counted before where a signal has
 * arrived since (stampQuiet settles the others in one statement), its days from the Japan date it was last
 * counted less one. Idempotent; two app copies run one after the other.
 */
export async function keepStockouts(
  db: Db,
  signals: StockoutSignals,
  opts: { batch?: number } = {},
): Promise<{ spells: number; rated: number; quiet: number; signalDays: number; months: number }> {
  const walked = await walkSpells(db);
  const runAt = new Date();
  const quiet = await stampQuiet(db, signals, runAt);
  let signalDays = 0;
  for (;;) {
    const counted = await countSignals(db, signals, runAt, opts.batch ?? SIGNALS_BATCH);
    if (!counted) break;
    signalDays += counted.days;
    await new Promise((resolve) => setImmediate(resolve));
  }
  const months = await rollMonths(db, runAt);
  return { ...walked, quiet, signalDays, months };
}

/**
 * Bring the kept spells up to the stock ledger — every variant × location with a movement since the last
 * walk (all of them the first time) recomputed from its ledger since its kept spell open at that time (or
 * from that time, when it was in stock), then each new spell's in-stock daily sales rate. A spell new or
 * changed has no counted signals (`signals_at` null) until the job counts them.
 */
export async function walkSpells(db: Db): Promise<{ spells: number; rated: number }> {
  return inTransaction(db, async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${STOCKOUT_LOCK})`);
    const [cursor] = await query<{ seen_at: string | Date }>(
      tx,
      sql`SELECT seen_at FROM analytics_stockout_cursor WHERE name = 'ledger'`,
    );
    const [newest] = await query<{ at: string | Date | null }>(tx, ledgerNewestSql());
    if (!newest?.at) return { spells: 0, rated: 0 };
    const since = cursor ? new Date(new Date(cursor.seen_at).getTime() - LATE_COMMIT_MS) : null;
    // Each pair moved since is read from the start of its kept spell that was open at `since`, or else from
    // just after `since` (it was in stock then): its spells before that stay as kept. The first walk reads
    // the whole ledger.
    const touched = since
      ? sql`WITH touched AS MATERIALIZED (
                   SELECT t.variant_id, t.location_id,
                          coalesce((SELECT k.out_at FROM analytics_stockouts k
                                     WHERE k.variant_id = t.variant_id AND k.location_id = t.location_id
                                       AND k.out_at <= ${since} AND (k.back_at IS NULL OR k.back_at > ${since})
                                     ORDER BY k.out_at DESC LIMIT 1),
                                   ${since}::timestamptz + interval '1 microsecond') AS read_from
                     FROM (${ledgerTouchedSql(since)}) t),`
      : sql`WITH `;
    const spells = stockoutSpellsSql(since ? sql`SELECT * FROM touched` : null);
    const stale = since
      ? sql`USING touched p WHERE a.variant_id = p.variant_id AND a.location_id = p.location_id AND a.out_at >= p.read_from AND`
      : sql`WHERE`;
    const changes = await query<{ variant_id: string | null; location_id: string | null; n: number }>(
      tx,
      sql`${touched}
               fresh AS MATERIALIZED (SELECT variant_id, location_id, out_at, back_at FROM (${spells}) s),
               gone AS (DELETE FROM analytics_stockouts a
                         ${stale} NOT EXISTS (SELECT 1 FROM fresh f WHERE f.variant_id = a.variant_id
                                                AND f.location_id = a.location_id AND f.out_at = a.out_at)
                        RETURNING a.variant_id, a.location_id),
               kept AS (INSERT INTO analytics_stockouts (variant_id, location_id, out_at, back_at, first_day, last_day)
                        SELECT variant_id, location_id, out_at, back_at, (out_at AT TIME ZONE 'Asia/Tokyo')::date,
                               (back_at AT TIME ZONE 'Asia/Tokyo')::date
                          FROM fresh
                        ON CONFLICT (variant_id, location_id, out_at) DO UPDATE
                           SET back_at = excluded.back_at, last_day = excluded.last_day, signals_at = NULL
                         WHERE analytics_stockouts.back_at IS DISTINCT FROM excluded.back_at
                        RETURNING variant_id, location_id),
               changed AS (SELECT variant_id, location_id FROM gone UNION ALL SELECT variant_id, location_id FROM kept)
          -- The changed pairs that had counted days before this walk (the statement sees the spells as they were).
          SELECT DISTINCT c.variant_id, c.location_id, 0 AS n
            FROM changed c
           WHERE EXISTS (SELECT 1 FROM analytics_stockouts a
                          WHERE a.variant_id = c.variant_id AND a.location_id = c.location_id AND a.signals_at IS NOT NULL)
          UNION ALL
          SELECT NULL, NULL, (SELECT count(*) FROM changed)::int`,
    );
    const recount = changes.filter((c) => c.variant_id !== null);
    if (recount.length) {
      // A pair whose spells changed is counted again whole: its kept signal rows go and its spells are marked
      // not counted, so the kept rows only ever lie on counted days of current spells (what the report sums).
      const pairs = sql`jsonb_to_recordset(${JSON.stringify(recount)}::jsonb) AS p(variant_id text, location_id text)`;
      await tx.execute(
        sql`DELETE FROM analytics_stockout_signals s USING ${pairs}
             WHERE s.variant_id = p.variant_id AND s.location_id = p.location_id`,
      );
      await tx.execute(
        sql`DELETE FROM analytics_stockout_months s USING ${pairs}
             WHERE s.variant_id = p.variant_id AND s.location_id = p.location_id`,
      );
      await tx.execute(
        sql`UPDATE analytics_stockouts a SET signals_at = NULL, rolled_through = NULL FROM ${pairs}
             WHERE a.variant_id = p.variant_id AND a.location_id = p.location_id
               AND (a.signals_at IS NOT NULL OR a.rolled_through IS NOT NULL)`,
      );
    }
    const rated = await rateNewSpells(tx);
    await tx.execute(sql`INSERT INTO analytics_stockout_cursor (name, seen_at) VALUES ('ledger', ${new Date(newest.at)})
                         ON CONFLICT (name) DO UPDATE SET seen_at = excluded.seen_at`);
    return { spells: changes.find((c) => c.variant_id === null)?.n ?? 0, rated };
  });
}

/**
 * The spells counted before that still reach the eve of the date they were counted on (open ones, mostly:
 * every run would recount their last two days) and where nothing has arrived since that count — no member's
 * view of the product received, no refused checkout of the item there on those days, no wish to be told —
 * are stamped counted at this run without recounting: a recount would write the rows they already have.
 * Only those counted today or yesterday (Japan dates): after a longer pause the job recounts as before.
 * At a chain's size that is tens of thousands of open spells a minute, of which a few have news. A signal
 * stamped before the last count but committed after it (LATE_COMMIT_MS) counts as news.
 */
async function stampQuiet(db: Db, signals: StockoutSignals, runAt: Date): Promise<number> {
  const today = japanToday(runAt);
  return inTransaction(db, async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${STOCKOUT_LOCK})`);
    const counted = sql`(a.signals_at AT TIME ZONE 'Asia/Tokyo')::date`;
    const eve = addDays(today, -1);
    const margin = sql`make_interval(secs => ${LATE_COMMIT_MS / 1000})`;
    // The due spells first, then each of their products' views since the day before yesterday read once by
    // the product interest index: asked per spell, the planner hashed every view of the year; OFFSET 0 keeps the
    // lateral read per product (without it, the planner, not knowing how few products, scanned the events).
    const [done] = await query<{ n: number }>(
      tx,
      sql`WITH due AS MATERIALIZED (
                 SELECT a.variant_id, a.location_id, a.out_at, a.signals_at - ${margin} AS news,
                        greatest(a.first_day, ${counted} - 1) AS lo, ${productOfVariantSql(sql`a.variant_id`)} AS product_id
                   FROM analytics_stockouts a
                  WHERE a.signals_at IS NOT NULL AND a.signals_at < ${runAt} AND ${counted} >= ${eve}::date
                    AND coalesce(a.last_day, ${today}::date) >= ${counted} - 1),
               viewed AS MATERIALIZED (
                 SELECT v.product_id, (v.occurred_at AT TIME ZONE 'Asia/Tokyo')::date AS day, v.received_at
                   FROM (SELECT DISTINCT product_id FROM due WHERE product_id IS NOT NULL) p
                  CROSS JOIN LATERAL (SELECT * FROM (${productViewsSql(
                    japanMidnight(addDays(eve, -1)),
                    japanMidnight(addDays(today, 1)),
                    sql`p.product_id`,
                    sql`(SELECT min(news) FROM due)`,
                  )}) x OFFSET 0) v),
               quiet AS (
                 SELECT d.* FROM due d
                  WHERE NOT EXISTS (SELECT 1 FROM viewed v
                                     WHERE v.product_id = d.product_id AND v.day >= d.lo AND v.received_at > d.news)
                    AND NOT EXISTS (SELECT 1 FROM (${refusalsFromSql(addDays(eve, -1))}) r
                                     WHERE r.variant_id = d.variant_id AND r.location_id = d.location_id
                                       AND r.day >= d.lo AND r.refused_at > d.news)
                    AND NOT EXISTS (SELECT 1 FROM (${signals.restockRequestsSql(
                      japanMidnight(addDays(eve, -1)),
                      japanMidnight(addDays(today, 1)),
                    )}) w
                                     WHERE w.variant_id = d.variant_id AND w.location_id = d.location_id
                                       AND w.created_at > d.news)),
               stamped AS (
                 UPDATE analytics_stockouts a SET signals_at = ${runAt}
                   FROM quiet q
                  WHERE a.variant_id = q.variant_id AND a.location_id = q.location_id AND a.out_at = q.out_at
                 RETURNING 1)
          SELECT count(*)::int AS n FROM stamped`,
    );
    return done?.n ?? 0;
  });
}

/**
 * One transaction of counting: up to `limit` spells still to count in the run started at `runAt` — not
 * counted yet, or counted before the run on a Japan date whose eve they still reach (views are sent late
 * by apps, a day at most) — get their days' signals recounted (from their first day, or from that eve)
 * into `analytics_stockout_signals`, one row per variant × location × Japan date with some; the rows of
 * those days are replaced. What the dashboard used to count per read (report.ts reads the same for spells
 * not counted): a member's view of the product (this variant, or naming none) at the store or by a member
 * whose home store it is, once; carts refused for this variant there; wishes to be told when it is back
 * there. Driven by the signals, never by the days: an item out for months costs its views, not its days.
 * Returns null when nothing is left to count.
 */
async function countSignals(
  db: Db,
  signals: StockoutSignals,
  runAt: Date,
  limit: number,
): Promise<{ spells: number; days: number } | null> {
  const today = japanToday(runAt);
  return inTransaction(db, async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${STOCKOUT_LOCK})`);
    const counted = sql`(a.signals_at AT TIME ZONE 'Asia/Tokyo')::date`;
    const batch = await query<{ variant_id: string; location_id: string; out_at: string; lo: string; hi: string }>(
      tx,
      sql`SELECT a.variant_id, a.location_id, a.out_at::text AS out_at,
                 (CASE WHEN a.signals_at IS NULL THEN a.first_day
                       ELSE greatest(a.first_day, ${counted} - 1) END)::text AS lo,
                 least(coalesce(a.last_day, ${today}::date), ${today}::date)::text AS hi
            FROM analytics_stockouts a
           WHERE a.signals_at IS NULL
              OR (a.signals_at < ${runAt} AND coalesce(a.last_day, ${today}::date) >= ${counted} - 1)
           ORDER BY a.signals_at NULLS FIRST, a.variant_id, a.location_id, a.out_at
           LIMIT ${limit}`,
    );
    if (!batch.length) return null;
    const spans = batch.filter((b) => b.lo <= b.hi);
    let days = 0;
    if (spans.length) {
      const first = spans.reduce((m, b) => (b.lo < m ? b.lo : m), spans[0]!.lo);
      const last = spans.reduce((m, b) => (b.hi > m ? b.hi : m), spans[0]!.hi);
      const b = sql`jsonb_to_recordset(${JSON.stringify(spans)}::jsonb)
                      AS b(variant_id text, location_id text, lo date, hi date)`;
      const covered = (variantId: SQL, locationId: SQL, day: SQL) =>
        sql`EXISTS (SELECT 1 FROM b WHERE b.variant_id = ${variantId} AND b.location_id = ${locationId}
                       AND ${day} BETWEEN b.lo AND b.hi)`;
      const japanDate = (at: SQL) => sql`(${at} AT TIME ZONE 'Asia/Tokyo')::date`;
      await tx.execute(
        sql`DELETE FROM analytics_stockout_signals s
             USING ${b}
             WHERE s.variant_id = b.variant_id AND s.location_id = b.location_id AND s.day BETWEEN b.lo AND b.hi`,
      );
      const [written] = await query<{ n: number }>(
        tx,
        sql`WITH b AS MATERIALIZED (SELECT * FROM ${b}),
                 vp AS MATERIALIZED (
                   SELECT variant_id, ${productOfVariantSql(sql`x.variant_id`)} AS product_id
                     FROM (SELECT DISTINCT variant_id FROM b) x),
                 products AS (SELECT vp.product_id, min(b.lo) AS lo, max(b.hi) AS hi
                                FROM b JOIN vp USING (variant_id) WHERE vp.product_id IS NOT NULL GROUP BY 1),
                 views AS MATERIALIZED (
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
                   SELECT vp.variant_id, w.location_id, w.day, count(*)::int AS views, 0 AS refused, 0 AS requests
                     FROM views w
                     JOIN vp ON vp.product_id = w.product_id AND (w.variant_id IS NULL OR w.variant_id = vp.variant_id)
                    WHERE ${covered(sql`vp.variant_id`, sql`w.location_id`, sql`w.day`)}
                    GROUP BY 1, 2, 3
                   UNION ALL
                   SELECT r.variant_id, r.location_id, r.day, 0, r.carts::int, 0
                     FROM (${refusedCheckoutsSql(first, last)}) r
                    WHERE ${covered(sql`r.variant_id`, sql`r.location_id`, sql`r.day`)}
                   UNION ALL
                   SELECT r.variant_id, r.location_id, ${japanDate(sql`r.created_at`)}, 0, 0, count(*)::int
                     FROM (${signals.restockRequestsSql(japanMidnight(first), japanMidnight(addDays(last, 1)))}) r
                    WHERE ${covered(sql`r.variant_id`, sql`r.location_id`, japanDate(sql`r.created_at`))}
                    GROUP BY 1, 2, 3),
                 written AS (
                   INSERT INTO analytics_stockout_signals (variant_id, location_id, day, views, refused, requests)
                   SELECT variant_id, location_id, day, sum(views)::int, sum(refused)::int, sum(requests)::int
                     FROM counts GROUP BY 1, 2, 3
                   RETURNING 1)
            SELECT count(*)::int AS n FROM written`,
      );
      days = written?.n ?? 0;
    }
    const keys = sql`jsonb_to_recordset(${JSON.stringify(batch)}::jsonb)
                       AS k(variant_id text, location_id text, out_at timestamptz)`;
    await tx.execute(
      sql`UPDATE analytics_stockouts a SET signals_at = ${runAt}
            FROM ${keys}
           WHERE a.variant_id = k.variant_id AND a.location_id = k.location_id AND a.out_at = k.out_at`,
    );
    return { spells: batch.length, days };
  });
}

/**
 * Lost units are kept and summed in 10^-10 units, as integers: a rate × days is then exact, and so is any sum of
 * them in any order (a float sum split another way could round a yen the other way). A rate is the shortest
 * decimal of a `real` (what the report has always read), at least 1/28 unit a day when not 0 (whole units over
 * at most 28 days), so it has at most 10 decimals and is exact at this scale.
 */
export const LOST_SCALE = 10_000_000_000;

/** A spell's daily rate (`real`, null: 0) in 10^-10 units a day, as int8. */
export const scaledRateSql = (rate: SQL) => sql`coalesce(round(${rate}::text::numeric * ${LOST_SCALE})::int8, 0)`;

/**
 * Each pair's months that are over and settled go into `analytics_stockout_months`, one row per month it was
 * out in: its days out (a day two spells share once, as the report counts it), rate × days (in LOST_SCALE
 * units: exact, so a period's sum does not depend on how it is split), the highest rate, whether a spell there was still
 * out, its first and last days out there, and the kept signals of those days. A month is settled for a pair
 * when every spell of the pair is counted and no later count can touch the month's days: a count redoes a
 * spell's days from the eve of the date it was last counted, so the month must end before that eve (a spell
 * that ended before it is final whatever the month). Months are added in order after the pair's last rolled
 * month, and its spells that reach the new last month get `rolled_through`; a walk that changes the pair
 * drops them all (walkSpells). Only pairs with days out in a month over and not rolled yet are looked at:
 * after the first run, the pairs still out when a month ends, once a month.
 */
async function rollMonths(db: Db, runAt: Date): Promise<number> {
  const today = japanToday(runAt);
  return inTransaction(db, async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${STOCKOUT_LOCK})`);
    const counted = sql`(a.signals_at AT TIME ZONE 'Asia/Tokyo')::date`;
    // The last day of the last month over (Japan dates).
    const horizon = sql`(date_trunc('month', ${today}::date) - interval '1 day')::date`;
    const end = sql`coalesce(a.last_day, ${today}::date)`;
    const [done] = await query<{ n: number }>(
      tx,
      sql`WITH due AS (
                 SELECT DISTINCT variant_id, location_id FROM analytics_stockouts a
                  WHERE coalesce(a.rolled_through, a.first_day - 1) < least(${end}, ${horizon})),
               pairs AS MATERIALIZED (
                 SELECT a.variant_id, a.location_id, max(a.rolled_through) AS r,
                        -- The last month end on or before the pair's last final day.
                        (date_trunc('month', (least(${horizon}, min(CASE WHEN ${end} < ${counted} - 1 THEN ${horizon}
                                                                          ELSE ${counted} - 2 END)) + 1)::timestamp)
                         - interval '1 day')::date AS t
                   FROM analytics_stockouts a JOIN due USING (variant_id, location_id)
                  GROUP BY 1, 2
                 HAVING bool_and(a.signals_at IS NOT NULL AND a.daily_rate IS NOT NULL)),
               todo AS MATERIALIZED (SELECT * FROM pairs WHERE t > coalesce(r, '-infinity'::date)),
               pieces AS (
                 SELECT a.variant_id, a.location_id, a.out_at, a.last_day IS NULL AS open,
                        ${scaledRateSql(sql`a.daily_rate`)} AS rate, m.month,
                        greatest(a.first_day, m.month) AS a,
                        least(${end}, (m.month + interval '1 month' - interval '1 day')::date) AS b
                   FROM analytics_stockouts a
                   JOIN todo p USING (variant_id, location_id)
                  CROSS JOIN LATERAL (
                    SELECT g::date AS month
                      FROM generate_series(date_trunc('month', greatest(a.first_day, coalesce(p.r + 1, a.first_day))::timestamp),
                                           date_trunc('month', least(${end}, p.t)::timestamp), interval '1 month') g) m
                  WHERE a.first_day <= p.t AND ${end} > coalesce(p.r, '-infinity'::date)),
               cut AS (
                 SELECT pieces.*, lag(b) OVER (PARTITION BY variant_id, location_id, month ORDER BY out_at) AS prev_b
                   FROM pieces WHERE a <= b),
               d AS (SELECT cut.*, greatest(0, b - CASE WHEN prev_b >= a THEN prev_b + 1 ELSE a END + 1) AS days FROM cut),
               sig AS (
                 SELECT s.variant_id, s.location_id, date_trunc('month', s.day)::date AS month, sum(s.views)::int AS views,
                        sum(s.refused)::int AS refused, sum(s.requests)::int AS requests
                   FROM analytics_stockout_signals s JOIN todo p USING (variant_id, location_id)
                  WHERE s.day > coalesce(p.r, '-infinity'::date) AND s.day <= p.t
                  GROUP BY 1, 2, 3),
               rolled AS (
                 INSERT INTO analytics_stockout_months
                        (variant_id, location_id, month, days, lost, rate, open, first_day, last_day, views, refused, requests)
                 SELECT d.variant_id, d.location_id, d.month, sum(d.days)::int, sum(d.rate * d.days)::int8,
                        (max(d.rate)::numeric / ${LOST_SCALE})::real,
                        bool_or(d.open), min(d.a), max(d.b), coalesce(max(g.views), 0), coalesce(max(g.refused), 0),
                        coalesce(max(g.requests), 0)
                   FROM d LEFT JOIN sig g USING (variant_id, location_id, month)
                  GROUP BY 1, 2, 3
                 ON CONFLICT (variant_id, location_id, month) DO UPDATE
                    SET days = excluded.days, lost = excluded.lost, rate = excluded.rate, open = excluded.open,
                        first_day = excluded.first_day, last_day = excluded.last_day, views = excluded.views,
                        refused = excluded.refused, requests = excluded.requests
                 RETURNING 1),
               marked AS (
                 UPDATE analytics_stockouts a SET rolled_through = p.t
                   FROM todo p
                  WHERE a.variant_id = p.variant_id AND a.location_id = p.location_id AND a.first_day <= p.t)
          SELECT count(*)::int AS n FROM rolled`,
    );
    return done?.n ?? 0;
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
    // One pass of sums per spell (its sales and its days out before, as rows added up), never an aggregate
    // joined back per spell: without statistics (a fresh PGlite, a table just filled) the planner took such a
    // join for one row and rescanned the year's sales for every spell (28 s for the demo's 2,405).
    sql`WITH need AS MATERIALIZED (
               SELECT variant_id, location_id, out_at, first_day FROM analytics_stockouts WHERE daily_rate IS NULL),
             parts AS (
               SELECT variant_id, location_id, out_at, 0 AS units, 0 AS days FROM need
               UNION ALL
               SELECT n.variant_id, n.location_id, n.out_at, d.units, 0
                 FROM need n
                 JOIN (${demand}) d
                   ON d.variant_id = n.variant_id AND d.location_id = n.location_id
                  AND d.day >= n.first_day - ${RATE_WINDOW_DAYS}::int AND d.day < n.first_day
               UNION ALL
               SELECT n.variant_id, n.location_id, n.out_at, 0,
                      greatest(0, least(coalesce(p.last_day, n.first_day - 1), n.first_day - 1)
                                  - greatest(p.first_day, n.first_day - ${RATE_WINDOW_DAYS}::int) + 1)
                 FROM need n
                 JOIN analytics_stockouts p
                   ON p.variant_id = n.variant_id AND p.location_id = n.location_id AND p.out_at < n.out_at
                  AND coalesce(p.last_day, n.first_day) >= n.first_day - ${RATE_WINDOW_DAYS}::int),
             rates AS MATERIALIZED (
               SELECT variant_id, location_id, out_at, sum(units) AS units, sum(days) AS days
                 FROM parts GROUP BY 1, 2, 3),
             done AS (UPDATE analytics_stockouts a
                         SET daily_rate = r.units::real
                                          / greatest(${RATE_MIN_DAYS}::int, ${RATE_WINDOW_DAYS}::int - r.days)
                        FROM rates r
                       WHERE a.variant_id = r.variant_id AND a.location_id = r.location_id AND a.out_at = r.out_at
                      RETURNING 1)
        SELECT count(*)::int AS n FROM done`,
  );
  return rated[0]?.n ?? 0;
}
