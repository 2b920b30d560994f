/**
 * The stock side of the generated orders (generate-customers.ts), for the 欠品・機会損失 and 需要予測・補充提案
 * benchmarks: what drives those reads is variants × locations × days, the stock ledger and the demand
 * signals, not the number of members. Over the last `days` days (default 217: the forecast's 26 weeks of
 * history and 4 held-out weeks, plus the 28 days a stockout's sales rate looks back):
 *
 * - each order gets the fulfilment its lines already name (`ful…`): a till sale at its store, an online
 *   order shipped from the warehouse or, one in four, picked up at a store — so the demand lands on a
 *   location, as the forecast reads it;
 * - the orders move stock: every line a `sale` movement at its fulfilment's location, and every 14 days a
 *   `receipt` topping each sold variant × location up to what that fortnight sells plus 2–5 units. One
 *   fortnight in eight of a pair is short (it receives only what the fortnight sells): the last sale empties
 *   the shelf and it stays out until the next receipt — a stockout spell, some still open now. The ledger
 *   never goes below zero: no sale happens while out;
 * - while out, demand: on one spell in two two members' product views at the store (app), on one in three
 *   1–3 checkouts refused (`checkout_refusals`), on one in four a 入荷したら知らせる wish;
 * - `stock_levels.on_hand` is the ledger's last on-hand.
 *
 * Set-based SQL (no round trip per row); the ledger's secondary indexes are built once after the load.
 * As a script on a generated database (once; a second run adds nothing):
 *   npx tsx bench/generate-stock.ts --url postgres://postgres@127.0.0.1:5432/musubi_analytics [--days 217]
 */
import { pathToFileURL } from 'node:url';
import type pg from 'pg';
import type { Database } from '../server/src/platform/db/connection.ts';
import { openDatabase } from '../server/src/platform/db/connection.ts';
import { migrate } from '../server/src/platform/db/migrate.ts';

export const STOCK_DAYS = 217;
const PERIOD_DAYS = 14;

/** Generate the stock side of the last `days` days' orders; false when the ledger already has bench rows. */
export async function generateStock(
  database: Database,
  log: (message: string) => void = () => {},
  opts: { days?: number } = {},
): Promise<boolean> {
  if (!database.pool) throw new Error('generateStock needs a Postgres server');
  const days = opts.days ?? STOCK_DAYS;
  const client = await database.pool.connect();
  const run = async (label: string, text: string, params: unknown[] = []) => {
    const t0 = performance.now();
    const config: pg.QueryConfig & { query_timeout: number } = { text, values: params, query_timeout: 3_600_000 };
    const r = await client.query(config);
    if (label)
      log(
        `${label}${r.rowCount ? `: ${r.rowCount.toLocaleString('en-US')} rows` : ''} (${Math.round(performance.now() - t0)} ms)`,
      );
    return r.rows as Array<Record<string, unknown>>;
  };
  try {
    for (const set of ['statement_timeout = 0', 'jit = off', 'synchronous_commit = off', "work_mem = '256MB'"])
      await client.query(`SET ${set}`);
    const [done] = await run(
      '',
      `SELECT EXISTS (SELECT 1 FROM stock_movements WHERE id LIKE 'mvb\\_%') AS ledger,
              EXISTS (SELECT 1 FROM customer_events WHERE id LIKE 'bsv-%') AS signals`,
    );
    if (done?.signals) return false;
    if (!done?.ledger) await ledger();
    await signals();
    return true;
  } finally {
    client.release(true); // closed, not returned: the server's pool must not inherit these settings
  }

  async function ledger() {
    const [wh] = await run('', `SELECT id FROM locations WHERE kind = 'warehouse' ORDER BY code LIMIT 1`);
    const stores = (await run('', `SELECT id FROM locations WHERE kind = 'store' ORDER BY code`)).map((r) => r.id);
    // The first receipt: a Japan day's 07:00, `days` days ago; periods of 14 days from it.
    const [t] = await run(
      '',
      `SELECT ((((now() AT TIME ZONE 'Asia/Tokyo')::date - $1::int) + time '07:00') AT TIME ZONE 'Asia/Tokyo') AS t0`,
      [days],
    );
    const t0 = t!.t0 as Date;
    await run(
      'fulfilments of the orders',
      `INSERT INTO fulfilments (id, order_id, type, location_id, status, completed_at, updated_at)
       SELECT 'ful' || substr(o.id, 4), o.id,
              CASE WHEN o.channel = 'store' THEN 'instore' WHEN abs(hashtext(o.id)) % 4 = 0 THEN 'pickup' ELSE 'ship' END,
              CASE WHEN o.channel = 'store' THEN o.location_id
                   WHEN abs(hashtext(o.id)) % 4 = 0 THEN ($2::text[])[1 + abs(hashtext(o.id || 's')) % array_length($2::text[], 1)]
                   ELSE $3 END,
              CASE o.status WHEN 'cancelled' THEN 'cancelled' WHEN 'completed' THEN 'completed' ELSE 'placed' END,
              CASE WHEN o.status = 'completed' THEN o.created_at END, o.created_at
         FROM orders o
        WHERE o.created_at >= $1
       ON CONFLICT (id) DO NOTHING -- one given already (analytics.ts's varyOrders) is kept`,
      [t0, stores, wh!.id],
    );
    await run(
      'sales of the period',
      `CREATE TEMP TABLE gs_sales AS
       SELECT l.variant_id AS v, f.location_id AS loc, o.created_at AS at, l.id AS lid, o.id AS oid, l.quantity AS q,
              floor(extract(epoch FROM o.created_at - $1::timestamptz) / ${PERIOD_DAYS * 86400})::int AS k
         FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN fulfilments f ON f.id = l.fulfilment_id
        WHERE o.created_at >= $1 AND o.created_at < now() AND o.status <> 'cancelled'`,
      [t0],
    );
    // Each pair's fortnights with sales: what they sell (r), whether short, its stock after the receipt.
    await run(
      'fortnights',
      `CREATE TEMP TABLE gs_period AS
       SELECT *, lag(end_stock, 1, 0) OVER w AS prior,
              lead(k) OVER w AS next_k
         FROM (SELECT v, loc, k, r, last_at, short, lvl,
                      CASE WHEN short THEN r ELSE lvl + r END AS start_stock,
                      CASE WHEN short THEN 0 ELSE lvl END AS end_stock
                 FROM (SELECT v, loc, k, sum(q)::int AS r, max(at) AS last_at, abs(hashtext(v || loc || k)) % 8 = 0 AS short,
                              2 + abs(hashtext(v || loc)) % 4 AS lvl
                         FROM gs_sales GROUP BY v, loc, k) p) p
       WINDOW w AS (PARTITION BY v, loc ORDER BY k)`,
    );
    await run('', 'ANALYZE gs_sales, gs_period');
    const indexes = (await run(
      '',
      `SELECT indexname AS name, indexdef AS ddl FROM pg_indexes
        WHERE tablename = 'stock_movements' AND schemaname = current_schema() AND indexname <> 'stock_movements_pkey'`,
    )) as Array<{ name: string; ddl: string }>;
    for (const i of indexes) await run('', `DROP INDEX IF EXISTS "${i.name}"`);
    await run(
      'receipts',
      `INSERT INTO stock_movements (id, variant_id, location_id, kind, quantity, on_hand_after, reason, staff_id, created_at)
       SELECT 'mvr_' || k || '_' || v || '_' || loc, v, loc, CASE WHEN start_stock > prior THEN 'receipt' ELSE 'adjustment' END,
              start_stock - prior, start_stock, '定期補充', 'stf_bootstrap',
              $1::timestamptz + make_interval(days => k * ${PERIOD_DAYS})
         FROM gs_period WHERE start_stock <> prior`,
      [t0],
    );
    await run(
      'sales',
      `INSERT INTO stock_movements (id, variant_id, location_id, kind, quantity, on_hand_after, reference, created_at)
       SELECT 'mvb_' || s.lid, s.v, s.loc, 'sale', -s.q,
              p.start_stock - sum(s.q) OVER (PARTITION BY s.v, s.loc, s.k ORDER BY s.at, s.lid ROWS UNBOUNDED PRECEDING),
              s.oid, s.at
         FROM gs_sales s JOIN gs_period p USING (v, loc, k)`,
    );
    for (const i of indexes) await run(`index ${i.name}`, i.ddl);
    await run(
      'stock levels as the ledger left them',
      `INSERT INTO stock_levels (variant_id, location_id, on_hand)
       SELECT DISTINCT ON (v, loc) v, loc, end_stock FROM gs_period ORDER BY v, loc, k DESC
       ON CONFLICT (variant_id, location_id) DO UPDATE SET on_hand = excluded.on_hand`,
    );
    for (const t of ['gs_period', 'gs_sales']) await client.query(`DROP TABLE ${t}`);
  }

  /** The spells (a short fortnight's last sale until the next receipt), read back from the ledger, and the demand while out. */
  async function signals() {
    await run(
      'spells',
      `CREATE TEMP TABLE gs_spell AS
       SELECT m.variant_id AS v, m.location_id AS loc, extract(epoch FROM m.created_at)::bigint AS k, m.created_at AS out_at,
              (SELECT min(n.created_at) FROM stock_movements n
                WHERE n.variant_id = m.variant_id AND n.location_id = m.location_id AND n.created_at > m.created_at
                  AND n.on_hand_after > 0) AS back_at,
              abs(hashtext(m.id))::bigint AS h, vr.product_id AS pid
         FROM stock_movements m JOIN variants vr ON vr.id = m.variant_id
        WHERE m.id LIKE 'mvb\\_%' AND m.on_hand_after = 0`,
    );
    const [members] = await run('', `SELECT count(*)::int AS n FROM customers WHERE id LIKE 'cus\\_b%'`);
    const n = Math.max(1, Number(members?.n));
    const member = (salt: string) => `'cus_b' || lpad(((h + ${salt}) % ${n})::text, 9, '0')`;
    const within = (at: string) => `${at} < now() AND (back_at IS NULL OR ${at} < back_at)`;
    await run(
      'views while out',
      `INSERT INTO customer_events (id, type, occurred_at, received_at, channel, customer_id, location_id, source, payload)
       SELECT 'bsv-' || v || '-' || loc || '-' || k || '-' || j, 'product_viewed', out_at + make_interval(hours => 1 + 4 * j),
              now(), 'app', ${member('j * 7919')}, loc, 'customer', jsonb_build_object('productId', pid, 'variantId', v)
         FROM gs_spell CROSS JOIN generate_series(0, 1) AS j
        WHERE h % 2 = 0 AND ${within('out_at + make_interval(hours => 1 + 4 * j)')}`,
    );
    await run(
      'checkouts refused while out',
      `INSERT INTO checkout_refusals (refused_on, variant_id, location_id, cart_id, refused_at)
       SELECT ((out_at + interval '2 hours') AT TIME ZONE 'Asia/Tokyo')::date, v, loc, 'crt_bench_' || k || '_' || h || '_' || j,
              out_at + interval '2 hours'
         FROM gs_spell CROSS JOIN LATERAL generate_series(1, 1 + h % 3) AS j
        WHERE h % 3 = 0 AND ${within("out_at + interval '2 hours'")}
       ON CONFLICT DO NOTHING`,
    );
    await run(
      '入荷したら知らせる wishes while out',
      `INSERT INTO restock_wishes (id, customer_id, variant_id, location_id, created_at, notified_at)
       SELECT 'rsw_b' || k || '_' || v || '_' || loc, ${member('13')}, v, loc, out_at + interval '3 hours', back_at
         FROM gs_spell
        WHERE h % 4 = 0 AND ${within("out_at + interval '3 hours'")}
       ON CONFLICT DO NOTHING`,
    );
    const [spells] = await run(
      '',
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE back_at IS NULL)::int AS open FROM gs_spell`,
    );
    log(
      `${Number(spells?.n).toLocaleString('en-US')} stockout spells (${Number(spells?.open).toLocaleString('en-US')} still out)`,
    );
    await client.query('DROP TABLE gs_spell');
    await run(
      'vacuum analyze',
      'VACUUM ANALYZE stock_movements, stock_levels, fulfilments, customer_events, checkout_refusals, restock_wishes',
    );
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  const url = arg('url') ?? process.env.BENCH_DATABASE_URL;
  if (!url) throw new Error('usage: tsx bench/generate-stock.ts --url postgres://… [--days 217]');
  const database = await openDatabase({ databaseUrl: url, poolSize: 2 });
  try {
    await migrate(database);
    const t0 = performance.now();
    const made = await generateStock(database, (m) => console.log(`  · ${m}`), {
      days: Number(arg('days') ?? STOCK_DAYS),
    });
    console.log(
      made ? `stock generated in ${Math.round((performance.now() - t0) / 1000)} s` : 'stock already generated',
    );
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
