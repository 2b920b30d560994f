import { sql, type SQL } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import type { Principal } from '../../platform/auth.ts';
import { analyticsScope } from './access.ts';
import { keptOmniRows, type OmniRow } from './omni-kept.ts';
import { addDays, daysIn, type Period } from './periods.ts';

/**
 * The OMO headline (issue 10 §2): members who bought in one channel against those who bought in two or
 * more (web, app, store, LINE) in the period — how many, what they spent, how often, their basket, and
 * their 12-month retention. Read from the table kept per member for the usual windows (omni-kept.ts), or
 * else from the rollups' per-order rows (`analytics_order_sales`); never from orders.
 */
export interface OmniGroup {
  customers: number;
  orders: number;
  /** Net sales of the group in the period (yen, returns deducted). */
  spend: number;
  spendPerCustomer: number;
  /** spendPerCustomer scaled to 365 days. */
  annualSpendPerCustomer: number;
  /** Orders per customer in the period. */
  frequency: number;
  averageBasket: number;
  /** Of the members of this group in the 12 months before the period, the share who bought again in it. */
  retention12: number | null;
  retentionBase: number;
}

export interface OmniReport extends Period {
  locationIds: string[] | null;
  single: OmniGroup;
  omni: OmniGroup;
  /** Omni members' spend per customer ÷ single-channel members' (null when there are none of either). */
  spendRatio: number | null;
}

const stores = (ids: string[] | null): SQL =>
  ids
    ? sql`AND location_id IN (${sql.join(
        ids.map((s) => sql`${s}`),
        sql`, `,
      )})`
    : sql``;

/**
 * Every member who bought in the period or the 365 days before it, in one pass over the per-order rows
 * (was three: the period, then the year before and the period again for retention): her channels, orders
 * and spend in the period, her channels before it, and whether she bought in each.
 */
const perMember = (p: Period, before: Period, ids: string[] | null): SQL =>
  sql`SELECT customer_id,
             count(DISTINCT channel) FILTER (WHERE sold_on >= ${p.from}::date) >= 2 AS omni,
             count(DISTINCT channel) FILTER (WHERE sold_on < ${p.from}::date) >= 2 AS omni_before,
             coalesce(sum(orders) FILTER (WHERE sold_on >= ${p.from}::date), 0) AS orders,
             coalesce(sum(net) FILTER (WHERE sold_on >= ${p.from}::date), 0) AS spend,
             bool_or(sold_on >= ${p.from}::date) AS bought, bool_or(sold_on < ${p.from}::date) AS bought_before
        FROM analytics_order_sales
       WHERE customer_id IS NOT NULL AND sold_on BETWEEN ${before.from}::date AND ${p.to}::date ${stores(ids)}
       GROUP BY customer_id`;

/** Omni-channel members against single-channel ones in the period (`kept: false`: from the per-order rows). */
export async function omniReport(
  db: Executor,
  actor: Principal,
  p: Period & { locationIds?: string[] | undefined },
  opts: { kept?: boolean } = {},
): Promise<OmniReport> {
  const ids = analyticsScope(actor, p.locationIds);
  const before: Period = { from: addDays(p.from, -365), to: addDays(p.from, -1) };
  const kept = opts.kept === false ? null : await keptOmniRows(db, p, ids);
  const both =
    kept ??
    (await query<OmniRow>(
      db,
      sql`WITH m AS MATERIALIZED (${perMember(p, before, ids)})
        SELECT 'now' AS kind, omni, count(*) AS customers, sum(orders) AS orders, sum(spend) AS spend
          FROM m WHERE bought GROUP BY omni
        UNION ALL
        SELECT 'kept', omni_before, count(*), count(*) FILTER (WHERE bought), 0
          FROM m WHERE bought_before GROUP BY omni_before`,
    ));
  const rows = both.filter((r) => r.kind === 'now');
  const retained = both
    .filter((r) => r.kind === 'kept')
    .map((r) => ({ omni: r.omni, base: r.customers, retained: r.orders }));
  const days = daysIn(p);
  const group = (omni: boolean): OmniGroup => {
    const r = rows.find((x) => x.omni === omni);
    const k = retained.find((x) => x.omni === omni);
    const customers = Number(r?.customers ?? 0);
    const orders = Number(r?.orders ?? 0);
    const spend = Number(r?.spend ?? 0);
    const base = Number(k?.base ?? 0);
    const perCustomer = customers ? spend / customers : 0;
    return {
      customers,
      orders,
      spend,
      spendPerCustomer: Math.round(perCustomer),
      annualSpendPerCustomer: Math.round((perCustomer * 365) / days),
      frequency: customers ? Math.round((orders / customers) * 100) / 100 : 0,
      averageBasket: orders ? Math.round(spend / orders) : 0,
      retention12: base ? Math.round((Number(k!.retained) / base) * 1000) / 1000 : null,
      retentionBase: base,
    };
  };
  const single = group(false);
  const omni = group(true);
  return {
    from: p.from,
    to: p.to,
    locationIds: ids,
    single,
    omni,
    spendRatio:
      single.spendPerCustomer && omni.customers
        ? Math.round((omni.spendPerCustomer / single.spendPerCustomer) * 100) / 100
        : null,
  };
}
