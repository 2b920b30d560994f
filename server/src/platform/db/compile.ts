import { isDeepStrictEqual } from 'node:util';
import { Column, Name, Param, Placeholder, SQL, StringChunk, Table } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';

export interface Compiled {
  sql: string;
  params: unknown[];
}

/**
 * An `sql` statement to its text and parameters, as `dialect.sqlToQuery` gives them, in a fraction of its
 * time. Drizzle asks each piece of the tree up to a dozen `is()` questions, each a walk up the prototype
 * chain, and types every parameter the same way (typings node-postgres and PGlite never read): on the
 * hot paths that was a fifth of the server's CPU. Here the pieces a statement is mostly made of — text,
 * nested `sql`, parameters, plain values, identifiers, columns, tables — are recognised by their class;
 * anything else (a subquery, a builder, a list, a placeholder, inlined parameters) is handed to Drizzle's
 * own code for that one piece, so the text is always Drizzle's. Under vitest every statement is also
 * compiled by Drizzle and the two compared (a difference throws).
 */
export function compileSql(statement: SQL, dialect: PgDialect): Compiled {
  const out: Compiled = { sql: '', params: [] };
  if (inlined(statement)) return viaDrizzle(statement, dialect);
  walk(statement.queryChunks, dialect, out);
  if (CHECK) {
    const drizzle = drizzleCompile.call(dialect, statement);
    if (drizzle.sql !== out.sql || !isDeepStrictEqual(drizzle.params, out.params))
      throw new Error(`compileSql differs from Drizzle:\n${out.sql}\n${drizzle.sql}`);
  }
  return out;
}

const CHECK = Boolean(process.env.VITEST);

/** `sql.inlineParams()` was asked for (Drizzle keeps the flag private): Drizzle's own code writes the values in. */
const inlined = (s: SQL) => (s as unknown as { shouldInlineParams: boolean }).shouldInlineParams;

function walk(chunks: readonly unknown[], dialect: PgDialect, out: Compiled): void {
  for (const chunk of chunks) {
    if (chunk === undefined) continue;
    if (chunk === null || (typeof chunk !== 'object' && typeof chunk !== 'function')) {
      out.sql += dialect.escapeParam(out.params.length);
      out.params.push(chunk);
      continue;
    }
    const kind = (chunk as object).constructor;
    if (kind === StringChunk) out.sql += (chunk as StringChunk).value.join('');
    else if (kind === SQL && !inlined(chunk as SQL)) walk((chunk as SQL).queryChunks, dialect, out);
    else if (kind === Name) out.sql += dialect.escapeName((chunk as Name).value);
    else if (kind === Date) {
      out.sql += dialect.escapeParam(out.params.length);
      out.params.push(chunk);
    } else if (kind === Param && !((chunk as Param).value instanceof Placeholder)) {
      const p = chunk as Param;
      const mapped: unknown = p.value === null ? null : p.encoder.mapToDriverValue(p.value);
      if (mapped instanceof SQL) walk([mapped], dialect, out);
      else {
        out.sql += dialect.escapeParam(out.params.length);
        out.params.push(mapped);
      }
    } else if (chunk instanceof Column) {
      const table = chunk.table as unknown as Record<symbol, string | boolean | undefined>;
      out.sql += `${tableName(table, dialect)}.${dialect.escapeName(casingOf(dialect).getColumnCasing(chunk))}`;
    } else if (chunk instanceof Table) {
      out.sql += tableName(chunk as unknown as Record<symbol, string | boolean | undefined>, dialect);
    } else piece(chunk, dialect, out);
  }
}

/** A table's name as Drizzle writes it: with its schema unless it has none or is an alias. */
function tableName(table: Record<symbol, string | boolean | undefined>, dialect: PgDialect): string {
  const name = dialect.escapeName(table[TABLE_NAME] as string);
  const schema = table[TABLE_SCHEMA] as string | undefined;
  return schema === undefined || table[IS_ALIAS] ? name : `${dialect.escapeName(schema)}.${name}`;
}
// Table.Symbol's keys (kept out of Drizzle's public types).
const TABLE_NAME = Symbol.for('drizzle:Name');
const TABLE_SCHEMA = Symbol.for('drizzle:Schema');
const IS_ALIAS = Symbol.for('drizzle:IsAlias');

/** The dialect's column naming (snake_case for the app's handles; Drizzle keeps it internal). */
const casingOf = (dialect: PgDialect) =>
  (dialect as unknown as { casing: { getColumnCasing(c: Column): string } }).casing;

/** One piece compiled by Drizzle, numbering its parameters after those already placed. */
function piece(chunk: unknown, dialect: PgDialect, out: Compiled): void {
  const q = builder.buildQueryFromSourceParams([chunk as SQL], {
    casing: casingOf(dialect) as never,
    escapeName: dialect.escapeName,
    escapeParam: dialect.escapeParam,
    escapeString: dialect.escapeString,
    paramStartIndex: { value: out.params.length },
  });
  out.sql += q.sql;
  out.params.push(...q.params);
}
const builder = new SQL([]);

function viaDrizzle(statement: SQL, dialect: PgDialect): Compiled {
  const q = drizzleCompile.call(dialect, statement);
  return { sql: q.sql, params: q.params };
}

const drizzleCompile = PgDialect.prototype.sqlToQuery;

/**
 * Every statement of this handle's Drizzle — its query builders' too, awaited or prepared — compiled by
 * compileSql (statements built for indexes and other schema work keep Drizzle's own).
 */
export function compileFast(dialect: PgDialect): void {
  dialect.sqlToQuery = (statement: SQL, invokeSource?: 'indexes') =>
    invokeSource ? drizzleCompile.call(dialect, statement, invokeSource) : compileSql(statement, dialect);
}
