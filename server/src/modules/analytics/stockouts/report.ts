import { sql, type SQL } from 'drizzle-orm';
import type { Principal } from '../../../platform/auth.ts';
import { query, type Db } from '../../../platform/db/connection.ts';
import { getVariants } from '../../catalog/service.ts';
import { membersSql } from '../../customers/service.ts';
import { productViewsSql } from '../../events/service.ts';
import { listLocations } from '../../locations/service.ts';
import { refusedCheckoutsSql } from '../../orders/service.ts';
import { analyticsScope } from '../access.ts';
import { addDays, japanToday } from '../periods.ts';
import { japanMidnight, keepStockouts } from './spells.ts';

/** How many stockouts a store's table lists, worst first. */
export const WORST_PER_STORE = 10;

/**
 * The demand signals that live in modules of analytics' own rank, handed in by the composition root:
 * engagement's 入荷したら知らせる wishes (`restockRequestsSql`: variant_id, location_id, created_at).
 */
export interface StockoutSignals {
  restockRequestsSql: (from: Date, until: Date) => SQL;
}

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
}

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
  const cursor = sql`SELECT seen_at FROM analytics_stockout_cursor WHERE name = 'ledger'`;
  let [seen] = await query<{ seen_at: string | Date }>(db, cursor);
  if (!seen) {
    // Before the job's first walk (a new database): walk now rather than show nothing.
    await keepStockouts(db);
    [seen] = await query<{ seen_at: string | Date }>(db, cursor);
  }
  const spells = await query<Spell>(
    db,
    sql`SELECT variant_id, location_id, last_day IS NULL AS open, daily_rate,
               greatest(first_day, ${q.from}::date)::text AS a,
               least(coalesce(last_day, ${today}::date), ${q.to}::date)::text AS b
          FROM analytics_stockouts
         WHERE first_day <= ${q.to}::date AND coalesce(last_day, ${today}::date) >= ${q.from}::date
           ${
             scope
               ? sql`AND location_id IN (${sql.join(
                   scope.map((id) => sql`${id}`),
                   sql`, `,
                 )})`
               : sql``
           }
         ORDER BY variant_id, location_id, out_at`,
  );
  const pairs = pairsOf(spells.filter((s) => s.a <= s.b));
  const variants = await getVariants(db, [...new Set(pairs.map((p) => p.variantId))]);
  const found = await signalsOf(db, pairs, variants, signals);
  const rows = new Map<string, StockoutRow[]>();
  pairs.forEach((p, k) => {
    const v = variants.get(p.variantId)!;
    const s = found.get(k) ?? { views: 0, refused: 0, requests: 0 };
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

/**
 * Views, refused checkouts and restock requests on each pair's stockout days (its windows of Japan dates):
 * a member's view of the product (of this variant, or naming none) at the store or by a member whose home
 * store it is; a cart refused for this variant there; a wish to be told when it is back there.
 */
async function signalsOf(
  db: Db,
  pairs: Pair[],
  variants: Map<string, { productId: string }>,
  signals: StockoutSignals,
): Promise<Map<number, { views: number; refused: number; requests: number }>> {
  const out = new Map<number, { views: number; refused: number; requests: number }>();
  if (!pairs.length) return out;
  const windows = pairs.flatMap((p, k) =>
    p.windows.map((w) => ({
      k,
      product_id: variants.get(p.variantId)!.productId,
      variant_id: p.variantId,
      location_id: p.locationId,
      a: w.a,
      b: w.b,
      from_at: japanMidnight(w.a).toISOString(),
      until_at: japanMidnight(addDays(w.b, 1)).toISOString(),
    })),
  );
  const first = windows.reduce((m, w) => (w.a < m ? w.a : m), windows[0]!.a);
  const last = windows.reduce((m, w) => (w.b > m ? w.b : m), windows[0]!.b);
  const w = sql`jsonb_to_recordset(${JSON.stringify(windows)}::jsonb)
                  AS w(k int, product_id text, variant_id text, location_id text, a date, b date,
                       from_at timestamptz, until_at timestamptz)`;
  const views = await query<{ k: number; n: number }>(
    db,
    sql`SELECT w.k, count(*)::int AS n
          FROM ${w}
          CROSS JOIN LATERAL (${productViewsSql(sql`w.from_at`, sql`w.until_at`, sql`w.product_id`)}) v
          LEFT JOIN (${membersSql()}) m ON m.customer_id = v.customer_id
         WHERE (v.variant_id IS NULL OR v.variant_id = w.variant_id)
           AND (v.location_id = w.location_id OR m.home_location_id = w.location_id)
         GROUP BY w.k`,
  );
  const refused = await query<{ k: number; n: number }>(
    db,
    sql`SELECT w.k, sum(r.carts)::int AS n
          FROM ${w}
          JOIN (${refusedCheckoutsSql(first, last)}) r
            ON r.variant_id = w.variant_id AND r.location_id = w.location_id AND r.day BETWEEN w.a AND w.b
         GROUP BY w.k`,
  );
  const requests = await query<{ k: number; n: number }>(
    db,
    sql`SELECT w.k, count(*)::int AS n
          FROM ${w}
          JOIN (${signals.restockRequestsSql(japanMidnight(first), japanMidnight(addDays(last, 1)))}) r
            ON r.variant_id = w.variant_id AND r.location_id = w.location_id
           AND r.created_at >= w.from_at AND r.created_at < w.until_at
         GROUP BY w.k`,
  );
  const at = (k: number) => {
    let s = out.get(k);
    if (!s) out.set(k, (s = { views: 0, refused: 0, requests: 0 }));
    return s;
  };
  for (const r of views) at(r.k).views += r.n;
  for (const r of refused) at(r.k).refused += r.n;
  for (const r of requests) at(r.k).requests += r.n;
  return out;
}
