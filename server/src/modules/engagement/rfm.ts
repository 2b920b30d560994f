import { sql, type SQL } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import { purchaseFactsSql } from '../orders/service.ts';

/** RFM looks back this far (RFM 分析の対象期間). */
export const RFM_DAYS = 365;

/** Cut points this recent are reused when there are at least RFM_REUSE_FROM buyers. */
export const RFM_CUTS_MAX_AGE_MINUTES = 10;
export const RFM_REUSE_FROM = 20_000;

/** For recency (last order), frequency (orders) and monetary (spend): the first value of each higher fifth. */
export interface RfmCuts {
  r: string[];
  f: number[];
  m: number[];
}

/**
 * The quintile cut points. A score is `ceil(cume_dist × 5)` among the members who bought in RFM_DAYS — her
 * share of buyers at or below her value, in fifths: equal values score alike, the best always scores 5.
 * Equivalently, score = 1 + the number of k in 1…4 whose cut point t_k she reaches, where t_k is the
 * smallest value whose cumulative share exceeds k/5: the value at position ⌊k·n/5⌋ + 1 of the n sorted
 * values. Four cut points per score are found by one sort of one column each (percentile_disc), rather than
 * three window sorts of every buyer's row, and scoring is then a comparison per member.
 *
 * With RFM_REUSE_FROM buyers or more, cut points computed in the last RFM_CUTS_MAX_AGE_MINUTES are reused
 * (a few orders cannot move a boundary among 20,000 buyers by more than a member or two); with fewer,
 * they are computed for every use, in milliseconds. Null when nobody bought.
 */
export async function rfmCutPoints(db: Executor): Promise<RfmCuts | null> {
  const [kept] = await query<{ buyers: number; cuts: RfmCuts; recent: boolean }>(
    db,
    sql`SELECT buyers, cuts, computed_at > now() - make_interval(mins => ${RFM_CUTS_MAX_AGE_MINUTES}) AS recent
          FROM rfm_cut_points WHERE id = 'rfm'`,
  );
  if (kept?.recent && kept.buyers >= RFM_REUSE_FROM) return kept.cuts;
  const facts = purchaseFactsSql(RFM_DAYS);
  const [count] = await query<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM (${facts}) f`);
  const n = Number(count?.n ?? 0);
  if (n === 0) return null;
  const cuts = await cutPointsOf(db, facts, n);
  if (n >= RFM_REUSE_FROM)
    await db.execute(
      sql`INSERT INTO rfm_cut_points (id, buyers, cuts, computed_at) VALUES ('rfm', ${n}, ${JSON.stringify(cuts)}::jsonb, now())
          ON CONFLICT (id) DO UPDATE SET buyers = EXCLUDED.buyers, cuts = EXCLUDED.cuts, computed_at = EXCLUDED.computed_at`,
    );
  return cuts;
}

/** The cut points of `n` rows of facts (last_at, orders, spend). */
export async function cutPointsOf(db: Executor, facts: SQL, n: number): Promise<RfmCuts> {
  // percentile_disc(p) is the value at position ceil(p·n); +0.5 keeps float rounding off the boundary.
  const fractions = [1, 2, 3, 4].map((k) => (Math.floor((k * n) / 5) + 0.5) / n);
  const at = sql`${`{${fractions.join(',')}}`}::float8[]`;
  const [row] = await query<{ r: string[]; f: number[]; m: number[] }>(
    db,
    sql`SELECT to_jsonb(percentile_disc(${at}) WITHIN GROUP (ORDER BY last_at)) AS r,
               to_jsonb(percentile_disc(${at}) WITHIN GROUP (ORDER BY orders)) AS f,
               to_jsonb(percentile_disc(${at}) WITHIN GROUP (ORDER BY spend)) AS m
          FROM (${facts}) f`,
  );
  return { r: row!.r, f: row!.f.map(Number), m: row!.m.map(Number) };
}

/** Her score against cut points: 1 + how many of them her value reaches. */
function score(value: SQL, cuts: readonly (string | number)[], type: 'timestamptz' | 'bigint'): SQL {
  return sql`(1 + ${sql.join(
    cuts.map((c) => sql`(${value} >= ${c}::${sql.raw(type)})::int`),
    sql` + `,
  )})`;
}

/** Each buyer's scores (customer_id, r, f, mo) from `facts` (the RFM_DAYS purchase facts, by name). */
export function rfmScoresSql(facts: SQL, cuts: RfmCuts | null): SQL {
  if (!cuts) return sql`SELECT NULL::text AS customer_id, 0 AS r, 0 AS f, 0 AS mo WHERE false`;
  return sql`SELECT customer_id, ${score(sql`last_at`, cuts.r, 'timestamptz')} AS r,
                    ${score(sql`orders`, cuts.f, 'bigint')} AS f, ${score(sql`spend`, cuts.m, 'bigint')} AS mo
               FROM ${facts}`;
}
