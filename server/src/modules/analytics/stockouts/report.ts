import { sql, type SQL } from 'drizzle-orm';
import type { Principal } from '../../../platform/auth.ts';
import { query, type Db } from '../../../platform/db/connection.ts';
import { inTransaction } from '../../../platform/db/tx.ts';
import { getVariants, variantPricesSql } from '../../catalog/service.ts';
import { membersSql } from '../../customers/service.ts';
import { productViewsSql } from '../../events/service.ts';
import { listLocations } from '../../locations/service.ts';
import { refusedCheckoutsSql } from '../../orders/service.ts';
import { analyticsScope } from '../access.ts';
import { addDays, japanToday } from '../periods.ts';
import { japanMidnight, LOST_SCALE, scaledRateSql, walkSpells, type StockoutSignals } from './spells.ts';

export type { StockoutSignals } from './spells.ts';

/** How many stockouts a store's table lists, worst first. */
export const WORST_PER_STORE = 10;

export interface StockoutQuery {
  from: string;
  to: string;
  locationIds?: string[] | undefined;
}

export interface StockoutFigures {
  /** Variant × location pairs out of stock with demand in the period. */
  stockouts: number;
  days: number;
  views: number;
  refusedCheckouts: number;
  restockRequests: number;
  lostUnits: number;
  lostYen: number;
}

export interface StockoutRow {
  variantId: string;
  productId: string;
  productName: string;
  options: Record<string, string>;
  sku: string;
  price: number;
  /** Japan dates with nothing on hand in the period. */
  days: number;
  firstDay: string;
  lastDay: string;
  /** Still out of stock now. */
  outNow: boolean;
  views: number;
  refusedCheckouts: number;
  restockRequests: number;
  /** Units a day it sold while in stock before running out. */
  dailyRate: number;
  lostUnits: number;
  lostYen: number;
}

export interface StockoutReport {
  from: string;
  to: string;
  locationIds: string[] | null;
  /** The newest stock movement the kept spells have seen (null: not walked yet). */
  ledgerSeenAt: string | null;
  totals: StockoutFigures;
  stores: Array<{
    locationId: string;
    name: string;
    kind: string;
    totals: StockoutFigures;
    worst: StockoutRow[];
  }>;
}

/** A spell of a pair, clipped to the period (Japan dates), as the pair's row carries it when some of its days were not counted. */
interface Spell {
  a: string;
  b: string;
  /** The Japan date its signals were counted on by the job (kept through it); null: not counted. */
  counted: string | null;
}

type Window = { a: string; b: string };

/**
 * A variant × location out of stock on some date of the period, summed in the database: its Japan dates
 * out (a day two spells share once), rate × days, the signals kept on its counted days, and its variant's
 * product and price. `spells` only when some of its days were not counted by the job yet.
 */
interface PairRow {
  variant_id: string;
  location_id: string;
  product_id: string;
  price: number;
  days: number;
  /** Rate × days (for comparing with the refusals; lost_units and lost_yen are its exact roundings). */
  lost: number;
  rate: number;
  out_now: boolean;
  first_day: string;
  last_day: string;
  views: number;
  refused: number;
  requests: number;
  spells: Spell[] | null;
}

/** A row of the report's statement: a pair with days not counted, a settled pair among its store's ten worst, or a store's settled totals. */
type AnswerRow = PairRow & {
  kind: 'pair' | 'worst' | 'store';
  /** How many settled pairs a store's row sums. */
  pairs: number;
  /** A row's rate × days (or, settled, the larger of it and the refusals) rounded to units and yen, or a store's sums. */
  lost_units: number | null;
  lost_yen: string | number | null;
};

const zero = (): StockoutFigures => ({
  stockouts: 0,
  days: 0,
  views: 0,
  refusedCheckouts: 0,
  restockRequests: 0,
  lostUnits: 0,
  lostYen: 0,
});

type Figures = Omit<StockoutRow, 'productId' | 'productName' | 'options' | 'sku' | 'price'> & { locationId: string };

function add(t: StockoutFigures, r: Figures) {
  t.stockouts += 1;
  t.days += r.days;
  t.views += r.views;
  t.refusedCheckouts += r.refusedCheckouts;
  t.restockRequests += r.restockRequests;
  t.lostUnits += r.lostUnits;
  t.lostYen += r.lostYen;
}

const worse = (x: Figures, y: Figures) =>
  y.lostYen - x.lostYen ||
  y.views + y.refusedCheckouts + y.restockRequests - (x.views + x.refusedCheckouts + x.restockRequests) ||
  y.days - x.days ||
  (x.variantId < y.variantId ? -1 : x.variantId > y.variantId ? 1 : 0);

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * The whole Japan months inside the period (first day of the first, last day of the last; the first after
 * the last when there is none): the days the job's month rollup can answer for.
 */
export function wholeMonths(q: StockoutQuery): { first: string; last: string } {
  const first = q.from.endsWith('-01') ? q.from : `${addDays(`${q.from.slice(0, 7)}-28`, 4).slice(0, 7)}-01`;
  const next = addDays(q.to, 1);
  const last = next.endsWith('-01') ? q.to : addDays(`${q.to.slice(0, 7)}-01`, -1);
  return { first, last };
}

/**
 * The period's answer in one statement (one snapshot). A pair's days in the period's whole months that the
 * job has rolled up (`analytics_stockout_months`, settled months over) are read from its month rows; its
 * other days from its spells, each clipped to the period less those months (up to two pieces). A day two
 * pieces share is counted once (with the earlier spell's rate); rate × days is an integer of LOST_SCALE units,
 * so exact whichever way a period is split. A pair's pieces, month rows and kept signal rows of the days read
 * from spells (the job keeps rows only for counted days of current spells: walkSpells drops a changed pair's
 * rows) are summed in one pass. Then:
 * - a pair with days not counted by the job yet comes as it is, with its spells, for the app to add their
 *   signals read from the modules;
 * - the other pairs with demand (settled) are totalled per store, and each store's ten worst come (a top-N of
 *   its rows).
 */
export function answerSql(q: StockoutQuery, today: string, inScope: SQL): SQL {
  const counted = sql`(a.signals_at AT TIME ZONE 'Asia/Tokyo')::date`;
  const overlaps = sql`a.first_day <= ${q.to}::date AND coalesce(a.last_day, ${today}::date) >= ${q.from}::date`;
  const clipped = {
    a: sql`greatest(a.first_day, ${q.from}::date)`,
    b: sql`least(coalesce(a.last_day, ${today}::date), ${q.to}::date)`,
  };
  const whole = wholeMonths(q);
  const f1 = sql`${whole.first}::date`;
  const f2 = sql`${whole.last}::date`;
  const upTo = sql`least(${q.to}::date, ${today}::date)`;
  // A spell's days from the first whole month through x are in its pair's month rows (null: none are).
  const x = sql`CASE WHEN a.rolled_through IS NOT NULL THEN least(${f2}, a.rolled_through) END`;
  // Lost units in 10^-10 units (exact integers, LOST_SCALE) rounded as the app rounds (Math.round: floor(x +
  // 0.5)): to tenths of a unit, and × the price to the yen (split so that the product fits in int8).
  const tenths = (x: SQL) => sql`(((${x}) + ${LOST_SCALE / 20}::int8) / ${LOST_SCALE / 10}::int8)`;
  const yen = (x: SQL, price: SQL) =>
    sql`((${x}) / ${LOST_SCALE}::int8 * ${price} + ((${x}) % ${LOST_SCALE}::int8 * ${price} + ${LOST_SCALE / 2}::int8) / ${LOST_SCALE}::int8)`;
  return sql`WITH sp AS MATERIALIZED (
        SELECT a.variant_id, a.location_id, a.out_at, a.last_day IS NULL AS open,
               coalesce(a.daily_rate::text::float8, 0) AS rate, ${scaledRateSql(sql`a.daily_rate`)} AS scaled_rate,
               ${clipped.a} AS a, ${clipped.b} AS b, ${counted} AS counted,
               ${x} AS x
          FROM analytics_stockouts a
         WHERE ${overlaps} ${inScope}
           -- (a spell wholly in its rolled months is in its pair's month rows)
           AND NOT (${clipped.a} >= ${f1} AND ${clipped.b} <= coalesce(${x}, ${f1} - 1))),
      -- Each spell less its rolled months: the days before the first whole month (all of them when none is
      -- rolled), and those after its last rolled one.
      pieces AS (
        SELECT variant_id, location_id, out_at, open, rate, scaled_rate, counted IS NULL OR counted < b AS uncounted,
               a, CASE WHEN x >= ${f1} THEN least(b, ${f1} - 1) ELSE b END AS b
          FROM sp
        UNION ALL
        SELECT variant_id, location_id, out_at, open, rate, scaled_rate, counted IS NULL OR counted < b, greatest(a, x + 1), b
          FROM sp WHERE x >= ${f1}),
      cut AS (
        SELECT pieces.*, lag(b) OVER (PARTITION BY variant_id, location_id ORDER BY out_at, a) AS prev_b
          FROM pieces WHERE a <= b),
      d AS (SELECT cut.*, greatest(0, b - CASE WHEN prev_b >= a THEN prev_b + 1 ELSE a END + 1) AS days FROM cut),
      months AS (
        SELECT variant_id, location_id, days, lost, rate::text::float8 AS rate, open, first_day, last_day, views,
               refused, requests
          FROM analytics_stockout_months
         WHERE month BETWEEN ${f1} AND ${f2} ${inScope}),
      -- A pair's pieces, its month rows and its kept signal rows of the days read from spells, summed in one pass.
      parts AS (
        SELECT variant_id, location_id, days, scaled_rate * days AS lost, rate, open, a, b, uncounted,
               0 AS views, 0 AS refused, 0 AS requests
          FROM d
        UNION ALL
        SELECT variant_id, location_id, days, lost, rate, open, first_day, last_day, false, views, refused, requests
          FROM months
        UNION ALL
        SELECT variant_id, location_id, 0, 0, NULL, NULL, NULL, NULL, NULL, views, refused, requests
          FROM analytics_stockout_signals
         WHERE (day BETWEEN ${q.from}::date AND least(${f1} - 1, ${upTo})
                OR day BETWEEN greatest(${f2} + 1, ${q.from}::date) AND ${upTo}) ${inScope}
        UNION ALL
        -- In the whole months, the days of the pairs not rolled up there.
        SELECT s.variant_id, s.location_id, 0, 0, NULL, NULL, NULL, NULL, NULL, s.views, s.refused, s.requests
          FROM (SELECT DISTINCT variant_id, location_id FROM cut WHERE a <= ${f2} AND b >= ${f1}) u
          JOIN analytics_stockout_signals s ON s.variant_id = u.variant_id AND s.location_id = u.location_id
         WHERE s.day BETWEEN ${f1} AND ${f2}
           AND NOT EXISTS (SELECT 1 FROM analytics_stockout_months r
                            WHERE r.variant_id = s.variant_id AND r.location_id = s.location_id
                              AND r.month = date_trunc('month', s.day::timestamp)::date)),
      pairs AS (
        SELECT variant_id, location_id, sum(days)::int AS days, sum(lost)::int8 AS lost, max(rate) AS rate,
               bool_or(open) AS out_now, min(a)::text AS first_day, max(b)::text AS last_day,
               bool_or(uncounted) AS uncounted, sum(views)::int AS views, sum(refused)::int AS refused,
               sum(requests)::int AS requests
          FROM parts GROUP BY 1, 2 HAVING count(a) > 0),
      j AS (
        SELECT p.*, v.product_id, v.price
          FROM pairs p JOIN (${variantPricesSql()}) v ON v.variant_id = p.variant_id),
      -- With demand, lost units = the larger of rate × days and the refusals.
      settled AS MATERIALIZED (
        SELECT j.*, ${tenths(sql`greatest(lost, refused * ${LOST_SCALE}::int8)`)} AS lost_tenths,
               ${yen(sql`greatest(lost, refused * ${LOST_SCALE}::int8)`, sql`price`)} AS lost_yen
          FROM j WHERE NOT uncounted AND NOT (rate <= 0 AND views + refused + requests = 0)),
      stores AS (
        SELECT location_id, sum(days)::int AS days, sum(views)::int AS views, sum(refused)::int AS refused,
               sum(requests)::int AS requests, count(*)::int AS pairs, sum(lost_tenths) / 10 AS lost_units,
               sum(lost_yen)::bigint AS lost_yen
          FROM settled GROUP BY location_id)
    SELECT 'pair' AS kind, j.variant_id, j.location_id, j.product_id, j.price, j.days,
           j.lost::float8 / ${LOST_SCALE} AS lost, j.rate, j.out_now,
           j.first_day, j.last_day, j.views, j.refused, j.requests,
           (SELECT json_agg(json_build_object('a', ${clipped.a}::text, 'b', ${clipped.b}::text, 'counted', ${counted}::text)
                            ORDER BY a.out_at)
              FROM analytics_stockouts a
             WHERE a.variant_id = j.variant_id AND a.location_id = j.location_id AND ${overlaps}
               AND ${clipped.a} <= ${clipped.b}) AS spells,
           1 AS pairs, ${tenths(sql`j.lost`)}::numeric / 10 AS lost_units, ${yen(sql`j.lost`, sql`j.price`)} AS lost_yen
      FROM j WHERE uncounted
    UNION ALL
    SELECT 'worst', w.variant_id, w.location_id, w.product_id, w.price, w.days, w.lost::float8 / ${LOST_SCALE}, w.rate,
           w.out_now, w.first_day, w.last_day, w.views, w.refused, w.requests, NULL, 1, w.lost_tenths::numeric / 10,
           w.lost_yen
      FROM stores st
      -- Each store's ten worst, a top-N of its rows (no sort of every pair).
     CROSS JOIN LATERAL (
           SELECT * FROM settled s WHERE s.location_id = st.location_id
            ORDER BY lost_yen DESC, views + refused + requests DESC, days DESC, variant_id COLLATE "C"
            LIMIT ${WORST_PER_STORE}) w
    UNION ALL
    SELECT 'store', NULL, location_id, NULL, NULL, days, NULL, NULL, NULL, NULL, NULL, views, refused, requests, NULL,
           pairs, lost_units, lost_yen
      FROM stores`;
}

/**
 * 欠品・機会損失: every variant × location out of stock on some Japan date of the period while there was
 * demand (a sales rate before it ran out, or a member's view, a refused checkout or a restock request on
 * those dates), its estimated lost units (rate × days out) and yen (× its current price), totals per store
 * and the ten worst per store. Reads the kept spells (job analytics.stockouts), never the ledger; sums
 * per pair in the database, and reads names, options and SKUs for the rows shown only.
 */
export async function stockoutReport(
  db: Db,
  actor: Principal,
  q: StockoutQuery,
  signals: StockoutSignals,
): Promise<StockoutReport> {
  const scope = analyticsScope(actor, q.locationIds);
  const today = japanToday();
  const inScope = scope
    ? sql`AND location_id IN (${sql.join(
        scope.map((id) => sql`${id}`),
        sql`, `,
      )})`
    : sql``;
  const cursor = sql`SELECT seen_at FROM analytics_stockout_cursor WHERE name = 'ledger'`;
  let [seen] = await query<{ seen_at: string | Date }>(db, cursor);
  if (!seen) {
    // Before the job's first walk (a new database): walk now rather than show nothing (the spells only;
    // their signals are read below until the job has counted them).
    await walkSpells(db);
    [seen] = await query<{ seen_at: string | Date }>(db, cursor);
  }
  // Room to sort and hash the period's pairs in memory (tens of thousands at a chain's size): with the default
  // 4 MB the ranking spilled to disk and the kept signals' join ran in 16 batches. No JIT: the planner prices
  // the spells of the uncounted pairs (a subquery per pair, few in fact) high, and compiling the statement
  // took 1.8 s of its 2.5 s at chain scale.
  const answer = await inTransaction(db, async (tx) => {
    await tx.execute(sql`SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`);
    return query<AnswerRow>(tx, answerSql(q, today, inScope));
  });
  const pairs = answer.filter((r) => r.kind === 'pair');
  // Days not counted by the job yet (spells new or changed since its last run, or days since it ran; all
  // of them before its first run): their signals are read from the events, the checkouts and the wishes.
  const todo = new Map<string, Window[]>();
  const byKey = new Map<string, PairRow>();
  for (const p of pairs) {
    const key = `${p.variant_id}|${p.location_id}`;
    byKey.set(key, p);
    const windows = uncountedWindows(p.spells!);
    if (windows.length) todo.set(key, windows);
  }
  for (const [key, s] of await uncountedSignals(db, todo, byKey, signals)) {
    const p = byKey.get(key)!;
    p.views += s.views;
    p.refused += s.refused;
    p.requests += s.requests;
  }
  const stores = new Map<string, { totals: StockoutFigures; rows: Figures[] }>();
  const storeOf = (locationId: string) => {
    let store = stores.get(locationId);
    if (!store) stores.set(locationId, (store = { totals: zero(), rows: [] }));
    return store;
  };
  const totals = zero();
  // The settled pairs' totals per store, summed in the database.
  for (const r of answer) {
    if (r.kind !== 'store') continue;
    const t: StockoutFigures = {
      stockouts: r.pairs,
      days: r.days,
      views: r.views,
      refusedCheckouts: r.refused,
      restockRequests: r.requests,
      lostUnits: Number(r.lost_units),
      lostYen: Number(r.lost_yen),
    };
    const store = storeOf(r.location_id);
    store.totals = t;
    for (const k of Object.keys(t) as Array<keyof StockoutFigures>) totals[k] += t[k];
  }
  const figuresOf = (p: PairRow, lostUnits: number, lostYen: number): Figures => ({
    locationId: p.location_id,
    variantId: p.variant_id,
    days: p.days,
    firstDay: p.first_day,
    lastDay: p.last_day,
    outNow: p.out_now,
    views: p.views,
    refusedCheckouts: p.refused,
    restockRequests: p.requests,
    dailyRate: Math.round(p.rate * 100) / 100,
    lostUnits,
    lostYen,
  });
  // Each store's ten worst settled pairs (already in its totals), then the pairs with days not counted.
  for (const r of answer)
    if (r.kind === 'worst') storeOf(r.location_id).rows.push(figuresOf(r, Number(r.lost_units), Number(r.lost_yen)));
  for (const p of pairs) {
    if (p.rate <= 0 && p.views + p.refused + p.requests === 0) continue; // no demand: not a lost sale
    // A refused checkout is a sale that did not happen: never estimate fewer. Rate × days comes rounded from
    // the database (exact); refusals are whole units.
    const row =
      p.refused > p.lost
        ? figuresOf(p, p.refused, p.refused * p.price)
        : figuresOf(p, Number(p.lost_units), Number(p.lost_yen));
    const store = storeOf(p.location_id);
    add(store.totals, row);
    add(totals, row);
    store.rows.push(row);
  }
  const worst = new Map([...stores].map(([id, s]) => [id, s.rows.sort(worse).slice(0, WORST_PER_STORE)]));
  const variants = await getVariants(db, [...new Set([...worst.values()].flat().map((r) => r.variantId))]);
  const names = new Map((await listLocations(db)).map((l) => [l.id, l]));
  const list = [...stores].map(([locationId, s]) => {
    const l = names.get(locationId);
    s.totals.lostUnits = round1(s.totals.lostUnits);
    return {
      locationId,
      name: l?.name ?? locationId,
      kind: l?.kind ?? 'store',
      code: l?.code ?? locationId,
      totals: s.totals,
      worst: worst.get(locationId)!.map(({ locationId: _l, variantId, ...r }): StockoutRow => {
        const v = variants.get(variantId)!;
        return {
          variantId,
          productId: v.productId,
          productName: v.productName,
          options: v.options,
          sku: v.sku,
          price: v.price,
          ...r,
        };
      }),
    };
  });
  list.sort((x, y) => y.totals.lostYen - x.totals.lostYen || x.code.localeCompare(y.code));
  totals.lostUnits = round1(totals.lostUnits);
  return {
    from: q.from,
    to: q.to,
    locationIds: scope,
    ledgerSeenAt: seen ? new Date(seen.seen_at).toISOString() : null,
    totals,
    stores: list.map(({ code: _code, ...s }) => s),
  };
}

/** Merge overlapping or adjacent windows of Japan dates (sorted by start). */
function merged(windows: Window[]): Window[] {
  const out: Window[] = [];
  for (const w of [...windows].sort((x, y) => x.a.localeCompare(y.a))) {
    const last = out.at(-1);
    if (last && last.b >= addDays(w.a, -1)) {
      if (w.b > last.b) last.b = w.b;
    } else out.push({ ...w });
  }
  return out;
}

/** `windows` less the dates in `minus` (both merged). */
function without(windows: Window[], minus: Window[]): Window[] {
  let out = windows;
  for (const m of minus) {
    out = out.flatMap((w) => {
      if (m.b < w.a || m.a > w.b) return [w];
      const parts: Window[] = [];
      if (w.a < m.a) parts.push({ a: w.a, b: addDays(m.a, -1) });
      if (w.b > m.b) parts.push({ a: addDays(m.b, 1), b: w.b });
      return parts;
    });
  }
  return out;
}

/**
 * A pair's dates out in the period whose signals the job has not kept: a spell's days after the date it
 * was counted on (all of them when never counted), less any date another of its spells has counted.
 */
function uncountedWindows(spells: Spell[]): Window[] {
  const raw: Window[] = [];
  const kept: Window[] = [];
  for (const s of spells) {
    if (s.counted === null) raw.push({ a: s.a, b: s.b });
    else {
      if (s.counted >= s.a) kept.push({ a: s.a, b: s.counted < s.b ? s.counted : s.b });
      if (s.counted < s.b) raw.push({ a: s.counted >= s.a ? addDays(s.counted, 1) : s.a, b: s.b });
    }
  }
  return without(merged(raw), merged(kept));
}

/**
 * Views, refused checkouts and restock requests on each pair's given windows of Japan dates, read from
 * their modules (what the job keeps, counted the same way): a member's view of the product (of this
 * variant, or naming none) at the store or by a member whose home store it is; a cart refused for this
 * variant there; a wish to be told when it is back there.
 */
async function uncountedSignals(
  db: Db,
  pairs: Map<string, Window[]>,
  pairRows: Map<string, { product_id: string }>,
  signals: StockoutSignals,
): Promise<Map<string, { views: number; refused: number; requests: number }>> {
  const out = new Map<string, { views: number; refused: number; requests: number }>();
  if (!pairs.size) return out;
  const windows = [...pairs].flatMap(([key, list]) => {
    const [variantId, locationId] = key.split('|') as [string, string];
    return list.map((w) => ({
      key,
      product_id: pairRows.get(key)!.product_id,
      variant_id: variantId,
      location_id: locationId,
      a: w.a,
      b: w.b,
      from_at: japanMidnight(w.a).toISOString(),
      until_at: japanMidnight(addDays(w.b, 1)).toISOString(),
    }));
  });
  const first = windows.reduce((m, w) => (w.a < m ? w.a : m), windows[0]!.a);
  const last = windows.reduce((m, w) => (w.b > m ? w.b : m), windows[0]!.b);
  const w = sql`jsonb_to_recordset(${JSON.stringify(windows)}::jsonb)
                  AS w(key text, product_id text, variant_id text, location_id text, a date, b date,
                       from_at timestamptz, until_at timestamptz)`;
  const views = await query<{ key: string; n: number }>(
    db,
    sql`SELECT w.key, count(*)::int AS n
          FROM ${w}
          CROSS JOIN LATERAL (${productViewsSql(sql`w.from_at`, sql`w.until_at`, sql`w.product_id`)}) v
          LEFT JOIN (${membersSql()}) m ON m.customer_id = v.customer_id
         WHERE (v.variant_id IS NULL OR v.variant_id = w.variant_id)
           AND (v.location_id = w.location_id OR m.home_location_id = w.location_id)
         GROUP BY w.key`,
  );
  const refused = await query<{ key: string; n: number }>(
    db,
    sql`SELECT w.key, sum(r.carts)::int AS n
          FROM ${w}
          JOIN (${refusedCheckoutsSql(first, last)}) r
            ON r.variant_id = w.variant_id AND r.location_id = w.location_id AND r.day BETWEEN w.a AND w.b
         GROUP BY w.key`,
  );
  const requests = await query<{ key: string; n: number }>(
    db,
    sql`SELECT w.key, count(*)::int AS n
          FROM ${w}
          JOIN (${signals.restockRequestsSql(japanMidnight(first), japanMidnight(addDays(last, 1)))}) r
            ON r.variant_id = w.variant_id AND r.location_id = w.location_id
           AND r.created_at >= w.from_at AND r.created_at < w.until_at
         GROUP BY w.key`,
  );
  const at = (key: string) => {
    let s = out.get(key);
    if (!s) out.set(key, (s = { views: 0, refused: 0, requests: 0 }));
    return s;
  };
  for (const r of views) at(r.key).views += r.n;
  for (const r of refused) at(r.key).refused += r.n;
  for (const r of requests) at(r.key).requests += r.n;
  return out;
}
