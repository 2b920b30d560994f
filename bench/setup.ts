import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../server/src/platform/config.ts';
import { openDatabase, type Database } from '../server/src/platform/db/connection.ts';
import { migrate } from '../server/src/platform/db/migrate.ts';
import { newId } from '../server/src/platform/ids.ts';
import { makeJan } from '../server/src/modules/catalog/jan.ts';
import { buildServer, type Server } from '../server/src/server.ts';
import { HttpClient, note } from './lib.ts';

export const BOOTSTRAP_TOKEN = `bench-bootstrap-${randomBytes(12).toString('hex')}`;
export const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** The server's pool size in the benchmarks: the production default (DATABASE_POOL_SIZE). */
export const POOL_SIZE = loadConfig({}).databasePoolSize;

export type TargetName = 'pglite' | 'postgres';

/** The databases to run on: both, or the one BENCH_DB names (pglite or postgres). */
export const TARGETS: readonly TargetName[] = (['pglite', 'postgres'] as const).filter(
  (t) => !process.env.BENCH_DB || process.env.BENCH_DB === t,
);

export interface Target {
  name: TargetName;
  database: Database;
  dispose(): Promise<void>;
}

/**
 * PGlite in a fresh temporary directory (as `npm start` runs it, fsync off), or a fresh database
 * `musubi_bench_<random>` on the Postgres server, dropped by dispose(). `template` is a PGlite data-dir
 * dump to load instead of running initdb (tests).
 */
export async function openTarget(
  name: TargetName,
  opts: { template?: Blob; memory?: boolean; statementMs?: number } = {},
): Promise<Target> {
  if (name === 'pglite') {
    if (opts.memory || opts.template) {
      const database = await openDatabase({
        dataDir: 'memory',
        ...(opts.template ? { loadDataDir: opts.template } : {}),
      });
      return { name, database, dispose: () => database.close() };
    }
    const dir = mkdtempSync(join(tmpdir(), 'musubi-bench-'));
    const database = await openDatabase({ dataDir: dir });
    return {
      name,
      database,
      dispose: async () => {
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const dbName = `musubi_bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${dbName}`);
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  let database: Database;
  try {
    database = await openDatabase({
      databaseUrl: url.toString(),
      poolSize: POOL_SIZE,
      // Generating a large chain takes single statements of minutes: a bench may lift the server's 15 s.
      ...(opts.statementMs !== undefined ? { timeouts: { statementMs: opts.statementMs } } : {}),
    });
  } catch (err) {
    await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    throw err;
  }
  const drop = () => adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  cleanups.add(drop);
  return {
    name,
    database,
    dispose: async () => {
      await database.close().catch(() => {});
      await drop();
      cleanups.delete(drop);
    },
  };
}

/** Temporary databases still to drop if the run is interrupted. */
export const cleanups = new Set<() => Promise<void>>();

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Is the Postgres server at BENCH_DATABASE_URL reachable? Returns the reason when it is not. */
export async function serverUnavailable(): Promise<string | null> {
  try {
    await adminQuery('SELECT 1');
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * A database kept between runs (made by a generator; its URL from a BENCH_…_URL variable): migrated, a pool of
 * 10, no statement timeout (a raw-SQL side can take minutes at scale).
 */
export async function openKeptDatabase(url: string): Promise<Database> {
  const database = await openDatabase({ databaseUrl: url, poolSize: 10, timeouts: { statementMs: 0 } });
  await migrate(database);
  return database;
}

/** A database URL with its password hidden, for a line of output. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * `run` on each database of the run (TARGETS) in turn, its results in order; the Postgres server is skipped,
 * with a line saying why, when it cannot be reached.
 */
export async function onEachTarget<R>(run: (name: TargetName) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const name of TARGETS) {
    if (name === 'postgres') {
      const why = await serverUnavailable();
      if (why) {
        console.log(`\npostgres: skipped — server at ${redactUrl(serverUrl)} not reachable (${why})`);
        continue;
      }
    }
    out.push(await run(name));
  }
  return out;
}

/** Rows of one parameterised statement, on the raw driver (pg pool or PGlite), bypassing the server. */
export function rawQuery<T = Record<string, unknown>>(
  database: Database,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  if (database.pool) return database.pool.query(text, params).then((r) => r.rows as T[]);
  if (database.pglite) return database.pglite.query<T>(text, params).then((r) => r.rows);
  throw new Error('database has neither pool nor pglite');
}

export interface RunningServer {
  server: Server;
  port: number;
  /** Admin client (bootstrap owner token), for setup requests. */
  client: HttpClient;
  close(): Promise<void>;
}

/** The real server, in this process, on 127.0.0.1 and a free port (`env`: more settings, e.g. loopback partners). */
export async function startServer(database: Database, env: Record<string, string> = {}): Promise<RunningServer> {
  const config = loadConfig({
    ...env,
    MUSUBI_BOOTSTRAP_TOKEN: BOOTSTRAP_TOKEN,
    LOG_LEVEL: 'silent',
    DATA_DIR: 'memory',
    MUSUBI_SECRET: 'bench-secret-0123456789abcdef',
    MUSUBI_DEMO: '0',
    CARD_PROVIDER: 'test', // the benches pay by card with the test acquirer's numbers
  });
  const server = await buildServer(config, { database, logger: false, jobs: false });
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const address = server.app.server.address();
  if (!address || typeof address === 'string') throw new Error('server did not bind a TCP port');
  const client = new HttpClient(address.port, BOOTSTRAP_TOKEN);
  return {
    server,
    port: address.port,
    client,
    close: async () => {
      client.close();
      await server.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Data

const TOKYO: Array<[string, number, number, 'store' | 'warehouse']> = [
  ['渋谷店', 35.6618, 139.7041, 'store'],
  ['新宿店', 35.6896, 139.7006, 'store'],
  ['池袋店', 35.7295, 139.7109, 'store'],
  ['銀座店', 35.6717, 139.765, 'store'],
  ['吉祥寺店', 35.7033, 139.5797, 'store'],
  ['横浜店', 35.4658, 139.6223, 'store'],
  ['大宮店', 35.9063, 139.6239, 'store'],
  ['千葉店', 35.6131, 140.1134, 'store'],
  ['川崎物流センター', 35.5308, 139.7029, 'warehouse'],
];

/** Create `n` locations (≥ 9 gives every Tokyo-area one) directly: there is no public create route. */
export async function createLocations(database: Database, n = TOKYO.length): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const [name, lat, lng, kind] = TOKYO[i % TOKYO.length]!;
    const id = newId('loc');
    await rawQuery(
      database,
      `INSERT INTO locations (id, code, name, kind, prefecture, city, address, lat, lng, opening_hours, services)
       VALUES ($1, $2, $3, $4, '東京都', '渋谷区', '神南1-1-1', $5, $6, $7::jsonb, $8::jsonb)`,
      [
        id,
        `B${String(i + 1).padStart(3, '0')}`,
        i < TOKYO.length ? name : `${name} ${i + 1}`,
        kind,
        lat,
        lng,
        JSON.stringify(
          Object.fromEntries(
            ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, { open: '10:00', close: '21:00' }]),
          ),
        ),
        JSON.stringify({
          pickup: kind === 'store',
          orderAhead: false,
          deliveryRadiusKm: null,
          shipping: kind === 'warehouse',
        }),
      ],
    );
    ids.push(id);
  }
  return ids;
}

const janRun = String(Math.floor(Math.random() * 100_000)).padStart(5, '0');
let janCounter = 0;
function nextJan(): string {
  janCounter++;
  return makeJan(`2${janRun}${String(janCounter).padStart(6, '0')}`);
}

/** Create a product with `variants` variants through the API; returns the variant ids. */
export async function createProduct(client: HttpClient, name: string, variants = 1): Promise<string[]> {
  const colours = ['白', '黒', '紺', '灰', '赤'];
  const sizes = ['S', 'M', 'L', 'XL'];
  const body = {
    name,
    nameKana: 'べんちしょうひん',
    taxRate: 10,
    variants: Array.from({ length: variants }, (_, i) => {
      const jan = nextJan();
      const options = {
        colour: colours[i % colours.length]!,
        size: `${sizes[Math.floor(i / colours.length) % sizes.length]}${Math.floor(i / 20) || ''}`,
      };
      return { sku: `BENCH-${jan}`, jan, price: 1980, options };
    }),
  };
  const product = await client.json<{ variants: Array<{ id: string }> }>('POST', '/api/products', body, 201);
  return product.variants.map((v) => v.id);
}

/** Receive stock through the API (a receipt movement). */
export async function receive(
  client: HttpClient,
  variantId: string,
  locationId: string,
  quantity: number,
): Promise<void> {
  await client.json('POST', '/api/stock-movements', { variantId, locationId, kind: 'receipt', quantity }, 201);
}

/**
 * Many variants × locations for the spread case: products through the API (100 variants each, so the
 * catalog and its search index are real), then stock rows and their receipt movements by direct SQL.
 */
export async function createSpread(
  database: Database,
  client: HttpClient,
  locationIds: string[],
  variantCount: number,
  quantity: number,
): Promise<Array<{ variantId: string; locationId: string }>> {
  const perProduct = 100;
  const variantIds: string[] = [];
  for (let made = 0; made < variantCount; made += perProduct) {
    variantIds.push(
      ...(await createProduct(
        client,
        `ベンチ Tシャツ ${made / perProduct + 1}`,
        Math.min(perProduct, variantCount - made),
      )),
    );
  }
  const rows = variantIds.flatMap((variantId) => locationIds.map((locationId) => ({ variantId, locationId })));
  for (let i = 0; i < rows.length; i += 1000) {
    const batch = rows.slice(i, i + 1000);
    const vars = batch.map((r) => r.variantId);
    const locs = batch.map((r) => r.locationId);
    const ids = batch.map(() => newId('mov'));
    await rawQuery(
      database,
      `WITH input AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS t(variant_id, location_id, movement_id)),
            lvl AS (INSERT INTO stock_levels (variant_id, location_id, on_hand) SELECT variant_id, location_id, $4::int FROM input RETURNING 1)
       INSERT INTO stock_movements (id, variant_id, location_id, kind, quantity, on_hand_after, reason)
       SELECT movement_id, variant_id, location_id, 'receipt', $4::int, $4::int, 'bench' FROM input`,
      [vars, locs, ids, quantity],
    );
  }
  return rows;
}

/**
 * Invariants after a run: reserved equals the active reservation lines on every stock row, and nothing
 * is reserved beyond what is on hand. Returns the rows that break them.
 */
export async function stockInvariantViolations(
  database: Database,
): Promise<Array<{ variant_id: string; location_id: string; on_hand: number; reserved: number; active: number }>> {
  return rawQuery(
    database,
    `SELECT s.variant_id, s.location_id, s.on_hand, s.reserved, COALESCE(a.active, 0)::int AS active
       FROM stock_levels s
       LEFT JOIN (SELECT l.variant_id, l.location_id, sum(l.quantity)::int AS active
                    FROM reservation_lines l JOIN reservations r ON r.id = l.reservation_id
                   WHERE r.status = 'active' GROUP BY 1, 2) a
              ON a.variant_id = s.variant_id AND a.location_id = s.location_id
      WHERE s.reserved <> COALESCE(a.active, 0) OR s.reserved > s.on_hand OR s.on_hand < 0`,
  );
}

export async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await work();
  note(`${label} (${Math.round(performance.now() - t0)} ms)`);
  return out;
}
