/**
 * What the shop's search costs the database as the catalogue grows (issue 18 §3): EXPLAIN (ANALYZE, BUFFERS)
 * of the listing's first page of 24 for the chain bench's ten queries (and 新着 without a query, the
 * home's new arrivals), on the chain's own catalogue at N and 10·N products. Two statements, alternated in
 * the same run on the same databases: the listing before the product kept its variants' figures (a LATERAL
 * over every match's variants, a window count of every match) and the listing's own now (listingSql).
 * "Pages" are the shared buffers the plan touched (hit + read): a count the machine's load does not move.
 *
 *   npx tsx bench/search-pages.ts [--url postgres://postgres@127.0.0.1:5432/postgres] [--products 5000] [--keep]
 *
 * Creates the scratch databases musubi_search_<N> and musubi_search_<10N> (reused when kept; dropped at
 * the end unless --keep).
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { PgDialect } from 'drizzle-orm/pg-core';
import { sql, type SQL } from 'drizzle-orm';
import { openDatabase, type Database } from '../server/src/platform/db/connection.ts';
import { migrate } from '../server/src/platform/db/migrate.ts';
import { mainImageJson, searchMatchSql } from '../server/src/modules/catalog/service.ts';
import { escapeLike, HIRAGANA, KATAKANA, normalizeSearch } from '../server/src/modules/catalog/search-text.ts';
import { listingSql } from '../server/src/modules/storefront/listing.ts';
import { QUERIES } from './chain.ts';
import { insertChainCatalog, type Run } from './generate-chain.ts';
import { rawQuery, startServer } from './setup.ts';

const ROUNDS = 5;
/** Rounds of the plain statements (no EXPLAIN) for the latency: each round sends the ten queries, alternating sides. */
const TIMED_ROUNDS = 20;
const dialect = new PgDialect();

/** The rank before the name's key was stored (catalog/search.ts until 0078): normalised for every match. */
function rankBefore(q: string): SQL {
  const whole = escapeLike(normalizeSearch(q));
  const nameKey = sql`translate(lower(normalize(p.name, NFKC)), ${KATAKANA}, ${HIRAGANA})`;
  return sql`(CASE WHEN ${nameKey} LIKE ${`${whole}%`} THEN 0
                   WHEN ${nameKey} LIKE ${`%${whole}%`} THEN 1
                   WHEN p.sort_key LIKE ${`${whole}%`} THEN 2
                   WHEN p.search_text LIKE ${`%${whole}%`} THEN 3 ELSE 4 END)`;
}

/**
 * The listing's first page before (storefront/listing.ts until 0078): every match's variants read, every
 * match counted, every match's name normalised for its rank.
 */
function listingBefore(q: string | undefined, sort: Browse = 'new'): SQL {
  const { conds } = searchMatchSql(q ?? '');
  const rank = q ? rankBefore(q) : sql`0`;
  conds.push(sql`p.status = 'active'`);
  const order = q
    ? sql`${rank}, p.sort_key COLLATE "C", p.id`
    : sort === 'price_asc'
      ? sql`pr.price_min, p.created_at DESC, p.id`
      : sql`p.created_at DESC, p.id`;
  return sql`SELECT p.id, p.name, p.category_id AS "categoryId", pr.price_min AS "priceMin", pr.price_max AS "priceMax",
               pr.n AS "variantCount", NULL::int AS "storeAvailable", ${mainImageJson} AS image,
               count(*) OVER ()::int AS total
          FROM products p
          CROSS JOIN LATERAL (SELECT min(v.price)::int AS price_min, max(v.price)::int AS price_max, count(*)::int AS n,
                                     count(*) FILTER (WHERE true)::int AS matching
                                FROM variants v WHERE v.product_id = p.id AND v.status = 'active') pr
         WHERE ${sql.join(conds, sql` AND `)} AND pr.matching > 0
         ORDER BY ${order}
         LIMIT 24 OFFSET 0`;
}

/** Without a query: 新着 (also おすすめ then) and 価格の安い順 over the whole catalogue. */
type Browse = 'new' | 'price_asc';

const listingAfter = (q: string | undefined, sort: Browse = 'new'): SQL =>
  listingSql(q ? { q, limit: 24 } : { sort, limit: 24 }, [], 1);

interface Explained {
  pages: number;
  ms: number;
  rows: Array<Record<string, unknown>>;
}

async function explain(database: Database, statement: SQL): Promise<Explained> {
  const { sql: text, params } = dialect.sqlToQuery(statement);
  const [row] = await rawQuery<{ 'QUERY PLAN': Array<{ Plan: Record<string, number>; 'Execution Time': number }> }>(
    database,
    `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`,
    params,
  );
  const plan = row!['QUERY PLAN'][0]!;
  return {
    pages: (plan.Plan['Shared Hit Blocks'] ?? 0) + (plan.Plan['Shared Read Blocks'] ?? 0),
    ms: plan['Execution Time'],
    rows: await rawQuery(database, text, params),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

interface Measured {
  q: string;
  matches: number;
  before: { pages: number; ms: number };
  after: { pages: number; ms: number; total: number; capped: boolean };
}

async function measure(database: Database): Promise<Measured[]> {
  const out: Measured[] = [];
  const cases: Array<{ q?: string; sort?: Browse; label: string }> = [
    ...QUERIES.map((q) => ({ q, label: q })),
    { sort: 'new', label: '(新着, no q)' },
    { sort: 'price_asc', label: '(価格の安い順, no q)' },
  ];
  for (const { q, sort, label } of cases) {
    const b: Explained[] = [];
    const a: Explained[] = [];
    // Warm both, then alternate: each side sees the same cache and the same load.
    await explain(database, listingBefore(q, sort));
    await explain(database, listingAfter(q, sort));
    for (let r = 0; r < ROUNDS; r++) {
      b.push(await explain(database, listingBefore(q, sort)));
      a.push(await explain(database, listingAfter(q, sort)));
    }
    const ids = (e: Explained) => e.rows.map((r) => r.id).join(',');
    if (ids(a[0]!) !== ids(b[0]!)) throw new Error(`before and after list different products for ${label}`);
    const total = Number(a[0]!.rows[0]?.total ?? 0);
    out.push({
      q: label,
      matches: Number(b[0]!.rows[0]?.total ?? 0),
      before: { pages: median(b.map((e) => e.pages)), ms: median(b.map((e) => e.ms)) },
      after: { pages: median(a.map((e) => e.pages)), ms: median(a.map((e) => e.ms)), total, capped: total > 2000 },
    });
  }
  return out;
}

interface Latency {
  before: { p50: number; p99: number };
  after: { p50: number; p99: number };
}

/** The ten queries' first page as a client waits for it (round trip on the pool), p50 and p99 of each side. */
async function latency(database: Database): Promise<Latency> {
  const sides = { before: [] as number[], after: [] as number[] };
  for (let r = 0; r < TIMED_ROUNDS; r++)
    for (const q of QUERIES)
      for (const side of r % 2 ? (['after', 'before'] as const) : (['before', 'after'] as const)) {
        const { sql: text, params } = dialect.sqlToQuery(side === 'before' ? listingBefore(q) : listingAfter(q));
        const t0 = performance.now();
        await rawQuery(database, text, params);
        sides[side].push(performance.now() - t0);
      }
  const pct = (xs: number[], p: number) =>
    [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
  const of = (xs: number[]) => ({ p50: pct(xs, 0.5), p99: pct(xs, 0.99) });
  return { before: of(sides.before), after: of(sides.after) };
}

/**
 * The shop's search over HTTP now (GET /api/shop/products?q=…, the ten queries at random, 4 clients for
 * 8 s, server in this process; the facets are cached a minute per query, as in the shop), p50 / p99.
 * Only "now": the code before 0078 is not in this tree.
 */
async function httpLatency(database: Database): Promise<{ p50: number; p99: number; n: number }> {
  const server = await startServer(database);
  try {
    const path = (q: string) => `/api/shop/products?q=${encodeURIComponent(q)}`;
    for (const q of QUERIES) await server.client.request('GET', path(q), undefined, '');
    const times: number[] = [];
    const until = performance.now() + 8_000;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (performance.now() < until) {
          const t0 = performance.now();
          const res = await server.client.request(
            'GET',
            path(QUERIES[Math.floor(Math.random() * QUERIES.length)]!),
            undefined,
            '',
          );
          if (res.status !== 200) throw new Error(`search → ${res.status}: ${res.body.slice(0, 200)}`);
          times.push(performance.now() - t0);
        }
      }),
    );
    const sorted = times.sort((a, b) => a - b);
    return { p50: sorted[sorted.length >> 1]!, p99: sorted[Math.floor(sorted.length * 0.99)]!, n: sorted.length };
  } finally {
    await server.close();
  }
}

/** The scratch database with the chain's catalogue of `products`, made (or found) on the server of `url`. */
async function catalogue(url: string, products: number, log: (m: string) => void): Promise<Database> {
  const name = `musubi_search_${products}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (!rowCount) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: u.toString(), poolSize: 2 });
  await migrate(database);
  const [have] = await rawQuery<{ n: number }>(database, 'SELECT count(*)::int AS n FROM products');
  if (!have!.n) {
    const client = await database.pool!.connect();
    try {
      const run: Run = async (_label, text, params = []) => (await client.query(text, params)).rows;
      await insertChainCatalog(run, products, log);
    } finally {
      client.release();
    }
    await rawQuery(database, 'VACUUM ANALYZE products');
    await rawQuery(database, 'VACUUM ANALYZE variants');
  }
  return database;
}

async function dropDatabase(url: string, products: number) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS musubi_search_${products}`);
  await admin.end();
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

export async function searchPages(url: string, n: number, keep: boolean): Promise<void> {
  const log = (m: string) => console.error(`[search-pages] ${m}`);
  const sizes = [n, 10 * n];
  const results: Measured[][] = [];
  const latencies: Latency[] = [];
  const https: Array<{ p50: number; p99: number; n: number }> = [];
  for (const size of sizes) {
    const database = await catalogue(url, size, log);
    try {
      results.push(await measure(database));
      latencies.push(await latency(database));
      https.push(await httpLatency(database));
    } finally {
      await database.close();
    }
  }
  const [small, big] = results as [Measured[], Measured[]];
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  // What the shop shows: the count stops at 2,000 (「2,000件以上」).
  const shown = (a: Measured['after']) => (a.capped ? `${fmt(2000)}+` : fmt(a.total));
  console.log(`\n## Search: pages a first page touches, ${fmt(n)} → ${fmt(10 * n)} products (before → after)\n`);
  console.log(
    '| q | matches | before pages | after pages | before ms | after ms | after total |\n|---|---:|---:|---:|---:|---:|---|',
  );
  for (let i = 0; i < small.length; i++) {
    const s = small[i]!;
    const b = big[i]!;
    console.log(
      `| ${s.q} | ${fmt(s.matches)} → ${fmt(b.matches)} | ${fmt(s.before.pages)} → ${fmt(b.before.pages)} (× ${(b.before.pages / s.before.pages).toFixed(1)}) | ${fmt(s.after.pages)} → ${fmt(b.after.pages)} (× ${(b.after.pages / s.after.pages).toFixed(1)}) | ${s.before.ms.toFixed(1)} → ${b.before.ms.toFixed(1)} | ${s.after.ms.toFixed(1)} → ${b.after.ms.toFixed(1)} | ${shown(s.after)} → ${shown(b.after)} |`,
    );
  }
  const med = (xs: Measured[], f: (m: Measured) => number) => median(xs.filter((m) => QUERIES.includes(m.q)).map(f));
  console.log(
    `\nMedian of the ten queries: before ${fmt(med(small, (m) => m.before.pages))} → ${fmt(med(big, (m) => m.before.pages))} pages, ` +
      `${med(small, (m) => m.before.ms).toFixed(1)} → ${med(big, (m) => m.before.ms).toFixed(1)} ms; ` +
      `after ${fmt(med(small, (m) => m.after.pages))} → ${fmt(med(big, (m) => m.after.pages))} pages, ` +
      `${med(small, (m) => m.after.ms).toFixed(1)} → ${med(big, (m) => m.after.ms).toFixed(1)} ms`,
  );
  console.log(
    `\nLatency of the ten queries' first page (round trip, ${TIMED_ROUNDS} rounds alternating), p50 / p99 ms:\n\n| statement | ${fmt(n)} products | ${fmt(10 * n)} products |\n|---|---:|---:|`,
  );
  for (const side of ['before', 'after'] as const)
    console.log(
      `| ${side} | ${latencies.map((l) => `${l[side].p50.toFixed(1)} / ${l[side].p99.toFixed(1)}`).join(' | ')} |`,
    );
  console.log(
    `| now over HTTP (4 clients, 8 s) | ${https.map((h) => `${h.p50.toFixed(1)} / ${h.p99.toFixed(1)} (${fmt(h.n)} requests)`).join(' | ')} |`,
  );
  if (!keep) for (const size of sizes) await dropDatabase(url, size);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await searchPages(
    arg('url') ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    Number(arg('products') ?? 5000),
    process.argv.includes('--keep'),
  );
  process.exit(0);
}
