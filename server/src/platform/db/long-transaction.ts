import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import { query, type Database } from './connection.ts';

/** Runs one statement of a long transaction and answers its rows. */
export type LongExec = <T>(statement: SQL) => Promise<T[]>;

const dialect = new PgDialect();
/** A statement of a nightly batch may run this long before the client gives up on it. */
const DAY_MS = 86_400_000;

/**
 * One transaction for a batch over millions of rows (a nightly rebuild): on the Postgres server, on a
 * connection of its own with neither the server's `statement_timeout` nor the pool's client-side
 * `query_timeout` (both sized for requests, not for a rebuild at a large chain); embedded, PGlite's one
 * connection, which has neither. `isolation: 'repeatable read'` gives every statement one snapshot.
 */
export async function longTransaction<T>(
  database: Database,
  work: (exec: LongExec) => Promise<T>,
  opts: { isolation?: 'read committed' | 'repeatable read' } = {},
): Promise<T> {
  const isolation = opts.isolation ?? 'read committed';
  if (!database.pool)
    return database.db.transaction((tx) => work((statement) => query(tx, statement)), { isolationLevel: isolation });
  const client = await database.pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(`BEGIN ISOLATION LEVEL ${isolation.toUpperCase()}`);
    try {
      await client.query('SET LOCAL statement_timeout = 0');
      const exec: LongExec = async <R>(statement: SQL) => {
        const q = dialect.sqlToQuery(statement);
        const config: pg.QueryConfig & { query_timeout: number } = {
          text: q.sql,
          values: q.params,
          query_timeout: DAY_MS,
        };
        return (await client.query(config)).rows as R[];
      };
      const out = await work(exec);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw err;
    }
  } finally {
    client.release(broken);
  }
}
