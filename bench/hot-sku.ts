/**
 * Hot SKU reservations: many carts reserving one unit of the same variant at the same store, through
 * the real HTTP API, against the best single SQL statement for the same reservation on the same
 * database, at the same concurrency, in the same run. Then the same spread over many rows, and the
 * oversell check (200 concurrent reservations on 50 units → exactly 50).
 */
import type { Database } from '../server/src/platform/db/connection.ts';
import { newId } from '../server/src/platform/ids.ts';
import { EVENTS_CHANNEL } from '../server/src/platform/events/hub.ts';
import {
  check,
  compare,
  figures,
  fmt,
  HttpClient,
  note,
  printTable,
  quick,
  seconds,
  sqlSide,
  summarize,
  type Comparison,
  type Outcome,
  type Side,
} from './lib.ts';
import { httpLoad } from './load-worker.ts';
import {
  BOOTSTRAP_TOKEN,
  createLocations,
  createProduct,
  createSpread,
  openTarget,
  POOL_SIZE,
  rawQuery,
  receive,
  serverUnavailable,
  serverUrl,
  startServer,
  stockInvariantViolations,
  timed,
  type RunningServer,
  type TargetName,
  TARGETS,
} from './setup.ts';

type Row = { variantId: string; locationId: string };

/**
 * The baseline: the whole reservation as one statement — guarded UPDATE of the stock row, the
 * reservation and its line — exactly the rows the API writes, minus the API.
 */
export const RESERVE_SQL = `
WITH lvl AS (
  UPDATE stock_levels
     SET reserved = reserved + $3::int,
         next_expiry = LEAST(COALESCE(next_expiry, $4::timestamptz), $4::timestamptz),
         updated_at = now()
   WHERE variant_id = $1 AND location_id = $2 AND on_hand - reserved >= $3::int
  RETURNING variant_id, location_id),
res AS (
  INSERT INTO reservations (id, status, reason, expires_at, created_by)
  SELECT $5::text, 'active', 'cart', $4::timestamptz, 'bench' FROM lvl RETURNING 1),
ln AS (
  INSERT INTO reservation_lines (reservation_id, variant_id, location_id, quantity)
  SELECT $5::text, variant_id, location_id, $3::int FROM lvl RETURNING 1)
SELECT (SELECT count(*) FROM res)::int AS n, (SELECT count(*) FROM ln)::int AS lines`;

/** One direct-SQL reservation of one unit of `row`. */
export async function reserveDirect(database: Database, row: Row): Promise<Outcome> {
  const expiresAt = new Date(Date.now() + 600_000).toISOString();
  const [r] = await rawQuery<{ n: number }>(database, RESERVE_SQL, [
    row.variantId,
    row.locationId,
    1,
    expiresAt,
    newId('rsv'),
  ]);
  return r && Number(r.n) === 1 ? true : 'insufficient';
}

/**
 * Diagnostic: the statements POST /api/reservations issues for one line, sent directly in the same
 * order (location check, variant check, then the reservation CTE with its NOTIFY, as in
 * server/src/modules/inventory/reservations.ts). HTTP vs this isolates the HTTP + ORM layer; this vs
 * RESERVE_SQL isolates the extra round trips and the NOTIFY.
 */
const API_LOCATIONS_SQL = 'SELECT * FROM locations WHERE id IN ($1)';
const API_VARIANTS_SQL = `SELECT v.id, v.product_id, v.sku, v.jan, v.price, v.options, p.name, p.tax_rate
  FROM variants v INNER JOIN products p ON p.id = v.product_id WHERE v.id IN ($1)`;
const API_RESERVE_SQL = `
WITH lvl AS (
  UPDATE stock_levels
     SET reserved = reserved + $3::int,
         next_expiry = LEAST(COALESCE(next_expiry, $4::timestamptz), $4::timestamptz),
         updated_at = now()
   WHERE variant_id = $1 AND location_id = $2 AND on_hand - reserved >= $3::int
  RETURNING variant_id AS "variantId", location_id AS "locationId", on_hand AS "onHand", reserved, in_transit AS "inTransit",
            GREATEST(on_hand - reserved, 0) AS available),
res AS (
  INSERT INTO reservations (id, status, reason, reference, expires_at, created_by)
  SELECT $5::text, 'active', 'cart', NULL::text, $4::timestamptz, 'bench'::text FROM lvl RETURNING created_at),
ln AS (
  INSERT INTO reservation_lines (reservation_id, variant_id, location_id, quantity)
  SELECT $5::text, $1::text, $2::text, $3::int FROM lvl RETURNING 1),
note AS (
  SELECT pg_notify($6, json_build_object('topic', 'stock', 'data', json_build_object(
    'variantId', "variantId", 'locationId', "locationId", 'onHand', "onHand", 'reserved', reserved,
    'inTransit', "inTransit", 'available', available))::text) FROM lvl)
SELECT lvl.*, (SELECT created_at FROM res) AS "createdAt", (SELECT count(*) FROM note) AS notified,
       (SELECT count(*) FROM ln) AS lines
  FROM lvl`;

export async function reserveLikeApi(database: Database, row: Row): Promise<Outcome> {
  const [loc] = await rawQuery(database, API_LOCATIONS_SQL, [row.locationId]);
  const [variant] = await rawQuery(database, API_VARIANTS_SQL, [row.variantId]);
  if (!loc || !variant) return 'not found';
  const expiresAt = new Date(Date.now() + 600_000).toISOString();
  const rows = await rawQuery(database, API_RESERVE_SQL, [
    row.variantId,
    row.locationId,
    1,
    expiresAt,
    newId('rsv'),
    EVENTS_CHANNEL,
  ]);
  return rows.length === 1 ? true : 'insufficient';
}

const pick = (rows: Row[]) => rows[rows.length === 1 ? 0 : Math.floor(Math.random() * rows.length)]!;

interface CaseResult {
  target: TargetName;
  label: string;
  concurrency: number;
  /** Sides: http, sql, and (hot case, 8 clients) api-sql — the API's own statements sent directly. */
  cmp: Comparison;
}

/**
 * 200 concurrent HTTP reservations of one unit each against a fresh variant holding 50 units: exactly
 * 50 must succeed (201) and the other 150 be refused (409). Returns what happened.
 */
export async function oversellCheck(
  running: RunningServer,
  locationId: string,
  opts: { units?: number; attempts?: number } = {},
) {
  const units = opts.units ?? 50;
  const attempts = opts.attempts ?? 200;
  const [variantId] = await createProduct(running.client, 'ベンチ 限定スニーカー');
  await receive(running.client, variantId!, locationId, units);
  const burst = new HttpClient(running.port, BOOTSTRAP_TOKEN, attempts);
  const statuses = await Promise.all(
    Array.from({ length: attempts }, () =>
      burst
        .request('POST', '/api/reservations', {
          lines: [{ variantId, locationId, quantity: 1 }],
          ttlSeconds: 600,
          reason: 'cart',
        })
        .then((r) => r.status)
        .catch(() => -1),
    ),
  );
  burst.close();
  const count = (s: number) => statuses.filter((x) => x === s).length;
  const [level] = await rawQuery<{ on_hand: number; reserved: number }>(
    running.server.database,
    'SELECT on_hand, reserved FROM stock_levels WHERE variant_id = $1 AND location_id = $2',
    [variantId, locationId],
  );
  return {
    units,
    attempts,
    succeeded: count(201),
    refused: count(409),
    other: attempts - count(201) - count(409),
    onHand: Number(level?.on_hand ?? NaN),
    reserved: Number(level?.reserved ?? NaN),
  };
}

async function runTarget(name: TargetName): Promise<CaseResult[]> {
  const target = await timed(
    `${name}: open database${name === 'pglite' ? ' (initdb in a temp dir)' : ''} + migrations`,
    async () => {
      const t = await openTarget(name);
      return t;
    },
  );
  const results: CaseResult[] = [];
  let running: RunningServer | undefined;
  try {
    running = await timed(`${name}: server listening`, () => startServer(target.database));
    const r = running;
    const database = target.database;
    const locationIds = await createLocations(database, 9);
    const [hotVariant] = await createProduct(r.client, 'ベンチ 人気スニーカー');
    const hot: Row[] = [{ variantId: hotVariant!, locationId: locationIds[0]! }];
    await receive(r.client, hotVariant!, locationIds[0]!, 1_000_000);
    const spreadVariants = 2000;
    const spread = await timed(
      `${name}: spread data ${spreadVariants} variants × ${locationIds.length} locations`,
      () => createSpread(database, r.client, locationIds, spreadVariants, 100_000),
    );

    const run = async (label: string, rows: Row[], concurrency: number, diagnose = false) => {
      note(`${name}: ${label}, ${concurrency} clients, ${seconds.write} s per side`);
      const sides: Side[] = [
        sqlSide('sql', concurrency, () => reserveDirect(database, pick(rows))),
        {
          name: 'http',
          run: (durationMs, warmupMs) =>
            httpLoad({
              kind: 'reserve',
              port: r.port,
              token: BOOTSTRAP_TOKEN,
              concurrency,
              durationMs,
              warmupMs,
              rows,
            }),
        },
      ];
      if (diagnose) sides.push(sqlSide('api-sql', concurrency, () => reserveLikeApi(database, pick(rows))));
      const out = await compare(sides, seconds.write);
      results.push({ target: name, label, concurrency, cmp: out });
    };
    const hotClients = name === 'postgres' && !quick ? [8, 32] : [8];
    for (const c of hotClients) await run('hot SKU (1 row)', hot, c, c === 8);
    await run(`spread (${spread.length.toLocaleString('en-US')} rows)`, spread, 8);

    report(results);

    const o = await oversellCheck(r, locationIds[1]!);
    const violations = await stockInvariantViolations(database);
    const oversold = Math.max(0, o.succeeded - o.units) + Math.max(0, o.reserved - o.onHand);
    console.log(
      `\n${name}: ${o.attempts} concurrent reservations on ${o.units} units → ${o.succeeded} reserved, ${o.refused} refused (409)` +
        `${o.other ? `, ${o.other} other` : ''}; stock row on_hand ${o.onHand}, reserved ${o.reserved}`,
    );
    console.log(`oversell: ${oversold}`);
    check(
      `${name}: exactly ${o.units} of ${o.attempts} succeed`,
      o.succeeded === o.units && o.refused === o.attempts - o.units && o.reserved === o.units,
      `${o.succeeded} succeeded, ${o.refused} refused, ${o.other} other, reserved ${o.reserved}`,
    );
    check(
      `${name}: stock_levels.reserved = Σ active reservation lines on every row`,
      violations.length === 0,
      violations.length
        ? `${violations.length} rows differ, e.g. ${JSON.stringify(violations[0])}`
        : `${(spread.length + 2).toLocaleString('en-US')} rows`,
    );
  } finally {
    await running?.close().catch((err) => note(`close failed: ${String(err)}`));
    await target.dispose().catch((err) => note(`dispose failed: ${String(err)}`));
  }
  return results;
}

export async function benchHotSku(): Promise<void> {
  console.log('\n## Hot SKU reservations: POST /api/reservations vs one SQL statement (same database, same run)');
  console.log(
    `HTTP load from a worker thread over keep-alive connections; server pool ${POOL_SIZE} connections; PGlite in a temp dir.`,
  );
  for (const name of TARGETS) {
    if (name === 'postgres') {
      const why = await serverUnavailable();
      if (why) {
        console.log(`\npostgres: skipped — server at ${redact(serverUrl)} not reachable (${why})`);
        continue;
      }
    }
    await runTarget(name);
  }
}

function report(all: CaseResult[]): void {
  const rows = all.map(({ target, label, concurrency, cmp }) => {
    const h = summarize(cmp.get('http'));
    const s = summarize(cmp.get('sql'));
    const ratio = h.perSecond / s.perSecond;
    const hot = label.startsWith('hot');
    figures.push({
      bench: 'hot-sku',
      what: `${target} ${label} ×${concurrency}`,
      value: `${fmt.int(h.perSecond)} tx/s`,
      baseline: `${fmt.int(s.perSecond)} tx/s`,
      ratio: `${fmt.pct(ratio)} (rounds ${fmt.range(cmp.ratioRange('http', 'sql'))})`,
      ...(target === 'postgres' && hot ? { target: ratio >= 0.5 ? '≥ 50 % met' : '≥ 50 % MISSED' } : {}),
    });
    return [
      target,
      label,
      String(concurrency),
      fmt.int(h.perSecond),
      fmt.int(s.perSecond),
      fmt.pct(ratio),
      fmt.range(cmp.ratioRange('http', 'sql')),
      fmt.ms(h.p50),
      fmt.ms(h.p99),
      fmt.ms(s.p50),
      fmt.ms(s.p99),
      fmt.failures(h.failures),
      fmt.failures(s.failures),
    ];
  });
  printTable(
    `Reserve 1 unit on ${all[0]?.target ?? ''}: HTTP vs direct SQL`,
    [
      'db',
      'case',
      'clients',
      'HTTP tx/s',
      'SQL tx/s',
      'HTTP/SQL',
      'per round',
      'HTTP p50',
      'HTTP p99',
      'SQL p50',
      'SQL p99',
      'HTTP failed',
      'SQL failed',
    ],
    rows,
  );
  const diag = all.filter((c) => c.cmp.rounds.has('api-sql'));
  if (diag.length) {
    printTable(
      `Where the gap is (${all[0]?.target ?? ''}, hot SKU): the API's own statements sent directly`,
      ['clients', 'best SQL (1 stmt)', "API's SQL (3 stmts + NOTIFY)", 'HTTP', "API's SQL / best", "HTTP / API's SQL"],
      diag.map((c) => {
        const best = summarize(c.cmp.get('sql')).perSecond;
        const api = summarize(c.cmp.get('api-sql')).perSecond;
        const http = summarize(c.cmp.get('http')).perSecond;
        return [
          String(c.concurrency),
          `${fmt.int(best)} tx/s`,
          `${fmt.int(api)} tx/s`,
          `${fmt.int(http)} tx/s`,
          fmt.pct(api / best),
          fmt.pct(http / api),
        ];
      }),
    );
  }
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
