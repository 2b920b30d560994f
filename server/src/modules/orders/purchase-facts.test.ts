import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query, type Db } from '../../platform/db/connection.ts';
import { newId } from '../../platform/ids.ts';
import { describeEachDatabase, registerCustomer, type TestApp } from '../../test/harness.ts';
import { buyersSql, lastPurchaseSql, purchaseFactsSql, refreshPurchaseFacts } from './purchase-facts.ts';

/**
 * Kept purchase facts answer exactly what her orders say now: after a refresh, after each kind of change to
 * her orders (placed, cancelled, returned, merged away, re-dated), and when a window moves past her oldest
 * order — compared every time with a hand-written query over the orders themselves.
 */

async function order(
  db: Db,
  customerId: string,
  o: { daysAgo: number; total: number; channel?: string; status?: string; returned?: number; product?: string },
) {
  const id = newId('ord');
  await db.execute(sql`INSERT INTO orders (id, number, channel, customer_id, status, subtotal, total, taxes, created_at)
    VALUES (${id}, ${`PF-${id.slice(-12)}`}, ${o.channel ?? 'web'}, ${customerId}, ${o.status ?? 'completed'},
            ${o.total}, ${o.total}, '[]'::jsonb, now() - make_interval(secs => ${o.daysAgo * 86400}))`);
  await db.execute(sql`INSERT INTO order_lines (id, order_id, fulfilment_id, variant_id, product_id, name, options, jan, quantity, unit_price, total, tax_rate, returned_quantity)
    VALUES (${newId('oln')}, ${id}, 'ful_x', 'var_x', ${o.product ?? 'prd_x'}, 'x', '{}'::jsonb, '4900000000000', 2, ${o.total / 2}, ${o.total}, 10, ${o.returned ?? 0})`);
  return id;
}

/** The truth, from the orders: per member over `days`, as purchaseFactsSql answers it. */
async function truth(db: Db, members: string[], days: number) {
  return query(
    db,
    sql`SELECT o.customer_id, max(o.created_at) AS last_at, count(*)::int AS orders,
               sum(o.total - coalesce((SELECT sum(round(l.total::numeric * l.returned_quantity / l.quantity))
                                         FROM order_lines l WHERE l.order_id = o.id), 0))::bigint AS spend,
               array_agg(DISTINCT o.channel ORDER BY o.channel) AS channels
          FROM orders o
         WHERE o.status <> 'cancelled' AND o.created_at >= now() - make_interval(days => ${days})
           AND o.customer_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(members)}::jsonb))
         GROUP BY o.customer_id ORDER BY o.customer_id`,
  );
}

async function kept(db: Db, members: string[], days: number) {
  return query(
    db,
    sql`SELECT customer_id, last_at, orders::int, spend::bigint, channels FROM (${purchaseFactsSql(days)}) f
         WHERE customer_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(members)}::jsonb))
         ORDER BY customer_id`,
  );
}

async function expectExact(db: Db, members: string[]) {
  for (const days of [30, 90, 180, 365, 60])
    expect(await kept(db, members, days)).toEqual(await truth(db, members, days));
  const last = await query(
    db,
    sql`SELECT customer_id, last_at FROM (${lastPurchaseSql()}) f
         WHERE customer_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(members)}::jsonb)) ORDER BY customer_id`,
  );
  const lastTruth = await query(
    db,
    sql`SELECT customer_id, max(created_at) AS last_at FROM orders
         WHERE status <> 'cancelled' AND customer_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(members)}::jsonb))
         GROUP BY customer_id ORDER BY customer_id`,
  );
  expect(last).toEqual(lastTruth);
  // Who bought these products in the window: kept per product for fresh members, from orders for stale ones.
  const inList = (ids: string[]) =>
    sql.join(
      ids.map((i) => sql`${i}`),
      sql`, `,
    );
  for (const products of [['prd_x'], ['prd_a', 'prd_b'], ['prd_a', 'prd_x', 'prd_c']])
    for (const days of [3, 30, 60, 365]) {
      const buyers = await query<{ customer_id: string }>(
        db,
        sql`SELECT DISTINCT customer_id FROM (${buyersSql(inList(products), days)}) b
             WHERE customer_id IN (${inList(members)}) ORDER BY customer_id`,
      );
      const buyersTruth = await query<{ customer_id: string }>(
        db,
        sql`SELECT DISTINCT o.customer_id FROM orders o JOIN order_lines l ON l.order_id = o.id
             WHERE o.status <> 'cancelled' AND o.created_at >= now() - make_interval(days => ${days})
               AND l.product_id IN (${inList(products)}) AND o.customer_id IN (${inList(members)})
             ORDER BY o.customer_id`,
      );
      expect(buyers, `${products.join('+')} in ${days} days`).toEqual(buyersTruth);
    }
}

const stale = async (db: Db, id: string) =>
  (
    await query<{ stale: boolean }>(
      db,
      sql`SELECT expires_at <= now() AS stale FROM customer_purchase_facts WHERE customer_id = ${id}`,
    )
  )[0]?.stale;

async function members(app: TestApp, count: number) {
  return Promise.all(Array.from({ length: count }, async () => (await registerCustomer(app)).customer.id));
}

describeEachDatabase('purchase facts', (ctx) => {
  it('are exact after a refresh and after every kind of change to her orders', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const [a, b, c] = await members(app, 3);
    await order(db, a!, { daysAgo: 2, total: 3000, channel: 'store', product: 'prd_a' });
    await order(db, a!, { daysAgo: 40, total: 5000, channel: 'web', returned: 1, product: 'prd_b' });
    await order(db, a!, { daysAgo: 200, total: 8000, channel: 'app' });
    await order(db, a!, { daysAgo: 500, total: 9000 });
    await order(db, b!, { daysAgo: 10, total: 1000, status: 'cancelled' });
    const bOrder = await order(db, b!, { daysAgo: 100, total: 2000, channel: 'store' });
    const cOrder = await order(db, c!, { daysAgo: 1, total: 700, product: 'prd_c' });
    const all = [a!, b!, c!];

    // Stale from their first order: read from the orders.
    expect(await stale(db, a!)).toBe(true);
    await expectExact(db, all);
    expect(await refreshPurchaseFacts(db)).toBeGreaterThanOrEqual(3);
    expect(await stale(db, a!)).toBe(false);
    await expectExact(db, all);

    // Each change makes her row stale in its own transaction, and the answer follows at once.
    await db.execute(sql`UPDATE orders SET status = 'cancelled' WHERE id = ${cOrder}`);
    expect(await stale(db, c!)).toBe(true);
    await expectExact(db, all);
    await refreshPurchaseFacts(db);
    await db.execute(sql`UPDATE order_lines SET returned_quantity = 2 WHERE order_id = ${bOrder}`);
    expect(await stale(db, b!)).toBe(true);
    await expectExact(db, all);
    await refreshPurchaseFacts(db);
    await db.execute(sql`UPDATE orders SET customer_id = ${a!} WHERE id = ${bOrder}`); // merged into a
    expect([await stale(db, a!), await stale(db, b!)]).toEqual([true, true]);
    await expectExact(db, all);
    await refreshPurchaseFacts(db);
    await db.execute(
      sql`UPDATE orders SET created_at = now() - interval '31 days' WHERE customer_id = ${a!} AND total = 3000`,
    );
    expect(await stale(db, a!)).toBe(true);
    await expectExact(db, all);
    await refreshPurchaseFacts(db);
    // A status move that changes nothing the facts count leaves the row as it is.
    await db.execute(sql`UPDATE orders SET status = 'placed' WHERE customer_id = ${a!} AND total = 8000`);
    expect(await stale(db, a!)).toBe(false);
    await expectExact(db, all);
  });

  it('expire when her oldest order in a window leaves it', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const [d] = await members(app, 1);
    // 30 days less a second ago: in the 30-day window for one more second.
    await order(db, d!, { daysAgo: 30 - 1 / 86400, total: 4000 });
    await refreshPurchaseFacts(db);
    expect((await kept(db, [d!], 30)).length).toBe(1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await stale(db, d!)).toBe(true);
    expect(await kept(db, [d!], 30)).toEqual([]);
    await expectExact(db, [d!]);
    await refreshPurchaseFacts(db);
    expect(await stale(db, d!)).toBe(false);
    await expectExact(db, [d!]);
  });

  it('a refresh racing an order in flight never keeps a fact without it', async () => {
    const app = ctx();
    if (app.target !== 'postgres') return; // one connection in PGlite: nothing runs alongside
    const db = app.server.database.db;
    const [e] = await members(app, 1);
    await order(db, e!, { daysAgo: 3, total: 1000 });
    await refreshPurchaseFacts(db);
    // An order transaction holds her row (made stale, not committed) while the refresh runs.
    const client = await app.server.database.pool!.connect();
    try {
      await client.query('BEGIN');
      const id = newId('ord');
      await client.query(
        `INSERT INTO orders (id, number, channel, customer_id, status, subtotal, total, taxes)
         VALUES ($1, $2, 'store', $3, 'completed', 500, 500, '[]')`,
        [id, `PF-${id.slice(-12)}`, e],
      );
      await refreshPurchaseFacts(db); // skips her locked row
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expect(await stale(db, e!)).toBe(true);
    await expectExact(db, [e!]);
    await refreshPurchaseFacts(db);
    const [row] = (await kept(db, [e!], 30)) as Array<{ orders: unknown; spend: unknown }>;
    expect([Number(row!.orders), Number(row!.spend)]).toEqual([2, 1500]);
  });
});
