/**
 * The HQ dashboards at scale (issue 10 §5): each dashboard's read over HTTP (owner token: sees every
 * store, as head office) against the same question asked of the raw tables (orders, order_lines, returns
 * as the lines' returned quantities; hand-written SQL), on the same database in the same run, rounds
 * alternating, one user at a time and 4 at once. Checks both give the same numbers. Target: ≤ 1 s p95 at
 * 1 M customers / 10 M orders on the Postgres server.
 *
 * BENCH_ANALYTICS_URL=postgres://…/db runs on a database kept between runs (generate-customers.ts, then
 * fill-rollups.ts); without it a small one is generated for the run (5,000 members quick, 50,000 else)
 * and the generator's set-based rollups are first held to the server's own settle (same rows).
 *
 * A new dashboard is one entry of `dashboards`: its HTTP path, its raw-SQL baseline, and the figures
 * both must agree on (each side reduced to the same list of strings).
 */
import {
  check,
  compare,
  figures,
  fmt,
  note,
  percentile,
  printTable,
  quick,
  seconds,
  sqlSide,
  summarize,
  type LoadResult,
  type Outcome,
} from './lib.ts';
import type pg from 'pg';
import type { Database } from '../server/src/platform/db/connection.ts';
import { migrate } from '../server/src/platform/db/migrate.ts';
import { benchWorld, CATALOG_PRODUCTS, generateCustomers, insertCatalog } from './generate-customers.ts';
import { checkRollupsAgainstSettle, fillRollups } from './fill-rollups.ts';
import {
  keepForecasts,
  keepForecastsIfDue,
  keepOmni,
  keepOmniIfDue,
  fillCohortsIfDue,
  fillCoupons,
  closeIssuedDays,
  keepStockouts,
  refitCustomerValue,
  settleSales,
} from '../server/src/modules/analytics/service.ts';
import { ACTIVE, FACTS_365, refreshFacts } from './segments.ts';
import { generateStock } from './generate-stock.ts';
import {
  accuracyOf,
  forecastSeries,
  HISTORY_DAYS,
  HORIZON_DAYS,
  itemsOf,
  japanDay,
  type ForecastAccuracy,
  type ItemForecast,
  type Series,
} from '../server/src/modules/analytics/forecast/demand-forecast.ts';
import {
  planReplenishment,
  SERVICE_LEVELS,
  type Suggestion,
} from '../server/src/modules/analytics/forecast/replenishment.ts';
import { keepRfmGrid, restockRequestsSql } from '../server/src/modules/engagement/service.ts';
import { forgetKeptCoupons, generateCoupons } from './generate-coupons.ts';
import { ONLINE_ISSUE } from '../server/src/modules/analytics/coupons.ts';
import { addDays, japanToday, lastYear, previousPeriod, type Period } from '../server/src/modules/analytics/periods.ts';
import {
  openTarget,
  rawQuery,
  serverUnavailable,
  serverUrl,
  startServer,
  type RunningServer,
  type Target,
  openKeptDatabase,
} from './setup.ts';

const TARGET_MS = 1000;

export interface World {
  /** Today's Japan date (the dashboards' default end). */
  today: string;
  /** A store for the store filter (the busiest). */
  storeId: string;
}

/** One dashboard read: what the API answers and the raw-SQL baseline must agree on. */
export interface Dashboard {
  name: string;
  path: (w: World) => string;
  baseline: (w: World) => { text: string; params: unknown[] };
  /** The figures compared, each side as a sorted list of strings. */
  fromApi: (body: unknown) => string[];
  fromSql: (rows: Array<Record<string, unknown>>) => string[];
  /** What it reads: the sales rollups and the tables kept beside them (default), or the stock side. */
  reads?: 'sales' | 'stock';
  /** A raw side that is more than one statement (the forecast: the history by hand, then the model). */
  raw?: (w: World, run: SqlRun) => Promise<string[]>;
}

// ---------------------------------------------------------------------------------------------------
// Sales: GET /api/analytics/sales

type Grain = 'day' | 'week' | 'month';
type Breakdown = 'channel' | 'store' | 'category';

/** Each product's top category (the chain's root), as the rollups file it. */
const TOP_CATEGORY = `
  up AS (
    SELECT p.id AS product_id, p.category_id AS at, 0 AS depth FROM products p WHERE p.category_id IS NOT NULL
    UNION ALL
    SELECT up.product_id, c.parent_id, up.depth + 1 FROM up JOIN categories c ON c.id = up.at
     WHERE c.parent_id IS NOT NULL AND up.depth < 19),
  top AS (SELECT DISTINCT ON (product_id) product_id, at AS top FROM up ORDER BY product_id, depth DESC)`;

/** The orders placed on Japan dates [$1, $2] (not cancelled): id, Japan date d, channel, store (loc), member. */
const ORDERS_IN = (storeFilter: string) => `
  o AS MATERIALIZED (
    SELECT o.id, o.channel, o.customer_id, o.shipping_fee, (o.created_at AT TIME ZONE 'Asia/Tokyo')::date AS d,
           coalesce(o.location_id,
                    (SELECT f.location_id FROM fulfilments f WHERE f.order_id = o.id ORDER BY f.id LIMIT 1), '') AS loc
      FROM orders o
     WHERE o.status <> 'cancelled'
       AND o.created_at >= ($1::date)::timestamp AT TIME ZONE 'Asia/Tokyo'
       AND o.created_at < ($2::date + 1)::timestamp AT TIME ZONE 'Asia/Tokyo'),
  os AS (SELECT * FROM o ${storeFilter})`;

/**
 * The sales question from the raw tables: per period (current, previous, last year) × key, and per
 * bucket of the current period — orders (once each, on its first category), units net of returns, net
 * sales (lines after discounts less each returned piece's share, plus shipping).
 */
function salesBaseline(p: Period, grain: Grain, breakdown: Breakdown, store: string | null) {
  const prev = previousPeriod(p);
  const ly = lastYear(p);
  const from = [p.from, prev.from, ly.from].sort()[0]!;
  const to = [p.to, prev.to, ly.to].sort()[2]!;
  const key = breakdown === 'channel' ? 'os.channel' : breakdown === 'store' ? 'os.loc' : "coalesce(x.category, '')";
  const bucket =
    grain === 'day' ? `to_char(d, 'YYYY-MM-DD')` : `to_char(date_trunc('${grain}', d::timestamp), 'YYYY-MM-DD')`;
  const text = `
    WITH RECURSIVE ${TOP_CATEGORY},
    ${ORDERS_IN(store ? 'WHERE loc = $9' : '')},
    x AS (
      SELECT os.id, t.tag, os.d, ${key} AS key, sum(x.units) AS units, sum(x.net) AS net
        FROM os
        JOIN (VALUES ('current', $3::date, $4::date), ('previous', $5::date, $6::date), ('lastYear', $7::date, $8::date))
             AS t(tag, f, u) ON os.d BETWEEN t.f AND t.u
        CROSS JOIN LATERAL (
          SELECT top.top AS category, l.quantity - l.returned_quantity AS units,
                 l.total - floor(l.total::numeric * l.returned_quantity / l.quantity) AS net
            FROM order_lines l LEFT JOIN top ON top.product_id = l.product_id
           WHERE l.order_id = os.id
          UNION ALL
          SELECT '', 0, os.shipping_fee WHERE os.shipping_fee <> 0) x
       GROUP BY 1, 2, 3, 4),
    y AS (SELECT *, (row_number() OVER (PARTITION BY id, tag ORDER BY key COLLATE "C") = 1)::int AS first FROM x)
    SELECT 'row' AS kind, tag, key, sum(first) AS orders, sum(units) AS units, sum(net) AS net FROM y GROUP BY tag, key
    UNION ALL
    SELECT 'series', tag, ${bucket}, sum(first), sum(units), sum(net) FROM y WHERE tag = 'current' GROUP BY tag, 3`;
  return { text, params: [from, to, p.from, p.to, prev.from, prev.to, ly.from, ly.to, ...(store ? [store] : [])] };
}

interface SalesBody {
  rows: Array<
    { key: string } & Record<'current' | 'previous' | 'lastYear', { orders: number; units: number; net: number }>
  >;
  series: Array<{ period: string; orders: number; units: number; net: number }>;
}

const line = (...parts: unknown[]) => parts.map((x) => String(Number.isFinite(Number(x)) ? Number(x) : x)).join('|');
const nonZero = (f: { orders: unknown; units: unknown; net: unknown }) =>
  Number(f.orders) !== 0 || Number(f.units) !== 0 || Number(f.net) !== 0;

function salesDashboard(name: string, days: number, grain: Grain, breakdown: Breakdown, withStore: boolean): Dashboard {
  const period = (w: World): Period => ({ from: addDays(w.today, -(days - 1)), to: w.today });
  return {
    name,
    path: (w) => {
      const p = period(w);
      return `/api/analytics/sales?from=${p.from}&to=${p.to}&grain=${grain}&breakdown=${breakdown}${withStore ? `&stores=${w.storeId}` : ''}`;
    },
    baseline: (w) => salesBaseline(period(w), grain, breakdown, withStore ? w.storeId : null),
    fromApi: (body) => {
      const b = body as SalesBody;
      return [
        ...b.rows.flatMap((r) =>
          (['current', 'previous', 'lastYear'] as const)
            .filter((t) => nonZero(r[t]))
            .map((t) => line('row', t, r.key, r[t].orders, r[t].units, r[t].net)),
        ),
        ...b.series.filter(nonZero).map((s) => line('series', 'current', s.period, s.orders, s.units, s.net)),
      ].sort();
    },
    fromSql: (rows) =>
      rows
        .filter((r) => nonZero(r as { orders: unknown; units: unknown; net: unknown }))
        .map((r) => line(r.kind, r.tag, r.key, r.orders, r.units, r.net))
        .sort(),
  };
}

// ---------------------------------------------------------------------------------------------------
// Omni vs single-channel: GET /api/analytics/omni

/** Members' channels in the period and the 365 days before it (retention), from the raw tables. */
function omniBaseline(p: Period, store: string | null) {
  const before = { from: addDays(p.from, -365), to: addDays(p.from, -1) };
  const text = `
    WITH ${ORDERS_IN(store ? 'WHERE loc = $4' : '')},
    m AS (
      SELECT os.customer_id, os.d >= $3::date AS cur, count(DISTINCT os.channel) >= 2 AS omni, count(*) AS orders,
             sum(os.shipping_fee + coalesce((
               SELECT sum(l.total - floor(l.total::numeric * l.returned_quantity / l.quantity))
                 FROM order_lines l WHERE l.order_id = os.id), 0)) AS spend
        FROM os WHERE os.customer_id IS NOT NULL GROUP BY 1, 2)
    SELECT 'group' AS kind, omni, count(*) AS customers, sum(orders) AS orders, sum(spend) AS spend FROM m WHERE cur GROUP BY omni
    UNION ALL
    SELECT 'kept', b.omni, count(*), count(n.customer_id), 0
      FROM m b LEFT JOIN m n ON n.customer_id = b.customer_id AND n.cur WHERE NOT b.cur GROUP BY b.omni`;
  return { text, params: [before.from, p.to, p.from, ...(store ? [store] : [])] };
}

interface OmniGroupBody {
  customers: number;
  orders: number;
  spend: number;
  retention12: number | null;
  retentionBase: number;
}

function omniDashboard(name: string, days: number, withStore: boolean): Dashboard {
  const period = (w: World): Period => ({ from: addDays(w.today, -(days - 1)), to: w.today });
  return {
    name,
    path: (w) => {
      const p = period(w);
      return `/api/analytics/omni?from=${p.from}&to=${p.to}${withStore ? `&stores=${w.storeId}` : ''}`;
    },
    baseline: (w) => omniBaseline(period(w), withStore ? w.storeId : null),
    fromApi: (body) => {
      const b = body as { single: OmniGroupBody; omni: OmniGroupBody };
      return (['single', 'omni'] as const).map((g) =>
        line(g, b[g].customers, b[g].orders, b[g].spend, b[g].retentionBase, b[g].retention12 ?? 'null'),
      );
    },
    fromSql: (rows) =>
      (['single', 'omni'] as const).map((g) => {
        const omni = g === 'omni';
        const r = rows.find((x) => x.kind === 'group' && x.omni === omni);
        const k = rows.find((x) => x.kind === 'kept' && x.omni === omni);
        const base = Number(k?.customers ?? 0);
        const retention = base ? Math.round((Number(k!.orders) / base) * 1000) / 1000 : 'null';
        return line(g, r?.customers ?? 0, r?.orders ?? 0, r?.spend ?? 0, base, retention);
      }),
  };
}

// ---------------------------------------------------------------------------------------------------
// クーポン効果: GET /api/analytics/coupons (uses from generate-coupons.ts)

function couponBaseline(p: Period, store: string | null) {
  const text = `
    WITH u AS MATERIALIZED (
      SELECT r.order_id, r.promotion_id, r.channel, r.amount,
             CASE WHEN cc.issued_for LIKE 'campaign:%' THEN 'campaign'
                  ELSE coalesce(nullif(lower(coalesce(r.issued_channel, c.issued_channel)), ''), 'unknown') END AS issue
        FROM coupon_redemptions r
        JOIN coupons c ON c.id = r.coupon_id
        LEFT JOIN coupon_codes cc ON r.single_use AND cc.code = r.code
       WHERE r.released_at IS NULL
         AND r.created_at >= ($1::date)::timestamp AT TIME ZONE 'Asia/Tokyo'
         AND r.created_at < ($2::date + 1)::timestamp AT TIME ZONE 'Asia/Tokyo'
         ${store ? 'AND r.location_id = $3' : ''}),
    n AS (
      SELECT o.id, o.shipping_fee + coalesce((SELECT sum(l.total - floor(l.total::numeric * l.returned_quantity / l.quantity))
                                                FROM order_lines l WHERE l.order_id = o.id), 0) AS net
        FROM orders o WHERE o.id IN (SELECT order_id FROM u) AND o.status <> 'cancelled')
    SELECT 'use' AS kind, u.promotion_id AS promotion, u.issue, u.channel, count(*) AS a, sum(u.amount) AS b,
           coalesce(sum(n.net), 0) AS c
      FROM u LEFT JOIN n ON n.id = u.order_id GROUP BY 2, 3, 4
    ${
      store
        ? ''
        : `UNION ALL
    SELECT 'issued', c.promotion_id, '', '', count(*), count(cc.redeemed_at), 0
      FROM coupon_codes cc JOIN coupons c ON c.id = cc.coupon_id
     WHERE cc.created_at >= ($1::date)::timestamp AT TIME ZONE 'Asia/Tokyo'
       AND cc.created_at < ($2::date + 1)::timestamp AT TIME ZONE 'Asia/Tokyo'
     GROUP BY 2`
    }`;
  return { text, params: [p.from, p.to, ...(store ? [store] : [])] };
}

function couponDashboard(name: string, days: number, withStore: boolean): Dashboard {
  const period = (w: World): Period => ({ from: addDays(w.today, -(days - 1)), to: w.today });
  type Figures = { redeemed: number; discount: number; sales: number };
  const f = (x: Figures) => [x.redeemed, x.discount, x.sales];
  return {
    name,
    path: (w) => {
      const p = period(w);
      return `/api/analytics/coupons?from=${p.from}&to=${p.to}${withStore ? `&stores=${w.storeId}` : ''}`;
    },
    baseline: (w) => couponBaseline(period(w), withStore ? w.storeId : null),
    fromApi: (body) => {
      const b = body as {
        totals: Figures;
        onlineToStore: Figures;
        channels: Array<Figures & { issueChannel: string; channel: string }>;
        promotions: Array<Figures & { promotionId: string; issued: number | null; used: number | null }>;
      };
      return [
        line('total', ...f(b.totals)),
        line('online→store', ...f(b.onlineToStore)),
        ...b.channels.map((c) => line('channel', c.issueChannel, c.channel, ...f(c))),
        ...b.promotions.map((x) => line('promotion', x.promotionId, ...f(x), x.issued ?? 'null', x.used ?? 'null')),
      ].sort();
    },
    fromSql: (rows) => {
      const zero = () => ({ redeemed: 0, discount: 0, sales: 0 });
      const plus = (a: Figures, r: Record<string, unknown>) => {
        a.redeemed += Number(r.a);
        a.discount += Number(r.b);
        a.sales += Number(r.c);
      };
      const total = zero();
      const o2s = zero();
      const channels = new Map<string, Figures>();
      const promotions = new Map<string, Figures & { issued: number | null; used: number | null }>();
      const promotion = (id: string) =>
        promotions.get(id) ??
        promotions.set(id, { ...zero(), issued: withStore ? null : 0, used: withStore ? null : 0 }).get(id)!;
      for (const r of rows) {
        if (r.kind === 'issued') {
          const x = promotion(String(r.promotion));
          x.issued = Number(r.a);
          x.used = Number(r.b);
          continue;
        }
        plus(total, r);
        if ((ONLINE_ISSUE as readonly string[]).includes(String(r.issue)) && r.channel === 'store') plus(o2s, r);
        const key = `${String(r.issue)}|${String(r.channel)}`;
        plus(channels.get(key) ?? channels.set(key, zero()).get(key)!, r);
        plus(promotion(String(r.promotion)), r);
      }
      return [
        line('total', ...f(total)),
        line('online→store', ...f(o2s)),
        ...[...channels].map(([k, c]) => line('channel', ...k.split('|'), ...f(c))),
        ...[...promotions].map(([id, x]) => line('promotion', id, ...f(x), x.issued ?? 'null', x.used ?? 'null')),
      ].sort();
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// コホート and 累計LTV: GET /api/analytics/cohorts, /api/analytics/ltv (12 cohort months to this one)

/** Each member's counted orders (not cancelled) with their Japan date, channel and net sales, at the store $3 if given. */
const MEMBER_ORDERS = (store: boolean) => `
  po AS MATERIALIZED (
    SELECT o.id, o.customer_id AS person_id, o.channel, (o.created_at AT TIME ZONE 'Asia/Tokyo')::date AS d,
           o.shipping_fee + coalesce((SELECT sum(l.total - floor(l.total::numeric * l.returned_quantity / l.quantity))
                                        FROM order_lines l WHERE l.order_id = o.id), 0) AS net
      FROM orders o
     WHERE o.status <> 'cancelled' AND o.customer_id IS NOT NULL
       ${
         store
           ? `AND coalesce(o.location_id, (SELECT f.location_id FROM fulfilments f WHERE f.order_id = o.id
                                           ORDER BY f.id LIMIT 1), '') = $3`
           : ''
       }),
  firsts AS (SELECT person_id, min(date_trunc('month', d))::date AS cohort FROM po GROUP BY person_id)`;

const cohortPeriod = (w: World): Period => ({ from: `${addDays(w.today, -330).slice(0, 7)}-01`, to: w.today });

function cohortDashboard(name: string, withStore: boolean): Dashboard {
  return {
    name,
    path: (w) => {
      const p = cohortPeriod(w);
      return `/api/analytics/cohorts?from=${p.from}&to=${p.to}${withStore ? `&stores=${w.storeId}` : ''}`;
    },
    baseline: (w) => {
      const p = cohortPeriod(w);
      return {
        text: `WITH ${MEMBER_ORDERS(withStore)}
               SELECT to_char(f.cohort, 'YYYY-MM') AS cohort, to_char(date_trunc('month', po.d), 'YYYY-MM') AS month,
                      count(DISTINCT po.person_id) AS buyers, sum(po.net) AS net
                 FROM firsts f JOIN po ON po.person_id = f.person_id
                WHERE f.cohort BETWEEN date_trunc('month', $1::date) AND date_trunc('month', $2::date)
                GROUP BY 1, 2`,
        params: [p.from, p.to, ...(withStore ? [w.storeId] : [])],
      };
    },
    fromApi: (body) => {
      const b = body as {
        cohorts: Array<{
          month: string;
          members: number;
          cells: Array<{ since: number; buyers: number; net: number }>;
        }>;
      };
      return b.cohorts
        .flatMap((c) => c.cells.filter((x) => x.buyers || x.net).map((x) => line(c.month, x.since, x.buyers, x.net)))
        .sort();
    },
    fromSql: (rows) =>
      rows
        .map((r) => {
          const [cy, cm] = String(r.cohort).split('-').map(Number);
          const [y, m] = String(r.month).split('-').map(Number);
          return line(r.cohort, (y! - cy!) * 12 + (m! - cm!), r.buyers, r.net);
        })
        .sort(),
  };
}

function ltvDashboard(name: string, withStore: boolean): Dashboard {
  return {
    name,
    path: (w) => {
      const p = cohortPeriod(w);
      return `/api/analytics/ltv?from=${p.from}&to=${p.to}${withStore ? `&stores=${w.storeId}` : ''}`;
    },
    baseline: (w) => {
      const p = cohortPeriod(w);
      return {
        text: `WITH ${MEMBER_ORDERS(withStore)},
               m AS (
                 SELECT f.person_id, f.cohort, count(*) AS orders, sum(po.net) AS net,
                        (SELECT p2.channel FROM po p2 WHERE p2.person_id = f.person_id ORDER BY p2.d, p2.id LIMIT 1) AS channel,
                        coalesce((SELECT c.tier FROM customers c WHERE c.id = f.person_id AND ${ACTIVE}), '') AS tier
                   FROM firsts f JOIN po ON po.person_id = f.person_id
                  WHERE f.cohort BETWEEN date_trunc('month', $1::date) AND date_trunc('month', $2::date)
                  GROUP BY f.person_id, f.cohort)
               SELECT dim, key, count(*) AS members, sum(orders) AS orders, sum(net) AS net
                 FROM (SELECT 'channel' AS dim, channel AS key, orders, net FROM m
                       UNION ALL SELECT 'tier', tier, orders, net FROM m
                       UNION ALL SELECT 'cohort', to_char(cohort, 'YYYY-MM'), orders, net FROM m
                       UNION ALL SELECT 'total', '', orders, net FROM m) x
                GROUP BY dim, key`,
        params: [p.from, p.to, ...(withStore ? [w.storeId] : [])],
      };
    },
    fromApi: (body) => {
      type G = { key: string; members: number; orders: number; net: number };
      const b = body as { total: G; byChannel: G[]; byTier: G[]; byCohort: G[] };
      const g = (dim: string, x: G) => line(dim, x.key, x.members, x.orders, x.net);
      return [
        ...(b.total.members ? [g('total', b.total)] : []),
        ...b.byChannel.map((x) => g('channel', x)),
        ...b.byTier.map((x) => g('tier', x)),
        ...b.byCohort.map((x) => g('cohort', x)),
      ].sort();
    },
    fromSql: (rows) => rows.map((r) => line(r.dim, r.key, r.members, r.orders, r.net)).sort(),
  };
}

// ---------------------------------------------------------------------------------------------------
// RFM分析: GET /api/segments/rfm-grid (the segments' own scores over the last 365 days)

/**
 * Each buyer's quintile scores from the orders (cume_dist among every buyer of the 365 days, as rfm.ts
 * defines them), then the active members per recency × frequency cell with their spend.
 */
const rfmDashboard: Dashboard = {
  name: 'RFM grid, 365 days',
  path: () => '/api/segments/rfm-grid',
  baseline: () => ({
    text: `WITH f AS (${FACTS_365}),
                q AS (SELECT customer_id, spend, ceil(cume_dist() OVER (ORDER BY last_at) * 5) AS r,
                             ceil(cume_dist() OVER (ORDER BY orders) * 5) AS f FROM f)
           SELECT q.r, q.f, count(*) AS members, sum(q.spend) AS spend
             FROM q JOIN customers c ON c.id = q.customer_id WHERE ${ACTIVE}
            GROUP BY q.r, q.f`,
    params: [],
  }),
  fromApi: (body) =>
    (body as { cells: Array<{ r: number; f: number; members: number; spend: number }> }).cells
      .map((c) => line(c.r, c.f, c.members, c.spend))
      .sort(),
  fromSql: (rows) => rows.map((c) => line(c.r, c.f, c.members, c.spend)).sort(),
};

// ---------------------------------------------------------------------------------------------------
// 欠品・機会損失: GET /api/analytics/stockouts (the spells kept by the job analytics.stockouts)

/**
 * The stockouts of the Japan dates [$1, $2] from the raw tables: the spells walked from the whole stock
 * ledger (on-hand ≤ 0 until the next movement above 0), each spell's in-stock sales rate over the 28 days
 * before it from the orders (less its earlier spells' days there, at least 7; as `real`, read back as the
 * server reads it), the days out (a day shared by two spells once) and rate × days per variant × location
 * (numeric, exact; rounded to units and yen here, as the report does),
 * and the members' views, refused checkouts and 入荷したら知らせる wishes on those days. $3 is today (an open
 * spell runs to it), $4 the store. Per pair; `stockoutFigures` makes the totals and the ten worst.
 */
export function stockoutBaseline(p: Period, today: string, store: string | null) {
  const text = `
    WITH m AS (
      SELECT variant_id, location_id, created_at AS at, id, on_hand_after <= 0 AS is_out,
             coalesce(lag(on_hand_after <= 0) OVER (PARTITION BY variant_id, location_id ORDER BY created_at, id), false) AS was_out
        FROM stock_movements ${store ? 'WHERE location_id = $4' : ''}),
    c AS (SELECT variant_id, location_id, at, is_out,
                 lead(at) OVER (PARTITION BY variant_id, location_id ORDER BY at, id) AS back_at
            FROM m WHERE is_out <> was_out),
    sp AS MATERIALIZED (
      SELECT variant_id, location_id, at AS out_at, (at AT TIME ZONE 'Asia/Tokyo')::date AS first_day,
             (back_at AT TIME ZONE 'Asia/Tokyo')::date AS last_day
        FROM c WHERE is_out),
    q0 AS MATERIALIZED (
      SELECT sp.*, greatest(first_day, $1::date) AS a, least(coalesce(last_day, $3::date), $2::date) AS b
        FROM sp WHERE first_day <= $2::date AND coalesce(last_day, $3::date) >= $1::date),
    dem AS (
      SELECT l.variant_id, f.location_id, (o.created_at AT TIME ZONE 'Asia/Tokyo')::date AS d, sum(l.quantity) AS units
        FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN fulfilments f ON f.id = l.fulfilment_id
       WHERE o.status <> 'cancelled'
         AND o.created_at >= ((SELECT min(first_day) FROM q0) - 28)::timestamp AT TIME ZONE 'Asia/Tokyo'
         AND o.created_at < (SELECT max(first_day) FROM q0)::timestamp AT TIME ZONE 'Asia/Tokyo'
         ${store ? 'AND f.location_id = $4' : ''}
       GROUP BY 1, 2, 3),
    sold AS (
      SELECT q.variant_id, q.location_id, q.out_at, sum(d.units) AS units
        FROM q0 q JOIN dem d ON d.variant_id = q.variant_id AND d.location_id = q.location_id
                            AND d.d >= q.first_day - 28 AND d.d < q.first_day
       GROUP BY 1, 2, 3),
    out_before AS (
      SELECT q.variant_id, q.location_id, q.out_at,
             sum(greatest(0, least(coalesce(e.last_day, q.first_day - 1), q.first_day - 1)
                             - greatest(e.first_day, q.first_day - 28) + 1)) AS days
        FROM q0 q JOIN sp e ON e.variant_id = q.variant_id AND e.location_id = q.location_id AND e.out_at < q.out_at
                           AND coalesce(e.last_day, q.first_day) >= q.first_day - 28
       GROUP BY 1, 2, 3),
    q AS (
      SELECT q0.*, ((coalesce(sold.units, 0)::real / greatest(7, 28 - coalesce(out_before.days, 0)))::real)::text AS rate_text
        FROM q0 LEFT JOIN sold USING (variant_id, location_id, out_at) LEFT JOIN out_before USING (variant_id, location_id, out_at)),
    s AS (SELECT *, rate_text::float8 AS rate, lag(b) OVER (PARTITION BY variant_id, location_id ORDER BY out_at) AS prev_b FROM q WHERE a <= b),
    d AS (SELECT *, greatest(0, b - CASE WHEN prev_b >= a THEN prev_b + 1 ELSE a END + 1) AS days FROM s),
    pair AS (
      SELECT variant_id, location_id, sum(days) AS days, sum(rate_text::numeric * days) AS lost, max(rate) AS rate,
             bool_or(last_day IS NULL) AS out_now, min(a) AS first, max(b) AS last
        FROM d GROUP BY 1, 2),
    views AS (
      SELECT p.variant_id, p.location_id, count(*) AS n
        FROM pair p
        JOIN variants vr ON vr.id = p.variant_id
        JOIN customer_events e
          ON e.type = 'product_viewed' AND e.customer_id IS NOT NULL AND e.product_id = vr.product_id
         AND e.occurred_at >= p.first::timestamp AT TIME ZONE 'Asia/Tokyo'
         AND e.occurred_at < (p.last + 1)::timestamp AT TIME ZONE 'Asia/Tokyo'
        LEFT JOIN customers cu ON cu.id = e.customer_id AND cu.status = 'active' AND cu.deleted_at IS NULL AND cu.merged_into IS NULL
       WHERE (e.payload->>'variantId' IS NULL OR e.payload->>'variantId' = p.variant_id)
         AND (e.location_id = p.location_id OR cu.home_location_id = p.location_id)
         AND EXISTS (SELECT 1 FROM s WHERE s.variant_id = p.variant_id AND s.location_id = p.location_id
                        AND (e.occurred_at AT TIME ZONE 'Asia/Tokyo')::date BETWEEN s.a AND s.b)
       GROUP BY 1, 2),
    refused AS (
      SELECT p.variant_id, p.location_id, count(*) AS n
        FROM pair p JOIN checkout_refusals r ON r.variant_id = p.variant_id AND r.location_id = p.location_id
       WHERE EXISTS (SELECT 1 FROM s WHERE s.variant_id = p.variant_id AND s.location_id = p.location_id
                        AND r.refused_on BETWEEN s.a AND s.b)
       GROUP BY 1, 2),
    wishes AS (
      SELECT p.variant_id, p.location_id, count(*) AS n
        FROM pair p JOIN restock_wishes w ON w.variant_id = p.variant_id AND w.location_id = p.location_id
       WHERE EXISTS (SELECT 1 FROM s WHERE s.variant_id = p.variant_id AND s.location_id = p.location_id
                        AND (w.created_at AT TIME ZONE 'Asia/Tokyo')::date BETWEEN s.a AND s.b)
       GROUP BY 1, 2)
    SELECT p.variant_id, p.location_id, p.days, p.lost, p.rate, p.out_now, p.first::text AS first, p.last::text AS last,
           vr.price, coalesce(v.n, 0) AS views, coalesce(r.n, 0) AS refused, coalesce(w.n, 0) AS wishes,
           floor(greatest(p.lost, coalesce(r.n, 0)) * 10 + 0.5) / 10 AS lost_units,
           floor(greatest(p.lost, coalesce(r.n, 0)) * vr.price + 0.5)::bigint AS lost_yen
      FROM pair p
      JOIN variants vr ON vr.id = p.variant_id
      LEFT JOIN views v USING (variant_id, location_id)
      LEFT JOIN refused r USING (variant_id, location_id)
      LEFT JOIN wishes w USING (variant_id, location_id)`;
  return { text, params: [p.from, p.to, today, ...(store ? [store] : [])] };
}

type StockoutTotals = Record<
  'stockouts' | 'days' | 'views' | 'refusedCheckouts' | 'restockRequests' | 'lostUnits' | 'lostYen',
  number
>;
interface StockoutLine {
  variantId: string;
  days: number;
  firstDay: string;
  lastDay: string;
  outNow: boolean;
  views: number;
  refusedCheckouts: number;
  restockRequests: number;
  dailyRate: number;
  lostUnits: number;
  lostYen: number;
}
const stockoutTotalsLine = (kind: string, key: string, t: StockoutTotals) =>
  line(kind, key, t.stockouts, t.days, t.views, t.refusedCheckouts, t.restockRequests, t.lostUnits, t.lostYen);
const stockoutRowLine = (store: string, r: StockoutLine) =>
  line(
    'worst',
    store,
    r.variantId,
    r.days,
    r.firstDay,
    r.lastDay,
    r.outNow,
    r.views,
    r.refusedCheckouts,
    r.restockRequests,
    r.dailyRate,
    r.lostUnits,
    r.lostYen,
  );

/** Per pair (the baseline's rows) → each store's totals and ten worst, and the totals, as the report defines them. */
function stockoutFigures(rows: Array<Record<string, unknown>>): string[] {
  const round1 = (n: number) => Math.round(n * 10) / 10;
  const zero = (): StockoutTotals => ({
    stockouts: 0,
    days: 0,
    views: 0,
    refusedCheckouts: 0,
    restockRequests: 0,
    lostUnits: 0,
    lostYen: 0,
  });
  const stores = new Map<string, StockoutLine[]>();
  for (const r of rows) {
    const views = Number(r.views);
    const refused = Number(r.refused);
    const wishes = Number(r.wishes);
    const rate = Number(r.rate);
    if (rate <= 0 && views + refused + wishes === 0) continue;
    const x: StockoutLine = {
      variantId: String(r.variant_id),
      days: Number(r.days),
      firstDay: String(r.first),
      lastDay: String(r.last),
      outNow: Boolean(r.out_now),
      views,
      refusedCheckouts: refused,
      restockRequests: wishes,
      dailyRate: Math.round(rate * 100) / 100,
      lostUnits: Number(r.lost_units),
      lostYen: Number(r.lost_yen),
    };
    const list = stores.get(String(r.location_id)) ?? stores.set(String(r.location_id), []).get(String(r.location_id))!;
    list.push(x);
  }
  const all = zero();
  const out: string[] = [];
  const add = (t: StockoutTotals, r: StockoutLine) => {
    t.stockouts += 1;
    t.days += r.days;
    t.views += r.views;
    t.refusedCheckouts += r.refusedCheckouts;
    t.restockRequests += r.restockRequests;
    t.lostUnits += r.lostUnits;
    t.lostYen += r.lostYen;
  };
  for (const [store, list] of stores) {
    const t = zero();
    for (const r of list) add(t, r);
    for (const r of list) add(all, r);
    t.lostUnits = round1(t.lostUnits);
    out.push(stockoutTotalsLine('store', store, t));
    list.sort(
      (x, y) =>
        y.lostYen - x.lostYen ||
        y.views + y.refusedCheckouts + y.restockRequests - (x.views + x.refusedCheckouts + x.restockRequests) ||
        y.days - x.days ||
        x.variantId.localeCompare(y.variantId),
    );
    for (const r of list.slice(0, 10)) out.push(stockoutRowLine(store, r));
  }
  all.lostUnits = round1(all.lostUnits);
  out.push(stockoutTotalsLine('total', '', all));
  return out.sort();
}

function stockoutDashboard(name: string, days: number, withStore: boolean): Dashboard {
  const period = (w: World): Period => ({ from: addDays(w.today, -(days - 1)), to: w.today });
  return {
    name,
    reads: 'stock',
    path: (w) => {
      const p = period(w);
      return `/api/analytics/stockouts?from=${p.from}&to=${p.to}${withStore ? `&stores=${w.storeId}` : ''}`;
    },
    baseline: (w) => stockoutBaseline(period(w), w.today, withStore ? w.storeId : null),
    fromApi: (body) => {
      const b = body as {
        totals: StockoutTotals;
        stores: Array<{ locationId: string; totals: StockoutTotals; worst: StockoutLine[] }>;
      };
      return [
        stockoutTotalsLine('total', '', b.totals),
        ...b.stores.flatMap((s) => [
          stockoutTotalsLine('store', s.locationId, s.totals),
          ...s.worst.map((r) => stockoutRowLine(s.locationId, r)),
        ]),
      ].sort();
    },
    fromSql: stockoutFigures,
  };
}

// ---------------------------------------------------------------------------------------------------
// 需要予測 and 補充提案: GET /api/analytics/forecast, /forecast/accuracy, /replenishment (the forecast kept
// once a day by the job analytics.forecast). The raw side reads the sales history and the category tree
// by hand from the raw tables and fits the same model (the pure functions of demand-forecast.ts): what
// a view would cost without the kept forecast, and the check that the kept one is the model's answer.

type SqlRun = (text: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>;
const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Units per variant × location × Japan date over `days` days before today, as dense series. */
async function rawSeries(run: SqlRun, days: number, locationId: string | null): Promise<Series[]> {
  const today = japanDay(new Date());
  const first = today - days * DAY_MS;
  const rows = await run(
    `SELECT l.variant_id, l.product_id, f.location_id,
            (o.created_at AT TIME ZONE 'Asia/Tokyo')::date - $1::date AS i, sum(l.quantity)::int AS units
       FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN fulfilments f ON f.id = l.fulfilment_id
      WHERE o.status <> 'cancelled' AND o.created_at >= $1::date::timestamp AT TIME ZONE 'Asia/Tokyo'
        AND o.created_at < $2::date::timestamp AT TIME ZONE 'Asia/Tokyo' ${locationId ? 'AND f.location_id = $3' : ''}
      GROUP BY 1, 2, 3, 4`,
    [isoDay(first), isoDay(today), ...(locationId ? [locationId] : [])],
  );
  const series = new Map<string, Series>();
  for (const r of rows) {
    const key = `${String(r.variant_id)}|${String(r.location_id)}`;
    const s =
      series.get(key) ??
      series
        .set(key, {
          variantId: String(r.variant_id),
          productId: String(r.product_id),
          locationId: String(r.location_id),
          y: new Array<number>(days).fill(0),
        })
        .get(key)!;
    s.y[Number(r.i)]! += Number(r.units);
  }
  return [...series.values()];
}

/** Each product's category and its parents, from the category tree by hand. */
async function rawChains(run: SqlRun): Promise<Map<string, string[]>> {
  const rows = await run(
    `WITH RECURSIVE up AS (
       SELECT p.id AS product_id, p.category_id AS at, 0 AS depth FROM products p WHERE p.category_id IS NOT NULL
       UNION ALL
       SELECT up.product_id, c.parent_id, up.depth + 1 FROM up JOIN categories c ON c.id = up.at
        WHERE c.parent_id IS NOT NULL AND up.depth < 19)
     SELECT product_id, array_agg(at ORDER BY depth) AS chain FROM up GROUP BY 1`,
    [],
  );
  return new Map(rows.map((r) => [String(r.product_id), r.chain as string[]]));
}

/** The forecast of one location from the raw tables (items most in demand first, sd28 as kept: 3 decimals). */
async function rawForecast(run: SqlRun, locationId: string): Promise<ItemForecast[]> {
  const series = await rawSeries(run, HISTORY_DAYS, locationId);
  return itemsOf(await forecastSeries(series, await rawChains(run), HORIZON_DAYS)).map((i) => ({
    ...i,
    sd28: Math.round(i.sd28 * 1000) / 1000,
  }));
}

const forecastLine = (i: { variantId: string; method: string; units: number; last28: number }) =>
  line(i.variantId, i.method, i.units, i.last28);

const forecastDashboard: Dashboard = {
  name: 'forecast, one store (200 items)',
  reads: 'stock',
  path: (w) => `/api/analytics/forecast?locationId=${w.storeId}`,
  baseline: () => ({ text: '', params: [] }),
  raw: async (w, run) => (await rawForecast(run, w.storeId)).slice(0, 200).map(forecastLine),
  fromApi: (body) => (body as { items: ItemForecast[] }).items.map(forecastLine),
  fromSql: () => [],
};

const accuracyLines = (a: ForecastAccuracy) => {
  const row = (kind: string, r: ForecastAccuracy['overall']) =>
    line(
      kind,
      r.key,
      r.units,
      r.wape ?? 'null',
      r.naiveWape ?? 'null',
      r.dailyWape ?? 'null',
      r.dailyNaiveWape ?? 'null',
    );
  return [
    line('period', a.from, a.to),
    line('methods', a.methods.holt_winters, a.methods.category_profile),
    row('overall', a.overall),
    ...a.byLocation.map((r) => row('location', r)),
    ...a.byDepartment.map((r) => row('department', r)),
  ].sort();
};

const accuracyDashboard: Dashboard = {
  name: 'forecast accuracy (WAPE, every location)',
  reads: 'stock',
  path: () => '/api/analytics/forecast/accuracy',
  baseline: () => ({ text: '', params: [] }),
  raw: async (_w, run) =>
    accuracyLines(
      await accuracyOf(
        await rawSeries(run, HISTORY_DAYS + HORIZON_DAYS, null),
        await rawChains(run),
        japanDay(new Date()),
      ),
    ),
  fromApi: (body) => accuracyLines(body as ForecastAccuracy),
  fromSql: () => [],
};

const replenishmentLine = (s: Omit<Suggestion, 'productName' | 'options' | 'jan'>) =>
  line(
    s.variantId,
    s.forecast,
    s.safety,
    s.available,
    s.incoming,
    s.shortfall,
    s.purchase,
    s.transfers.map((t) => `${t.fromLocationId}:${t.km}:${t.quantity}`).join(';'),
  );

const replenishmentDashboard: Dashboard = {
  name: 'replenishment, one store (7 days, 95 %, the 100 largest)',
  reads: 'stock',
  // The screen's first page: the 100 largest shortfalls and how many there are (all of them: the CSV).
  path: (w) => `/api/analytics/replenishment?locationId=${w.storeId}&leadDays=7&serviceLevel=0.95&limit=100`,
  baseline: () => ({ text: '', params: [] }),
  raw: async (w, run) => {
    const items = await rawForecast(run, w.storeId);
    const variantIds = items.map((i) => i.variantId);
    const levels = await run(
      `SELECT variant_id, location_id, greatest(on_hand - reserved, 0) AS available, in_transit
         FROM stock_levels WHERE variant_id = ANY($1::text[])`,
      [variantIds],
    );
    const today = japanDay(new Date());
    const sold = await run(
      `SELECT l.variant_id, f.location_id, sum(l.quantity)::int AS units
         FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN fulfilments f ON f.id = l.fulfilment_id
        WHERE o.status <> 'cancelled' AND l.variant_id = ANY($3::text[])
          AND o.created_at >= $1::date::timestamp AT TIME ZONE 'Asia/Tokyo'
          AND o.created_at < $2::date::timestamp AT TIME ZONE 'Asia/Tokyo'
        GROUP BY 1, 2`,
      [isoDay(today - 28 * DAY_MS), isoDay(today), variantIds],
    );
    const locations = (await run(`SELECT id, name, kind, lat, lng FROM locations WHERE active ORDER BY code`, [])).map(
      (l) => ({ id: String(l.id), name: String(l.name), kind: String(l.kind), lat: Number(l.lat), lng: Number(l.lng) }),
    );
    const all = planReplenishment({
      here: locations.find((l) => l.id === w.storeId)!,
      items,
      levels: levels.map((l) => ({
        variantId: String(l.variant_id),
        locationId: String(l.location_id),
        available: Number(l.available),
        inTransit: Number(l.in_transit),
      })),
      sold: new Map(sold.map((s) => [`${String(s.variant_id)}|${String(s.location_id)}`, Number(s.units)])),
      locations,
      leadDays: 7,
      z: SERVICE_LEVELS['0.95'],
    });
    return [`total ${all.length}`, ...all.slice(0, 100).map(replenishmentLine)].sort();
  },
  fromApi: (body) => {
    const b = body as { total: number; items: Suggestion[] };
    return [`total ${b.total}`, ...b.items.map(replenishmentLine)].sort();
  },
  fromSql: () => [],
};

/** The dashboards' reads. Add one line per new dashboard. */
export const dashboards: Dashboard[] = [
  salesDashboard('sales 30 days by day, by channel', 30, 'day', 'channel', false),
  salesDashboard('sales 30 days by day, by channel, one store', 30, 'day', 'channel', true),
  salesDashboard('sales 90 days by week, by store', 90, 'week', 'store', false),
  salesDashboard('sales 90 days by week, by category, one store', 90, 'week', 'category', true),
  salesDashboard('sales 12 months by month, by category', 365, 'month', 'category', false),
  salesDashboard('sales 12 months by month, by channel, one store', 365, 'month', 'channel', true),
  omniDashboard('omni vs single 30 days', 30, false),
  omniDashboard('omni vs single 12 months', 365, false),
  omniDashboard('omni vs single 12 months, one store', 365, true),
  couponDashboard('coupons 30 days', 30, false),
  couponDashboard('coupons 12 months', 365, false),
  couponDashboard('coupons 12 months, one store', 365, true),
  rfmDashboard,
  cohortDashboard('cohorts 12 months', false),
  cohortDashboard('cohorts 12 months, one store', true),
  ltvDashboard('LTV 12 cohorts', false),
  ltvDashboard('LTV 12 cohorts, one store', true),
  stockoutDashboard('stockouts 30 days', 30, false),
  stockoutDashboard('stockouts 30 days, one store', 30, true),
  stockoutDashboard('stockouts 90 days', 90, false),
  forecastDashboard,
  accuracyDashboard,
  replenishmentDashboard,
];

// ---------------------------------------------------------------------------------------------------

interface Row {
  name: string;
  users: number;
  api: LoadResult;
  sql: LoadResult;
}

export async function benchAnalytics(): Promise<void> {
  console.log('\n## Analytics dashboards: GET /api/analytics/* (rollups) vs the raw tables (hand-written SQL)');
  const why = await serverUnavailable();
  if (why) {
    console.log(`postgres: skipped — server at ${serverUrl} not reachable (${why})`);
    return;
  }
  // BENCH_ANALYTICS_ONLY=omni: the dashboards whose name holds a word; BENCH_ANALYTICS_USERS=1: one user only.
  const only = process.env.BENCH_ANALYTICS_ONLY;
  const selected = dashboards.filter((x) => !only || only.split(',').some((w) => x.name.includes(w)));
  // The stock side (欠品, 需要予測, 補充提案) reads none of the sales rollups or the tables kept beside them:
  // with only those selected, a kept database is not filled with them and their jobs are not run.
  const sales = selected.some((d) => (d.reads ?? 'sales') === 'sales');
  const stock = selected.some((d) => d.reads === 'stock');
  const target = await analyticsTarget(sales);
  let running: RunningServer | undefined;
  try {
    const database = target.database;
    const [sizes] = await rawQuery<{ customers: string; orders: string; lines: string }>(
      database,
      `SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM orders) AS orders,
              (SELECT count(*) FROM order_lines) AS lines`,
    );
    const scale = `${fmt.int(Number(sizes?.customers))} customers, ${fmt.int(Number(sizes?.orders))} orders, ${fmt.int(Number(sizes?.lines))} lines`;
    note(scale);
    // The omni table kept per member for the last 30 days and 12 months (the server's job does this 30 s after
    // start; here before the reads, so they read the kept rows). A day already built: nothing.
    const keepStarted = performance.now();
    if (sales && (await keepOmniIfDue(database)))
      note(`omni kept per member rebuilt in ${fmt.ms(performance.now() - keepStarted)}`);
    // BENCH_ANALYTICS_JOBS=1: each background job that keeps an analytics table, timed once on this database
    // (what one run costs the server at this scale; the daily ones rebuild everything).
    if (process.env.BENCH_ANALYTICS_JOBS === '1') await timeJobs(database, { sales, stock });
    if (stock) {
      // As the jobs analytics.stockouts (every few minutes) and analytics.forecast (once a Japan day) keep them.
      const walk = performance.now();
      const kept = await keepStockouts(database.db, { restockRequestsSql });
      note(
        `stockout spells kept: ${fmt.int(kept.spells)} changed, ${fmt.int(kept.rated)} rated, ${fmt.int(kept.quiet)} quiet, ${fmt.int(kept.signalDays)} signal days, ${fmt.int(kept.months)} month rows in ${fmt.ms(performance.now() - walk)}`,
      );
      // Only for the forecast's own reads (需要予測, accuracy, 補充提案): minutes at chain scale.
      if (selected.some((d) => d.reads === 'stock' && !d.name.startsWith('stockouts'))) {
        const fit = performance.now();
        await keepForecastsIfDue(database.db);
        note(`forecast kept (if not yet today) in ${fmt.ms(performance.now() - fit)}`);
      }
    }
    if (sales) await setUpSales(database);
    running = await startServer(database);
    const [busiest] = await rawQuery<{ id: string }>(
      database,
      sales
        ? `SELECT location_id AS id FROM analytics_sales_daily WHERE location_id <> '' GROUP BY 1 ORDER BY sum(orders) DESC LIMIT 1`
        : `SELECT f.location_id AS id FROM fulfilments f JOIN locations l ON l.id = f.location_id AND l.kind = 'store'
            GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
    );
    const world: World = { today: japanToday(), storeId: busiest?.id ?? '' };
    const client = running.client;
    const pool = database.pool as pg.Pool;
    const apiRead = async (d: Dashboard) => d.fromApi(await client.json('GET', d.path(world), undefined, 200));
    // The baseline on the terms the segment bench gives its own: no JIT (the planner prices the lateral
    // reads huge and would compile each run), 64 MB work_mem.
    const sqlRead = async (d: Dashboard) => {
      const q = d.baseline(world);
      const c = await pool.connect();
      try {
        await c.query("BEGIN; SET LOCAL jit = off; SET LOCAL work_mem = '64MB'");
        const run: SqlRun = async (text, params) =>
          (await c.query(text, params)).rows as Array<Record<string, unknown>>;
        if (d.raw) {
          // Its model runs in between the statements (minutes at scale): no transaction held open across it.
          await c.query('COMMIT');
          return await d.raw(world, async (text, params) => {
            await c.query("BEGIN; SET LOCAL jit = off; SET LOCAL work_mem = '64MB'");
            const rows = await run(text, params);
            await c.query('COMMIT');
            return rows;
          });
        }
        const rows = await run(q.text, q.params);
        await c.query('COMMIT');
        return d.fromSql(rows);
      } catch (err) {
        await c.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        c.release();
      }
    };

    const rows: Row[] = [];
    const userCounts = (process.env.BENCH_ANALYTICS_USERS ?? '1,4').split(',').map(Number);
    for (const d of selected) {
      let api: string[] = [];
      let raw: string[] = ['(not read)'];
      let sqlMs = NaN;
      try {
        // Orders of today may arrive between the two reads on a live database: one retry.
        for (let attempt = 0; attempt < 2 && api.join() !== raw.join(); attempt++) {
          api = await apiRead(d);
          // BENCH_ANALYTICS_SQL=none: the API alone (no baseline, no check).
          if (process.env.BENCH_ANALYTICS_SQL === 'none') raw = api;
          const t0 = performance.now();
          if (process.env.BENCH_ANALYTICS_SQL !== 'none') raw = await sqlRead(d);
          sqlMs = performance.now() - t0;
        }
      } catch (err) {
        check(`analytics: ${d.name}: API and SQL answer`, false, err instanceof Error ? err.message.slice(0, 200) : '');
        continue;
      }
      const firstDiff = api.find((x, i) => x !== raw[i]) ?? raw.find((x) => !api.includes(x));
      check(
        `analytics: ${d.name}: API and SQL agree`,
        api.join() === raw.join() && api.length > 0,
        `${api.length} figures${api.join() === raw.join() ? '' : ` — SQL ${raw.length}; first difference API ${firstDiff} / SQL ${raw[api.indexOf(firstDiff ?? '')] ?? '?'}`}`,
      );
      for (const users of userCounts) {
        const perSide = quick ? seconds.read : seconds.read * 2;
        note(`analytics: ${d.name}, ${users} user${users > 1 ? 's' : ''}, ${perSide} s per side`);
        const viaApi = async (): Promise<Outcome> => ((await apiRead(d)).length > 0 ? true : 'empty');
        const viaSql = async (): Promise<Outcome> => ((await sqlRead(d)).length > 0 ? true : 'empty');
        // BENCH_ANALYTICS_SQL=once: the raw SQL timed once (the check's read) — at 1 M customers it takes
        // minutes a read, too long to repeat for every dashboard on a shared machine.
        const once = ['once', 'none'].includes(process.env.BENCH_ANALYTICS_SQL ?? '');
        const cmp = await compare(
          once ? [sqlSide('api', users, viaApi)] : [sqlSide('api', users, viaApi), sqlSide('sql', users, viaSql)],
          perSide,
        );
        const single: LoadResult = {
          ok: 1,
          failed: 0,
          failures: {},
          latencies: Float64Array.of(sqlMs),
          elapsedMs: sqlMs,
        };
        const a = cmp.get('api');
        const q = once ? single : cmp.get('sql');
        rows.push({ name: d.name, users, api: a, sql: q });
        note(
          `  → API p50 ${fmt.ms(summarize(a).p50)} p95 ${fmt.ms(p95of(a))} p99 ${fmt.ms(summarize(a).p99)}; ` +
            `SQL p50 ${fmt.ms(summarize(q).p50)} p95 ${fmt.ms(p95of(q))} (${a.ok} / ${q.ok} reads)`,
        );
      }
    }
    report(rows, scale, !process.env.BENCH_ANALYTICS_URL);
  } finally {
    await running?.close().catch((err) => note(`close failed: ${String(err)}`));
    await target.dispose().catch((err) => note(`dispose failed: ${String(err)}`));
  }
}

/** What the sales dashboards read besides the rollups, kept as their jobs would before the reads. */
async function setUpSales(database: Database): Promise<void> {
  const fillStarted = performance.now();
  if (await fillCohortsIfDue(database))
    note(`cohorts kept per person filled in ${fmt.ms(performance.now() - fillStarted)}`);
  // クーポン効果 kept per day (the server's job analytics.coupons fills it once, 25 s after start).
  const couponsStarted = performance.now();
  if (await fillCoupons(database))
    note(`coupon uses kept per day filled in ${fmt.ms(performance.now() - couponsStarted)}`);
  await closeIssuedDays(database.db);
  // The members' purchase facts (RFM) as the job orders.purchase_facts keeps them: the generator wrote the
  // orders in bulk, so every member's are stale until refreshed once.
  await refreshFacts(database);
  // RFM分析 as the job engagement.rfm_grid keeps it (with 20,000 buyers or more; fewer: computed per read).
  const gridStarted = performance.now();
  const scored = await keepRfmGrid(database.db);
  note(`RFM grid of ${fmt.int(scored)} buyers computed in ${fmt.ms(performance.now() - gridStarted)}`);
}

async function timeJobs(database: Database, which: { sales: boolean; stock: boolean }): Promise<void> {
  const all: Array<[string, () => Promise<unknown>]> = [
    [
      'analytics.settle (one run: the last two days re-settled)',
      () => settleSales(database.db, { budgetMs: 3_600_000 }),
    ],
    ['analytics.omni (keepOmni: both windows rebuilt)', () => keepOmni(database)],
    [
      'analytics.customer_value (refitCustomerValue: holdout check + fit + every prediction)',
      () => refitCustomerValue(database.db),
    ],
    [
      'analytics.forecast (keepForecasts: every variant × location, 28 days, and the accuracy)',
      () => keepForecasts(database.db),
    ],
    [
      'analytics.stockouts (keepStockouts: the ledger walked)',
      () => keepStockouts(database.db, { restockRequestsSql }),
    ],
    [
      'analytics.stockouts again (keepStockouts: only the pairs moved since, here none; quiet open spells stamped)',
      () => keepStockouts(database.db, { restockRequestsSql }),
    ],
  ];
  const stockJobs = ['analytics.forecast', 'analytics.stockouts'];
  const jobs = all.filter(([name]) => (stockJobs.some((j) => name.startsWith(j)) ? which.stock : which.sales));
  for (const [name, run] of jobs) {
    const t0 = performance.now();
    try {
      const out = await run();
      note(
        `job ${name}: ${fmt.ms(performance.now() - t0)}${name.startsWith('analytics.stockouts') ? ` ${JSON.stringify(out)}` : ''}`,
      );
    } catch (err) {
      check(`analytics: job ${name} runs`, false, err instanceof Error ? err.message.slice(0, 200) : String(err));
    }
  }
}

/** The kept database BENCH_ANALYTICS_URL names, or a small one generated now (its rollups checked against the settle). */
async function analyticsTarget(sales: boolean): Promise<Target> {
  const url = process.env.BENCH_ANALYTICS_URL;
  if (url) {
    const database = await openKeptDatabase(url);
    note(`on ${new URL(url).pathname.slice(1)} (BENCH_ANALYTICS_URL): kept, not generated`);
    // Once: the stock side of the orders (fulfilments, ledger, stockouts and their demand; generate-stock.ts).
    const stockStarted = performance.now();
    if (await generateStock(database, note))
      note(`stock side generated in ${((performance.now() - stockStarted) / 1000).toFixed(0)} s`);
    if (!sales) return { name: 'postgres', database, dispose: () => database.close() };
    const [r] = await rawQuery<{ n: number }>(database, 'SELECT count(*)::int AS n FROM analytics_settled_orders');
    if (!Number(r?.n)) {
      note('rollups empty: filling them (fill-rollups.ts)');
      await fillRollups(database, note);
    }
    // Once: a database that has the bench's coupons keeps them. New uses written in bulk: the kept
    // クーポン効果 is filled again below.
    if (await generateCoupons(database, note)) await forgetKeptCoupons(database);
    return { name: 'postgres', database, dispose: () => database.close() };
  }
  const target = await openTarget('postgres');
  await migrate(target.database);
  const customers = quick ? 5_000 : 50_000;
  const t0 = performance.now();
  const world = await benchWorld(target.database, () => insertCatalog(target.database, CATALOG_PRODUCTS));
  await generateCustomers(target.database, { customers, events: customers }, world);
  await varyOrders(target.database);
  await generateStock(target.database);
  await generateCoupons(target.database, note);
  note(`${fmt.int(customers)} members generated in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const differences = await checkRollupsAgainstSettle(target.database, note);
  check(
    'analytics: generator rollups (fill-rollups.ts) equal the server settle',
    !differences.length,
    differences.join('; '),
  );
  return target;
}

/**
 * What the generator's orders lack, on a share of them, so the fill is checked on it too: a shipping
 * fee (web orders, 1 in 4), a line discount (1 in 10 lines), a web order fulfilled from a store.
 */
async function varyOrders(database: Database): Promise<void> {
  await rawQuery(
    database,
    `UPDATE order_lines SET discount = 100, total = total - 100 WHERE hashtext(id) % 10 = 0 AND total > 100`,
  );
  await rawQuery(database, `UPDATE orders SET shipping_fee = 550 WHERE channel = 'web' AND hashtext(id) % 4 = 0`);
  await rawQuery(
    database,
    `INSERT INTO fulfilments (id, order_id, type, location_id, status)
     SELECT 'ful' || substr(o.id, 4), o.id, 'pickup', (SELECT id FROM locations WHERE kind = 'store' ORDER BY code LIMIT 1), 'completed'
       FROM orders o WHERE o.channel = 'app' AND hashtext(o.id) % 5 = 0`,
  );
}

const pct = (r: LoadResult, p: number) => percentile(Float64Array.from(r.latencies).sort(), p);
const p95of = (r: LoadResult) => pct(r, 95);

function report(rows: Row[], scale: string, small: boolean): void {
  printTable(
    `Analytics dashboards: API (rollups) vs raw tables (postgres, ${scale})`,
    ['dashboard', 'users', 'API p50', 'API p95', 'API p99', 'SQL p50', 'SQL p95', 'SQL / API p50', 'runs'],
    rows.map((r) => {
      const a = summarize(r.api);
      const s = summarize(r.sql);
      return [
        r.name,
        String(r.users),
        fmt.ms(a.p50),
        fmt.ms(pct(r.api, 95)),
        fmt.ms(a.p99),
        fmt.ms(s.p50),
        fmt.ms(pct(r.sql, 95)),
        `${(s.p50 / a.p50).toFixed(1)} ×`,
        `${a.ok} / ${s.ok}`,
      ];
    }),
  );
  for (const r of rows) {
    const a = summarize(r.api);
    const s = summarize(r.sql);
    const p95 = pct(r.api, 95);
    figures.push({
      bench: 'analytics',
      what: `${r.name}, ${r.users} user${r.users > 1 ? 's' : ''}, ${scale}`,
      value: `p50 ${fmt.ms(a.p50)} / p95 ${fmt.ms(p95)} / p99 ${fmt.ms(a.p99)}`,
      baseline: `raw SQL p50 ${fmt.ms(s.p50)} / p95 ${fmt.ms(pct(r.sql, 95))}`,
      ratio: `${(s.p50 / a.p50).toFixed(1)} × faster (SQL p50 / API p50)`,
      target: `≤ 1 s p95 ${p95 <= TARGET_MS ? 'met' : 'MISSED'}${small ? ' (small data; the target is for 1 M / 10 M)' : ''}`,
    });
    check(
      `analytics: ${r.name}, ${r.users} users: no failed reads`,
      r.api.failed === 0 && r.sql.failed === 0,
      `${fmt.failures(r.api.failures)} / ${fmt.failures(r.sql.failures)}`,
    );
  }
}
