/**
 * The shopper's and the clerk's hot reads on a chain of 500 stores (issue 18 §3), over HTTP against a
 * server on a kept database made by generate-chain.ts, each with its same-run SQL baseline, on the 1/10
 * chain and the full one in the same run, and how each grows from one to the other:
 *
 * - availability near a point: GET /api/products/:id/availability?near=LAT,LNG (the product page's
 *   近くの店舗の在庫, also the store screen's "elsewhere"), a random product near a random store;
 * - the product page: GET /api/products/:id, a random product;
 * - member code: POST /api/member-codes/resolve of a fresh QR code, a random member and the busiest 20;
 * - search: GET /api/shop/products?q=… (the shop's search, first page of 24), ten Japanese queries.
 *
 * Targets: p99 ≤ 20 ms (search ≤ 50 ms) on the full chain; growth from 1/10 to full sub-linear (the
 * data grows 10×: a factor under 10, printed with its exponent log10(factor)).
 *
 *   BENCH_CHAIN_TENTH_URL=postgres://…/chain_tenth BENCH_CHAIN_URL=postgres://…/chain_full BENCH_ONLY=chain npm run bench
 */
import { PgDialect } from 'drizzle-orm/pg-core';
import { interestsStatement, summaryStatement } from '../server/src/modules/clienteling/service.ts';
import { issueMemberCode, memberCodeKey } from '../server/src/modules/customers/service.ts';
import { listingSql } from '../server/src/modules/storefront/listing.ts';
import { openDatabase, type Database } from '../server/src/platform/db/connection.ts';
import { newId } from '../server/src/platform/ids.ts';
import { chainProductId } from './generate-chain.ts';
import { benchCustomerId } from './generate-customers.ts';
import {
  check,
  compare,
  figures,
  fmt,
  HttpClient,
  note,
  printTable,
  seconds,
  sqlSide,
  summarize,
  type LoadResult,
  type Outcome,
  quick,
} from './lib.ts';
import { httpLoad, type LoadOps } from './load-worker.ts';
import { BOOTSTRAP_TOKEN, POOL_SIZE, rawQuery, startServer, type RunningServer } from './setup.ts';

const CLIENTS = 4;
/** The web's NEARBY_LOCATIONS (web/src/shared/position.ts): the shop asks for the nearest 20. */
const NEARBY_LOCATIONS = 20;
/** The ten searches the chain bench sends (also bench/search-pages.ts). */
export const QUERIES = [
  'パンツ',
  'ぱんつ',
  'ﾜｲﾄﾞ',
  'リネン シャツ',
  '撥水 コート',
  '傘',
  'スニーカー',
  'やわらか ニット',
  'ダウン',
  'ストレッチ',
];

type ReadName = 'availability' | 'product' | 'member' | 'member-busy' | 'search';
const READS: Array<{ name: ReadName; label: string; target: number }> = [
  { name: 'availability', label: 'availability near a point (product × nearest 20)', target: 20 },
  { name: 'product', label: 'product page (GET /api/products/:id)', target: 20 },
  { name: 'member', label: 'member code, random member', target: 20 },
  { name: 'member-busy', label: 'member code, the 20 busiest members', target: 20 },
  { name: 'search', label: 'search, 10 Japanese queries (shop, page of 24)', target: 50 },
];

interface Measured {
  read: ReadName;
  http: LoadResult;
  sql: LoadResult;
  work: Work;
}

interface Sizes {
  stores: number;
  products: number;
  variants: number;
  'stock rows': number;
  members: number;
  orders: number;
  events: number;
}

interface DatasetResult {
  label: string;
  sizes: Sizes;
  rows: Measured[];
}

// ---------------------------------------------------------------------------------------------------
// Baselines: the same answers, hand-written SQL on the pool.

/** The nearest NEARBY locations (what the shop asks for: NEARBY_LOCATIONS) with the product's variants' stock, nearest first. */
const AVAILABILITY_SQL = `
WITH near AS (
  SELECT l.id, l.code, l.name, l.kind, l.lat, l.lng, l.services,
         round((2 * 6371 * asin(sqrt(power(sin(radians(l.lat - $2) / 2), 2)
                + cos(radians($2)) * cos(radians(l.lat)) * power(sin(radians(l.lng - $3) / 2), 2))))::numeric, 2) AS "distanceKm"
    FROM locations l WHERE l.active ORDER BY 8, l.code LIMIT $4)
SELECT n.*, v.id AS "variantId",
       COALESCE(s.on_hand, 0) AS "onHand", COALESCE(s.reserved, 0) AS reserved, COALESCE(s.in_transit, 0) AS "inTransit",
       GREATEST(COALESCE(s.on_hand, 0) - COALESCE(s.reserved, 0), 0) AS available
  FROM variants v CROSS JOIN near n
  LEFT JOIN stock_levels s ON s.variant_id = v.id AND s.location_id = n.id
 WHERE v.product_id = $1
 ORDER BY n."distanceKm", n.code, v.sku`;

async function availabilityDirect(database: Database, productId: string, near: { lat: number; lng: number }) {
  const rows = await rawQuery(database, AVAILABILITY_SQL, [productId, near.lat, near.lng, NEARBY_LOCATIONS]);
  JSON.stringify({ productId, items: rows });
  return rows.length > 0 ? (true as const) : 'empty';
}

const PRODUCT_SQL = `
SELECT p.id, p.name, p.name_kana, p.description, p.category_id, p.tax_rate, p.status, p.created_at, p.updated_at,
       (SELECT json_agg(json_build_object('id', v.id, 'sku', v.sku, 'jan', v.jan, 'price', v.price, 'options', v.options,
                                          'status', v.status) ORDER BY v.sku)
          FROM variants v WHERE v.product_id = p.id) AS variants,
       (SELECT json_agg(i ORDER BY i.position) FROM product_images i WHERE i.product_id = p.id) AS images
  FROM products p WHERE p.id = $1`;

async function productDirect(database: Database, productId: string): Promise<Outcome> {
  const [row] = await rawQuery(database, PRODUCT_SQL, [productId]);
  JSON.stringify(row);
  return row ? true : 'not found';
}

/**
 * The shop's first page of a search as the listing sends it (storefront/listingSql): grams, LIKE
 * confirmation, rank, 24 tiles with the product's kept prices, the picture, the total capped at 2,000.
 */
function searchStatement(q: string): { text: string; params: unknown[] } {
  const compiled = dialect.sqlToQuery(listingSql({ q, limit: 24 }, [], 1));
  return { text: compiled.sql, params: compiled.params };
}

async function searchDirect(database: Database, q: string): Promise<Outcome> {
  const st = searchStatement(q);
  const rows = await rawQuery(database, st.text, st.params);
  JSON.stringify(rows);
  return rows.length ? true : 'no hits';
}

const dialect = new PgDialect();
const CARD = {
  location: 'SELECT * FROM locations WHERE id = $1',
  customer: 'SELECT * FROM customers WHERE id = $1',
  scan: `INSERT INTO customer_events (id, type, occurred_at, channel, customer_id, location_id, source, payload)
         VALUES ($1, 'member_scanned', now(), 'store', $2, $3, 'bench', '{"method":"code"}') ON CONFLICT (id) DO NOTHING RETURNING id`,
};

/** The statements a resolve issues (member-code.ts's baseline): location and member, the scan, the card's two, prepared. */
async function memberDirect(database: Database, customerId: string, locationId: string): Promise<Outcome> {
  const pool = database.pool!;
  const card = (name: string, statement: ReturnType<typeof summaryStatement>) => {
    const q = dialect.sqlToQuery(statement);
    return pool.query({ name: `chain ${name}`, text: q.sql, values: q.params });
  };
  await Promise.all([pool.query(CARD.location, [locationId]), pool.query(CARD.customer, [customerId])]);
  const scanId = `mcs_${newId('b')}`;
  if (!(await pool.query(CARD.scan, [scanId, customerId, locationId])).rowCount) return 'replayed';
  await Promise.all([
    card('summary', summaryStatement(customerId, scanId)),
    card('interests', interestsStatement(customerId, locationId)),
  ]);
  return true;
}

/** The card's two statements as the server sends them (no scan row: the summary leaves out an id that is not there). */
function cardStatements(customerId: string, locationId: string): Array<{ text: string; params: unknown[] }> {
  return [summaryStatement(customerId, 'mcs_none'), interestsStatement(customerId, locationId)].map((st) => {
    const q = dialect.sqlToQuery(st);
    return { text: q.sql, params: q.params };
  });
}

interface Work {
  buffers: number;
  execMs: number;
}

/**
 * What a read costs the database, apart from the machine's load: EXPLAIN (ANALYZE, BUFFERS) of its SQL for
 * `n` random inputs, one at a time, the median of the pages touched (shared hit + read, the whole plan)
 * and of the execution time. Pages are a count: they compare across runs and loads as times cannot.
 */
async function workOf(
  database: Database,
  statements: () => Array<{ text: string; params: unknown[] }>,
  n = quick ? 10 : 40,
): Promise<Work> {
  const pages: number[] = [];
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    let b = 0;
    let t = 0;
    for (const st of statements()) {
      const [row] = await rawQuery<{ 'QUERY PLAN': Array<{ Plan: Record<string, number>; 'Execution Time': number }> }>(
        database,
        `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${st.text}`,
        st.params,
      );
      const plan = row!['QUERY PLAN'][0]!;
      b += (plan.Plan['Shared Hit Blocks'] ?? 0) + (plan.Plan['Shared Read Blocks'] ?? 0);
      t += plan['Execution Time'];
    }
    pages.push(b);
    times.push(t);
  }
  const mid = (xs: number[]) => xs.sort((x, y) => x - y)[xs.length >> 1]!;
  return { buffers: mid(pages), execMs: mid(times) };
}

// ---------------------------------------------------------------------------------------------------
// HTTP side in the load worker: member codes are single-use, so each is issued there, fresh.

export const loadOps: LoadOps = {
  resolve: (data: { secret: string; locationId: string; members: number; busiest: string[] | null }, client) => {
    const key = memberCodeKey(data.secret);
    return async () => {
      const id = data.busiest
        ? data.busiest[Math.floor(Math.random() * data.busiest.length)]!
        : benchCustomerId(Math.floor(Math.random() * data.members));
      const res = await client.request('POST', '/api/member-codes/resolve', {
        locationId: data.locationId,
        code: issueMemberCode(key, id).code,
      });
      return res.status === 200 ? true : `HTTP ${res.status}`;
    };
  },
};

// ---------------------------------------------------------------------------------------------------

async function sizesOf(database: Database): Promise<Sizes> {
  const exact = async (table: string, where = '') =>
    Number((await rawQuery<{ n: string }>(database, `SELECT count(*) AS n FROM ${table} ${where}`))[0]!.n);
  const estimate = async (table: string) =>
    Number(
      (
        await rawQuery<{ n: number }>(database, `SELECT reltuples::bigint AS n FROM pg_class WHERE relname = $1`, [
          table,
        ])
      )[0]?.n ?? 0,
    );
  return {
    stores: await exact('locations', "WHERE kind = 'store'"),
    products: await exact('products'),
    variants: await exact('variants'),
    'stock rows': await estimate('stock_levels'),
    members: await exact('customers'),
    orders: await estimate('orders'),
    events: await estimate('customer_events'),
  };
}

async function runDataset(label: string, url: string): Promise<DatasetResult> {
  const database = await openDatabase({ databaseUrl: url, poolSize: POOL_SIZE });
  let running: RunningServer | undefined;
  try {
    const sizes = await sizesOf(database);
    note(
      `${label}: ${Object.entries(sizes)
        .map(([k, v]) => `${v.toLocaleString('en-US')} ${k}`)
        .join(', ')}`,
    );
    running = await startServer(database);
    const port = running.port;
    const stores = await rawQuery<{ id: string; lat: number; lng: number }>(
      database,
      `SELECT id, lat, lng FROM locations WHERE kind = 'store' AND active ORDER BY code`,
    );
    const rand = (n: number) => Math.floor(Math.random() * n);
    // Random products near random stores (a shopper a few hundred metres from one).
    const picks = Array.from({ length: 400 }, () => {
      const s = stores[rand(stores.length)]!;
      return {
        productId: chainProductId(rand(sizes.products)),
        near: {
          lat: +(s.lat + (Math.random() - 0.5) * 0.01).toFixed(5),
          lng: +(s.lng + (Math.random() - 0.5) * 0.01).toFixed(5),
        },
      };
    });
    const availabilityPaths = picks.map(
      (p) => `/api/products/${p.productId}/availability?near=${p.near.lat},${p.near.lng}&limit=${NEARBY_LOCATIONS}`,
    );
    const productPaths = picks.map((p) => `/api/products/${p.productId}`);
    const searchPaths = QUERIES.map((q) => `/api/shop/products?q=${encodeURIComponent(q)}`);

    // Right before fast: the answers are what the page shows.
    const anon = new HttpClient(port);
    const a = await anon.json<{ locations: Array<{ distanceKm: number }>; items: unknown[] }>(
      'GET',
      availabilityPaths[0]!,
      undefined,
      200,
    );
    check(
      `chain ${label}: availability lists the nearest ${NEARBY_LOCATIONS} locations, nearest first`,
      a.locations.length === NEARBY_LOCATIONS &&
        a.locations.every((l, i, xs) => i === 0 || xs[i - 1]!.distanceKm <= l.distanceKm),
      `${a.locations.length} locations, ${a.items.length} items`,
    );
    for (const q of QUERIES) {
      const r = await anon.json<{ total: number }>(
        'GET',
        `/api/shop/products?q=${encodeURIComponent(q)}`,
        undefined,
        200,
      );
      note(`${label}: search ${q}: ${r.total.toLocaleString('en-US')} products`);
    }
    anon.close();

    const members = sizes.members;
    // generate-customers.ts draws event owners as floor(N × u^1.5): the lowest-numbered members are the busiest.
    const busiest = Array.from({ length: 20 }, (_, i) => benchCustomerId(i));
    const [busy] = await rawQuery<{ n: string }>(
      database,
      'SELECT count(*) AS n FROM customer_events WHERE customer_id = ANY($1)',
      [busiest],
    );
    note(
      `${label}: the 20 busiest members have ${Math.round(Number(busy!.n) / 20).toLocaleString('en-US')} events each on average`,
    );
    const locationId = stores[0]!.id;

    const perSide = seconds.read * 2;
    const get = (paths: string[]) => ({
      name: 'http',
      run: (durationMs: number, warmupMs: number) =>
        httpLoad({ kind: 'get', port, concurrency: CLIENTS, durationMs, warmupMs, paths }),
    });
    const resolve = (busiestOnly: boolean) => ({
      name: 'http',
      run: (durationMs: number, warmupMs: number) =>
        httpLoad({
          kind: 'module',
          module: import.meta.url,
          op: 'resolve',
          data: { secret: running!.server.secret, locationId, members, busiest: busiestOnly ? busiest : null },
          port,
          token: BOOTSTRAP_TOKEN,
          concurrency: CLIENTS,
          durationMs,
          warmupMs,
        }),
    });
    const pick = <T>(xs: T[]) => xs[rand(xs.length)]!;
    const statements: Record<ReadName, () => Array<{ text: string; params: unknown[] }>> = {
      availability: () => {
        const p = pick(picks);
        return [{ text: AVAILABILITY_SQL, params: [p.productId, p.near.lat, p.near.lng, NEARBY_LOCATIONS] }];
      },
      product: () => [{ text: PRODUCT_SQL, params: [pick(picks).productId] }],
      member: () => cardStatements(benchCustomerId(rand(members)), locationId),
      'member-busy': () => cardStatements(pick(busiest), locationId),
      search: () => [searchStatement(pick(QUERIES))],
    };
    const sides: Record<ReadName, [ReturnType<typeof get>, () => Promise<Outcome>]> = {
      availability: [
        get(availabilityPaths),
        () => {
          const p = pick(picks);
          return availabilityDirect(database, p.productId, p.near);
        },
      ],
      product: [get(productPaths), () => productDirect(database, pick(picks).productId)],
      member: [resolve(false), () => memberDirect(database, benchCustomerId(rand(members)), locationId)],
      'member-busy': [resolve(true), () => memberDirect(database, pick(busiest), locationId)],
      search: [get(searchPaths), () => searchDirect(database, pick(QUERIES))],
    };
    const only = (process.env.BENCH_CHAIN_ONLY ?? '').split(',').filter(Boolean);
    const withEvents = Number(busy!.n) > 0;
    if (!withEvents) note(`${label}: no events yet (generation still running?): member code skipped`);
    const rows: Measured[] = [];
    for (const r of READS) {
      if (only.length && !only.includes(r.name)) continue;
      if (!withEvents && r.name.startsWith('member')) continue;
      note(`${label}: ${r.label}, ${CLIENTS} clients, ${perSide} s a side`);
      const [http, direct] = sides[r.name];
      const cmp = await compare([http, sqlSide('sql', CLIENTS, direct)], perSide);
      const work = await workOf(database, statements[r.name]);
      rows.push({ read: r.name, http: cmp.get('http'), sql: cmp.get('sql'), work });
    }
    printTable(
      `Chain (${label}: ${sizes.stores} stores, ${sizes.products.toLocaleString('en-US')} products, ${sizes.members.toLocaleString('en-US')} members): HTTP vs same-run SQL, ${CLIENTS} clients`,
      [
        'read',
        'HTTP/s',
        'HTTP p50',
        'HTTP p99',
        'SQL/s',
        'SQL p50',
        'SQL p99',
        'HTTP/SQL rate',
        'target',
        'pages (median)',
        'exec (median)',
        'failed',
      ],
      rows.map((m) => {
        const h = summarize(m.http);
        const s = summarize(m.sql);
        const r = READS.find((x) => x.name === m.read)!;
        return [
          r.label,
          fmt.int(h.perSecond),
          fmt.ms(h.p50),
          fmt.ms(h.p99),
          fmt.int(s.perSecond),
          fmt.ms(s.p50),
          fmt.ms(s.p99),
          fmt.pct(h.perSecond / s.perSecond),
          `p99 ≤ ${r.target} ms ${h.p99 <= r.target ? 'met' : 'MISSED'}`,
          fmt.int(m.work.buffers),
          fmt.ms(m.work.execMs),
          fmt.failures({
            ...h.failures,
            ...Object.fromEntries(Object.entries(s.failures).map(([k, v]) => [`sql ${k}`, v])),
          }),
        ];
      }),
    );
    for (const m of rows) {
      const h = summarize(m.http);
      const s = summarize(m.sql);
      const r = READS.find((x) => x.name === m.read)!;
      check(
        `chain ${label}: ${r.label}: no failures`,
        m.http.failed === 0 && m.sql.failed === 0,
        fmt.failures(h.failures),
      );
      figures.push({
        bench: 'chain',
        what: `${label}: ${r.label} ×${CLIENTS}`,
        value: `p50 ${fmt.ms(h.p50)} / p99 ${fmt.ms(h.p99)}`,
        baseline: `SQL p50 ${fmt.ms(s.p50)} / p99 ${fmt.ms(s.p99)}`,
        ratio: `${fmt.pct(h.perSecond / s.perSecond)} of the SQL rate`,
        target: `p99 ≤ ${r.target} ms ${h.p99 <= r.target ? 'met' : 'MISSED'}`,
      });
    }
    return { label, sizes, rows };
  } finally {
    await running?.close().catch((err) => note(`close failed: ${String(err)}`));
    await database.close().catch(() => {});
  }
}

export async function benchChain(): Promise<void> {
  console.log(
    '\n## Chain at scale: availability near a point, product page, member code, search (HTTP vs same-run SQL)',
  );
  const datasets = [
    ['1/10', process.env.BENCH_CHAIN_TENTH_URL],
    ['full', process.env.BENCH_CHAIN_URL],
  ].filter((d): d is [string, string] => !!d[1]);
  if (!datasets.length) {
    console.log(
      'chain: skipped — set BENCH_CHAIN_TENTH_URL and/or BENCH_CHAIN_URL to databases made by bench/generate-chain.ts (see bench/README.md)',
    );
    return;
  }
  if (quick) note('chain: BENCH_QUICK — short sides, the figures are indicative');
  const results: DatasetResult[] = [];
  for (const [label, url] of datasets) results.push(await runDataset(label, url));
  if (results.length < 2) return;
  const [small, large] = results as [DatasetResult, DatasetResult];
  const scale = large.sizes.members / small.sizes.members;
  printTable(
    `Growth from the 1/10 chain to the full one (data × ${scale.toFixed(1)}): p99 full / p99 1/10 (and the database pages each read touches, a count the machine's load does not move); sub-linear when both grow under × ${scale.toFixed(0)} (exponent = log(growth) / log(data) < 1)`,
    [
      'read',
      'HTTP p99 1/10',
      'HTTP p99 full',
      'HTTP growth',
      'exponent',
      'SQL p99 1/10',
      'SQL p99 full',
      'SQL growth',
      'pages 1/10 → full',
      'pages growth',
      'sub-linear',
    ],
    READS.filter((r) => small.rows.some((m) => m.read === r.name) && large.rows.some((m) => m.read === r.name)).map(
      (r) => {
        const a = small.rows.find((m) => m.read === r.name)!;
        const b = large.rows.find((m) => m.read === r.name)!;
        const [ha, hb, sa, sb] = [
          summarize(a.http).p99,
          summarize(b.http).p99,
          summarize(a.sql).p99,
          summarize(b.sql).p99,
        ];
        const growth = hb / ha;
        const exponent = Math.log(Math.max(growth, 1e-9)) / Math.log(scale);
        const pages = b.work.buffers / Math.max(1, a.work.buffers);
        figures.push({
          bench: 'chain',
          what: `growth 1/10 → full: ${r.label}`,
          value: `HTTP p99 × ${growth.toFixed(2)}`,
          baseline: `SQL p99 × ${(sb / sa).toFixed(2)}, pages × ${pages.toFixed(2)}`,
          ratio: `exponent ${exponent.toFixed(2)}`,
          target: growth < scale && pages < scale ? 'sub-linear met' : 'sub-linear MISSED',
        });
        return [
          r.label,
          fmt.ms(ha),
          fmt.ms(hb),
          `× ${growth.toFixed(2)}`,
          exponent.toFixed(2),
          fmt.ms(sa),
          fmt.ms(sb),
          `× ${(sb / sa).toFixed(2)}`,
          `${fmt.int(a.work.buffers)} → ${fmt.int(b.work.buffers)}`,
          `× ${pages.toFixed(2)}`,
          growth < scale && pages < scale ? 'yes' : 'NO',
        ];
      },
    ),
  );
}
