/**
 * Fill a Postgres database with many members and their timeline, fast, with generate_series (no
 * round trip per row): customers (a home store, most a birthday), their identifiers (member number,
 * phone, half of them a device), points (entries and their lots), marketing consents for a share of
 * them, about three orders each over two years in every channel (skewed: many 0–1, a few dozen), a few
 * holds and notes, and events spread over a year with a mild skew (a few members are much busier than
 * most, as in a real shop). Pseudo-random picks of orders come from hashint8, so a run is reproducible.
 *
 * As a script (the database must exist; the schema is migrated first):
 *   npx tsx bench/generate-customers.ts --url postgres://postgres@127.0.0.1:5432/musubi --customers 1000000 --events 20000000
 * Ids are cus_b<n>, phones +8190<n>; the demo location and products are created when the database has none.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import type pg from 'pg';
import type { Database } from '../server/src/platform/db/connection.ts';
import { openDatabase } from '../server/src/platform/db/connection.ts';
import { migrate } from '../server/src/platform/db/migrate.ts';
import { newId } from '../server/src/platform/ids.ts';
import { createLocations, rawQuery } from './setup.ts';
import { generateOrders, ORDERS_PER_MEMBER, unit, type OrderShape } from './generate-orders.ts';

export interface Scale extends OrderShape {
  customers: number;
  events: number;
  /** Stock rows for every variant × location (default); false: the caller stocks its own (generate-chain.ts). */
  stockEverywhere?: boolean;
}

/** What the generated rows point at; `productOfVariant[i]` is variant i's product (default: 100 variants a product). */
export interface World {
  locationIds: string[];
  variantIds: string[];
  productIds: string[];
  storeIds?: string[];
  productOfVariant?: string[];
}

export const productsOfVariants = (world: World): string[] =>
  world.productOfVariant ?? world.variantIds.map((_, i) => world.productIds[Math.floor(i / 100)]!);

/** BENCH_SCALE=full: a large chain. Default: runs in well under two minutes. BENCH_QUICK: a smoke run. */
export function scaleFromEnv(quick: boolean): Scale {
  if (process.env.BENCH_SCALE === 'full') return { customers: 1_000_000, events: 20_000_000 };
  return quick ? { customers: 20_000, events: 400_000 } : { customers: 100_000, events: 2_000_000 };
}

/** Products of 100 variants each: 20,000 variants, a mid-size fashion catalog (stock at 9 locations: 180,000 rows). */
export const CATALOG_PRODUCTS = 200;

export const benchCustomerId = (n: number) => `cus_b${String(n).padStart(9, '0')}`;
export const benchPhone = (n: number) => `+8190${String(n).padStart(8, '0')}`;

const FAMILY = ['佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺', '山本', '中村', '小林', '加藤'];
const GIVEN = ['愛子', '健太', '花子', '蓮', '美咲', '翔', '陽菜', '大翔', '結衣', '悠真'];

/**
 * Generate `scale` into `database` (a Postgres server: generate_series at this size is not for PGlite).
 * `variantIds` are the products events point at; `locationIds` where store events, stock and holds are.
 */
export async function generateCustomers(
  database: Database,
  scale: Scale,
  world: World,
  log: (message: string) => void = () => {},
  opts: { renice?: boolean } = {},
): Promise<void> {
  if (!database.pool) throw new Error('generateCustomers needs a Postgres server');
  // One connection of its own: no statement timeout (a chunk of millions of rows on a busy machine can
  // run past the server's 15 s), and no JIT — the planner cannot know how many rows a generate_series
  // per member gives, guesses billions, and would spend a second compiling each statement.
  const client = await database.pool.connect();
  try {
    for (const set of ['statement_timeout = 0', 'jit = off', 'synchronous_commit = off'])
      await client.query(`SET ${set}`);
    if (opts.renice) await reniceBackend(client, log);
    const hour = 3_600_000; // the pool's client-side read timeout, lifted too
    await generate(
      async (text, params = []) => {
        const config: pg.QueryConfig & { query_timeout: number } = { text, values: params, query_timeout: hour };
        return (await client.query(config)).rows;
      },
      scale,
      world,
      log,
    );
  } finally {
    client.release(true); // closed, not returned: the server's pool must not inherit these settings
  }
}

/** Lower the priority of this connection's server process as the script's (nice -n 10): best effort. */
export async function reniceBackend(client: pg.PoolClient | pg.Client, log: (m: string) => void): Promise<void> {
  const nice = os.getPriority();
  if (nice <= 0) return;
  try {
    const [row] = (await client.query('SELECT pg_backend_pid() AS pid')).rows as Array<{ pid: number }>;
    execFileSync('renice', ['-n', String(nice), '-p', String(row!.pid)], { stdio: 'ignore' });
    log(`server process ${row!.pid} reniced to ${nice}`);
  } catch {
    /* not allowed here: the server's side runs at its own priority */
  }
}

async function generate(
  sqlRun: (text: string, params?: unknown[]) => Promise<unknown[]>,
  scale: Scale,
  world: World,
  log: (message: string) => void,
): Promise<void> {
  const step = async (label: string, work: () => Promise<unknown>) => {
    const t0 = performance.now();
    await work();
    log(`${label} (${Math.round(performance.now() - t0)} ms)`);
  };
  const N = scale.customers;
  const stores = world.storeIds ?? world.locationIds;

  await step(`${N.toLocaleString('en-US')} customers`, () =>
    sqlRun(
      // Home stores are skewed (the first stores are the big ones); one member in six gave no birthday.
      `INSERT INTO customers (id, member_number, name, name_kana, search_key, tier, created_at, home_location_id, birthday)
       SELECT 'cus_b' || lpad(i::text, 9, '0'), '9' || lpad(i::text, 12, '0'),
              ($2::text[])[1 + i % 10] || ' ' || ($3::text[])[1 + (i / 10) % 10], NULL, '',
              CASE WHEN i % 20 = 0 THEN 'gold' WHEN i % 20 < 4 THEN 'silver' ELSE 'regular' END,
              now() - make_interval(days => i % 1500),
              ($4::text[])[1 + floor(array_length($4::text[], 1) * power(${unit('i::bigint * 16 + 1')}, 1.5))::int],
              CASE WHEN i % 6 <> 5 THEN date '1950-01-01' + floor(${unit('i::bigint * 16 + 2')} * 20000)::int END
         FROM generate_series(0, $1::int - 1) AS i`,
      [N, FAMILY, GIVEN, stores],
    ),
  );
  await step('identifiers (member number, phone, device for half)', () =>
    sqlRun(
      `INSERT INTO customer_identifiers (kind, value, customer_id)
       SELECT k.kind, CASE k.kind WHEN 'member_number' THEN '9' || lpad(i::text, 12, '0')
                                  WHEN 'phone' THEN '+8190' || lpad(i::text, 8, '0')
                                  ELSE 'bench-device-' || i END,
              'cus_b' || lpad(i::text, 9, '0')
         FROM generate_series(0, $1::int - 1) AS i
         CROSS JOIN (VALUES ('member_number'), ('phone'), ('device')) AS k(kind)
        WHERE k.kind <> 'device' OR i % 2 = 0`,
      [N],
    ),
  );
  await step('points (3 entries each)', () =>
    sqlRun(
      `INSERT INTO point_entries (id, customer_id, kind, points, reference, created_at)
       SELECT 'pte_b' || i || '_' || j, 'cus_b' || lpad(i::text, 9, '0'), CASE WHEN j = 2 THEN 'redeem' ELSE 'earn' END,
              CASE WHEN j = 2 THEN -50 ELSE 100 + (i % 7) * 10 END, 'bench-' || j, now() - make_interval(days => j * 30)
         FROM generate_series(0, $1::int - 1) AS i CROSS JOIN generate_series(0, 2) AS j`,
      [N],
    ),
  );
  // The lots behind the two earn entries (j = 0, 1): the older half spent by the redemption, and for one
  // member in ten already expired, so balances differ from member to member.
  await step('point lots (2 each)', () =>
    sqlRun(
      `INSERT INTO point_lots (id, customer_id, entry_id, points, remaining, earned_at, expires_at)
       SELECT 'lot_b' || i || '_' || j, 'cus_b' || lpad(i::text, 9, '0'), 'pte_b' || i || '_' || j, 100 + (i % 7) * 10,
              CASE WHEN j = 1 THEN 50 + (i % 7) * 10 ELSE 100 + (i % 7) * 10 END, now() - make_interval(days => j * 30),
              CASE WHEN j = 1 AND i % 10 = 0 THEN now() - interval '1 day' ELSE now() - make_interval(days => j * 30) + interval '365 days' END
         FROM generate_series(0, $1::int - 1) AS i CROSS JOIN generate_series(0, 1) AS j`,
      [N],
    ),
  );
  // Marketing consents: e-mail for ~45 %, LINE ~30 %, push ~35 % (one in ten of those since withdrawn), SMS none.
  await step('marketing consents', () =>
    sqlRun(
      `INSERT INTO customer_consents (customer_id, channel, purpose, granted, updated_at)
       SELECT 'cus_b' || lpad(i::text, 9, '0'), c.channel, 'marketing', ${unit('i::bigint * 16 + 8 + c.k')} >= 0.1,
              now() - make_interval(days => (i % 700))
         FROM generate_series(0, $1::int - 1) AS i
         CROSS JOIN (VALUES ('email', 1, 0.45), ('line', 2, 0.30), ('push', 3, 0.35)) AS c(channel, k, share)
        WHERE ${unit('i::bigint * 16 + 4 + c.k')} < c.share`,
      [N],
    ),
  );
  await generateOrders(sqlRun, step, N, { ...world, storeIds: stores }, scale);
  // Holds: one reservation per 10 members, a tenth of them still active (the rest history, as in a real shop).
  await step('reservations (1 per 10 members, 10 % active)', () =>
    sqlRun(
      `WITH r AS (
         INSERT INTO reservations (id, status, reason, reference, expires_at, created_by, created_at)
         SELECT 'rsv_b' || i, CASE WHEN i % 10 = 0 THEN 'active' ELSE 'committed' END, 'hold', 'cus_b' || lpad((i * 10)::text, 9, '0'),
                CASE WHEN i % 10 = 0 THEN now() + interval '1 day' ELSE now() - interval '1 day' END, 'bench', now() - interval '2 days'
           FROM generate_series(0, $1::int / 10 - 1) AS i
         RETURNING id)
       INSERT INTO reservation_lines (reservation_id, variant_id, location_id, quantity)
       SELECT r.id, ($2::text[])[1 + abs(hashtext(r.id)) % array_length($2::text[], 1)], $3, 1 FROM r`,
      [N, world.variantIds, world.locationIds[0]],
    ),
  );
  await step('staff notes (2 for every 100th member)', () =>
    sqlRun(
      `INSERT INTO staff_notes (id, customer_id, staff_id, location_id, body, created_at)
       SELECT 'note_b' || i || '_' || j, 'cus_b' || lpad(i::text, 9, '0'), 'stf_bootstrap', $2, 'サイズは M、色は紺が好み ' || j, now() - make_interval(days => j)
         FROM generate_series(0, $1::int - 1, 100) AS i CROSS JOIN generate_series(1, 2) AS j`,
      [N, world.locationIds[0]],
    ),
  );
  if (scale.stockEverywhere !== false)
    await step('stock at every location (0–5 of each variant)', () =>
      sqlRun(
        `INSERT INTO stock_levels (variant_id, location_id, on_hand)
       SELECT v, l, abs(hashtext(v || l)) % 6 FROM unnest($1::text[]) AS v CROSS JOIN unnest($2::text[]) AS l
       ON CONFLICT DO NOTHING`,
        [world.variantIds, world.locationIds],
      ),
    );

  // Bulk-load the timeline without maintaining its secondary indexes row by row, then build them once
  // (a sorted build is several times faster than 20 M index insertions). The definitions are read from
  // the database the migrations made, so they are always the migrations' own (a copy here once kept an
  // index the migrations had replaced, and the 1 M timings were of a plan the app never gets).
  const eventIndexes = (await sqlRun(
    `SELECT indexname AS name, indexdef AS ddl FROM pg_indexes
      WHERE tablename = 'customer_events' AND schemaname = current_schema() AND indexname <> 'customer_events_pkey'`,
  )) as Array<{ name: string; ddl: string }>;
  for (const i of eventIndexes) await sqlRun(`DROP INDEX IF EXISTS "${i.name}"`);
  const productOfVariant = productsOfVariants(world);
  const chunk = 2_000_000;
  for (let from = 0; from < scale.events; from += chunk) {
    const to = Math.min(scale.events, from + chunk);
    await step(`events ${from.toLocaleString('en-US')}–${to.toLocaleString('en-US')}`, () =>
      sqlRun(
        // Variants and locations are joined by number (hash joins), not picked by array subscript: a
        // subscript of a text[] walks the array, which at 20,000 variants made this five times slower.
        `WITH vmap AS MATERIALIZED (SELECT (n - 1)::int AS n, vid, pid FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS t(vid, pid, n)),
              lmap AS MATERIALIZED (SELECT (n - 1)::int AS n, id FROM unnest($5::text[]) WITH ORDINALITY AS t(id, n))
         INSERT INTO customer_events (id, type, occurred_at, received_at, channel, device_id, customer_id, location_id, source, payload)
         SELECT 'bev-' || lpad(g::text, 10, '0'), t.type,
                now() - make_interval(secs => (power(random(), 2) * 365 * 86400)::int),
                now(), ch.channel, NULL, 'cus_b' || lpad(pick.c::text, 9, '0'),
                CASE WHEN ch.channel = 'store' THEN lm.id END,
                CASE WHEN ch.channel = 'store' THEN 'stf_bootstrap' ELSE 'customer' END,
                CASE t.type
                  WHEN 'searched' THEN jsonb_build_object('q', 'レインコート', 'resultCount', g % 40)
                  WHEN 'cart_updated' THEN jsonb_build_object('variantId', vm.vid, 'quantity', g % 3)
                  ELSE jsonb_build_object('productId', vm.pid, 'variantId', vm.vid)
                END
           FROM generate_series($1::bigint, $2::bigint - 1) AS g
           CROSS JOIN LATERAL (SELECT (floor($6::int * power(random(), 1.5)))::int AS c, ((g * 7919) % $7::int)::int AS v) AS pick
           CROSS JOIN LATERAL (SELECT CASE WHEN g % 20 < 12 THEN 'product_viewed' WHEN g % 20 < 15 THEN 'searched' WHEN g % 20 < 17 THEN 'cart_updated'
                                           WHEN g % 20 = 17 THEN 'favorited' ELSE 'store_visited' END AS type) AS t
           CROSS JOIN LATERAL (SELECT CASE WHEN t.type = 'store_visited' THEN 'store' WHEN g % 2 = 0 THEN 'web' ELSE 'app' END AS channel) AS ch
           JOIN vmap vm ON vm.n = pick.v
           JOIN lmap lm ON lm.n = (g % $8::int)::int`,
        [
          from,
          to,
          world.variantIds,
          productOfVariant,
          world.locationIds,
          N,
          world.variantIds.length,
          world.locationIds.length,
        ],
      ),
    );
  }
  for (const i of eventIndexes) await step(`index ${i.name}`, () => sqlRun(i.ddl));
  // VACUUM as well as ANALYZE: a year of timeline in a live shop has long been vacuumed (all-visible
  // pages, so index-only scans need not visit the heap); a freshly bulk-loaded table has not.
  await step('vacuum analyze', () => sqlRun('VACUUM ANALYZE'));
}

/** What the generator's events point at: products of 100 variants each (variant i belongs to product i / 100). */
export async function benchWorld<Catalog extends { productIds: string[]; variantIds: string[] }>(
  database: Database,
  createVariants: () => Promise<Catalog>,
) {
  const locationIds = await createLocations(database, 9);
  // The first eight are stores (members' home stores, store orders); the ninth is the warehouse.
  return { locationIds, storeIds: locationIds.slice(0, 8), ...(await createVariants()) };
}

/** The generated catalog's categories: four departments of three subcategories each. */
const DEPARTMENTS: Array<[string, string[]]> = [
  ['トップス', ['シャツ', 'ニット', 'カットソー']],
  ['ボトムス', ['パンツ', 'スカート', 'デニム']],
  ['アウター', ['コート', 'ジャケット', 'ブルゾン']],
  ['雑貨', ['バッグ', '帽子', 'ストール']],
];

/**
 * Products and variants directly in SQL (for the script, which has no server to call). Product p sits
 * in subcategory p mod 12, so each department holds a quarter of the products.
 */
export async function insertCatalog(
  database: Database,
  products: number,
): Promise<{ productIds: string[]; variantIds: string[]; departmentIds: string[] }> {
  const departmentIds: string[] = [];
  const subcategoryIds: string[] = [];
  for (const [d, [name, subs]] of DEPARTMENTS.entries()) {
    const id = newId('cat');
    departmentIds.push(id);
    await rawQuery(database, 'INSERT INTO categories (id, name, sort) VALUES ($1, $2, $3)', [id, name, d]);
    for (const [s, sub] of subs.entries()) {
      const subId = newId('cat');
      subcategoryIds[s * DEPARTMENTS.length + d] = subId;
      await rawQuery(database, 'INSERT INTO categories (id, name, parent_id, sort) VALUES ($1, $2, $3, $4)', [
        subId,
        sub,
        id,
        s,
      ]);
    }
  }
  const productIds = Array.from({ length: products }, () => newId('prd'));
  const variantIds: string[] = [];
  for (let p = 0; p < products; p++) for (let v = 0; v < 100; v++) variantIds.push(newId('var'));
  await rawQuery(
    database,
    `INSERT INTO products (id, name, name_kana, tax_rate, category_id)
     SELECT id, 'ベンチ商品 ' || n, 'べんちしょうひん', 10, ($2::text[])[1 + (n - 1) % 12] FROM unnest($1::text[]) WITH ORDINALITY AS t(id, n)`,
    [productIds, subcategoryIds],
  );
  await rawQuery(
    database,
    `INSERT INTO variants (id, product_id, sku, jan, price)
     SELECT id, ($2::text[])[1 + (n - 1) / 100], 'BENCH-' || id, lpad(n::text, 13, '0'), 1980 FROM unnest($1::text[]) WITH ORDINALITY AS t(id, n)`,
    [variantIds, productIds],
  );
  return { productIds, variantIds, departmentIds };
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  const url = arg('url') ?? process.env.BENCH_DATABASE_URL;
  if (!url)
    throw new Error(
      'usage: tsx bench/generate-customers.ts --url postgres://… [--customers N] [--events M] [--orders N] [--lines-per-order M] [--since-days D]',
    );
  const customers = Number(arg('customers') ?? 100_000);
  // --orders N: about N orders in all (the members' spread scaled); --lines-per-order M: M on average.
  const orders = arg('orders');
  const lines = arg('lines-per-order');
  const scale: Scale = {
    customers,
    events: Number(arg('events') ?? 2_000_000),
    ...(orders ? { ordersFactor: Number(orders) / (customers * ORDERS_PER_MEMBER) } : {}),
    ...(lines ? { maxLines: Math.max(1, Math.round(2 * Number(lines) - 1)) } : {}),
    ...(arg('since-days') ? { sinceDays: Number(arg('since-days')) } : {}),
  };
  const database = await openDatabase({ databaseUrl: url, poolSize: 2 });
  try {
    await migrate(database);
    const t0 = performance.now();
    const world = await benchWorld(database, () => insertCatalog(database, CATALOG_PRODUCTS));
    await generateCustomers(database, scale, world, (m) => console.log(`  · ${m}`));
    console.log(
      `generated ${scale.customers.toLocaleString('en-US')} customers and ${scale.events.toLocaleString('en-US')} events in ${Math.round((performance.now() - t0) / 1000)} s`,
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
