import { sql } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import type { Principal } from '../../platform/auth.ts';
import { membersSql } from '../customers/service.ts';
import { analyticsScope } from './access.ts';
import { personMonthsSql } from './cohorts.ts';
import type { Period } from './periods.ts';
import { firstChannelsSql } from './ltv-sql.ts';
import { keptLtvRows } from './cohort-kept.ts';

/**
 * 累計LTV (issue 10 §2): each member's historical net revenue (returns deducted) to date, for the members
 * acquired (first order) in the period, grouped by acquisition channel (her first order's), by her loyalty
 * tier now, and by cohort (first-purchase month). Read from the grid kept per person (cohort-kept.ts) for
 * every store or one store, else from the rollups' per-order rows; never orders. `kept: false`: the latter.
 */
export interface LtvGroup {
  key: string;
  members: number;
  orders: number;
  net: number;
  netExcl: number;
  netPerMember: number;
  netExclPerMember: number;
  ordersPerMember: number;
  averageBasket: number;
}

export interface LtvReport extends Period {
  locationIds: string[] | null;
  total: LtvGroup;
  byChannel: LtvGroup[];
  byTier: LtvGroup[];
  byCohort: LtvGroup[];
}

type Row = { key: string; members: string; orders: string; net: string; net_excl: string };

const group = (r: Row | undefined, key: string): LtvGroup => {
  const members = Number(r?.members ?? 0);
  const orders = Number(r?.orders ?? 0);
  const net = Number(r?.net ?? 0);
  const netExcl = Number(r?.net_excl ?? 0);
  return {
    key,
    members,
    orders,
    net,
    netExcl,
    netPerMember: members ? Math.round(net / members) : 0,
    netExclPerMember: members ? Math.round(netExcl / members) : 0,
    ordersPerMember: members ? Math.round((orders / members) * 100) / 100 : 0,
    averageBasket: orders ? Math.round(net / orders) : 0,
  };
};

/** Historical value per member by acquisition channel, tier and cohort. */
export async function ltvReport(
  db: Executor,
  actor: Principal,
  p: Period & { locationIds?: string[] | undefined },
  opts: { kept?: boolean } = {},
): Promise<LtvReport> {
  const ids = analyticsScope(actor, p.locationIds);
  const first = `${p.from.slice(0, 7)}-01`;
  const last = `${p.to.slice(0, 7)}-01`;
  // The acquisition channel: her first order's (earliest Japan date, then order id), at the stores read.
  const kept = opts.kept === false ? null : await keptLtvRows(db, first, last, ids);
  const rows =
    kept ??
    (await query<Row & { dim: string }>(
      db,
      sql`WITH pm AS (${personMonthsSql(ids)}),
             person AS (
               SELECT person_id, min(month) FILTER (WHERE orders > 0) AS cohort,
                      sum(orders) AS orders, sum(net) AS net, sum(net_excl) AS net_excl
                 FROM pm GROUP BY person_id),
             acquired AS (SELECT * FROM person WHERE cohort BETWEEN ${first}::date AND ${last}::date),
             firsts AS (${firstChannelsSql(ids)}),
             m AS (SELECT a.*, coalesce(f.channel, '') AS channel, coalesce(c.tier, '') AS tier
                     FROM acquired a
                     LEFT JOIN firsts f ON f.person_id = a.person_id
                     LEFT JOIN (${membersSql()}) c ON c.customer_id = a.person_id)
        SELECT dim, key, count(*) AS members, sum(orders) AS orders, sum(net) AS net, sum(net_excl) AS net_excl
          FROM (SELECT 'channel' AS dim, channel AS key, orders, net, net_excl FROM m
                UNION ALL SELECT 'tier', tier, orders, net, net_excl FROM m
                UNION ALL SELECT 'cohort', to_char(cohort, 'YYYY-MM'), orders, net, net_excl FROM m
                UNION ALL SELECT 'total', '', orders, net, net_excl FROM m) x
         GROUP BY dim, key ORDER BY dim, key`,
    ));
  const of = (dim: string) => rows.filter((r) => r.dim === dim).map((r) => group(r, r.key));
  return {
    from: p.from,
    to: p.to,
    locationIds: ids,
    total: group(
      rows.find((r) => r.dim === 'total'),
      '',
    ),
    byChannel: of('channel'),
    byTier: of('tier'),
    byCohort: of('cohort'),
  };
}
