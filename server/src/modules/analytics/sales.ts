import { sql, type SQL } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import type { Principal } from '../../platform/auth.ts';
import { listCategories } from '../catalog/service.ts';
import { listLocations } from '../locations/service.ts';
import { analyticsScope } from './access.ts';
import { lastYear, previousPeriod, type Period } from './periods.ts';

export type Grain = 'day' | 'week' | 'month';
export type Breakdown = 'channel' | 'store' | 'category';

export interface SalesQuery extends Period {
  grain: Grain;
  breakdown: Breakdown;
  locationIds?: string[] | undefined;
}

/** A period's sales: net = tax-included sales after discounts with returns taken off (integer yen). */
export interface Figures {
  orders: number;
  units: number;
  gross: number;
  discount: number;
  returned: number;
  net: number;
  netExcl: number;
  averageBasket: number;
}

export interface SalesReport extends Period {
  grain: Grain;
  breakdown: Breakdown;
  locationIds: string[] | null;
  previous: Period;
  lastYear: Period;
  totals: { current: Figures; previous: Figures; lastYear: Figures };
  series: Array<{ period: string } & Figures>;
  rows: Array<{ key: string; label: string; current: Figures; previous: Figures; lastYear: Figures }>;
  breakdownSeries: Array<{ period: string; key: string; net: number; netExcl: number; orders: number; units: number }>;
}

interface SumRow {
  period?: string;
  key?: string;
  orders: string | number;
  units: string | number;
  gross: string | number;
  discount: string | number;
  returned: string | number;
  net: string | number;
  net_excl: string | number;
}

const sums = sql`coalesce(sum(orders), 0)::bigint AS orders, coalesce(sum(units), 0)::bigint AS units,
  coalesce(sum(gross), 0)::bigint AS gross, coalesce(sum(discount), 0)::bigint AS discount,
  coalesce(sum(returned), 0)::bigint AS returned, coalesce(sum(net), 0)::bigint AS net,
  coalesce(sum(net_excl), 0)::bigint AS net_excl`;

export function figures(r: SumRow | undefined): Figures {
  const n = (v: string | number | undefined) => Number(v ?? 0);
  const orders = n(r?.orders);
  const net = n(r?.net);
  return {
    orders,
    units: n(r?.units),
    gross: n(r?.gross),
    discount: n(r?.discount),
    returned: n(r?.returned),
    net,
    netExcl: n(r?.net_excl),
    averageBasket: orders ? Math.round(net / orders) : 0,
  };
}

const within = (p: Period, stores: string[] | null): SQL =>
  sql`sold_on BETWEEN ${p.from}::date AND ${p.to}::date ${
    stores
      ? sql`AND location_id IN (${sql.join(
          stores.map((s) => sql`${s}`),
          sql`, `,
        )})`
      : sql``
  }`;

const bucket = (grain: Grain): SQL =>
  grain === 'day'
    ? sql`to_char(sold_on, 'YYYY-MM-DD')`
    : sql`to_char(date_trunc(${grain}, sold_on::timestamp), 'YYYY-MM-DD')`;

const keyOf = (b: Breakdown) =>
  sql.identifier(b === 'channel' ? 'channel' : b === 'store' ? 'location_id' : 'category_id');

/** Net sales by day, week or month, with a breakdown, this period against the previous one and last year. */
export async function salesReport(db: Executor, actor: Principal, q: SalesQuery): Promise<SalesReport> {
  const stores = analyticsScope(actor, q.locationIds);
  const prev = previousPeriod(q);
  const ly = lastYear(q);
  const total = async (p: Period) =>
    figures((await query<SumRow>(db, sql`SELECT ${sums} FROM analytics_sales_daily WHERE ${within(p, stores)}`))[0]);
  const byKey = async (p: Period) =>
    new Map(
      (
        await query<SumRow>(
          db,
          sql`SELECT ${keyOf(q.breakdown)} AS key, ${sums} FROM analytics_sales_daily
               WHERE ${within(p, stores)} GROUP BY 1`,
        )
      ).map((r) => [r.key!, figures(r)]),
    );
  const [current, previous, lastYearTotals, series, keys, keysPrev, keysLy, parts] = await Promise.all([
    total(q),
    total(prev),
    total(ly),
    query<SumRow>(
      db,
      sql`SELECT ${bucket(q.grain)} AS period, ${sums} FROM analytics_sales_daily
           WHERE ${within(q, stores)} GROUP BY 1 ORDER BY 1`,
    ),
    byKey(q),
    byKey(prev),
    byKey(ly),
    query<SumRow>(
      db,
      sql`SELECT ${bucket(q.grain)} AS period, ${keyOf(q.breakdown)} AS key, ${sums} FROM analytics_sales_daily
           WHERE ${within(q, stores)} GROUP BY 1, 2 ORDER BY 1, 2`,
    ),
  ]);
  const labels = await labelsFor(db, q.breakdown);
  const allKeys = [...new Set([...keys.keys(), ...keysPrev.keys(), ...keysLy.keys()])];
  const rows = allKeys
    .map((key) => ({
      key,
      label: labels.get(key) ?? key,
      current: keys.get(key) ?? figures(undefined),
      previous: keysPrev.get(key) ?? figures(undefined),
      lastYear: keysLy.get(key) ?? figures(undefined),
    }))
    .sort((a, b) => b.current.net - a.current.net || (a.key < b.key ? -1 : 1));
  return {
    from: q.from,
    to: q.to,
    grain: q.grain,
    breakdown: q.breakdown,
    locationIds: stores,
    previous: prev,
    lastYear: ly,
    totals: { current, previous, lastYear: lastYearTotals },
    series: series.map((r) => ({ period: r.period!, ...figures(r) })),
    rows,
    breakdownSeries: parts.map((r) => {
      const f = figures(r);
      return { period: r.period!, key: r.key!, net: f.net, netExcl: f.netExcl, orders: f.orders, units: f.units };
    }),
  };
}

/**
 * What a key is called on screen: a store's or category's own (Japanese) name; a channel is named by the
 * web app's words. '' is "no store" (an order with none) or "no category" (and the shipping fee).
 */
async function labelsFor(db: Executor, b: Breakdown): Promise<Map<string, string>> {
  if (b === 'store')
    return new Map([['', '店舗なし'], ...(await listLocations(db)).map((l) => [l.id, l.name] as [string, string])]);
  if (b === 'category')
    return new Map([
      ['', 'カテゴリなし・送料'],
      ...(await listCategories(db)).map((c) => [c.id, c.name] as [string, string]),
    ]);
  return new Map([
    ['web', 'ウェブ'],
    ['app', 'アプリ'],
    ['store', '店舗'],
    ['line', 'LINE'],
  ]);
}
