import { sql, type SQL } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import type { Principal } from '../../platform/auth.ts';
import { survivorsSql } from '../customers/service.ts';
import { analyticsScope } from './access.ts';
import type { Period } from './periods.ts';
import { keptCohortRows } from './cohort-kept.ts';

/**
 * コホート分析 (issue 10 §2): members grouped by the Japan month of their first order (any channel,
 * cancelled orders aside), and for each month since, the share who bought and the cumulative net value per
 * member. Read from the grid kept per person (cohort-kept.ts) for every store or one store, else from the
 * rollups' per-order rows (`analytics_order_sales`), never orders; a merged-away record's orders count as
 * the survivor's. `kept: false`: from the per-order rows.
 */
export interface CohortCell {
  /** Months since the first purchase month (0 = that month). */
  since: number;
  buyers: number;
  /** buyers ÷ the cohort's members. */
  retention: number;
  net: number;
  netExcl: number;
  /** Cumulative net (tax included, returns deducted) from month 0 to this one ÷ the cohort's members. */
  cumulativePerMember: number;
  cumulativePerMemberExcl: number;
}

export interface Cohort {
  /** The cohort's month, 'YYYY-MM'. */
  month: string;
  members: number;
  cells: CohortCell[];
}

export interface CohortReport extends Period {
  locationIds: string[] | null;
  /** The last month the grid reaches (this Japan month). */
  through: string;
  cohorts: Cohort[];
}

const storeFilter = (ids: string[] | null): SQL =>
  ids
    ? sql`AND o.location_id IN (${sql.join(
        ids.map((s) => sql`${s}`),
        sql`, `,
      )})`
    : sql``;

/**
 * Each person's orders per Japan month (person_id, month, orders, net, net_excl), at the given stores, with
 * a merged-away record's orders under the survivor.
 */
export const personMonthsSql = (ids: string[] | null): SQL =>
  sql`SELECT coalesce(s.person_id, o.customer_id) AS person_id,
             date_trunc('month', o.sold_on)::date AS month,
             sum(o.orders) AS orders, sum(o.net) AS net, sum(o.net_excl) AS net_excl
        FROM analytics_order_sales o
        LEFT JOIN (${survivorsSql()}) s ON s.id = o.customer_id
       WHERE o.customer_id IS NOT NULL ${storeFilter(ids)}
       GROUP BY 1, 2`;

/** Each person's first-purchase month (person_id, cohort): the earliest month with a counted order. */
export const firstMonthsSql = (ids: string[] | null): SQL =>
  sql`SELECT person_id, min(month) AS cohort FROM (${personMonthsSql(ids)}) pm WHERE orders > 0 GROUP BY person_id`;

const monthOf = (d: string) => d.slice(0, 7);
const monthIndex = (m: string) => +m.slice(0, 4) * 12 + (+m.slice(5, 7) - 1);

/** The cohort triangle for the cohorts whose first month falls in the period. */
export async function cohortReport(
  db: Executor,
  actor: Principal,
  p: Period & { locationIds?: string[] | undefined },
  opts: { kept?: boolean } = {},
): Promise<CohortReport> {
  const ids = analyticsScope(actor, p.locationIds);
  const first = `${monthOf(p.from)}-01`;
  const last = `${monthOf(p.to)}-01`;
  const kept = opts.kept === false ? null : await keptCohortRows(db, first, last, ids);
  const rows =
    kept?.rows ??
    (await query<{
      cohort: string;
      month: string;
      buyers: string;
      net: string;
      net_excl: string;
    }>(
      db,
      sql`WITH pm AS (${personMonthsSql(ids)}),
             f AS (SELECT person_id, min(month) AS cohort FROM pm WHERE orders > 0 GROUP BY person_id)
        SELECT to_char(f.cohort, 'YYYY-MM') AS cohort, to_char(pm.month, 'YYYY-MM') AS month,
               count(*) FILTER (WHERE pm.orders > 0) AS buyers,
               coalesce(sum(pm.net), 0) AS net, coalesce(sum(pm.net_excl), 0) AS net_excl
          FROM f JOIN pm ON pm.person_id = f.person_id AND pm.month >= f.cohort
         WHERE f.cohort BETWEEN ${first}::date AND ${last}::date
         GROUP BY 1, 2 ORDER BY 1, 2`,
    ));
  const sizes =
    kept?.sizes ??
    (await query<{ cohort: string; members: string }>(
      db,
      sql`SELECT to_char(cohort, 'YYYY-MM') AS cohort, count(*) AS members FROM (${firstMonthsSql(ids)}) f
           WHERE cohort BETWEEN ${first}::date AND ${last}::date GROUP BY 1`,
    ));
  const through = monthOf(new Date(Date.now() + 9 * 3600_000).toISOString());
  const cohorts: Cohort[] = sizes
    .map((s) => ({ month: s.cohort, members: Number(s.members) }))
    .sort((a, b) => a.month.localeCompare(b.month))
    .map(({ month, members }) => {
      const mine = new Map(rows.filter((r) => r.cohort === month).map((r) => [r.month, r]));
      const span = Math.max(0, monthIndex(through) - monthIndex(month));
      let cum = 0;
      let cumExcl = 0;
      const cells: CohortCell[] = [];
      for (let since = 0; since <= span; since++) {
        const at = monthIndex(month) + since;
        const key = `${Math.floor(at / 12)}-${String((at % 12) + 1).padStart(2, '0')}`;
        const r = mine.get(key);
        const buyers = Number(r?.buyers ?? 0);
        const net = Number(r?.net ?? 0);
        const netExcl = Number(r?.net_excl ?? 0);
        cum += net;
        cumExcl += netExcl;
        cells.push({
          since,
          buyers,
          retention: Math.round((buyers / members) * 1000) / 1000,
          net,
          netExcl,
          cumulativePerMember: Math.round(cum / members),
          cumulativePerMemberExcl: Math.round(cumExcl / members),
        });
      }
      return { month, members, cells };
    });
  return { from: p.from, to: p.to, locationIds: ids, through, cohorts };
}
