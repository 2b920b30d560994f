import { sql, type SQL } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import type { Principal } from '../../platform/auth.ts';
import { analyticsScope } from './access.ts';
import { addDays, daysIn, type Period } from './periods.ts';

/**
 * The OMO headline (issue 10 §2): members who bought in one channel against those who bought in two or
 * more (web, app, store, LINE) in the period — how many, what they spent, how often, their basket, and
 * their 12-month retention. Read from the rollups' per-order rows (`analytics_order_sales`), never orders.
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

const perMember = (p: Period, ids: string[] | null): SQL =>
  sql`SELECT customer_id, count(DISTINCT channel) >= 2 AS omni, sum(orders) AS orders, sum(net) AS spend
        FROM analytics_order_sales
       WHERE customer_id IS NOT NULL AND sold_on BETWEEN ${p.from}::date AND ${p.to}::date ${stores(ids)}
       GROUP BY customer_id`;

/** Omni-channel members against single-channel ones in the period. */
export async function omniReport(
  db: Executor,
  actor: Principal,
  p: Period & { locationIds?: string[] | undefined },
): Promise<OmniReport> {
  const ids = analyticsScope(actor, p.locationIds);
  const before: Period = { from: addDays(p.from, -365), to: addDays(p.from, -1) };
  const rows = await query<{ omni: boolean; customers: string; orders: string; spend: string }>(
    db,
    sql`SELECT omni, count(*) AS customers, sum(orders) AS orders, sum(spend) AS spend
          FROM (${perMember(p, ids)}) m GROUP BY omni`,
  );
  const kept = await query<{ omni: boolean; base: string; retained: string }>(
    db,
    sql`SELECT b.omni, count(*) AS base, count(n.customer_id) AS retained
          FROM (${perMember(before, ids)}) b
          LEFT JOIN (${perMember(p, ids)}) n ON n.customer_id = b.customer_id
         GROUP BY b.omni`,
  );
  const days = daysIn(p);
  const group = (omni: boolean): OmniGroup => {
    const r = rows.find((x) => x.omni === omni);
    const k = kept.find((x) => x.omni === omni);
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
