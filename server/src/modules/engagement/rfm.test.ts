import { expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import { describeEachDatabase } from '../../test/harness.ts';
import { cutPointsOf, rfmScoresSql } from './rfm.ts';

/**
 * Scores from cut points are the quintiles by cumulative share, `ceil(cume_dist × 5)`, for any buyers:
 * few or many, with ties or without — checked against the window functions on random facts.
 */
describeEachDatabase('RFM cut points', (ctx) => {
  it('score every buyer as ceil(cume_dist × 5) does', async () => {
    const db = ctx().server.database.db;
    const buyer = fc.record({
      day: fc.integer({ min: 0, max: 40 }),
      orders: fc.integer({ min: 1, max: 6 }),
      spend: fc.integer({ min: 0, max: 30 }).map((x) => x * 1000),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(buyer, { minLength: 1, maxLength: 60 }), async (buyers) => {
        const rows = buyers.map((b, i) => ({ customer_id: `c${i}`, ...b }));
        const facts = sql`(SELECT x.customer_id, timestamptz '2026-01-01' + make_interval(days => x.day) AS last_at,
                                  x.orders, x.spend::bigint AS spend
                             FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
                                  AS x(customer_id text, day int, orders int, spend int)) facts`;
        const cuts = await cutPointsOf(db, sql`SELECT * FROM ${facts}`, rows.length);
        const got = await query<{ customer_id: string; r: number; f: number; mo: number }>(
          db,
          sql`SELECT customer_id, r, f, mo FROM (${rfmScoresSql(facts, cuts)}) s ORDER BY customer_id`,
        );
        const want = await query<{ customer_id: string; r: number; f: number; mo: number }>(
          db,
          sql`SELECT customer_id, ceil(cume_dist() OVER (ORDER BY last_at) * 5)::int AS r,
                     ceil(cume_dist() OVER (ORDER BY orders) * 5)::int AS f,
                     ceil(cume_dist() OVER (ORDER BY spend) * 5)::int AS mo
                FROM ${facts} ORDER BY customer_id`,
        );
        expect(got.map((g) => ({ ...g, r: Number(g.r), f: Number(g.f), mo: Number(g.mo) }))).toEqual(want);
      }),
      { numRuns: 60, seed: 20261204 },
    );
  });
});
