import { getTableColumns, is, sql, SQL, type Column, type Table } from 'drizzle-orm';
import { toSnakeCase } from 'drizzle-orm/casing';
import type { Executor } from './connection.ts';
import { queryNamed } from './prepared.ts';
import { sqlState } from './tx.ts';

/** One write: its table, and the insert/update/delete (a Drizzle builder or `sql`) returning all its columns. */
export type Part<T extends Table = Table> = readonly [T, { getSQL(): SQL }];

type Rows<P> = { [K in keyof P]: P[K] extends Part<infer T> ? Array<T['$inferSelect']> : never };

/** A writeTogether statement's `check` gave a reason: nothing of the statement was kept. */
export class Refused extends Error {
  constructor(readonly reason: string) {
    super(`refused: ${reason}`);
  }
}

export interface TogetherOptions<P> {
  /** More common table expressions (`name AS (…), …`) placed before the parts, which may read them. */
  with?: SQL | undefined;
  /**
   * A text expression, evaluated after the parts: NULL to go on, or a reason — then the whole statement
   * is undone and writeTogether throws Refused(reason). It may read the parts through `ref`, and CTEs of
   * `with` that only it reads run last: rows they lock (a hot stock row) stay locked the shortest time.
   */
  check?: ((ref: (name: keyof P & string) => SQL) => SQL) | undefined;
  /** Like `check`, but evaluated first, before any part runs: for a cheap test that needs no lock. */
  precheck?: ((ref: (name: keyof P & string) => SQL) => SQL) | undefined;
  /** Extra expressions evaluated once with the writes, which may read a part through `ref` (e.g. `notifySql`). */
  also?: ((ref: (name: keyof P & string) => SQL) => SQL[]) | undefined;
}

/**
 * Several writes in one statement, one round trip: each builder becomes a data-modifying CTE and its
 * returned rows come back as JSON, decoded into the same objects Drizzle would give (`Date`s, numbers,
 * jsonb as is). Postgres runs the CTEs on one snapshot and checks foreign keys at the end of the
 * statement, so an order and its lines can be written together; no part sees another's rows in its
 * table, so values that link them (ids) are made in JS. All or nothing, as any statement: outside a
 * transaction it needs none.
 */
export async function writeTogether<P extends Record<string, Part>>(
  tx: Executor,
  parts: P,
  opts: TogetherOptions<P> = {},
): Promise<Rows<P>> {
  const names = Object.keys(parts);
  if (!names.length && !opts.with && !opts.check && !opts.precheck && !opts.also) return {} as Rows<P>; // nothing to write
  const ref = (name: string) => sql`${sql.identifier(`w${names.indexOf(name)}`)}`;
  const ctes = sql.join(
    [
      ...(opts.with ? [opts.with] : []),
      ...names.map((name, i) => sql`${sql.identifier(`w${i}`)} AS (${parts[name]![1].getSQL()})`),
    ],
    sql`, `,
  );
  const outputs = sql.join(
    [
      // The select list runs in order: the precheck, the parts, the check (and what only it reads), `also`.
      ...(opts.precheck ? [sql`musubi_refuse(${opts.precheck(ref)}) AS prechecked`] : []),
      ...names.map(
        (name, i) =>
          sql`(SELECT coalesce(json_agg(t), '[]'::json) FROM ${sql.identifier(`w${i}`)} t) AS ${sql.identifier(name)}`,
      ),
      ...(opts.check ? [sql`musubi_refuse(${opts.check(ref)}) AS refused`] : []),
      ...(opts.also?.(ref) ?? []).map((expr, i) => sql`${expr} AS ${sql.identifier(`also${i}`)}`),
    ],
    sql`, `,
  );
  let row: Record<string, unknown> | undefined;
  try {
    // Named after its text: the server plans each shape of the statement once per connection.
    [row] = await queryNamed<Record<string, unknown>>(tx, sql`WITH ${ctes} SELECT ${outputs}`);
  } catch (err) {
    if (sqlState(err) === REFUSED) throw new Refused(refusalReason(err));
    throw err;
  }
  const out: Record<string, unknown[]> = {};
  for (const name of names) {
    const raw = row![name];
    const list = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<Record<string, unknown>>;
    out[name] = list.map((r) => fromJsonRow(parts[name]![0], r));
  }
  return out as Rows<P>;
}

/** The SQLSTATE musubi_refuse raises (migration 0010). */
const REFUSED = 'MSB01';

function refusalReason(err: unknown): string {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++, e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === REFUSED) return String((e as { message?: unknown }).message);
  }
  return 'refused';
}

/**
 * An INSERT of many rows with one parameter: the rows as a JSON array, spread by jsonb_populate_recordset.
 * For writeTogether, where a statement may hold a hundred values: Drizzle builds one parameter here instead
 * of one per value. Values are given as to Drizzle's insert (Dates, objects for jsonb). Drizzle's defaults
 * hold as in its own insert: a column left out takes its `$defaultFn` (or `$onUpdate`) value, computed here;
 * a column left out of every row takes its default; a column with a literal default left out of some rows
 * takes that literal in those. Only a column defaulted by an SQL expression (`now()`) must be given in all
 * rows or none. Without `returning` (a bulk write, the demo seed) nothing comes back.
 */
export function insertRows<T extends Table>(
  table: T,
  rows: ReadonlyArray<T['$inferInsert']>,
  opts: { returning?: boolean } = {},
): SQL {
  const returning = opts.returning ?? true;
  if (!rows.length) return sql`SELECT * FROM ${table} WHERE false`; // nothing to insert: no rows back
  const columns = columnsOf(table).filter(
    (c) => c.computed || rows.some((r) => (r as Record<string, unknown>)[c.key] !== undefined),
  );
  const json = rows.map((r) => {
    const out: Record<string, unknown> = {};
    for (const c of columns) {
      let value = (r as Record<string, unknown>)[c.key];
      if (value === undefined) {
        if (c.computed) value = c.computed();
        else if (c.literal) value = c.column.default;
        else if (c.inSql) throw new Error(`insertRows: ${c.key} is given in some rows only`);
      }
      out[c.name] = value === undefined || value === null ? null : c.json ? value : c.column.mapToDriverValue(value);
    }
    return out;
  });
  const names = sql.join(
    columns.map((c) => sql.identifier(c.name)),
    sql`, `,
  );
  return sql`INSERT INTO ${table} (${names}) SELECT ${names} FROM jsonb_populate_recordset(NULL::${table}, ${JSON.stringify(json)}::jsonb)${returning ? sql` RETURNING *` : sql``}`;
}

/** The keys of a table's columns that insertRows needs given in all rows or none (ColumnInfo.inSql). */
export function keysDefaultedInSql(table: Table): string[] {
  return columnsOf(table)
    .filter((c) => c.inSql)
    .map((c) => c.key);
}

interface ColumnInfo {
  key: string;
  /** Its name in SQL: the database is opened with casing 'snake_case', so a column named by its key is snake_case. */
  name: string;
  /** json/jsonb: passed through as is (already parsed; a jsonb string must stay a string). */
  json: boolean;
  column: Column;
  /** Computed by Drizzle when left out: `$defaultFn`, or `$onUpdate` on a column without a default. */
  computed?: () => unknown;
  /** Its default is a literal value (not an SQL expression): the same in a row as in the database. */
  literal: boolean;
  /** Defaulted by the database alone (an SQL expression such as `now()`, or a serial): given in all rows or none. */
  inSql: boolean;
}
const columnCache = new WeakMap<Table, ColumnInfo[]>();
function columnsOf(table: Table): ColumnInfo[] {
  let list = columnCache.get(table);
  if (!list) {
    list = Object.entries(getTableColumns(table)).map(([key, column]) => ({
      key,
      name: column.keyAsName ? toSnakeCase(column.name) : column.name,
      json: column.columnType === 'PgJsonb' || column.columnType === 'PgJson',
      column,
      computed: column.defaultFn ?? (column.default === undefined ? column.onUpdateFn : undefined),
      literal: column.default !== undefined && !is(column.default, SQL),
      inSql: column.hasDefault && !column.defaultFn && (column.default === undefined || is(column.default, SQL)),
    }));
    columnCache.set(table, list);
  }
  return list;
}

/** A row as `json_agg` gives it (snake_case keys, timestamps as ISO strings) → the table's row object. */
export function fromJsonRow(table: Table, json: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const c of columnsOf(table)) {
    const value = json[c.name];
    row[c.key] = value === null || value === undefined ? null : c.json ? value : c.column.mapFromDriverValue(value);
  }
  return row;
}
