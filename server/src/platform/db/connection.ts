import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { PgDatabase, PgDialect, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import type pg from 'pg';
import type { Config } from '../config.ts';
import { lockDataDir } from './lock.ts';
import type { ListenStatus } from './listen.ts';
import type { ReplicaRouter } from './replica.ts';
import { emptyClusterTarball, initdbInWorker, unpackEmptyCluster } from './pglite-template.ts';
import { compileFast } from './compile.ts';

// No schema is registered with Drizzle: each module queries its own tables with the query builder (not
// the relational `db.query.*` API), so platform needs to know no module's tables.
export type Schema = Record<string, never>;
// Both drivers share Drizzle's Postgres core; services are written against this common type.
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Executor = Db | Tx;

export interface Database {
  kind: 'pglite' | 'postgres';
  /** The primary: every write, every transaction, and every read that must see what was just written. */
  db: Db;
  /**
   * The read handle for reads that tolerate a little lag (platform/db/replica.ts): the replica of
   * DATABASE_READ_URL while it is up and close behind, else the primary. Without a replica it is `db`.
   * Only the named read paths get it (server.ts); a transaction on it runs on the primary.
   */
  read: Db;
  /** The replica's router (its state for /health and the metrics); undefined without DATABASE_READ_URL. */
  replica?: ReplicaRouter;
  /**
   * Subscribe to a NOTIFY channel; works across processes on the Postgres server. `onResume` is called
   * when the LISTEN connection was lost and is back: NOTIFYs sent in between were missed.
   */
  listen(channel: string, onPayload: (payload: string) => void, onResume?: () => void): Promise<() => Promise<void>>;
  /** The LISTEN connection: up or not, and how often it was re-established (embedded: always up). */
  listenStatus(): ListenStatus;
  close(): Promise<void>;
  /** The raw PGlite instance (embedded mode only), for COPY and dumps in tools and benchmarks. */
  pglite?: PGlite;
  /** The raw pool (server mode only). */
  pool?: pg.Pool;
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** Directory for the embedded database; `memory` for a throwaway in-memory one. */
  dataDir?: string | 'memory';
  poolSize?: number;
  /** Postgres server only; defaults below. */
  timeouts?: Partial<PoolTimeouts>;
  /** Load a PGlite data dir dump (tarball) instead of running initdb, e.g. in tests. */
  loadDataDir?: Blob | File;
  /** A streaming replica for lag-tolerant reads (Postgres server only; DATABASE_READ_URL). */
  read?: ReadOptions | undefined;
  /** Embedded: take DATA_DIR's lock (default); false when this process already holds it (first-start.ts). */
  lock?: boolean;
  /** The embedded database's shared_buffers (EMBEDDED_SHARED_BUFFERS); default below. */
  sharedBuffers?: string | undefined;
}

/** How the server opens its database from the config (server.ts, and main.ts, which starts it early). */
export function openOptionsOf(config: Config): OpenOptions {
  return {
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.databasePoolSize,
    timeouts: config.databaseTimeouts,
    read: config.databaseRead,
    sharedBuffers: config.embeddedSharedBuffers,
  };
}

/**
 * The embedded Postgres's buffer cache. PGlite keeps Postgres's default of 128 MB inside its WebAssembly
 * memory, which only grows: once the pages have been touched (a first start writes the whole demo through
 * them) they stay resident. 16 MB took a restart from 489 to 371 MB RSS; the data files are in the OS page
 * cache anyway, so a miss costs a copy, not a disk read.
 */
export const DEFAULT_EMBEDDED_SHARED_BUFFERS = '16MB';

export function pgliteStartParams(sharedBuffers = DEFAULT_EMBEDDED_SHARED_BUFFERS): string[] {
  return [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffers}`];
}

export interface ReadOptions {
  url: string;
  /** Fall back to the primary when the replica is further behind (ms; DATABASE_READ_MAX_LAG_MS). */
  maxLagMs: number;
  /** How often the replica's state is checked (ms; DATABASE_READ_PROBE_MS). */
  probeMs: number;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl)
    return openPostgres(opts.databaseUrl, opts.poolSize ?? 10, { ...defaultTimeouts, ...opts.timeouts }, opts.read);
  if (opts.read) throw new Error('DATABASE_READ_URL needs DATABASE_URL: the embedded database has no replicas.');
  return openPglite(
    opts.dataDir ?? './data',
    opts.loadDataDir,
    pgliteStartParams(opts.sharedBuffers),
    opts.lock ?? true,
  );
}

async function openPglite(
  dataDir: string,
  loadDataDir: Blob | File | undefined,
  startParams: string[],
  lock: boolean,
): Promise<Database> {
  let unlock = () => {};
  let pglite: PGlite;
  if (dataDir === 'memory') {
    // A fresh one starts from the shipped empty cluster, not initdb (pglite-template.ts).
    const tarball = loadDataDir ?? emptyClusterTarball();
    pglite = await PGlite.create({ startParams, ...(tarball ? { loadDataDir: tarball } : {}) });
  } else {
    const dir = resolve(dataDir);
    if (lock) unlock = lockDataDir(dir);
    try {
      mkdirSync(dir, { recursive: true });
      const pgdata = join(dir, 'pgdata');
      if (!existsSync(join(pgdata, 'PG_VERSION')) && !loadDataDir) {
        // First start: the shipped empty cluster, else initdb in a worker whose memory is freed after.
        if (!unpackEmptyCluster(pgdata)) await initdbInWorker(pgdata, startParams);
      }
      pglite = await PGlite.create({ dataDir: pgdata, startParams, ...(loadDataDir ? { loadDataDir } : {}) });
    } catch (err) {
      unlock();
      throw err;
    }
  }
  const db = fast(drizzlePglite({ client: pglite, casing: 'snake_case' }) as unknown as Db);
  return {
    kind: 'pglite',
    db,
    read: db,
    pglite,
    listen: async (channel, onPayload) => {
      const stop = await pglite.listen(channel, onPayload);
      return async () => stop();
    },
    listenStatus: () => ({ connected: !pglite.closed, reconnects: 0 }),
    close: async () => {
      try {
        await pglite.close();
      } finally {
        unlock();
      }
    },
  };
}

export interface PoolTimeouts {
  /** Wait at most this long for a connection (a new one or a free one from a full pool). */
  connectMs: number;
  /** The server cancels a statement running longer (0 = never). */
  statementMs: number;
  /** The server ends a session left idle inside a transaction this long (0 = never). */
  idleInTransactionMs: number;
}

export const defaultTimeouts: PoolTimeouts = { connectMs: 5000, statementMs: 15_000, idleInTransactionMs: 30_000 };

async function openPostgres(
  url: string,
  poolSize: number,
  timeouts: PoolTimeouts,
  read?: ReadOptions,
): Promise<Database> {
  // The Postgres client is loaded only for a Postgres server: an embedded restart does without it.
  const [{ default: pg }, { drizzle: drizzlePg }, { ListenConnection }, { ReadPool, ReplicaRouter }] =
    await Promise.all([
      import('pg'),
      import('drizzle-orm/node-postgres'),
      import('./listen.ts'),
      import('./replica.ts'),
    ]);
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    application_name: 'musubi',
    connectionTimeoutMillis: timeouts.connectMs,
    // TCP keepalive notices a server or network that vanished without closing the connection.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    statement_timeout: timeouts.statementMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
    // The client-side limit catches what the server cannot report (a black-holed network); it sits
    // above statement_timeout so the server's own, clearer cancel normally comes first.
    ...(timeouts.statementMs > 0 ? { query_timeout: timeouts.statementMs + 5000 } : {}),
  });
  pool.on('error', () => {
    /* an idle client died; the pool replaces it */
  });
  const db = fast(drizzlePg({ client: pool, casing: 'snake_case' }) as unknown as Db);
  // One LISTEN connection per app copy, shared by every channel (listen.ts).
  const listener = new ListenConnection(url);
  let replica: ReplicaRouter | undefined;
  let readDb = db;
  if (read) {
    replica = new ReplicaRouter(pool, {
      ...read,
      poolSize,
      connectMs: timeouts.connectMs,
      statementMs: timeouts.statementMs,
    });
    // A replica that is down at start is no reason not to start: reads go to the primary meanwhile.
    await replica.start();
    readDb = fast(
      drizzlePg({
        client: new ReadPool(replica, pool) as unknown as pg.Pool,
        casing: 'snake_case',
      }) as unknown as Db,
    );
    primaries.set(readDb, db);
  }
  return {
    kind: 'postgres',
    db,
    read: readDb,
    ...(replica ? { replica } : {}),
    pool,
    listen: (channel, onPayload, onResume) => listener.listen(channel, onPayload, onResume),
    listenStatus: () => listener.status,
    close: async () => {
      await listener.close();
      await replica?.close();
      await pool.end();
    },
  };
}

const primaries = new WeakMap<Db, Db>();

/**
 * The primary behind a read handle (itself for any other). Tables kept in memory (table-cache.ts) are
 * read from the primary only: their copy is dropped when the primary says they changed, and a replica
 * read just after could bring the old rows back for the whole TTL.
 */
export function primaryOf(db: Db): Db {
  return primaries.get(db) ?? db;
}

/** A handle whose statements compileSql compiles (its builders' as well as raw ones). */
function fast(db: Db): Db {
  compileFast((db as unknown as { dialect: PgDialect }).dialect);
  return db;
}

/** Rows of a raw `db.execute(sql…)` result, the same on both drivers (compiled by compileSql: see `fast`). */
export async function query<T>(executor: Executor, statement: SQL): Promise<T[]> {
  const result = (await executor.execute(statement)) as unknown as { rows: T[] };
  return result.rows;
}

/**
 * The handle for a lag-tolerant read made by this caller: `read` (the replica when usable), except for
 * staff, whose screens read back what they have just changed (a product saved, a collection reordered)
 * and so read the primary. Shoppers and anonymous visitors read the replica.
 */
export function readerFor(caller: { kind: string }, db: Db, read: Db): Db {
  return caller.kind === 'staff' ? db : read;
}
