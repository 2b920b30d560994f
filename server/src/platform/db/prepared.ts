import { createHash } from 'node:crypto';
import { fillPlaceholders, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Executor } from './connection.ts';
import { compileFast } from './compile.ts';

const dialect = new PgDialect();
compileFast(dialect); // as the app's handles: compileSql, not Drizzle's walk

/**
 * Rows of a statement sent as a named prepared statement: the Postgres server plans it once per
 * connection instead of on every call. Planning the clienteling card's two statements costs more than
 * running them (≈ 1 ms against ≈ 0.5 ms for a typical member), and checkout's one write of a dozen CTEs
 * likewise. PGlite ignores the name. A name must always carry the same SQL text; only the parameters
 * change — `queryNamed` makes the name from the text.
 *
 * Drizzle has no public way to name a raw statement: this goes through its session's prepareQuery.
 */
export async function queryPrepared<T>(db: Executor, name: string, statement: SQL): Promise<T[]> {
  return run<T>(db, name, dialect.sqlToQuery(statement));
}

/** queryPrepared, named after the statement's text (so different texts never share a name). */
export async function queryNamed<T>(db: Executor, statement: SQL): Promise<T[]> {
  const query = dialect.sqlToQuery(statement);
  return run<T>(db, `q_${createHash('sha1').update(query.sql).digest('base64url').slice(0, 20)}`, query);
}

async function run<T>(db: Executor, name: string, query: ReturnType<PgDialect['sqlToQuery']>): Promise<T[]> {
  const prepared = db._.session.prepareQuery(query, undefined, name, false);
  const result = (await prepared.execute()) as { rows: T[] };
  return result.rows;
}

/**
 * A statement built once, at start-up, and run as a named prepared statement on every call: no Drizzle
 * query building per request (its `sql` walk, `is()` checks and casing cost more Node CPU than the
 * round trip on the hot reads). Parameters are `sql.placeholder('name')`s, filled per call. The prepared
 * query is kept per Drizzle session (primary, replica handle, each transaction), so `read` stays `read`.
 */
export interface Prebuilt<T, P extends string = string> {
  (db: Executor, params: Record<P, unknown>): Promise<T[]>;
  /** The statement's text, for tests and traces. */
  readonly text: string;
  /** Its parameters in the text's order, for sending it elsewhere (a benchmark's baseline). */
  values(params: Record<P, unknown>): unknown[];
}

export function prebuilt<T, P extends string = string>(statement: SQL, name?: string): Prebuilt<T, P> {
  const query = dialect.sqlToQuery(statement);
  const stmtName = name ?? `p_${createHash('sha1').update(query.sql).digest('base64url').slice(0, 20)}`;
  const bySession = new WeakMap<object, { execute(values: Record<string, unknown>): Promise<unknown> }>();
  const run = async (db: Executor, params: Record<P, unknown>): Promise<T[]> => {
    const session = db._.session;
    let prepared = bySession.get(session);
    if (!prepared) {
      prepared = session.prepareQuery(query, undefined, stmtName, false);
      bySession.set(session, prepared);
    }
    const result = (await prepared.execute(params)) as { rows: T[] };
    return result.rows;
  };
  const values = (params: Record<P, unknown>) => fillPlaceholders(query.params, params);
  return Object.assign(run, { text: query.sql, values }) as unknown as Prebuilt<T, P>;
}

/**
 * A Drizzle prepared query (`.prepare(name)`) built once per handle it runs on — the database, a replica's
 * handle, a transaction — instead of on every call: Drizzle builds and compiles a query each time it is
 * awaited, and a prepared one only binds its placeholders.
 */
export function perExecutor<Q>(build: (db: Executor) => Q): (db: Executor) => Q {
  const byExecutor = new WeakMap<Executor, Q>();
  return (db) => {
    let q = byExecutor.get(db);
    if (!q) byExecutor.set(db, (q = build(db)));
    return q;
  };
}
