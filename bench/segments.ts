/**
 * Segment preview at scale: head office builds a segment and sees how many members it holds and 20 of
 * them. `POST /api/segments/preview` through the real HTTP API (owner token), against a hand-written SQL
 * query giving the same count and the same 20 members, on the same database in the same run, on a
 * Postgres database filled by generate-customers.ts (BENCH_SCALE=full: 1 M members, 20 M events, ~3 M
 * orders). Target: ≤ 1 s at full scale.
 *
 * BENCH_SEGMENTS_URL=postgres://…/db runs on a database generate-customers.ts filled before (the script
 * form), instead of generating one for the run (10–12 min at full scale): the database is kept.
 */
import {
  check,
  compare,
  figures,
  fmt,
  note,
  printTable,
  quick,
  seconds,
  sqlSide,
  summarize,
  type LoadResult,
  type Outcome,
} from './lib.ts';
import { benchWorld, CATALOG_PRODUCTS, generateCustomers, insertCatalog, scaleFromEnv } from './generate-customers.ts';
import type { Database } from '../server/src/platform/db/connection.ts';
import { refreshPurchaseFacts } from '../server/src/modules/orders/service.ts';
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

/** Active members (neither merged nor deleted): the population every segment is drawn from. */
export const ACTIVE = `c.status = 'active' AND c.deleted_at IS NULL AND c.merged_into IS NULL`;

/** Per buyer over the last 365 days: last order, orders, spend net of returns, channels (cancelled excluded). */
export const FACTS_365 = `
  SELECT o.customer_id, max(o.created_at) AS last_at, count(*) AS orders,
         sum(o.total - coalesce(r.returned, 0)) AS spend, count(DISTINCT o.channel) AS channels
    FROM orders o
    LEFT JOIN (SELECT order_id, sum(round(total::numeric * returned_quantity / quantity)) AS returned
                 FROM order_lines WHERE returned_quantity > 0 GROUP BY order_id) r ON r.order_id = o.id
   WHERE o.customer_id IS NOT NULL AND o.status <> 'cancelled' AND o.created_at >= now() - interval '365 days'
   GROUP BY o.customer_id`;

interface Case {
  label: string;
  rules: unknown;
  /** Hand-written: the matching members' ids (`id`), parameters $1…. */
  baseline: string;
  params: unknown[];
}

export function cases(w: { shibuya: string; department: string; month: number }): Case[] {
  return [
    {
      label: '(a) near 渋谷 2 km + LINE consent',
      rules: {
        match: 'all',
        conditions: [
          { field: 'near_store', locationId: w.shibuya, km: 2 },
          { field: 'consent', channel: 'line' },
        ],
      },
      baseline: `
        SELECT c.id FROM customers c
         WHERE ${ACTIVE}
           AND c.home_location_id IN (
                 SELECT l.id FROM locations l, locations s
                  WHERE s.id = $1
                    AND round((2 * 6371 * asin(sqrt(sin(radians(l.lat - s.lat) / 2) ^ 2
                              + cos(radians(s.lat)) * cos(radians(l.lat)) * sin(radians(l.lng - s.lng) / 2) ^ 2)))::numeric, 2) <= 2)
           AND EXISTS (SELECT 1 FROM customer_consents cc WHERE cc.customer_id = c.id AND cc.channel = 'line'
                          AND cc.purpose = 'marketing' AND cc.granted)`,
      params: [w.shibuya],
    },
    {
      label: '(b) RFM champions + at risk',
      rules: { match: 'all', conditions: [{ field: 'rfm_group', in: ['champions', 'at_risk'] }] },
      baseline: `
        WITH f AS (${FACTS_365}),
             q AS (SELECT customer_id, ceil(cume_dist() OVER (ORDER BY last_at) * 5) AS r,
                          ceil(cume_dist() OVER (ORDER BY orders) * 5) AS f, ceil(cume_dist() OVER (ORDER BY spend) * 5) AS mo
                     FROM f)
        SELECT c.id FROM customers c JOIN q ON q.customer_id = c.id
         WHERE ${ACTIVE} AND ((q.r >= 4 AND q.f >= 4 AND q.mo >= 4) OR (q.r <= 2 AND q.f >= 3))`,
      params: [],
    },
    {
      label: '(c) viewed, not bought トップス, 30 days',
      rules: {
        match: 'all',
        conditions: [{ field: 'viewed_not_bought', products: { categoryIds: [w.department], days: 30 } }],
      },
      baseline: `
        WITH p AS (SELECT p.id FROM products p JOIN categories k ON k.id = p.category_id WHERE k.id = $1 OR k.parent_id = $1)
        SELECT c.id FROM customers c
         WHERE ${ACTIVE}
           AND c.id IN (SELECT e.customer_id FROM customer_events e
                         WHERE e.type IN ('product_viewed', 'cart_updated', 'favorited')
                           AND e.occurred_at >= now() - interval '30 days' AND e.payload->>'productId' IN (SELECT id FROM p))
           AND NOT EXISTS (SELECT 1 FROM orders o JOIN order_lines l ON l.order_id = o.id
                            WHERE o.customer_id = c.id AND o.status <> 'cancelled'
                              AND o.created_at >= now() - interval '30 days' AND l.product_id IN (SELECT id FROM p))`,
      params: [w.department],
    },
    {
      label: '(d) omni + spend ≥ ¥30,000 + no visit 60 days',
      rules: {
        match: 'all',
        conditions: [
          { field: 'channel_mix', in: ['omni'] },
          { field: 'spend', days: 365, range: { min: 30000 } },
          { field: 'days_since_visit', range: { min: 60 } },
        ],
      },
      baseline: `
        WITH f AS (${FACTS_365})
        SELECT c.id FROM customers c JOIN f ON f.customer_id = c.id
         WHERE ${ACTIVE} AND f.channels >= 2 AND f.spend >= 30000
           AND (SELECT max(e.occurred_at) FROM customer_events e WHERE e.customer_id = c.id AND e.channel = 'store')
               <= now() - interval '60 days'`,
      params: [],
    },
    {
      label: `(e) gold or born in month ${w.month} (any)`,
      rules: {
        match: 'any',
        conditions: [
          { field: 'tier', in: ['gold'] },
          { field: 'birthday_month', months: [w.month] },
        ],
      },
      baseline: `
        SELECT c.id FROM customers c
         WHERE ${ACTIVE} AND (c.tier = 'gold' OR extract(month FROM c.birthday) = $1)`,
      params: [w.month],
    },
  ];
}

interface Answer {
  count: number;
  sample: string[];
}

/**
 * The hand-written query as one statement: the count and the same 20 members the preview picks (by
 * hashtext). On the same terms as the preview: in a transaction with the planner settings it sets (no JIT,
 * SSD page costs, 64 MB work_mem), so the ratio compares the queries, not the settings.
 */
export async function baselineAnswer(database: Database, c: Case): Promise<Answer> {
  const client = await database.pool!.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL jit = off');
    await client.query('SET LOCAL random_page_cost = 1.1');
    await client.query("SET LOCAL work_mem = '64MB'");
    const { rows } = await client.query<{ n: number; sample: string[] | null }>(
      `WITH s AS (${c.baseline})
       SELECT (SELECT count(*) FROM s)::int AS n,
              ARRAY(SELECT id FROM s ORDER BY hashtext(id), id LIMIT 20) AS sample`,
      c.params,
    );
    await client.query('COMMIT');
    return { count: Number(rows[0]?.n ?? -1), sample: rows[0]?.sample ?? [] };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

interface Row {
  label: string;
  count: number;
  api: LoadResult;
  sql: LoadResult;
}

export async function benchSegments(): Promise<void> {
  const scale = scaleFromEnv(quick);
  console.log('\n## Segment preview: POST /api/segments/preview (count + 20 members) vs hand-written SQL');
  const why = await serverUnavailable();
  if (why) {
    console.log(`postgres: skipped — server at ${serverUrl} not reachable (${why})`);
    return;
  }
  console.log(
    `${scale.customers.toLocaleString('en-US')} members, ${scale.events.toLocaleString('en-US')} events, ~3 orders a member ` +
      `(BENCH_SCALE=${process.env.BENCH_SCALE ?? 'default'}); one marketer previewing at a time.`,
  );
  const target = await segmentsTarget();
  let running: RunningServer | undefined;
  try {
    running = await startServer(target.database);
    const database = target.database;
    const world = target.world ?? (await generate(database, scale));
    const [sizes] = await rawQuery<{ orders: string; lines: string }>(
      database,
      'SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM order_lines) AS lines',
    );
    note(
      `${Number(sizes?.orders).toLocaleString('en-US')} orders, ${Number(sizes?.lines).toLocaleString('en-US')} lines`,
    );

    const members = await activeMembers(database);
    const month = Number(new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Tokyo', month: 'numeric' }).format());
    // BENCH_SEGMENTS_CASES=c,d runs only those rule sets (their letters), e.g. to re-measure one after a change.
    const only = process.env.BENCH_SEGMENTS_CASES?.split(',').map((l) => `(${l.trim()})`);
    const all = cases({ shibuya: world.storeIds[0]!, department: world.departmentIds[0]!, month }).filter(
      (c) => !only || only.some((l) => c.label.startsWith(l)),
    );
    const client = running.client;
    const preview = (c: Case) =>
      client.json<{ count: number; sample: Array<{ id: string }> }>(
        'POST',
        '/api/segments/preview',
        { rules: c.rules },
        200,
      );

    const rows: Row[] = [];
    for (const c of all) {
      // The same members both ways. The windows slide with now(), so a member on a window's edge may
      // cross it between the two queries: one retry before calling it a mismatch.
      let api: Answer = { count: -1, sample: [] };
      let sql: Answer = { count: -2, sample: [] };
      try {
        for (let attempt = 0; attempt < 2 && !same(api, sql); attempt++) {
          const a = await preview(c);
          api = { count: a.count, sample: a.sample.map((m) => m.id) };
          sql = await baselineAnswer(database, c);
        }
      } catch (err) {
        // Past the server's statement timeout (15 s), say: recorded as a miss, not timed over and over.
        const why = err instanceof Error ? err.message.slice(0, 120) : String(err);
        check(`segments: ${c.label}: API and SQL answer`, false, why);
        figures.push({
          bench: 'segments',
          what: `preview ${c.label}, ${fmt.int(scale.customers)} members`,
          value: `failed: ${why}`,
          baseline: '',
          ratio: '',
          target: '≤ 1 s MISSED',
        });
        continue;
      }
      check(
        `segments: ${c.label}: API and SQL agree`,
        same(api, sql),
        `${fmt.int(api.count)} members, sample ${api.sample.length}${same(api, sql) ? '' : ` — SQL ${fmt.int(sql.count)}`}`,
      );
      check(
        `segments: ${c.label}: holds someone`,
        api.count > 0,
        `${fmt.int(api.count)} of ${fmt.int(scale.customers)}`,
      );

      const perSide = seconds.read * 2;
      note(`segments: ${c.label}, ${perSide} s per side`);
      const viaApi = async (): Promise<Outcome> => ((await preview(c)).count >= 0 ? true : 'bad count');
      const viaSql = async (): Promise<Outcome> =>
        (await baselineAnswer(database, c)).count >= 0 ? true : 'bad count';
      const cmp = await compare([sqlSide('api', 1, viaApi), sqlSide('sql', 1, viaSql)], perSide);
      rows.push({ label: c.label, count: api.count, api: cmp.get('api'), sql: cmp.get('sql') });
    }
    report(rows, members);
  } finally {
    await running?.close().catch((err) => note(`close failed: ${String(err)}`));
    await target.dispose().catch((err) => note(`dispose failed: ${String(err)}`));
  }
}

interface World {
  storeIds: string[];
  departmentIds: string[];
}

/** A fresh database for the run, or the one BENCH_SEGMENTS_URL names (kept; its world read back from it). */
async function segmentsTarget(): Promise<Target & { world?: World }> {
  const url = process.env.BENCH_SEGMENTS_URL;
  if (!url) return openTarget('postgres');
  const database = await openKeptDatabase(url);
  const stores = await rawQuery<{ id: string }>(
    database,
    `SELECT id FROM locations WHERE kind = 'store' ORDER BY code`,
  );
  const departments = await rawQuery<{ id: string }>(
    database,
    `SELECT id FROM categories WHERE parent_id IS NULL ORDER BY name = 'トップス' DESC, sort, id`,
  );
  note(`on ${new URL(url).pathname.slice(1)} (BENCH_SEGMENTS_URL): kept, not generated`);
  await refreshFacts(database);
  return {
    name: 'postgres',
    database,
    world: { storeIds: stores.map((r) => r.id), departmentIds: departments.map((r) => r.id) },
    dispose: () => database.close(),
  };
}

async function generate(database: Database, scale: ReturnType<typeof scaleFromEnv>): Promise<World> {
  const t0 = performance.now();
  const world = await benchWorld(database, () => insertCatalog(database, CATALOG_PRODUCTS));
  await generateCustomers(database, scale, world, note);
  console.log(`data generated in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  await refreshFacts(database);
  return world;
}

/**
 * What the job orders.purchase_facts does in the background as orders arrive: the members' stale kept
 * purchase facts computed (after generating, all of them: the generator wrote the orders in bulk).
 */
export async function refreshFacts(database: Database): Promise<void> {
  const t1 = performance.now();
  const refreshed = await refreshPurchaseFacts(database.db, { budgetMs: 3_600_000 });
  if (refreshed) await rawQuery(database, 'VACUUM ANALYZE customer_purchase_facts, customer_product_purchases');
  note(`purchase facts of ${fmt.int(refreshed)} members computed in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
}

async function activeMembers(database: Database): Promise<number> {
  const [row] = await rawQuery<{ n: number }>(database, `SELECT count(*)::int AS n FROM customers c WHERE ${ACTIVE}`);
  return Number(row?.n ?? 0);
}

const same = (a: Answer, b: Answer) => a.count === b.count && a.sample.join() === b.sample.join();

function report(rows: Row[], members: number): void {
  const scaleNote =
    process.env.BENCH_SCALE === 'full' ? '' : ` (at ${fmt.int(members)} members; the target is for 1 M)`;
  printTable(
    `Segment preview, one at a time: API vs hand-written SQL (postgres, ${fmt.int(members)} members)`,
    ['rule set', 'members', 'API p50', 'API p99', 'SQL p50', 'SQL p99', 'API / SQL p50', 'runs'],
    rows.map((r) => {
      const a = summarize(r.api);
      const s = summarize(r.sql);
      return [
        r.label,
        fmt.int(r.count),
        fmt.ms(a.p50),
        fmt.ms(a.p99),
        fmt.ms(s.p50),
        fmt.ms(s.p99),
        `${(a.p50 / s.p50).toFixed(2)} ×`,
        `${a.ok} / ${s.ok}`,
      ];
    }),
  );
  for (const r of rows) {
    const a = summarize(r.api);
    const s = summarize(r.sql);
    figures.push({
      bench: 'segments',
      what: `preview ${r.label}, ${fmt.int(members)} members`,
      value: `p50 ${fmt.ms(a.p50)} / p99 ${fmt.ms(a.p99)}`,
      baseline: `p50 ${fmt.ms(s.p50)} / p99 ${fmt.ms(s.p99)}`,
      ratio: `${(a.p50 / s.p50).toFixed(2)} × (API p50 / SQL p50)`,
      target: `≤ 1 s ${a.p99 <= TARGET_MS ? 'met' : 'MISSED'}${scaleNote}`,
    });
    check(
      `segments: ${r.label}: no failed previews`,
      r.api.failed === 0 && r.sql.failed === 0,
      `${fmt.failures(r.api.failures)} / ${fmt.failures(r.sql.failures)}`,
    );
  }
}
