import { sql } from 'drizzle-orm';
import { query, type Executor } from '../../../platform/db/connection.ts';
import { categoryChains } from '../../catalog/service.ts';
import { dailyDemandSql } from '../../orders/service.ts';
import {
  fitHoltWinters,
  forecastHoltWinters,
  isFittable,
  naiveForecast,
  profileForecast,
  wape,
  weeklyProfile,
} from './holt-winters.ts';

/**
 * 需要予測: units per variant × location per day, 28 days ahead, from the last 26 weeks of orders in every
 * channel (the till's store, or the store or warehouse fulfilling an online order). An item sold on at
 * least one day in five over four weeks or more gets its own Holt-Winters model (weekly season, damped
 * trend); a sparser one gets its recent daily rate spread over the week as its category sells at that
 * location. Days are Japan dates; the forecast starts today.
 */
export const HORIZON_DAYS = 28;
export const HISTORY_DAYS = 182;
const DAY_MS = 86_400_000;
const JST_MS = 9 * 3_600_000;

export type ForecastMethod = 'holt_winters' | 'category_profile';

export interface Series {
  variantId: string;
  productId: string;
  locationId: string;
  y: number[];
}

/** The Japan date of a moment, as UTC midnight of that date (for day arithmetic). */
export const japanDay = (at: Date) => Math.floor((at.getTime() + JST_MS) / DAY_MS) * DAY_MS;
/** The moment a Japan date (UTC midnight form) starts. */
const startOf = (day: number) => new Date(day - JST_MS);
const iso = (day: number) => new Date(day).toISOString().slice(0, 10);
/** Today's Japan date (YYYY-MM-DD), or that of `at`. */
export const japanDate = (at = new Date()) => iso(japanDay(at));

/** Each sold variant × location's daily units over `days` days ending the day before `today`. */
async function loadSeries(db: Executor, today: number, days: number, locationId?: string): Promise<Series[]> {
  const first = today - days * DAY_MS;
  // One row per variant × location with its days and units as arrays: a chain's history is millions of
  // (item, location, day) rows, too many to hand to the app one by one.
  const rows = await query<{
    variant_id: string;
    product_id: string;
    location_id: string;
    i: number[];
    u: number[];
  }>(
    db,
    sql`SELECT variant_id, min(product_id) AS product_id, location_id,
               array_agg(day - ${iso(first)}::date) AS i, array_agg(units) AS u
          FROM (${dailyDemandSql(startOf(first), startOf(today), locationId)}) d
         GROUP BY variant_id, location_id`,
  );
  const byKey = new Map<string, Series>();
  for (const r of rows) {
    const s: Series = {
      variantId: r.variant_id,
      productId: r.product_id,
      locationId: r.location_id,
      y: new Array<number>(days).fill(0),
    };
    r.i.forEach((index, k) => {
      if (index >= 0 && index < days) s.y[index]! += Number(r.u[k]);
    });
    byKey.set(`${r.variant_id}|${r.location_id}`, s);
  }
  return [...byKey.values()];
}

export interface Forecasted extends Series {
  forecast: number[];
  method: ForecastMethod;
  leaf: string | null;
  department: string | null;
}

/** Forecast every series `h` days ahead: its own model when fittable, else its category's profile there. */
async function forecastAll(db: Executor, series: Series[], h: number): Promise<Forecasted[]> {
  const chains = await categoryChains(
    db,
    series.map((s) => s.productId),
  );
  return await forecastSeries(series, chains, h);
}

/**
 * The model itself, on series already read: `chains` maps each product to its category and that
 * category's parents up to the department (catalog's `categoryChains`). Pure: the benchmark feeds it
 * series read by hand from the raw tables. A chain's items × locations are a few hundred thousand fits of
 * about a millisecond each, run in the server's process by the daily job: it lets other work run every
 * FITS_PER_TURN series, so the app keeps answering while it computes.
 */
export async function forecastSeries(
  series: Series[],
  chains: Map<string, string[]>,
  h: number,
): Promise<Forecasted[]> {
  // Each (category, location)'s weekly profile from the sum of its items' series.
  const totals = new Map<string, number[]>();
  for (const s of series) {
    const key = `${chains.get(s.productId)?.[0] ?? ''}|${s.locationId}`;
    const total = totals.get(key) ?? new Array<number>(s.y.length).fill(0);
    s.y.forEach((v, i) => (total[i]! += v));
    totals.set(key, total);
  }
  const profiles = new Map([...totals].map(([key, total]) => [key, weeklyProfile(total)]));
  const out: Forecasted[] = [];
  for (const s of series) {
    if (out.length % FITS_PER_TURN === FITS_PER_TURN - 1) await new Promise((resolve) => setImmediate(resolve));
    const chain = chains.get(s.productId) ?? [];
    const own = isFittable(s.y);
    out.push({
      ...s,
      leaf: chain[0] ?? null,
      department: chain[chain.length - 1] ?? null,
      method: own ? 'holt_winters' : 'category_profile',
      forecast: own
        ? forecastHoltWinters(fitHoltWinters(s.y), h)
        : profileForecast(s.y, profiles.get(`${chain[0] ?? ''}|${s.locationId}`)!, h),
    });
  }
  return out;
}
const FITS_PER_TURN = 100;

export interface ItemForecast {
  variantId: string;
  productId: string;
  locationId: string;
  method: ForecastMethod;
  /** Units over the whole horizon. */
  units: number;
  /** Units per day, from today. */
  daily: number[];
  /** Units in the last 28 days, for comparison. */
  last28: number;
  /** The standard deviation of its daily units over the last 28 days (safety stock). */
  sd28: number;
}

/** The next HORIZON_DAYS at `locationId` (every location when absent), items most in demand first. */
export async function forecastDemand(
  db: Executor,
  opts: { locationId?: string; asOf?: Date } = {},
): Promise<{ from: string; days: number; items: ItemForecast[] }> {
  const today = japanDay(opts.asOf ?? new Date());
  const series = await loadSeries(db, today, HISTORY_DAYS, opts.locationId);
  const done = await forecastAll(db, series, HORIZON_DAYS);
  return { from: iso(today), days: HORIZON_DAYS, items: itemsOf(done) };
}

/** The forecast items of fitted series, most in demand first. */
export function itemsOf(done: Forecasted[]): ItemForecast[] {
  return done
    .map((f) => ({
      variantId: f.variantId,
      productId: f.productId,
      locationId: f.locationId,
      method: f.method,
      units: round1(f.forecast.reduce((s, v) => s + v, 0)),
      daily: f.forecast.map(round1),
      last28: f.y.slice(-28).reduce((s, v) => s + v, 0),
      sd28: standardDeviation(f.y.slice(-28)),
    }))
    .sort((a, b) => b.units - a.units || a.variantId.localeCompare(b.variantId));
}

export interface AccuracyRow {
  /** Day by day: Σ over item × location × day. */
  dailyWape: number | null;
  dailyNaiveWape: number | null;
  key: string;
  /** Units sold in the held-out weeks. */
  units: number;
  wape: number | null;
  naiveWape: number | null;
}

export interface ForecastAccuracy {
  from: string;
  to: string;
  overall: AccuracyRow;
  byLocation: AccuracyRow[];
  byDepartment: AccuracyRow[];
  methods: Record<ForecastMethod, number>;
}

/**
 * The forecast's accuracy: fitted on the history before the last 28 days, forecast over them, and compared
 * with what sold — WAPE (Σ|actual − forecast| ÷ Σ actual) for the forecast and for "same as last week",
 * overall, per location and per department: of each item × location's four-week total (`wape`, what
 * replenishment is sized by), and day by day (`dailyWape`).
 */
export async function forecastAccuracy(db: Executor, opts: { asOf?: Date } = {}): Promise<ForecastAccuracy> {
  const today = japanDay(opts.asOf ?? new Date());
  const all = await loadSeries(db, today, HISTORY_DAYS + HORIZON_DAYS);
  const chains = await categoryChains(
    db,
    all.map((s) => s.productId),
  );
  return accuracyOf(all, chains, today);
}

/**
 * The accuracy of series of HISTORY_DAYS + HORIZON_DAYS days ending the day before `today` (a Japan date as
 * UTC midnight, ms). Pure, as `forecastSeries`.
 */
export async function accuracyOf(
  all: Series[],
  chains: Map<string, string[]>,
  today: number,
): Promise<ForecastAccuracy> {
  const train = all.map((s) => ({ ...s, y: s.y.slice(0, HISTORY_DAYS) })).filter((s) => s.y.some((v) => v > 0));
  const actual = new Map(all.map((s) => [`${s.variantId}|${s.locationId}`, s.y.slice(HISTORY_DAYS)]));
  const done = await forecastSeries(train, chains, HORIZON_DAYS);
  // Each item × location's days (daily WAPE) and its four weeks' total (period WAPE: what an order or a
  // transfer is sized by; for items that sell a unit now and then, a daily error says little).
  const groups = new Map<string, { a: number[]; f: number[]; n: number[]; ta: number[]; tf: number[]; tn: number[] }>();
  const total = (v: number[]) => v.reduce((s, x) => s + x, 0);
  const add = (key: string, a: number[], f: number[], n: number[]) => {
    const g = groups.get(key) ?? { a: [], f: [], n: [], ta: [], tf: [], tn: [] };
    g.a.push(...a);
    g.f.push(...f);
    g.n.push(...n);
    g.ta.push(total(a));
    g.tf.push(total(f));
    g.tn.push(total(n));
    groups.set(key, g);
  };
  const methods: Record<ForecastMethod, number> = { holt_winters: 0, category_profile: 0 };
  for (const s of done) {
    const a = actual.get(`${s.variantId}|${s.locationId}`)!;
    const n = naiveForecast(s.y, HORIZON_DAYS);
    methods[s.method]++;
    add('*', a, s.forecast, n);
    add(`loc|${s.locationId}`, a, s.forecast, n);
    add(`dep|${s.department ?? ''}`, a, s.forecast, n);
  }
  const row = (key: string, name: string): AccuracyRow => {
    const g = groups.get(key) ?? { a: [], f: [], n: [], ta: [], tf: [], tn: [] };
    return {
      key: name,
      units: g.a.reduce((s, v) => s + v, 0),
      wape: round3(wape(g.ta, g.tf)),
      naiveWape: round3(wape(g.ta, g.tn)),
      dailyWape: round3(wape(g.a, g.f)),
      dailyNaiveWape: round3(wape(g.a, g.n)),
    };
  };
  const keys = (prefix: string) =>
    [...groups.keys()].filter((k) => k.startsWith(prefix)).map((k) => row(k, k.slice(prefix.length)));
  return {
    from: iso(today - HORIZON_DAYS * DAY_MS),
    to: iso(today - DAY_MS),
    overall: row('*', '*'),
    byLocation: keys('loc|').sort((a, b) => b.units - a.units),
    byDepartment: keys('dep|').sort((a, b) => b.units - a.units),
    methods,
  };
}

/** Units per variant × location (key `variant|location`) over the `days` days before today. */
export async function recentDemand(db: Executor, opts: { days: number; asOf?: Date }): Promise<Map<string, number>> {
  const today = japanDay(opts.asOf ?? new Date());
  const series = await loadSeries(db, today, opts.days);
  return new Map(series.map((s) => [`${s.variantId}|${s.locationId}`, s.y.reduce((t, v) => t + v, 0)]));
}

function standardDeviation(v: readonly number[]): number {
  if (v.length < 2) return 0;
  const m = v.reduce((s, x) => s + x, 0) / v.length;
  return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1));
}

const round1 = (v: number) => Math.round(v * 10) / 10;
const round3 = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);
