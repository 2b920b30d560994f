/**
 * Hot SKU reservations: many carts reserving one unit of the same variant at the same store, through
 * the real HTTP API, against the best single SQL statement for the same reservation on the same
 * database, at the same concurrency, in the same run. Then the same spread over many rows, and the
 * oversell check (200 concurrent reservations on 50 units → exactly 50).
 */
import type { Database, Db } from '../server/src/platform/db/connection.ts';
import { newId } from '../server/src/platform/ids.ts';
import { EVENTS_CHANNEL } from '../server/src/platform/events/hub.ts';
import type { Principal } from '../server/src/platform/auth.ts';
import { DomainError } from '../server/src/platform/errors.ts';
import { reserveStock } from '../server/src/modules/inventory/service.ts';
import { hotRowStats } from '../server/src/modules/inventory/hot-row.ts';
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
  startServer,
  stockInvariantViolations,
  timed,
  type RunningServer,
  type TargetName,
  onEachTarget,
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

/** The bench's staff: chain-wide, as the bootstrap token acts. */
const OWNER = {
  kind: 'staff',
  staffId: 'stf_bench',
  name: 'bench',
  role: 'owner',
  locationIds: [],
} as unknown as Principal;

/**
 * One reservation through Musubi's own service in this process (reserveStock, as POST /api/reservations
 * calls it: coalesced with the others in flight on the same row), without HTTP: what coalescing itself
 * does against one statement per request, apart from the HTTP layer's CPU.
 */
export async function reserveService(db: Db, row: Row): Promise<Outcome> {
  try {
    await reserveStock(db, OWNER, { lines: [{ ...row, quantity: 1 }], ttlSeconds: 600, reason: 'cart' });
    return true;
  } catch (err) {
    if (err instanceof DomainError && err.code === 'inventory.insufficient_stock') return 'insufficient';
    throw err;
  }
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
      if (label.startsWith('hot'))
        sides.push(sqlSide('service', concurrency, () => reserveService(r.server.database.db, pick(rows))));
      if (diagnose) sides.push(sqlSide('api-sql', concurrency, () => reserveLikeApi(database, pick(rows))));
      const out = await compare(sides, seconds.write);
      results.push({ target: name, label, concurrency, cmp: out });
    };
    const hotClients = quick ? [8, 64] : [8, 32, 64];
    for (const c of hotClients) await run('hot SKU (1 row)', hot, c, c === 8);
    await run(`spread (${spread.length.toLocaleString('en-US')} rows)`, spread, 8);

    report(results);
    await flashSale(r, database, locationIds[2]!);

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
  await onEachTarget(runTarget);
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
  const coalesced = all.filter((c) => c.cmp.rounds.has('service'));
  if (coalesced.length) {
    printTable(
      `Hot SKU on ${all[0]?.target ?? ''}: Musubi's coalesced reservations vs one statement per request (same run)`,
      [
        'clients',
        'best SQL (1 stmt/request)',
        'Musubi service (coalesced)',
        'service / SQL',
        'HTTP',
        'HTTP / SQL',
        'target',
      ],
      coalesced.map((c) => {
        const best = summarize(c.cmp.get('sql')).perSecond;
        const svc = summarize(c.cmp.get('service')).perSecond;
        const http = summarize(c.cmp.get('http')).perSecond;
        const met = svc / best >= 1 ? '≥ 100 % met' : '≥ 100 % MISSED';
        figures.push({
          bench: 'hot-sku',
          what: `${c.target} hot SKU coalesced (service) ×${c.concurrency}`,
          value: `${fmt.int(svc)} tx/s`,
          baseline: `${fmt.int(best)} tx/s (1 SQL statement per request)`,
          ratio: `${fmt.pct(svc / best)} (rounds ${fmt.range(c.cmp.ratioRange('service', 'sql'))})`,
          target: met,
        });
        return [
          String(c.concurrency),
          `${fmt.int(best)} tx/s`,
          `${fmt.int(svc)} tx/s`,
          fmt.pct(svc / best),
          `${fmt.int(http)} tx/s`,
          fmt.pct(http / best),
          met,
        ];
      }),
    );
  }
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

/**
 * The flash sale: a limited item (500 units) released, 10,000 buyers at once (BENCH_QUICK: 2,000 for
 * 100). Three ways, each on a fresh variant at its own store row: over HTTP (every buyer a
 * POST /api/reservations, 256 keep-alive connections), through the service in this process (every buyer
 * a reserveStock call, all at once), and one SQL statement per buyer from as many clients as the pool has
 * connections (the baseline). Exactly `units` granted and the stock row consistent, each way.
 */
async function flashSale(running: RunningServer, database: Database, locationId: string): Promise<void> {
  const buyers = quick ? 2000 : 10_000;
  const units = quick ? 100 : 500;
  const name = database.kind;
  const fresh = async (label: string) => {
    const [variantId] = await createProduct(running.client, `ベンチ 限定 ${label}`);
    await receive(running.client, variantId!, locationId, units);
    return { variantId: variantId!, locationId };
  };
  const level = async (row: Row) => {
    const [l] = await rawQuery<{ on_hand: number; reserved: number; lines: number }>(
      database,
      `SELECT s.on_hand, s.reserved, (SELECT count(*)::int FROM reservation_lines l WHERE l.variant_id = s.variant_id AND l.location_id = s.location_id) AS lines
         FROM stock_levels s WHERE s.variant_id = $1 AND s.location_id = $2`,
      [row.variantId, row.locationId],
    );
    return { onHand: Number(l?.on_hand), reserved: Number(l?.reserved), lines: Number(l?.lines) };
  };
  const rows: string[][] = [];
  const side = async (label: string, go: (row: Row) => Promise<Outcome[]>) => {
    const row = await fresh(label);
    const before = { ...hotRowStats };
    const t0 = performance.now();
    const outcomes = await go(row);
    const ms = performance.now() - t0;
    const granted = outcomes.filter((o) => o === true).length;
    const refused = outcomes.filter((o) => o === 'insufficient').length;
    const l = await level(row);
    const statements =
      hotRowStats.lone - before.lone + hotRowStats.batches - before.batches + hotRowStats.retried - before.retried;
    check(
      `${name}: flash sale ${label}: exactly ${units} of ${buyers} granted, the row agrees`,
      granted === units && refused === buyers - units && l.reserved === units && l.lines === units,
      `${granted} granted, ${refused} refused, ${buyers - granted - refused} other; reserved ${l.reserved}, lines ${l.lines}`,
    );
    rows.push([
      name,
      label,
      `${buyers.toLocaleString('en-US')} / ${units}`,
      String(granted),
      fmt.ms(ms),
      `${fmt.int((buyers / ms) * 1000)}/s`,
      label === 'SQL, 1 statement each' ? '—' : String(statements),
      label === 'HTTP' ? (ms <= 2000 ? '≤ 2 s met' : '≤ 2 s MISSED') : '',
    ]);
    figures.push({
      bench: 'hot-sku',
      what: `${name} flash sale ${buyers.toLocaleString('en-US')} buyers / ${units} units, ${label}`,
      value: fmt.ms(ms),
      baseline: '',
      ratio: '',
      ...(label === 'HTTP' ? { target: ms <= 2000 ? '≤ 2 s met' : '≤ 2 s MISSED' } : {}),
    });
  };
  const body = (row: Row) => ({ lines: [{ ...row, quantity: 1 }], ttlSeconds: 600, reason: 'cart' });
  await side('HTTP', async (row) => {
    const client = new HttpClient(running.port, BOOTSTRAP_TOKEN, 256);
    try {
      return await Promise.all(
        Array.from({ length: buyers }, () =>
          client.request('POST', '/api/reservations', body(row)).then(
            (res): Outcome => (res.status === 201 ? true : res.status === 409 ? 'insufficient' : String(res.status)),
            (err: unknown): Outcome => String(err),
          ),
        ),
      );
    } finally {
      client.close();
    }
  });
  await side('service (in process)', (row) =>
    Promise.all(Array.from({ length: buyers }, () => reserveService(running.server.database.db, row).catch(String))),
  );
  await side('SQL, 1 statement each', async (row) => {
    const out: Outcome[] = [];
    let next = 0;
    const clients = database.kind === 'postgres' ? POOL_SIZE : 8;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < buyers) {
          next++;
          out.push(await reserveDirect(database, row).catch(String));
        }
      }),
    );
    return out;
  });
  printTable(
    `Flash sale on ${name}: ${buyers.toLocaleString('en-US')} buyers for ${units} units, all at once`,
    ['db', 'way', 'buyers / units', 'granted', 'total', 'buyers/s', 'statements', 'target'],
    rows,
  );
}
