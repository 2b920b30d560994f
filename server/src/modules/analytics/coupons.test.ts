import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import { closeIssuedDays, fillCoupons } from './coupon-kept.ts';
import { move, storeWorld } from './test-helpers.ts';
import { deliverEvents, describeEachDatabase, newStaff, type TestApp } from '../../test/harness.ts';

/**
 * クーポン効果 (issue 10 §2): the figures equal what the orders and the coupons say — a code a campaign
 * issued and used at a till is online → store, a cancelled order's use does not count, a return comes off
 * the attributed sales — and who may see them.
 */

const db = (app: TestApp) => app.server.database.db;

async function tillSale(app: TestApp, store: string, jan: string, quantity: number, code: string) {
  const res = await app.api('POST', '/api/pos/sales', {
    body: {
      locationId: store,
      lines: [{ jan, quantity }],
      coupons: [code],
      payments: [{ method: 'cash', amount: 1100 * quantity - 110, tendered: 20000 }],
      clientTransactionId: `t-${Math.random()}`,
    },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json().order as { id: string; total: number };
}

async function webPickup(app: TestApp, store: string, variantId: string, quantity: number, code: string) {
  const cart = (await app.api('POST', '/api/carts', { token: null, body: { deviceId: `d-${Math.random()}` } })).json();
  await app.api('POST', `/api/carts/${cart.id}/lines`, { token: null, body: { variantId, quantity } });
  await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, {
    token: null,
    body: { type: 'pickup', locationId: store },
  });
  const c = await app.api('POST', `/api/carts/${cart.id}/coupons`, { token: null, body: { code } });
  if (c.statusCode !== 200) throw new Error(c.body);
  const res = await app.api('POST', `/api/carts/${cart.id}/checkout`, {
    token: null,
    body: { guest: { name: '客', email: `c${Math.random()}@example.jp` }, payment: { method: 'pay_at_store' } },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json() as { id: string; total: number; lines: Array<{ id: string }>; fulfilments: Array<{ id: string }> };
}

async function world(app: TestApp, opts: { issuedDaysAgo?: number } = {}) {
  const { a, b, variantId, jan } = await storeWorld(app);
  const promo = (
    await app.api('POST', '/api/promotions', {
      body: { name: '秋の110円引き', kind: 'amount_off', params: { amount: 110 }, requiresCoupon: true },
    })
  ).json() as { id: string };
  // Five single-use codes handed out at the till; two of them then a campaign's (as its offer issues them).
  const batch = (
    await app.api('POST', '/api/coupons/batches', {
      body: { coupon: { promotionId: promo.id, issuedChannel: 'store' }, count: 5 },
    })
  ).json() as { codes: string[] };
  const [c1, c2, c3, c4] = batch.codes as [string, string, string, string];
  await db(app).execute(
    sql`UPDATE coupon_codes SET issued_for = 'campaign:cmp_test' WHERE code IN (${c1}, ${c2}, ${c4})`,
  );
  if (opts.issuedDaysAgo)
    await db(app).execute(
      sql`UPDATE coupon_codes SET created_at = now() - make_interval(days => ${opts.issuedDaysAgo})
           WHERE code IN (${sql.join(
             batch.codes.map((c) => sql`${c}`),
             sql`, `,
           )})`,
    );
  // A public code for LINE.
  const line = (
    await app.api('POST', '/api/coupons', {
      body: { promotionId: promo.id, code: `LINE${Math.floor(Math.random() * 1e8)}`, issuedChannel: 'line' },
    })
  ).json() as { code: string };

  const t1 = await tillSale(app, a, jan, 2, c1); // campaign → store A: online → store
  const w1 = await webPickup(app, a, variantId, 3, c2); // campaign → web, one piece returned
  await move(app, w1, 'ready');
  await move(app, w1, 'picked_up');
  const ret = await app.api('POST', `/api/orders/${w1.id}/returns`, {
    body: { lines: [{ orderLineId: w1.lines[0]!.id, quantity: 1 }], locationId: a, reason: 'サイズ違い' },
  });
  expect(ret.statusCode, ret.body).toBe(201);
  const t2 = await tillSale(app, b, jan, 1, c3); // store → store B
  const t3 = await tillSale(app, b, jan, 3, line.code); // LINE → store B: online → store
  const w2 = await webPickup(app, b, variantId, 2, c4); // campaign → web, cancelled: does not count
  expect((await move(app, w2, 'cancelled')).statusCode).toBe(200);
  await deliverEvents(app);
  return { a, b, jan, variantId, promo, codes: batch.codes, line, orders: { t1, t2, t3, w1, w2 } };
}

/** An order's net sales from the orders themselves: its total minus what its returns refunded. */
async function netOf(app: TestApp, ids: string[]) {
  const [row] = await query<{ net: string }>(
    db(app),
    sql`SELECT coalesce(sum(o.total - coalesce((SELECT sum(rl.amount) FROM returns r JOIN return_lines rl
                 ON rl.return_id = r.id WHERE r.order_id = o.id), 0)), 0)::text AS net
          FROM orders o WHERE o.id IN (${sql.join(
            ids.map((i) => sql`${i}`),
            sql`, `,
          )})`,
  );
  return Number(row!.net);
}

const today = () => new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() + 9 * 3600_000 - n * 86_400_000).toISOString().slice(0, 10);

describeEachDatabase('analytics: クーポン効果', (ctx) => {
  it('per coupon and channel, the uses, discount and attributed sales equal the orders; campaign → till is online → store', async () => {
    const app = ctx();
    const { a, orders } = await world(app);
    const d = today();
    const res = await app.api('GET', `/api/analytics/coupons?from=${d}&to=${d}`);
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    expect(r.totals.redeemed).toBe(4);
    expect(r.totals.discount).toBe(440);
    const { t1, t2, t3, w1 } = orders;
    expect(r.totals.sales).toBe(await netOf(app, [t1.id, t2.id, t3.id, w1.id]));
    // The return came off the web order's attributed sales.
    expect(await netOf(app, [w1.id])).toBeLessThan(w1.total);
    expect(r.onlineToStore).toEqual({ redeemed: 2, discount: 220, sales: await netOf(app, [t1.id, t3.id]) });
    expect(r.issued).toBe(5);
    expect(r.used).toBe(3); // the cancelled order gave its code back
    expect(r.promotions).toHaveLength(1);
    expect(r.promotions[0]).toMatchObject({ name: '秋の110円引き', issued: 5, used: 3, redemptionRate: 0.6 });
    const ch = Object.fromEntries(
      r.channels.map((x: { issueChannel: string; channel: string; redeemed: number; sales: number }) => [
        `${x.issueChannel}>${x.channel}`,
        x.redeemed,
      ]),
    );
    expect(ch).toEqual({ 'campaign>store': 1, 'campaign>web': 1, 'store>store': 1, 'line>store': 1 });
    expect(r.campaigns).toEqual([
      expect.objectContaining({ campaignId: 'cmp_test', issued: 3, used: 2, redeemed: 2, inStore: 1 }),
    ]);

    // A store filter counts the uses at that store: the till sale and the web order picked up there.
    const atA = (await app.api('GET', `/api/analytics/coupons?from=${d}&to=${d}&stores=${a}`)).json();
    expect(atA.totals.redeemed).toBe(2);
    expect(atA.onlineToStore.redeemed).toBe(1);
    expect(atA.issued).toBeNull();

    const csv = await app.api('GET', `/api/analytics/coupons/export.csv?from=${d}&to=${d}`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('秋の110円引き');
    expect(csv.body).toContain('キャンペーン配信,店舗');
    expect(csv.body).not.toContain('@example.jp');
  });

  it('head office sees all, a store manager her stores, staff none', async () => {
    const app = ctx();
    const { a, b } = await world(app);
    const d = today();
    const manager = await newStaff(app, 'store_manager', [a]);
    const clerk = await newStaff(app, 'staff', [a]);
    const owner = await newStaff(app, 'owner', []);
    const get = (token: string, q = '') => app.api('GET', `/api/analytics/coupons?from=${d}&to=${d}${q}`, { token });
    expect((await get(owner.token, `&stores=${a},${b}`)).json().totals.redeemed).toBe(4);
    const mine = await get(manager.token);
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ locationIds: [a], totals: { redeemed: 2 } });
    const other = await get(manager.token, `&stores=${b}`);
    expect(other.statusCode).toBe(403);
    expect(other.headers['content-type']).toContain('application/problem+json');
    expect((await get(clerk.token)).statusCode).toBe(403);
    const en = await app.api('GET', `/api/analytics/coupons?from=${d}&to=${d}&stores=${b}`, {
      token: manager.token,
      headers: { 'accept-language': 'en' },
    });
    expect(en.statusCode).toBe(403);
    expect(JSON.stringify(en.json())).not.toMatch(/[ぁ-んァ-ヶ]/);
  });
  it('kept per day (filled once, moved by each settling, the codes of past days counted): the same answers as the uses', async () => {
    const app = ctx();
    const { a, b, jan, variantId, codes, line, orders } = await world(app, { issuedDaysAgo: 3 });
    const ranges = [
      `from=${daysAgo(5)}&to=${today()}`,
      `from=${today()}&to=${today()}`,
      `from=${daysAgo(3)}&to=${daysAgo(3)}`,
      `from=${daysAgo(5)}&to=${today()}&stores=${a}`,
      `from=${daysAgo(5)}&to=${today()}&stores=${a},${b}`,
    ];
    const answers = async () => {
      const out: unknown[] = [];
      for (const q of ranges) {
        const res = await app.api('GET', `/api/analytics/coupons?${q}`);
        expect(res.statusCode, res.body).toBe(200);
        out.push(res.json());
      }
      return out;
    };
    const kept = async () =>
      (
        await query<{ n: number }>(
          db(app),
          sql`SELECT count(*)::int AS n FROM analytics_coupon_fill WHERE name = 'uses'`,
        )
      )[0]!.n;
    // Read from the uses (not filled yet): five codes three days ago, four uses today (the earlier tests' too).
    expect(await kept()).toBe(0);
    const live = (await answers()) as Array<{
      issued: number;
      used: number;
      totals: { redeemed: number; sales: number };
    }>;
    expect(live[2]).toMatchObject({ issued: 5, used: 3, totals: { redeemed: 0 } });

    expect(await fillCoupons(app.server.database)).toBe(true);
    expect(await fillCoupons(app.server.database)).toBe(false); // once
    expect(await kept()).toBe(1);
    expect(await answers()).toEqual(live); // the codes of three days ago counted live (no day closed yet)
    await closeIssuedDays(db(app));
    expect(await answers()).toEqual(live); // … and now from the closed days
    const closed = await query<{ issued: number }>(
      db(app),
      sql`SELECT sum(issued)::int AS issued FROM analytics_coupon_codes_daily WHERE issued_on = ${daysAgo(3)}::date`,
    );
    expect(closed[0]!.issued).toBe(5);

    // After the fill, the settlings move the kept rows: the fifth code used and then its order cancelled, the
    // LINE code on a web order picked up and partly returned, a return of the campaign code's till sale.
    const c5 = codes[4]!;
    const w3 = await webPickup(app, a, variantId, 1, c5);
    const w4 = await webPickup(app, b, variantId, 2, line.code);
    await move(app, w4, 'ready');
    await move(app, w4, 'picked_up');
    await deliverEvents(app);
    const mid = await answers();
    expect(mid[0]).toMatchObject({ used: live[0]!.used + 1, totals: { redeemed: live[0]!.totals.redeemed + 2 } });
    expect((await move(app, w3, 'cancelled')).statusCode).toBe(200);
    const ret = await app.api('POST', `/api/orders/${w4.id}/returns`, {
      body: { lines: [{ orderLineId: w4.lines[0]!.id, quantity: 1 }], locationId: b, reason: 'サイズ違い' },
    });
    expect(ret.statusCode, ret.body).toBe(201);
    await tillSale(app, a, jan, 1, 'NOPE').catch(() => {}); // a refused code changes nothing
    await deliverEvents(app);
    const after = await answers();
    // The same reads of the uses themselves (the fill mark lifted for a moment).
    await db(app).execute(sql`DELETE FROM analytics_coupon_fill WHERE name = 'uses'`);
    const liveAfter = await answers();
    await db(app).execute(sql`INSERT INTO analytics_coupon_fill (name) VALUES ('uses')`);
    expect(after).toEqual(liveAfter);
    expect(after[2]).toMatchObject({ issued: 5, used: 3 });
    expect(after[0]).toMatchObject({ issued: live[0]!.issued, used: live[0]!.used });
    expect((after[0] as (typeof live)[number]).totals).toMatchObject({
      redeemed: live[0]!.totals.redeemed + 1,
      sales: live[0]!.totals.sales + (await netOf(app, [w4.id])),
    });
    // Settling the same orders again moves nothing.
    const rows = async () =>
      query(
        db(app),
        sql`SELECT * FROM analytics_coupon_daily ORDER BY used_on, location_id, promotion_id, channel, issue_channel`,
      );
    const before = await rows();
    const { settleOrders } = await import('./rollups.ts');
    await settleOrders(db(app), [orders.t1.id, orders.w1.id, w3.id, w4.id]);
    expect(await rows()).toEqual(before);
  });
});
