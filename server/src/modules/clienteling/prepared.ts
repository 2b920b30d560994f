import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Executor } from '../../platform/db/connection.ts';

const dialect = new PgDialect();

/**
 * Rows of a statement sent as a named prepared statement: the Postgres server plans it once per
 * connection instead of on every call. Planning the card's two statements costs more than running them
 * (≈ 1 ms against ≈ 0.5 ms for a typical member), and a scan happens with the customer waiting.
 * PGlite ignores the name. A name must always carry the same SQL text; only the parameters change.
 *
 * This belongs next to query() in platform/db once a second module needs it.
 */
export async function queryPrepared<T>(db: Executor, name: string, statement: SQL): Promise<T[]> {
  const prepared = db._.session.prepareQuery(dialect.sqlToQuery(statement), undefined, name, false);
  const result = (await prepared.execute()) as { rows: T[] };
  return result.rows;
}
