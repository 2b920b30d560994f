import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import {
  createTestLocation,
  createTestProduct,
  deliverEvents,
  describeEachDatabase,
  newStaff,
  receive,
  registerCustomer,
  type TestApp,
} from '../../test/harness.ts';
import { move, placedAt, storeWorld, tillSale, webPickup } from './test-helpers.ts';
import { settleOrders, settleSales } from './rollups.ts';

/**
 * The sales rollups reconcile with the orders (issue 10 §5): a day's net sales per channel and store on
 * the dashboard equal that day's orders minus what came back of them, cancelled orders aside, by the
 * Japan date (15:00 UTC is midnight in Tokyo).
 */

/** A small chain's week: two stores, the web and the till, a return, a cancellation, across a Japan midnight. */
async function world(app: TestApp) {
  const { a, b, variantId, jan } = await storeWorld(app);
  const { token, customer } = await registerCustomer(app);

  const t1 = await tillSale(app, a, jan, 2); // 10日 12:00 JST, A
  await placedAt(app, t1.id, '2026-11-10T03:00:00Z');
  const t2 = await tillSale(app, b, jan, 1); // 10日 23:59:59 JST, B
  await placedAt(app, t2.id, '2026-11-10T14:59:59Z');
  const t3 = await tillSale(app, b, jan, 1); // 11日 00:00 JST, B
  await placedAt(app, t3.id, '2026-11-10T15:00:00Z');
  const w1 = await webPickup(app, token, a, variantId, 3); // 10日, picked up at A, one returned
  await placedAt(app, w1.id, '2026-11-10T05:00:00Z');
  await move(app, w1, 'ready');
  await move(app, w1, 'picked_up');
  const ret = await app.api('POST', `/api/orders/${w1.id}/returns`, {
    body: { lines: [{ orderLineId: w1.lines[0]!.id, quantity: 1 }], locationId: a, reason: 'サイズ違い' },
  });
  expect(ret.statusCode, ret.body).toBe(201);
  const w2 = await webPickup(app, token, b, variantId, 2); // 10日, cancelled
  await placedAt(app, w2.id, '2026-11-10T06:00:00Z');
  expect((await move(app, w2, 'cancelled')).statusCode).toBe(200);
  const t4 = await tillSale(app, a, jan, 4, customer.memberNumber); // 12日, her till purchase: web + store
  await placedAt(app, t4.id, '2026-11-12T02:00:00Z');
  await deliverEvents(app);
  return { a, b, customer, orders: { t1, t2, t3, t4, w1, w2 } };
}

const report = (app: TestApp, q: string, token?: string) =>
  app.api('GET', `/api/analytics/sales?${q}`, token ? { token } : {});

/** The same figure straight from the orders: totals minus returned amounts, per Japan date, channel and store. */
async function fromOrders(app: TestApp, stores: string[]) {
  return query<{ day: string; channel: string; store: string; net: string }>(
    app.server.database.db,
    sql`SELECT to_char(o.created_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD') AS day, o.channel,
               coalesce(o.location_id, f.location_id) AS store,
               sum(o.total - coalesce((SELECT sum(rl.amount) FROM returns r JOIN return_lines rl ON rl.return_id = r.id
                                        WHERE r.order_id = o.id), 0)) AS net
          FROM orders o JOIN LATERAL (SELECT location_id FROM fulfilments WHERE order_id = o.id ORDER BY id LIMIT 1) f ON true
         WHERE o.status <> 'cancelled' AND coalesce(o.location_id, f.location_id) IN (${stores[0]}, ${stores[1]})
         GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  );
}

describeEachDatabase('analytics: sales rollups', (ctx) => {
  it("the dashboard's net sales for a day equal that day's orders minus returns, per channel and store", async () => {
    const app = ctx();
    const { a, b } = await world(app);
    const stores = `stores=${a},${b}`;
    const days = async (breakdown: string) =>
      (await report(app, `from=2026-11-10&to=2026-11-12&grain=day&breakdown=${breakdown}&${stores}`)).json();

    const byChannel = await days('channel');
    // 10日: A till ¥2,200 + B till ¥1,100 (23:59:59) + web ¥3,300 − ¥1,100 returned; the cancelled order is nothing.
    expect(byChannel.series.map((s: { period: string; net: number }) => [s.period, s.net])).toEqual([
      ['2026-11-10', 5500],
      ['2026-11-11', 1100],
      ['2026-11-12', 4400],
    ]);
    expect(byChannel.totals.current).toMatchObject({
      orders: 5,
      units: 10,
      net: 11000,
      returned: 1100,
      netExcl: 10000,
    });
    expect(byChannel.totals.current.averageBasket).toBe(2200);

    const expected = await fromOrders(app, [a, b]);
    const byStore = await days('store');
    for (const day of ['2026-11-10', '2026-11-11', '2026-11-12']) {
      for (const channel of ['web', 'store']) {
        const want = expected
          .filter((e) => e.day === day && e.channel === channel)
          .reduce((s, e) => s + Number(e.net), 0);
        const got = byChannel.breakdownSeries
          .filter((x: { period: string; key: string }) => x.period === day && x.key === channel)
          .reduce((s: number, x: { net: number }) => s + x.net, 0);
        expect(got, `${day} ${channel}`).toBe(want);
      }
      for (const store of [a, b]) {
        const want = expected.filter((e) => e.day === day && e.store === store).reduce((s, e) => s + Number(e.net), 0);
        const got = byStore.breakdownSeries
          .filter((x: { period: string; key: string }) => x.period === day && x.key === store)
          .reduce((s: number, x: { net: number }) => s + x.net, 0);
        expect(got, `${day} ${store}`).toBe(want);
      }
    }
    expect(byStore.rows.map((r: { label: string }) => r.label).sort()).toEqual(['新宿店', '渋谷店']);

    // A week and a month are the days added up; last year and the previous period are empty here.
    const week = (await report(app, `from=2026-11-09&to=2026-11-15&grain=week&${stores}`)).json();
    expect(week.series).toEqual([expect.objectContaining({ period: '2026-11-09', net: 11000 })]);
    expect(week.previous).toEqual({ from: '2026-11-02', to: '2026-11-08' });
    expect(week.lastYear).toEqual({ from: '2025-11-09', to: '2025-11-15' });
    expect(week.totals.previous.net).toBe(0);

    // The CSV: the same figures, no ids, Japanese headers.
    const csv = await app.api(
      'GET',
      `/api/analytics/sales/export.csv?from=2026-11-10&to=2026-11-12&breakdown=store&${stores}`,
    );
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body).toContain('期間,区分,注文数');
    expect(csv.body).toContain('2026-11-10,渋谷店');
    expect(csv.body).not.toContain(a);

    // The OMO headline: she bought on the web and at the till (omni); the other tills' buyers are guests.
    const omni = (await app.api('GET', `/api/analytics/omni?from=2026-11-10&to=2026-11-12&${stores}`)).json();
    expect(omni.omni).toMatchObject({ customers: 1, orders: 2, spend: 6600, averageBasket: 3300, frequency: 2 });
    expect(omni.single.customers).toBe(0);
  });

  it('an order settled again and again, its events delivered twice and settled by several copies at once, counts once', async () => {
    const app = ctx();
    const { a, b, orders } = await world(app);
    const db = app.server.database.db;
    const q = `from=2026-11-10&to=2026-11-12&stores=${a},${b}`;
    const before = (await report(app, q)).json().totals.current;

    const events = await query<{ id: number; recipient: string; template: string; payload: Record<string, unknown> }>(
      db,
      sql`SELECT id, recipient, template, payload FROM outbox
           WHERE channel = 'event' AND recipient IN (${orders.w1.id}, ${orders.w2.id}, ${orders.t1.id})`,
    );
    expect(events.map((e) => e.template)).toEqual(
      expect.arrayContaining(['order.placed', 'return.created', 'order.cancelled']),
    );
    for (const e of events) await app.server.subscribers.deliver({ ...e, attempt: 2 });
    const all = Object.values(orders).map((o) => o.id);
    await Promise.all([settleOrders(db, all), settleOrders(db, all.reverse()), settleOrders(db, [orders.w1.id])]);
    await settleSales(db, { recentDays: 3650 });
    expect((await report(app, q)).json().totals.current).toEqual(before);
    expect(before.net).toBe(11000);
  });

  it('orders written without events (history from before the rollups) are settled by the job, once', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const store = await createTestLocation(app);
    const p = await createTestProduct(app);
    await receive(app, p.variantIds[0]!, store, 10);
    const sale = await tillSale(app, store, p.jans[0]!, 3);
    // As if the order had been written before the rollups existed: its events are gone.
    await db.execute(sql`DELETE FROM outbox WHERE channel = 'event' AND recipient = ${sale.id}`);
    const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
    const q = `from=${today}&to=${today}&stores=${store}`;
    expect((await report(app, q)).json().totals.current.net).toBe(0);
    expect(await settleSales(db)).toBeGreaterThanOrEqual(1);
    // Settled: the next runs find nothing to do (the cursor and the settled times keep microseconds; cut to
    // milliseconds, the last order was walked again and every recent order looked changed on every run).
    expect(await settleSales(db)).toBe(0);
    expect(await settleSales(db)).toBe(0);
    expect((await report(app, q)).json().totals.current).toMatchObject({ orders: 1, units: 3, net: 3300 });
  });

  it('head office sees every store; a store manager her stores only; a clerk nothing', async () => {
    const app = ctx();
    const a = await createTestLocation(app);
    const b = await createTestLocation(app);
    const manager = await newStaff(app, 'store_manager', [a]);
    const clerk = await newStaff(app, 'staff', [a]);
    const hq = await newStaff(app, 'hq', []);
    const q = 'from=2026-11-01&to=2026-11-30';
    for (const path of ['/api/analytics/sales', '/api/analytics/omni', '/api/analytics/sales/export.csv']) {
      expect((await app.api('GET', `${path}?${q}`, { token: clerk.token })).statusCode, path).toBe(403);
      const other = await app.api('GET', `${path}?${q}&stores=${b}`, { token: manager.token });
      expect(other.statusCode, path).toBe(403);
      expect(other.headers['content-type']).toMatch(/application\/problem\+json/);
      expect((await app.api('GET', `${path}?${q}&stores=${a},${b}`, { token: manager.token })).statusCode).toBe(403);
      expect((await app.api('GET', `${path}?${q}`, { token: null })).statusCode).toBe(401);
    }
    const mine = await app.api('GET', `/api/analytics/sales?${q}`, { token: manager.token });
    expect(mine.json().locationIds).toEqual([a]);
    expect((await app.api('GET', `/api/analytics/sales?${q}&stores=${a}`, { token: manager.token })).statusCode).toBe(
      200,
    );
    expect((await app.api('GET', `/api/analytics/sales?${q}`, { token: hq.token })).json().locationIds).toBeNull();
    const bad = await app.api('GET', '/api/analytics/sales?from=2026-11-30&to=2026-11-01', {
      token: hq.token,
      headers: { 'accept-language': 'ja' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});
