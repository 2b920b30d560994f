/**
 * The analytics rollups (analytics_order_sales, analytics_sales_daily, analytics_settled_orders and the
 * settle cursor) for orders written in bulk by the generator, computed set-based: what `settleOrders`
 * (server/src/modules/analytics/rollups.ts) computes order by order, one statement per month of orders,
 * then the day table as one GROUP BY. Replaces whatever the rollups held (a fill from scratch equals
 * settling every order once), and the コホート・累計LTV kept per person with them (filled again from the new
 * per-order rows by the server's own set-based `fillCohorts`, cohort-kept.ts). `checkRollupsAgainstSettle`
 * holds both to the real settle on a database (the settle keeps the cohorts person by person).
 *
 * As a script (after generate-customers.ts):
 *   npx tsx bench/fill-rollups.ts --url postgres://postgres@127.0.0.1:5432/musubi_analytics [--check]
 */
import { pathToFileURL } from 'node:url';
import type pg from 'pg';
import type { Database } from '../server/src/platform/db/connection.ts';
import { openDatabase } from '../server/src/platform/db/connection.ts';
import { migrate } from '../server/src/platform/db/migrate.ts';
import { settleSales } from '../server/src/modules/analytics/rollups.ts';
import { fillCohorts } from '../server/src/modules/analytics/cohort-kept.ts';
import { closeIssuedDays, fillCoupons } from '../server/src/modules/analytics/coupon-kept.ts';

/** The kept cohorts: computed from the per-order rows, so replaced with them. */
const COHORT_TABLES = 'analytics_cohort_months, analytics_cohort_people, analytics_cohort_cells, analytics_ltv_cells';
const COUPON_TABLES =
  'analytics_coupon_uses, analytics_coupon_daily, analytics_coupon_codes_daily, analytics_coupon_fill';

/** Each product's top category ('' when it has none), as settleOrders finds it (the chain's last). */
const TOP_CATEGORY = `
  WITH RECURSIVE up AS (
    SELECT p.id AS product_id, p.category_id AS at, 0 AS depth FROM products p WHERE p.category_id IS NOT NULL
    UNION ALL
    SELECT up.product_id, c.parent_id, up.depth + 1 FROM up JOIN categories c ON c.id = up.at
     WHERE c.parent_id IS NOT NULL AND up.depth < 19)
  SELECT DISTINCT ON (product_id) product_id, at AS top FROM up ORDER BY product_id, depth DESC`;

/**
 * One statement: the contributions of the orders created in [$1, $2) — per (order, top category) the
 * sums of orderSalesSql's per-product rows, the shipping fee on category ''; cancelled orders none; the
 * order counted once, on its first category's row (ids compared bytewise, as the settle's sort does).
 */
const ORDER_SALES = `
  INSERT INTO analytics_order_sales (order_id, category_id, sold_on, location_id, channel, customer_id,
                                     orders, units, gross, discount, returned, net, net_excl)
  SELECT order_id, category_id, sold_on, location_id, channel, customer_id,
         (row_number() OVER (PARTITION BY order_id ORDER BY category_id COLLATE "C") = 1)::int,
         units, gross, discount, returned, gross - returned, net_excl
    FROM (
      SELECT o.id AS order_id, x.category_id,
             (o.created_at AT TIME ZONE 'Asia/Tokyo')::date AS sold_on,
             coalesce(o.location_id, (SELECT f.location_id FROM fulfilments f WHERE f.order_id = o.id ORDER BY f.id LIMIT 1), '') AS location_id,
             o.channel, o.customer_id,
             sum(x.units)::int AS units, sum(x.gross)::bigint AS gross, sum(x.discount)::bigint AS discount,
             sum(x.returned)::bigint AS returned, sum(x.net_excl)::bigint AS net_excl
        FROM orders o
        CROSS JOIN LATERAL (
          SELECT coalesce(tc.top, '') AS category_id, l.quantity - l.returned_quantity AS units, l.total AS gross,
                 l.discount, r.yen AS returned, round((l.total - r.yen) * 100.0 / (100 + l.tax_rate)) AS net_excl
            FROM order_lines l
            CROSS JOIN LATERAL (SELECT floor(l.total::numeric * l.returned_quantity / l.quantity) AS yen) r
            LEFT JOIN top_category tc ON tc.product_id = l.product_id
           WHERE l.order_id = o.id
          UNION ALL
          SELECT '', 0, o.shipping_fee, 0, 0, round(o.shipping_fee * 100.0 / 110) WHERE o.shipping_fee <> 0) x
       WHERE o.created_at >= $1 AND o.created_at < $2 AND o.status <> 'cancelled'
       GROUP BY o.id, x.category_id) c`;

/** Every order with something to count (lines or a shipping fee), cancelled too, as settled at its updated_at. */
const SETTLED = `
  INSERT INTO analytics_settled_orders (order_id, order_updated_at)
  SELECT o.id, o.updated_at FROM orders o
   WHERE o.created_at >= $1 AND o.created_at < $2
     AND (o.shipping_fee <> 0 OR EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id))`;

const DAILY = `
  INSERT INTO analytics_sales_daily (sold_on, location_id, channel, category_id, orders, units, gross, discount,
                                     returned, net, net_excl)
  SELECT sold_on, location_id, channel, category_id, sum(orders), sum(units), sum(gross), sum(discount),
         sum(returned), sum(net), sum(net_excl)
    FROM analytics_order_sales GROUP BY 1, 2, 3, 4`;

/** Fill the rollups from the orders, month by month; answers the orders counted. */
export async function fillRollups(database: Database, log: (m: string) => void = () => {}): Promise<number> {
  if (!database.pool) throw new Error('fillRollups needs a Postgres server');
  const client = await database.pool.connect();
  let counted = 0;
  const step = async (label: string, text: string, params: unknown[] = []) => {
    const t0 = performance.now();
    const r = await client.query(text, params);
    log(`${label}: ${r.rowCount ?? 0} rows, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return r;
  };
  try {
    for (const set of ['statement_timeout = 0', 'jit = off', 'synchronous_commit = off', "work_mem = '256MB'"])
      await client.query(`SET ${set}`);
    // The kept cohorts go with the per-order rows they add up (and their fill mark: filled again below).
    await client.query(
      `TRUNCATE analytics_order_sales, analytics_sales_daily, analytics_settled_orders, analytics_settle_cursor,
                ${COHORT_TABLES}, analytics_cohort_fill, ${COUPON_TABLES}`,
    );
    await client.query(`CREATE TEMP TABLE top_category AS ${TOP_CATEGORY}`);
    await client.query('ALTER TABLE top_category ADD PRIMARY KEY (product_id)');
    await client.query('ANALYZE top_category');
    const { rows } = await client.query<{ first: Date | null; last: Date | null }>(
      'SELECT min(created_at) AS first, max(created_at) AS last FROM orders',
    );
    const first = rows[0]?.first;
    const last = rows[0]?.last;
    if (first && last) {
      const at = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), 1));
      while (at <= last) {
        const to = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
        const month = at.toISOString().slice(0, 7);
        await step(`order sales ${month}`, ORDER_SALES, [at, to]);
        const s = await step(`settled ${month}`, SETTLED, [at, to]);
        counted += s.rowCount ?? 0;
        at.setTime(to.getTime());
      }
      await step('sales daily', DAILY);
      // The backfill walk of the job analytics.settle starts after the last order: nothing left to walk.
      await client.query(
        `INSERT INTO analytics_settle_cursor (name, created_at, order_id)
         SELECT 'orders', created_at, id FROM orders ORDER BY created_at DESC, id DESC LIMIT 1`,
      );
    }
    await client.query('DROP TABLE top_category');
    await step('analyze', 'VACUUM ANALYZE analytics_order_sales, analytics_sales_daily, analytics_settled_orders');
  } finally {
    client.release();
  }
  // コホート・累計LTV kept per person: the server's set-based fill (what its job analytics.cohorts runs once).
  const t0 = performance.now();
  await fillCohorts(database);
  log(`cohorts kept per person: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await database.pool.query(`VACUUM ANALYZE ${COHORT_TABLES}`);
  // クーポン効果 kept per day: the server's set-based fill and the count of the codes of past days.
  const t1 = performance.now();
  await fillCoupons(database);
  await closeIssuedDays(database.db);
  log(`coupon uses kept per day: ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  return counted;
}

const TABLES = {
  analytics_order_sales: 'order_id, category_id',
  analytics_sales_daily: 'sold_on, location_id, channel, category_id',
  analytics_settled_orders: 'order_id',
  analytics_cohort_months: 'scope, person_id, month',
  analytics_cohort_people: 'scope, person_id',
  analytics_cohort_cells: 'scope, cohort, month',
  analytics_ltv_cells: 'scope, cohort, channel, tier',
} as const;

/**
 * The rows compared: a grid's cell the settle moved to nothing (a person left it) stays as a row of zeros,
 * which a read takes as no row; the fill writes none.
 */
const NOT_EMPTY: Partial<Record<keyof typeof TABLES, string>> = {
  analytics_cohort_cells: 'buyers <> 0 OR net <> 0 OR net_excl <> 0',
  analytics_ltv_cells: 'members <> 0 OR orders <> 0 OR net <> 0 OR net_excl <> 0',
};

/**
 * Fill set-based, keep a copy, settle every order again with the server's own settleSales (from an
 * empty rollup), and compare the two table by table. For a small database (the settle walks 500 orders
 * a statement). Answers the differences found (empty: equal).
 */
export async function checkRollupsAgainstSettle(database: Database, log: (m: string) => void = () => {}) {
  await fillRollups(database, log);
  const run = async (text: string) => (await (database.pool as pg.Pool).query(text)).rows;
  for (const t of Object.keys(TABLES)) {
    await run(`DROP TABLE IF EXISTS bench_fill_${t}`);
    await run(`CREATE TABLE bench_fill_${t} AS SELECT * FROM ${t}`);
  }
  // From empty rollups and empty kept cohorts: the settle keeps each person's as it settles her orders.
  await run(
    `TRUNCATE analytics_order_sales, analytics_sales_daily, analytics_settled_orders, analytics_settle_cursor,
              ${COHORT_TABLES}`,
  );
  const t0 = performance.now();
  // One call walks every order (it stops at the walk's last, short batch). Not called until it answers 0:
  // the cursor keeps the last order's created_at to the millisecond, the order has microseconds, so the
  // walk takes the last order(s) again on every run.
  const settled = await settleSales(database.db, { budgetMs: 3_600_000, recentDays: 0 });
  log(`settleSales: ${settled} orders in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const differences: string[] = [];
  for (const [t, key] of Object.entries(TABLES)) {
    // The settle keeps updated_at as a JavaScript Date (milliseconds); the fill keeps the order's own
    // (microseconds), so the job's "changed since settled" sees no change where there was none.
    const cols = t === 'analytics_settled_orders' ? `order_id, date_trunc('milliseconds', order_updated_at)` : '*';
    const where = `WHERE ${NOT_EMPTY[t as keyof typeof TABLES] ?? 'true'}`;
    const [d] = await run(
      `SELECT (SELECT count(*) FROM (SELECT ${cols} FROM ${t} ${where} EXCEPT ALL SELECT ${cols} FROM bench_fill_${t} ${where}) a)::int AS only_settle,
              (SELECT count(*) FROM (SELECT ${cols} FROM bench_fill_${t} ${where} EXCEPT ALL SELECT ${cols} FROM ${t} ${where}) b)::int AS only_fill,
              (SELECT count(*) FROM ${t} ${where})::int AS n`,
    );
    log(`${t} (${key}): ${d.n} rows; only in settle ${d.only_settle}, only in fill ${d.only_fill}`);
    if (d.only_settle || d.only_fill || !d.n) differences.push(`${t}: ${d.only_settle} / ${d.only_fill} of ${d.n}`);
    await run(`DROP TABLE bench_fill_${t}`);
  }
  return differences;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  const url = arg('url') ?? process.env.BENCH_DATABASE_URL;
  if (!url) throw new Error('usage: tsx bench/fill-rollups.ts --url postgres://… [--check]');
  const database = await openDatabase({ databaseUrl: url, poolSize: 2, timeouts: { statementMs: 0 } });
  try {
    await migrate(database);
    const t0 = performance.now();
    if (process.argv.includes('--check')) {
      const diff = await checkRollupsAgainstSettle(database, (m) => console.log(`  · ${m}`));
      console.log(diff.length ? `DIFFERENT: ${diff.join('; ')}` : 'fill equals settle');
      if (diff.length) process.exitCode = 1;
    } else {
      const n = await fillRollups(database, (m) => console.log(`  · ${m}`));
      console.log(`rollups of ${n.toLocaleString('en-US')} orders in ${Math.round((performance.now() - t0) / 1000)} s`);
    }
  } finally {
    await database.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
