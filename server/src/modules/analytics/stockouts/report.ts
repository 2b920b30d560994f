import { sql } from 'drizzle-orm';
import type { Principal } from '../../../platform/auth.ts';
import { query, type Db } from '../../../platform/db/connection.ts';
import { getVariants } from '../../catalog/service.ts';
import { membersSql } from '../../customers/service.ts';
import { productViewsSql } from '../../events/service.ts';
import { listLocations } from '../../locations/service.ts';
import { refusedCheckoutsSql } from '../../orders/service.ts';
import { analyticsScope } from '../access.ts';
import { addDays, japanToday } from '../periods.ts';
import { japanMidnight, walkSpells, type StockoutSignals } from './spells.ts';

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

interface Spell {
  variant_id: string;
  location_id: string;
  a: string;
  b: string;
  open: boolean;
  daily_rate: number | null;
  /** The Japan date its signals were counted on by the job (kept through it); null: not counted. */
  counted: string | null;
  /** The pair's kept signals on its counted days in the period (the same on every spell of the pair). */
  views: number | null;
  refused: number | null;
  requests: number | null;
}

type Window = { a: string; b: string };

/** A variant × location's spells in the period: its Japan dates out (shared days once) and rate × days. */
interface Pair {
  variantId: string;
  locationId: string;
  windows: Array<{ a: string; b: string }>;
  days: number;
  lostUnits: number;
  dailyRate: number;
  outNow: boolean;
}

const dayCount = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000) + 1;

function pairsOf(spells: Spell[]): Pair[] {
  const pairs = new Map<string, Pair>();
  for (const s of spells) {
    const key = `${s.variant_id}|${s.location_id}`;
    let p = pairs.get(key);
    if (!p) {
      p = {
        variantId: s.variant_id,
        locationId: s.location_id,
        windows: [],
        days: 0,
        lostUnits: 0,
        dailyRate: 0,
        outNow: false,
      };
      pairs.set(key, p);
    }
    const last = p.windows.at(-1);
    // A spell that starts on the day the one before it ended shares that day: counted once.
    const a = last && last.b >= s.a ? addDays(last.b, 1) : s.a;
    const rate = s.daily_rate ?? 0;
    if (a <= s.b) {
      const days = dayCount(a, s.b);
      p.days += days;
      p.lostUnits += rate * days;
      if (last && last.b >= addDays(a, -1)) last.b = s.b;
      else p.windows.push({ a, b: s.b });
    }
    p.dailyRate = Math.max(p.dailyRate, rate);
    p.outNow ||= s.open;
  }
  return [...pairs.values()];
}

const zero = (): StockoutFigures => ({
  stockouts: 0,
  days: 0,
  views: 0,
  refusedCheckouts: 0,
  restockRequests: 0,
  lostUnits: 0,
  lostYen: 0,
});

function add(t: StockoutFigures, r: StockoutRow) {
  t.stockouts += 1;
  t.days += r.days;
  t.views += r.views;
  t.refusedCheckouts += r.refusedCheckouts;
  t.restockRequests += r.restockRequests;
  t.lostUnits += r.lostUnits;
  t.lostYen += r.lostYen;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * 欠品・機会損失: every variant × location out of stock on some Japan date of the period while there was
 * demand (a sales rate before it ran out, or a member's view, a refused checkout or a restock request on
 * those dates), its estimated lost units (rate × days out) and yen (× its current price), totals per store
 * and the ten worst per store. Reads the kept spells (job analytics.stockouts), never the ledger.
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
  // The spells in the period and, in the same statement (one snapshot), the signals the job kept on their
  // days up to the date each was counted on.
  const spells = await query<Spell>(
    db,
    sql`WITH kept AS (
          SELECT s.variant_id, s.location_id, sum(s.views)::int AS views, sum(s.refused)::int AS refused,
                 sum(s.requests)::int AS requests
            FROM analytics_stockout_signals s
           WHERE s.day BETWEEN ${q.from}::date AND least(${q.to}::date, ${today}::date) ${inScope}
             AND EXISTS (SELECT 1 FROM analytics_stockouts a
                          WHERE a.variant_id = s.variant_id AND a.location_id = s.location_id
                            AND a.first_day <= s.day AND coalesce(a.last_day, ${today}::date) >= s.day
                            AND (a.signals_at AT TIME ZONE 'Asia/Tokyo')::date >= s.day)
           GROUP BY 1, 2)
        SELECT a.variant_id, a.location_id, a.last_day IS NULL AS open, a.daily_rate,
               greatest(a.first_day, ${q.from}::date)::text AS a,
               least(coalesce(a.last_day, ${today}::date), ${q.to}::date)::text AS b,
               ((a.signals_at AT TIME ZONE 'Asia/Tokyo')::date)::text AS counted,
               k.views, k.refused, k.requests
          FROM analytics_stockouts a
          LEFT JOIN kept k USING (variant_id, location_id)
         WHERE a.first_day <= ${q.to}::date AND coalesce(a.last_day, ${today}::date) >= ${q.from}::date
           ${inScope}
         ORDER BY a.variant_id, a.location_id, a.out_at`,
  );
  const inPeriod = spells.filter((s) => s.a <= s.b);
  const pairs = pairsOf(inPeriod);
  const variants = await getVariants(db, [...new Set(pairs.map((p) => p.variantId))]);
  const found = new Map<string, { views: number; refused: number; requests: number }>();
  for (const s of inPeriod) {
    found.set(`${s.variant_id}|${s.location_id}`, {
      views: s.views ?? 0,
      refused: s.refused ?? 0,
      requests: s.requests ?? 0,
    });
  }
  // Days not counted by the job yet (spells new or changed since its last run, or days since it ran; all
  // of them before its first run): their signals are read from the events, the checkouts and the wishes.
  for (const [key, s] of await uncountedSignals(db, uncountedWindows(inPeriod), variants, signals)) {
    const f = found.get(key)!;
    f.views += s.views;
    f.refused += s.refused;
    f.requests += s.requests;
  }
  const rows = new Map<string, StockoutRow[]>();
  pairs.forEach((p) => {
    const v = variants.get(p.variantId)!;
    const s = found.get(`${p.variantId}|${p.locationId}`)!;
    if (p.dailyRate <= 0 && s.views + s.refused + s.requests === 0) return; // no demand: not a lost sale
    // A refused checkout is a sale that did not happen: never estimate fewer.
    const lostUnits = Math.max(p.lostUnits, s.refused);
    const row: StockoutRow = {
      variantId: p.variantId,
      productId: v.productId,
      productName: v.productName,
      options: v.options,
      sku: v.sku,
      price: v.price,
      days: p.days,
      firstDay: p.windows[0]!.a,
      lastDay: p.windows.at(-1)!.b,
      outNow: p.outNow,
      views: s.views,
      refusedCheckouts: s.refused,
      restockRequests: s.requests,
      dailyRate: Math.round(p.dailyRate * 100) / 100,
      lostUnits: round1(lostUnits),
      lostYen: Math.round(lostUnits * v.price),
    };
    rows.set(p.locationId, [...(rows.get(p.locationId) ?? []), row]);
  });
  const names = new Map((await listLocations(db)).map((l) => [l.id, l]));
  const totals = zero();
  const stores = [...rows.entries()].map(([locationId, list]) => {
    const t = zero();
    for (const r of list) add(t, r);
    for (const r of list) add(totals, r);
    t.lostUnits = round1(t.lostUnits);
    list.sort(
      (x, y) =>
        y.lostYen - x.lostYen ||
        y.views + y.refusedCheckouts + y.restockRequests - (x.views + x.refusedCheckouts + x.restockRequests) ||
        y.days - x.days ||
        x.variantId.localeCompare(y.variantId),
    );
    const l = names.get(locationId);
    return {
      locationId,
      name: l?.name ?? locationId,
      kind: l?.kind ?? 'store',
      code: l?.code ?? locationId,
      totals: t,
      worst: list.slice(0, WORST_PER_STORE),
    };
  });
  stores.sort((x, y) => y.totals.lostYen - x.totals.lostYen || x.code.localeCompare(y.code));
  totals.lostUnits = round1(totals.lostUnits);
  return {
    from: q.from,
    to: q.to,
    locationIds: scope,
    ledgerSeenAt: seen ? new Date(seen.seen_at).toISOString() : null,
    totals,
    stores: stores.map(({ code: _code, ...s }) => s),
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
 * Per pair, its dates out in the period whose signals the job has not kept: a spell's days after the date
 * it was counted on (all of them when never counted), less any date another of its spells has counted.
 */
function uncountedWindows(spells: Spell[]): Map<string, Window[]> {
  const todo = new Map<string, { raw: Window[]; kept: Window[] }>();
  for (const s of spells) {
    const key = `${s.variant_id}|${s.location_id}`;
    let t = todo.get(key);
    if (!t) todo.set(key, (t = { raw: [], kept: [] }));
    if (s.counted === null) t.raw.push({ a: s.a, b: s.b });
    else {
      if (s.counted >= s.a) t.kept.push({ a: s.a, b: s.counted < s.b ? s.counted : s.b });
      if (s.counted < s.b) t.raw.push({ a: s.counted >= s.a ? addDays(s.counted, 1) : s.a, b: s.b });
    }
  }
  const out = new Map<string, Window[]>();
  for (const [key, t] of todo) {
    const windows = without(merged(t.raw), merged(t.kept));
    if (windows.length) out.set(key, windows);
  }
  return out;
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
  variants: Map<string, { productId: string }>,
  signals: StockoutSignals,
): Promise<Map<string, { views: number; refused: number; requests: number }>> {
  const out = new Map<string, { views: number; refused: number; requests: number }>();
  if (!pairs.size) return out;
  const windows = [...pairs].flatMap(([key, list]) => {
    const [variantId, locationId] = key.split('|') as [string, string];
    return list.map((w) => ({
      key,
      product_id: variants.get(variantId)!.productId,
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
