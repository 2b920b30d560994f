/**
 * Availability read: GET /api/availability?variantId=…&near=… (one variant at every location, nearest
 * first) under load, against the equivalent direct SQL (one join of locations and stock_levels, distance
 * and order computed the same way) at the same concurrency on the same database, in the same run.
 */
import type { Database } from '../server/src/platform/db/connection.ts';
import { distanceKm } from '../server/src/modules/locations/service.ts';
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
  type Comparison,
  type Outcome,
} from './lib.ts';
import { httpLoad } from './load-worker.ts';
import {
  createLocations,
  createProduct,
  openTarget,
  rawQuery,
  receive,
  startServer,
  timed,
  type RunningServer,
  type TargetName,
  onEachTarget,
} from './setup.ts';

const NEAR = { lat: 35.658, lng: 139.7016 }; // 渋谷駅
const CONCURRENCY = 8;

/** The baseline: everything the endpoint answers, in one statement, then distance and order in JS. */
export const AVAILABILITY_SQL = `
SELECT l.id AS "locationId", l.name AS "locationName", l.kind, l.lat, l.lng,
       COALESCE(s.on_hand, 0) AS "onHand", COALESCE(s.reserved, 0) AS reserved, COALESCE(s.in_transit, 0) AS "inTransit",
       GREATEST(COALESCE(s.on_hand, 0) - COALESCE(s.reserved, 0), 0) AS available
  FROM locations l
  LEFT JOIN stock_levels s ON s.location_id = l.id AND s.variant_id = $1
 WHERE l.active
 ORDER BY l.code`;

interface Item {
  locationId: string;
  locationName: string;
  kind: string;
  lat: number;
  lng: number;
  onHand: number;
  reserved: number;
  inTransit: number;
  available: number;
}

export async function availabilityDirect(database: Database, variantId: string): Promise<Outcome> {
  const rows = await rawQuery<Item>(database, AVAILABILITY_SQL, [variantId]);
  const items = rows
    .map((r) => ({
      ...r,
      variantId,
      onHand: Number(r.onHand),
      reserved: Number(r.reserved),
      available: Number(r.available),
      distanceKm: distanceKm(NEAR, r),
    }))
    .sort((a, b) => a.distanceKm - b.distanceKm);
  JSON.stringify({ items });
  return items.length > 0 ? true : 'empty';
}

/** Diagnostic: the statements the endpoint issues (variant check, then locations and levels together). */
export async function availabilityLikeApi(database: Database, variantId: string): Promise<Outcome> {
  const [variant] = await rawQuery(
    database,
    'SELECT v.id, v.product_id, v.sku, v.jan, v.price, v.options, p.name, p.tax_rate FROM variants v INNER JOIN products p ON p.id = v.product_id WHERE v.id IN ($1)',
    [variantId],
  );
  if (!variant) return 'not found';
  const [locs, levels] = await Promise.all([
    rawQuery(database, 'SELECT * FROM locations WHERE active = true ORDER BY code ASC'),
    rawQuery(
      database,
      `SELECT variant_id AS "variantId", location_id AS "locationId", on_hand AS "onHand", reserved, in_transit AS "inTransit",
              GREATEST(on_hand - reserved, 0) AS available, (next_expiry IS NOT NULL AND next_expiry <= now()) AS due
         FROM stock_levels WHERE variant_id = $1`,
      [variantId],
    ),
  ]);
  void levels;
  return locs.length > 0 ? true : 'empty';
}

interface Result {
  target: TargetName;
  locations: number;
  cmp: Comparison;
}

async function runTarget(name: TargetName): Promise<Result> {
  const target = await timed(`${name}: open database + migrations`, () => openTarget(name));
  let running: RunningServer | undefined;
  try {
    running = await timed(`${name}: server listening`, () => startServer(target.database));
    const r = running;
    const database = target.database;
    const locationIds = await createLocations(database, 12);
    const variants = await createProduct(r.client, 'ベンチ カフェラテ', 3);
    const variantId = variants[0]!;
    for (const [i, locationId] of locationIds.entries()) await receive(r.client, variantId, locationId, 10 + i);
    const path = `/api/availability?variantId=${encodeURIComponent(variantId)}&near=${NEAR.lat},${NEAR.lng}`;

    // The answer is right before it is fast: every location, nearest first.
    const anon = new HttpClient(r.port);
    const body = await anon.json<{ items: Array<{ locationId: string; distanceKm: number | null; onHand: number }> }>(
      'GET',
      path,
      undefined,
      200,
    );
    anon.close();
    const sorted = body.items.every((it, i, xs) => i === 0 || (xs[i - 1]!.distanceKm ?? 0) <= (it.distanceKm ?? 0));
    check(
      `${name}: availability lists all ${locationIds.length} locations nearest first`,
      body.items.length === locationIds.length && sorted,
      `${body.items.length} items`,
    );

    note(`${name}: availability, ${CONCURRENCY} clients, ${seconds.read} s per side`);
    const out = await compare(
      [
        sqlSide('sql', CONCURRENCY, () => availabilityDirect(database, variantId)),
        {
          name: 'http',
          run: (durationMs, warmupMs) =>
            httpLoad({ kind: 'get', port: r.port, concurrency: CONCURRENCY, durationMs, warmupMs, paths: [path] }),
        },
        sqlSide('api-sql', CONCURRENCY, () => availabilityLikeApi(database, variantId)),
      ],
      seconds.read,
    );
    return { target: name, locations: locationIds.length, cmp: out };
  } finally {
    await running?.close().catch((err) => note(`close failed: ${String(err)}`));
    await target.dispose().catch((err) => note(`dispose failed: ${String(err)}`));
  }
}

export async function benchAvailability(): Promise<void> {
  console.log(
    '\n## Availability read: GET /api/availability?variantId=…&near=… vs direct SQL (same database, same run)',
  );
  const results: Result[] = [];
  results.push(...(await onEachTarget(runTarget)));
  const rows = results.map((r) => {
    const h = summarize(r.cmp.get('http'));
    const s = summarize(r.cmp.get('sql'));
    const a = summarize(r.cmp.get('api-sql'));
    figures.push({
      bench: 'availability',
      what: `${r.target} 1 variant × ${r.locations} locations ×${CONCURRENCY}`,
      value: `${fmt.int(h.perSecond)} req/s`,
      baseline: `${fmt.int(s.perSecond)} q/s`,
      ratio: `${fmt.pct(h.perSecond / s.perSecond)} (rounds ${fmt.range(r.cmp.ratioRange('http', 'sql'))})`,
    });
    return [
      r.target,
      String(r.locations),
      String(CONCURRENCY),
      fmt.int(h.perSecond),
      fmt.int(s.perSecond),
      fmt.pct(h.perSecond / s.perSecond),
      fmt.range(r.cmp.ratioRange('http', 'sql')),
      fmt.ms(h.p50),
      fmt.ms(h.p99),
      fmt.ms(s.p50),
      fmt.ms(s.p99),
      fmt.int(a.perSecond),
      fmt.pct(h.perSecond / a.perSecond),
      fmt.failures(
        Object.fromEntries([
          ...Object.entries(h.failures).map(([k, v]) => [`http ${k}`, v]),
          ...Object.entries(s.failures).map(([k, v]) => [`sql ${k}`, v]),
        ]),
      ),
    ];
  });
  printTable(
    'Availability of one variant everywhere: HTTP vs direct SQL',
    [
      'db',
      'locations',
      'clients',
      'HTTP req/s',
      'SQL q/s',
      'HTTP/SQL',
      'per round',
      'HTTP p50',
      'HTTP p99',
      'SQL p50',
      'SQL p99',
      "API's SQL /s",
      "HTTP / API's SQL",
      'failed',
    ],
    rows,
  );
}
