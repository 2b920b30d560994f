import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../test/harness.ts';
import { readOne, readPart, readTogether, togetherStatement } from './read-parts.ts';
import type { Database } from './connection.ts';

for (const target of databaseTargets) {
  describe(`read parts [${target.name}]`, () => {
    // One database for the file's tests: they only read.
    let opened: Awaited<ReturnType<typeof target.open>> | undefined;
    beforeAll(async () => {
      opened = await target.open();
    });
    afterAll(() => opened?.dispose());
    const withDb = (work: (database: Database) => Promise<void>) => work(opened!.database);

    // Rows in an order the part sets, with the kinds of values the card's parts read.
    const numbers = (n: number) =>
      readPart<{ n: number; big: number; at: string; doc: { n: number }; label: string | null }, unknown[]>(
        sql`SELECT g AS n, (g * 10000000000)::bigint AS big, timestamptz '2026-12-07 10:00:00.123456+00' + g * interval '1 hour' AS at,
                   jsonb_build_object('n', g) AS doc, CASE WHEN g % 2 = 0 THEN 'even' END AS label
              FROM generate_series(1, ${n}) g ORDER BY g DESC`,
        (rows) => rows,
      );

    it('gives each part its rows as JSON, in its own order, the same alone as together', () =>
      withDb(async ({ db }) => {
        const alone = await readOne(db, numbers(3));
        expect(alone).toEqual([
          { n: 3, big: 30000000000, at: '2026-12-07T13:00:00.123456+00:00', doc: { n: 3 }, label: null },
          { n: 2, big: 20000000000, at: '2026-12-07T12:00:00.123456+00:00', doc: { n: 2 }, label: 'even' },
          { n: 1, big: 10000000000, at: '2026-12-07T11:00:00.123456+00:00', doc: { n: 1 }, label: null },
        ]);
        const together = await readTogether(db, {
          three: numbers(3),
          none: readPart(sql`SELECT 1 AS one WHERE false`, (rows) => rows),
          count: readPart<{ n: number }, number>(sql`SELECT count(*) AS n FROM generate_series(1, 5)`, ([r]) => r!.n),
        });
        expect(together).toEqual({ three: alone, none: [], count: 5 });
        expect(new Date((alone[0] as { at: string }).at).toISOString()).toBe('2026-12-07T13:00:00.123Z');
      }));

    it('sends one statement for all the parts; a part may read more after it', () =>
      withDb(async ({ db }) => {
        const statement = togetherStatement({ a: numbers(1), b: numbers(2) });
        expect(new PgDialect().sqlToQuery(statement).sql.match(/json_agg/g)).toHaveLength(2);
        const followUp = readPart<{ n: number }, number[]>(sql`SELECT 7 AS n`, async (rows) => {
          const [more] = await readOne(
            db,
            readPart<{ m: number }, number[]>(sql`SELECT 8 AS m`, (r) => [r[0]!.m]),
          );
          return [...rows.map((r) => r.n), more!];
        });
        expect(await readTogether(db, { followUp, again: followUp })).toEqual({ followUp: [7, 8], again: [7, 8] });
      }));

    it('a part that fails fails the read (nothing answered half)', () =>
      withDb(async ({ db }) => {
        const failed = await readTogether(db, {
          ok: numbers(1),
          bad: readPart(sql`SELECT 1 / 0 AS n`, (rows) => rows),
        }).catch((err: Error & { cause?: Error }) => err.cause ?? err);
        expect(failed).toBeInstanceOf(Error);
        expect((failed as Error).message).toMatch(/division by zero/);
      }));
  });
}
