import { getTableColumns, sql, type SQL, type Table } from 'drizzle-orm';
import { toSnakeCase } from 'drizzle-orm/casing';
import { query, type Executor } from './connection.ts';

/** One write: its table, and the insert/update/delete (a Drizzle builder or `sql`) returning all its columns. */
export type Part<T extends Table = Table> = readonly [T, { getSQL(): SQL }];

type Rows<P> = { [K in keyof P]: P[K] extends Part<infer T> ? Array<T['$inferSelect']> : never };

/**
 * Several writes in one statement, one round trip: each builder becomes a data-modifying CTE and its
 * returned rows come back as JSON, decoded into the same objects Drizzle would give (`Date`s, numbers,
 * jsonb as is). Postgres runs the CTEs on one snapshot and checks foreign keys at the end of the
 * statement, so an order and its lines can be written together; no part can see another's rows, so
 * values that link them (ids) are made in JS. `also` gives extra expressions evaluated once with the
 * writes, which may read a part's rows through `ref(name)` (e.g. `notifySql` for pg_notify). All or nothing as any statement; inside a transaction, a
 * caller that finds a guarded part wrote nothing throws and the transaction rolls the rest back.
 */
export async function writeTogether<P extends Record<string, Part>>(tx: Executor, parts: P, also: (ref: (name: keyof P & string) => SQL) => SQL[] = () => []): Promise<Rows<P>> {
  const names = Object.keys(parts);
  const ref = (name: string) => sql`${sql.identifier(`w${names.indexOf(name)}`)}`;
  const ctes = sql.join(
    names.map((name, i) => sql`${sql.identifier(`w${i}`)} AS (${parts[name]![1].getSQL()})`),
    sql`, `,
  );
  const outputs = sql.join(
    [
      ...names.map((name, i) => sql`(SELECT coalesce(json_agg(t), '[]'::json) FROM ${sql.identifier(`w${i}`)} t) AS ${sql.identifier(name)}`),
      ...also(ref).map((expr, i) => sql`${expr} AS ${sql.identifier(`also${i}`)}`),
    ],
    sql`, `,
  );
  const [row] = await query<Record<string, unknown>>(tx, sql`WITH ${ctes} SELECT ${outputs}`);
  const out: Record<string, unknown[]> = {};
  for (const name of names) {
    const raw = row![name];
    const list = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<Record<string, unknown>>;
    out[name] = list.map((r) => fromJsonRow(parts[name]![0], r));
  }
  return out as Rows<P>;
}

/** A row as `json_agg` gives it (snake_case keys, timestamps as ISO strings) → the table's row object. */
export function fromJsonRow(table: Table, json: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    // The database is opened with casing: 'snake_case': a column named by its key is snake_case in SQL.
    const value = json[column.keyAsName ? toSnakeCase(column.name) : column.name];
    // jsonb is already parsed (and a jsonb string must stay a string); everything else decodes as from the driver.
    row[key] = value === null || value === undefined ? null : column.columnType === 'PgJsonb' || column.columnType === 'PgJson' ? value : column.mapFromDriverValue(value);
  }
  return row;
}
