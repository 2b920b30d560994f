import { sql } from 'drizzle-orm';
import type { Principal } from '../../../platform/auth.ts';
import { query, type Db } from '../../../platform/db/connection.ts';
import { getVariants } from '../../catalog/service.ts';
import { listLocations } from '../../locations/service.ts';
import { analyticsScope } from '../access.ts';
import { addDays, japanToday } from '../periods.ts';
import { keepStockouts, type StockoutSignals } from './spells.ts';

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
  const inScope = scope
    ? sql`AND location_id IN (${sql.join(
        scope.map((id) => sql`${id}`),
        sql`, `,
      )})`
    : sql``;
  const cursor = sql`SELECT seen_at FROM analytics_stockout_cursor WHERE name = 'ledger'`;
  let [seen] = await query<{ seen_at: string | Date }>(db, cursor);
  if (!seen) {
    // Before the job's first walk (a new database): walk now rather than show nothing.
    await keepStockouts(db, signals);
    [seen] = await query<{ seen_at: string | Date }>(db, cursor);
  }
  const spells = await query<Spell>(
    db,
    sql`SELECT variant_id, location_id, last_day IS NULL AS open, daily_rate,
               greatest(first_day, ${q.from}::date)::text AS a,
               least(coalesce(last_day, ${today}::date), ${q.to}::date)::text AS b
          FROM analytics_stockouts
         WHERE first_day <= ${q.to}::date AND coalesce(last_day, ${today}::date) >= ${q.from}::date
           ${inScope}
         ORDER BY variant_id, location_id, out_at`,
  );
  const pairs = pairsOf(spells.filter((s) => s.a <= s.b));
  const variants = await getVariants(db, [...new Set(pairs.map((p) => p.variantId))]);
  // The demand signals on the pairs' days out in the period, kept per day by the job with the spells.
  const kept = await query<{
    variant_id: string;
    location_id: string;
    views: number;
    refused: number;
    requests: number;
  }>(
    db,
    sql`SELECT s.variant_id, s.location_id, sum(s.views)::int AS views, sum(s.refused)::int AS refused,
               sum(s.requests)::int AS requests
          FROM analytics_stockout_signals s
         WHERE s.day BETWEEN ${q.from}::date AND least(${q.to}::date, ${today}::date) ${inScope}
           AND EXISTS (SELECT 1 FROM analytics_stockouts a
                        WHERE a.variant_id = s.variant_id AND a.location_id = s.location_id
                          AND a.first_day <= s.day AND coalesce(a.last_day, ${today}::date) >= s.day)
         GROUP BY 1, 2`,
  );
  const found = new Map(kept.map((r) => [`${r.variant_id}|${r.location_id}`, r]));
  const rows = new Map<string, StockoutRow[]>();
  pairs.forEach((p) => {
    const v = variants.get(p.variantId)!;
    const s = found.get(`${p.variantId}|${p.locationId}`) ?? { views: 0, refused: 0, requests: 0 };
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
