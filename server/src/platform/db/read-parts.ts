import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from './connection.ts';
import { queryNamed } from './prepared.ts';

/**
 * A read that can go alone or together with others in one statement. A screen that shows many modules'
 * answers at once (the clienteling card: points, visits, interests, favourites, purchases, pickups,
 * reviews, the next appointment, coupons, suggestions) would otherwise send a statement per module, each a
 * round trip, a socket write and a row description to parse; a till scanning members at a busy hour pays
 * that a dozen times per scan. Each module keeps its own statement and the code that reads its rows; the
 * screen asks for them together.
 *
 * A part's rows reach `finish` as JSON (Postgres `json_agg` of the rows, alone or together, so one shape
 * either way): columns by their names or aliases, timestamps as ISO 8601 text, numbers (numeric, bigint
 * counts too) as numbers, json and jsonb columns as values. `finish` may read more (a follow-up only
 * some answers need, say the stock of the favourites she has).
 */
export interface ReadPart<T> {
  /** A SELECT whose rows are the answer (its ORDER BY is kept). Reads only: no data-modifying CTE. */
  readonly sql: SQL;
  readonly finish: (rows: never[]) => T | Promise<T>;
}

export function readPart<R, T>(statement: SQL, finish: (rows: R[]) => T | Promise<T>): ReadPart<T> {
  return { sql: statement, finish: finish as (rows: never[]) => T | Promise<T> };
}

type Answers<P extends Record<string, ReadPart<unknown>>> = {
  [K in keyof P]: P[K] extends ReadPart<infer T> ? T : never;
};

/** Rows of a part, as one JSON array (in the part's order: nothing outside it joins or sorts them again). */
const asJson = (part: SQL) => sql`(SELECT coalesce(json_agg(t), '[]'::json) FROM (${part}) t)`;

/**
 * The parts in one statement (a named prepared statement: the same parts give the same text), then each
 * part's finish, side by side.
 */
export async function readTogether<P extends Record<string, ReadPart<unknown>>>(
  db: Executor,
  parts: P,
): Promise<Answers<P>> {
  const keys = Object.keys(parts);
  const [row] = await queryNamed<Record<string, never[]>>(db, togetherStatement(parts));
  const answers = await Promise.all(keys.map((k, i) => parts[k]!.finish(row![`p${i}`]!)));
  return Object.fromEntries(keys.map((k, i) => [k, answers[i]])) as Answers<P>;
}

/** The one statement readTogether sends: a row whose column `p<i>` holds the i-th part's rows as JSON. */
export function togetherStatement(parts: Record<string, ReadPart<unknown>>): SQL {
  const columns = Object.values(parts).map((part, i) => sql`${asJson(part.sql)} AS ${sql.identifier(`p${i}`)}`);
  return sql`SELECT ${sql.join(columns, sql`, `)}`;
}

/** One part alone (the same JSON rows as together). */
export async function readOne<T>(db: Executor, part: ReadPart<T>): Promise<T> {
  return (await readTogether(db, { part })).part;
}
