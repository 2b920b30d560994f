import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type pg from 'pg';
import type { Database } from './connection.ts';

export const migrationsFolder = fileURLToPath(new URL('../../../drizzle', import.meta.url));

const MIGRATION_LOCK = 746_455_001; // advisory lock key: one migrator at a time across app copies

/**
 * A migration whose first line is this marker runs outside a transaction, one statement per
 * `--> statement-breakpoint`: `CREATE INDEX CONCURRENTLY` (which builds an index on a big table without
 * blocking writes) refuses to run inside one.
 */
export const NO_TRANSACTION_MARKER = '-- musubi:no-transaction';

export interface Migration {
  /** The file name without .sql, e.g. `0010_table_changed`. */
  tag: string;
  /** The journal's `when`: Drizzle records it as `created_at`, and so do we. */
  createdAt: number;
  hash: string;
  statements: string[];
  transactional: boolean;
}

export interface MigrateOptions {
  folder?: string;
  /** Stop after this tag (tests that load a previous release's data, then upgrade). */
  upTo?: string;
}

/** The migrations in the journal order, read with Drizzle's own reader (same split, same hash). */
export function readMigrations(folder = migrationsFolder): Migration[] {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: Array<{ tag: string; when: number }>;
  };
  const files = readMigrationFiles({ migrationsFolder: folder });
  return journal.entries.map((entry, i) => {
    const file = files[i]!;
    return {
      tag: entry.tag,
      createdAt: file.folderMillis,
      hash: file.hash,
      statements: file.sql.filter((s) => s.trim() !== ''),
      transactional: !file.sql[0]!.trimStart().startsWith(NO_TRANSACTION_MARKER),
    };
  });
}

/**
 * A connection that runs statements one at a time: PGlite's single connection, or one client taken
 * from the server's pool for the whole migration (it holds the advisory lock).
 */
interface Session {
  run(statement: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  transaction(work: () => Promise<void>): Promise<void>;
}

/**
 * Apply the versioned SQL migrations in server/drizzle that the database has not recorded yet, in order,
 * each in its own transaction (or none, for a no-transaction migration); returns the tags applied.
 * Bookkeeping is Drizzle's own table (drizzle.__drizzle_migrations), so databases migrated before stay valid.
 * On the Postgres server, app copies starting together take turns through an advisory lock.
 */
export async function migrate(database: Database, opts: MigrateOptions = {}): Promise<string[]> {
  const all = readMigrations(opts.folder);
  const end = opts.upTo ? all.findIndex((m) => m.tag === opts.upTo) : all.length - 1;
  if (end < 0) throw new Error(`No migration ${opts.upTo} in the journal`);
  const wanted = all.slice(0, end + 1);
  return withSession(database, async (session) => {
    await session.run('CREATE SCHEMA IF NOT EXISTS drizzle');
    await session.run(
      'CREATE TABLE IF NOT EXISTS drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)',
    );
    const done = await recorded(session);
    const applied: string[] = [];
    for (const migration of wanted) {
      if (done.has(migration.createdAt)) continue;
      const record = () =>
        session.run('INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ($1, $2)', [
          migration.hash,
          migration.createdAt,
        ]);
      if (migration.transactional) {
        await session.transaction(async () => {
          for (const statement of migration.statements) await session.run(statement);
          await record();
        });
      } else {
        // Each statement commits on its own; a failure leaves the earlier ones applied and the migration
        // unrecorded, so it runs again from the top: its statements must be safe to repeat (IF NOT EXISTS …).
        for (const statement of migration.statements) await session.run(statement);
        await record();
      }
      applied.push(migration.tag);
    }
    return applied;
  });
}

/** Tags in the journal that the database has not applied (empty when it is up to date, or ahead). */
export async function pendingMigrations(database: Database, folder?: string): Promise<string[]> {
  const all = readMigrations(folder);
  return withSession(database, async (session) => {
    const [exists] = await session.run("SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS present");
    const done = exists?.present ? await recorded(session) : new Set<number>();
    return all.filter((m) => !done.has(m.createdAt)).map((m) => m.tag);
  });
}

async function recorded(session: Session): Promise<Set<number>> {
  const rows = await session.run('SELECT created_at FROM drizzle.__drizzle_migrations');
  return new Set(rows.map((r) => Number(r.created_at)));
}

async function withSession<T>(database: Database, work: (session: Session) => Promise<T>): Promise<T> {
  if (database.kind === 'pglite') return work(pgliteSession(database));
  const client = await database.pool!.connect();
  try {
    // A concurrent index build on a big table takes minutes: no statement timeout for this session.
    await client.query('SET statement_timeout = 0');
    await lockMigrations(client);
    return await work(pgSession(client));
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    // The session's settings were changed: close it rather than hand it back to the pool.
    client.release(true);
  }
}

function pgliteSession(database: Database): Session {
  const pglite = database.pglite!;
  let executor: Pick<typeof pglite, 'query'> = pglite;
  return {
    run: async (statement, params) => (await executor.query<Record<string, unknown>>(statement, params)).rows,
    // PGlite's own transaction() holds its transaction mutex, so no other caller's query joins it.
    transaction: async (work) => {
      await pglite.transaction(async (tx) => {
        executor = tx;
        try {
          await work();
        } finally {
          executor = pglite;
        }
      });
    },
  };
}

/**
 * Wait for the migration lock by polling pg_try_advisory_lock rather than blocking in pg_advisory_lock:
 * a session blocked in that call holds a snapshot, and CREATE INDEX CONCURRENTLY in the lock holder waits
 * for every older snapshot to end — the two would wait on each other.
 */
async function lockMigrations(client: pg.PoolClient): Promise<void> {
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      MIGRATION_LOCK,
    ]);
    if (rows[0]?.locked) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

function pgSession(client: pg.PoolClient): Session {
  return {
    // The pool's client-side query_timeout would cut a long index build: a day instead (0 means "the pool's").
    run: async (statement, params) =>
      (await client.query({ text: statement, values: params ?? [], query_timeout: 86_400_000 } as pg.QueryConfig))
        .rows as Array<Record<string, unknown>>,
    transaction: async (work) => {
      await client.query('BEGIN');
      try {
        await work();
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    },
  };
}

/**
 * At start: apply pending migrations, or — when an operator runs `npm run migrate` as a separate step
 * (MUSUBI_MIGRATE_ON_START=0) — refuse to serve a database that lacks this release's migrations.
 */
export async function migrateOrCheck(database: Database, migrateOnStart: boolean): Promise<void> {
  if (migrateOnStart) {
    await migrate(database);
    return;
  }
  const pending = await pendingMigrations(database);
  if (pending.length > 0) {
    throw new Error(
      `The database lacks ${pending.length} migration(s) of this release (${pending.join(', ')}). Run \`npm run migrate\` first, or set MUSUBI_MIGRATE_ON_START=1.`,
    );
  }
}
