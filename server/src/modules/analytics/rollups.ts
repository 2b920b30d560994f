import { inArray, sql } from 'drizzle-orm';
import { query, type Db, type Tx } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import type { DomainEvent, Subscriber } from '../../platform/subscribers.ts';
import { categoryChains } from '../catalog/service.ts';
import { orderSalesSql, ordersAfterSql, ordersPlacedSinceSql, usText } from '../orders/service.ts';
import { logOmniChanges } from './omni-kept.ts';
import { keepCohortsOf, lockCohortsShared } from './cohort-kept.ts';
import { keepCouponUses } from './coupon-kept.ts';
import { orderSales, salesDaily, settleCursor, settledOrders } from './schema.ts';

/**
 * The sales rollups, kept exact from the orders (issue 10 §5). Settling an order recomputes its whole
 * contribution from the order as it is now (orders' `orderSalesSql`), takes its previous contribution
 * (`analytics_order_sales`) off `analytics_sales_daily` and adds the new one, under a lock on the order:
 * so settling is idempotent (an event delivered twice changes nothing the second time), the order of
 * events does not matter, and several app copies may settle the same order at once.
 * Settled from the order events after commit (today live) and by the job `analytics.settle` (a walk over
 * every order once, then the last two days again: anything that changed an order without an event).
 */

type Figures = {
  orders: number;
  units: number;
  gross: number;
  discount: number;
  returned: number;
  net: number;
  netExcl: number;
};
const FIELDS = ['orders', 'units', 'gross', 'discount', 'returned', 'net', 'netExcl'] as const;
const zero = (): Figures => ({ orders: 0, units: 0, gross: 0, discount: 0, returned: 0, net: 0, netExcl: 0 });

interface FactRow {
  order_id: string;
  sold_on: string;
  channel: string;
  location_id: string | null;
  customer_id: string | null;
  cancelled: boolean;
  updated_at: string | Date;
  product_id: string | null;
  units: number;
  returned_units: number;
  gross: string | number;
  discount: string | number;
  returned: string | number;
  net: string | number;
  net_excl: string | number;
}

type Contribution = typeof orderSales.$inferInsert & Figures;

/** The orders' contributions as they are now, one per order × top category. */
async function contributions(tx: Tx, facts: FactRow[]): Promise<Contribution[]> {
  const chains = await categoryChains(
    tx,
    facts.flatMap((f) => (f.product_id ? [f.product_id] : [])),
  );
  const byKey = new Map<string, Contribution>();
  for (const f of facts) {
    if (f.cancelled) continue;
    const chain = f.product_id ? chains.get(f.product_id) : undefined;
    const categoryId = chain?.[chain.length - 1] ?? '';
    const key = `${f.order_id}\u0000${categoryId}`;
    let c = byKey.get(key);
    if (!c) {
      c = {
        orderId: f.order_id,
        categoryId,
        soldOn: f.sold_on,
        locationId: f.location_id ?? '',
        channel: f.channel,
        customerId: f.customer_id,
        ...zero(),
      };
      byKey.set(key, c);
    }
    c.units += Number(f.units) - Number(f.returned_units);
    c.gross += Number(f.gross);
    c.discount += Number(f.discount);
    c.returned += Number(f.returned);
    c.net += Number(f.net);
    c.netExcl += Number(f.net_excl);
  }
  // The order is counted once, on its first category's row, so the days' orders add up across categories.
  const rows = [...byKey.values()].sort((a, b) => (a.orderId + a.categoryId < b.orderId + b.categoryId ? -1 : 1));
  const seen = new Set<string>();
  for (const r of rows) {
    r.orders = seen.has(r.orderId) ? 0 : 1;
    seen.add(r.orderId);
  }
  return rows;
}

/** The members whose per-order rows differ between `before` and `now` (their kept cohorts move). */
function changedCustomers(before: readonly Contribution[], now: readonly Contribution[]): string[] {
  const rowsOf = (rows: readonly Contribution[]) => {
    const m = new Map<string, string[]>();
    for (const r of rows)
      if (r.customerId) {
        const list = m.get(r.customerId) ?? [];
        list.push([r.orderId, r.categoryId, r.soldOn, r.locationId, r.channel, r.orders, r.net, r.netExcl].join('|'));
        m.set(r.customerId, list);
      }
    return m;
  };
  const was = rowsOf(before);
  const is = rowsOf(now);
  return [...new Set([...was.keys(), ...is.keys()])].filter(
    (id) => (was.get(id) ?? []).sort().join('\n') !== (is.get(id) ?? []).sort().join('\n'),
  );
}

const dayKey = (r: { soldOn: string; locationId: string; channel: string; categoryId: string }) =>
  [r.soldOn, r.locationId, r.channel, r.categoryId].join('\u0000');

/** Settle these orders now (each at most once per call); answers how many exist. */
export async function settleOrders(db: Db, orderIds: readonly string[]): Promise<number> {
  const ids = [...new Set(orderIds)].sort();
  if (!ids.length) return 0;
  return inTransaction(db, async (tx) => {
    // One lock per order, taken in one order (by hash) so two copies settling overlapping batches never
    // deadlock; the facts are read after the locks are won, so the later settling sees the later order.
    await tx.execute(sql`SELECT count(pg_advisory_xact_lock(k)) FROM (
        SELECT DISTINCT hashtextextended('analytics.order:' || x, 0) AS k
          FROM jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb) AS x ORDER BY k) s`);
    // Before the per-order rows change: a merge (or the cohorts' fill) waits until these are settled.
    await lockCohortsShared(tx);
    const list = sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    );
    const facts = await query<FactRow>(tx, orderSalesSql(list));
    const now = await contributions(tx, facts);
    const before = await tx.select().from(orderSales).where(inArray(orderSales.orderId, ids));

    const deltas = new Map<string, typeof salesDaily.$inferInsert & Figures>();
    const add = (r: Contribution, sign: 1 | -1) => {
      const k = dayKey(r);
      let d = deltas.get(k);
      if (!d) {
        d = { soldOn: r.soldOn, locationId: r.locationId, channel: r.channel, categoryId: r.categoryId, ...zero() };
        deltas.set(k, d);
      }
      for (const f of FIELDS) d[f] += sign * Number(r[f]);
    };
    for (const r of before) add(r as Contribution, -1);
    for (const r of now) add(r, 1);
    // Rows of the day table updated in key order: two settlings never wait on each other in a cycle.
    const changed = [...deltas.entries()]
      .filter(([, d]) => FIELDS.some((f) => d[f] !== 0))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, d]) => d);
    if (changed.length) {
      const plus = (c: (typeof FIELDS)[number]) => {
        const col = sql.identifier(c === 'netExcl' ? 'net_excl' : c);
        return sql`${sql.identifier('analytics_sales_daily')}.${col} + excluded.${col}`;
      };
      await tx
        .insert(salesDaily)
        .values(changed)
        .onConflictDoUpdate({
          target: [salesDaily.soldOn, salesDaily.locationId, salesDaily.channel, salesDaily.categoryId],
          set: Object.fromEntries(FIELDS.map((f) => [f, plus(f)])),
        });
    }
    await tx.delete(orderSales).where(inArray(orderSales.orderId, ids));
    if (now.length) await tx.insert(orderSales).values(now);
    await logOmniChanges(tx, before, now);
    await keepCohortsOf(tx, changedCustomers(before as Contribution[], now));
    const net = new Map<string, number>();
    for (const r of now) net.set(r.orderId, (net.get(r.orderId) ?? 0) + r.net);
    await keepCouponUses(tx, list, net);

    // updated_at to the microsecond (text): cut to the millisecond, every recent order would look changed.
    const seen = new Map(facts.map((f) => [f.order_id, String(f.updated_at)]));
    if (seen.size)
      await tx
        .insert(settledOrders)
        .values([...seen].map(([orderId, at]) => ({ orderId, orderUpdatedAt: sql`${at}::timestamptz` })))
        .onConflictDoUpdate({
          target: settledOrders.orderId,
          set: { orderUpdatedAt: sql`excluded.order_updated_at`, settledAt: sql`now()` },
        });
    return seen.size;
  });
}

/** The events that change what an order counts for: placed, any fulfilment move (a cancellation), a return. */
export const SETTLING_EVENTS = ['order.*', 'return.created'] as const;

/** Subscriber: settle the event's order (its key is the order id). Idempotent by construction. */
export function settleOnOrderEvent(db: Db): Subscriber {
  return async (event: DomainEvent) => {
    const order = (event.payload as { order?: { id?: string } }).order;
    if (order?.id) await settleOrders(db, [order.id]);
  };
}

const EPOCH = new Date('1970-01-01T00:00:00Z');
const BATCH = 500;

/**
 * The job `analytics.settle`: walk every order once (from a kept cursor: the history there was before the
 * rollups, or one written without events), then settle again the orders of the last two days whose
 * `updated_at` moved since they were settled. Safe in several app copies (settling is idempotent; the
 * cursor only moves forward). Answers how many orders it settled.
 */
export async function settleSales(db: Db, opts: { budgetMs?: number; recentDays?: number } = {}): Promise<number> {
  const until = performance.now() + (opts.budgetMs ?? 20_000);
  let done = 0;
  for (;;) {
    const [cursor] = await query<{ at: string; order_id: string }>(
      db,
      sql`SELECT ${usText(sql`created_at`)} AS at, order_id FROM analytics_settle_cursor WHERE name = 'orders'`,
    );
    const after = cursor ? { at: cursor.at, id: cursor.order_id } : { at: EPOCH, id: '' };
    const next = await query<{ id: string; created_at: string }>(db, ordersAfterSql(after, BATCH));
    if (!next.length) break;
    done += await settleOrders(
      db,
      next.map((o) => o.id),
    );
    const last = next[next.length - 1]!;
    const at = sql`${last.created_at}::timestamptz`;
    await db
      .insert(settleCursor)
      .values({ name: 'orders', createdAt: at, orderId: last.id })
      .onConflictDoUpdate({
        target: settleCursor.name,
        set: { createdAt: at, orderId: last.id },
        setWhere: sql`(${settleCursor.createdAt}, ${settleCursor.orderId}) < (${at}, ${last.id})`,
      });
    if (next.length < BATCH || performance.now() > until) break;
  }
  const since = new Date(Date.now() - (opts.recentDays ?? 2) * 86_400_000);
  const moved = await query<{ id: string }>(
    db,
    sql`SELECT o.id FROM (${ordersPlacedSinceSql(since)}) o
          LEFT JOIN analytics_settled_orders s ON s.order_id = o.id
         WHERE s.order_id IS NULL OR s.order_updated_at <> o.updated_at`,
  );
  for (let i = 0; i < moved.length; i += BATCH)
    done += await settleOrders(
      db,
      moved.slice(i, i + BATCH).map((o) => o.id),
    );
  return done;
}
