import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  newStaff,
  receive,
  registerCustomer,
  type TestApp,
} from '../../test/harness.ts';

async function onHand(app: TestApp, variantId: string, locationId: string) {
  const [row] = await query<{ on_hand: number; reserved: number }>(
    app.server.database.db,
    sql`SELECT on_hand, reserved FROM stock_levels WHERE variant_id = ${variantId} AND location_id = ${locationId}`,
  );
  return row ?? { on_hand: 0, reserved: 0 };
}

/** A sale as the offline till sends it at sync: as charged, with the time it was rung up. */
function offlineSale(store: string, jan: string, id: string, over: Record<string, unknown> = {}) {
  return {
    locationId: store,
    // Charged at the till's cached price (¥1,000) with an automatic ¥100 off: the catalog now says ¥1,100.
    lines: [{ jan, quantity: 2, unitPrice: 1000, discount: 100 }],
    payments: [{ method: 'cash', amount: 1900, tendered: 2000 }],
    clientTransactionId: id,
    offline: {
      at: new Date(Date.now() - 3_600_000).toISOString(),
      discounts: [{ code: 'promo_x', label: 'オフライン特価', amount: 100 }],
    },
    ...over,
  };
}

describeEachDatabase('offline till sales', (ctx) => {
  it("the till's offline pack: every variant priced, the store's automatic promotions, the receipt header and the limit", async () => {
    const app = ctx();
    const store = await createTestLocation(app, { name: '結び 町田店' });
    const other = await createTestLocation(app);
    const tea = await createTestProduct(app, { name: '煎茶', taxRate: 8 });
    const promo = async (name: string, conditions: Record<string, unknown>) => {
      const res = await app.api('POST', '/api/promotions', {
        body: { name, kind: 'percent_off', params: { percent: 10 }, conditions },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const here = await promo('町田店 10%引き', { channels: ['store'], locationIds: [store] });
    await promo('ウェブ限定', { channels: ['web'] });
    await promo('他店限定', { locationIds: [other] });
    const clerk = await newStaff(app, 'staff', [store]);
    const res = await app.api('GET', `/api/pos/offline-pack?locationId=${store}`, { token: clerk.token });
    expect(res.statusCode, res.body).toBe(200);
    const pack = res.json();
    expect(pack).toMatchObject({ locationId: store, limit: 300_000, store: { name: '結び 町田店' } });
    expect(pack.variants).toContainEqual(
      expect.objectContaining({ id: tea.variantIds[0], jan: tea.jans[0], name: '煎茶', price: 1100, taxRate: 8 }),
    );
    expect(pack.promotions.map((p: { id: string }) => p.id)).toContain(here);
    expect(pack.promotions.map((p: { name: string }) => p.name)).not.toContain('ウェブ限定');
    expect(pack.promotions.map((p: { name: string }) => p.name)).not.toContain('他店限定');
    const stranger = await newStaff(app, 'staff', [other]);
    const refused = await app.api('GET', `/api/pos/offline-pack?locationId=${store}`, { token: stranger.token });
    expect(refused.statusCode).toBe(403);
  });

  it('land as the till charged them, with the time rung up, the member by number and her points awarded at sync', async () => {
    const app = ctx();
    const store = await createTestLocation(app, { name: '結び 吉祥寺店' });
    const {
      variantIds: [variantId],
      jans: [jan],
    } = await createTestProduct(app, { name: '帆布トート' });
    await receive(app, variantId!, store, 5);
    const { customer } = await registerCustomer(app);
    const body = offlineSale(store, jan!, 'till-1-off-0001', { memberNumber: customer.memberNumber });
    const res = await app.api('POST', '/api/pos/sales', { body });
    expect(res.statusCode, res.body).toBe(201);
    const { order, change, receipt } = res.json();
    expect(order).toMatchObject({
      total: 1900,
      subtotal: 2000,
      discountTotal: 100,
      customerId: customer.id,
      offline: { at: body.offline.at, transactionId: 'till-1-off-0001' },
    });
    expect(order.pointsEarned).toBe(19);
    expect(change).toBe(100);
    expect(receipt).toMatchObject({
      offline: { number: 'till-1-off-0001' },
      issuedAt: body.offline.at,
      lines: [{ name: '帆布トート', quantity: 2, unitPrice: 1000, total: 1900 }],
      discounts: [{ label: 'オフライン特価', amount: 100 }],
      taxes: [{ rate: 10, base: 1900, tax: 172 }],
      member: { pointsEarned: 19, balance: 19 },
    });
    expect((await onHand(app, variantId!, store)).on_hand).toBe(3);
    // The digital receipt read later is the one printed.
    const again = await app.api('GET', `/api/orders/${order.id}/receipt`);
    expect(again.json()).toEqual(receipt);
  });

  it('a queue replayed twice, or by two tabs at once, is one sale each', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const {
      variantIds: [variantId],
      jans: [jan],
    } = await createTestProduct(app);
    await receive(app, variantId!, store, 20);
    const queue = ['q-1', 'q-2', 'q-3'].map((id) => offlineSale(store, jan!, id));
    for (let round = 0; round < 2; round++)
      for (const body of queue)
        expect([200, 201]).toContain((await app.api('POST', '/api/pos/sales', { body })).statusCode);
    const racing = await Promise.all(queue.map((body) => app.api('POST', '/api/pos/sales', { body })));
    expect(racing.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    const [n] = await query<{ n: number }>(
      app.server.database.db,
      sql`SELECT count(*)::int AS n FROM orders WHERE location_id = ${store}`,
    );
    expect(n!.n).toBe(3);
    expect((await onHand(app, variantId!, store)).on_hand).toBe(14);
  });

  it('a sale is hers who rang it up offline, even when the next clerk sends the queue; a clerk of another store is not taken at her word', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const other = await createTestLocation(app);
    const {
      variantIds: [variantId],
      jans: [jan],
    } = await createTestProduct(app);
    await receive(app, variantId!, store, 10);
    const hanako = await newStaff(app, 'staff', [store], { name: '山田 花子' });
    const taro = await newStaff(app, 'staff', [store], { name: '鈴木 太郎' });
    const elsewhere = await newStaff(app, 'staff', [other], { name: '別店 次郎' });
    const sent = async (id: string, rangBy: string) => {
      const body = offlineSale(store, jan!, id);
      const res = await app.api('POST', '/api/pos/sales', {
        token: taro.token,
        body: { ...body, offline: { ...body.offline, staffId: rangBy } },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };
    const hers = await sent('clerk-1', hanako.id);
    expect(hers.receipt.clerk).toBe('山田 花子');
    const claimed = await sent('clerk-2', elsewhere.id);
    expect(claimed.receipt.clerk).toBe('鈴木 太郎'); // not of this store: the sender's
    const rows = await query<{ id: string; staff_id: string }>(
      app.server.database.db,
      sql`SELECT id, staff_id FROM orders WHERE id IN (${hers.order.id}, ${claimed.order.id})`,
    );
    expect(new Map(rows.map((r) => [r.id, r.staff_id]))).toEqual(
      new Map([
        [hers.order.id, hanako.id],
        [claimed.order.id, taro.id],
      ]),
    );
  });

  it('the last unit sold offline while the web reserved it: both kept, the shortfall listed for the manager', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const {
      variantIds: [variantId],
      jans: [jan],
    } = await createTestProduct(app, { name: '限定マグ' });
    await receive(app, variantId!, store, 2);
    // The web took both units (a pickup order's reservation) while the till was offline.
    const web = await app.api('POST', '/api/reservations', {
      body: { lines: [{ variantId, locationId: store, quantity: 2 }], reason: 'order', ttlSeconds: 3600 },
    });
    expect(web.statusCode, web.body).toBe(201);
    const sold = await app.api('POST', '/api/pos/sales', { body: offlineSale(store, jan!, 'last-unit') });
    expect(sold.statusCode, sold.body).toBe(201);
    // The reservation stands; the record was brought up by what the till sold.
    expect(await onHand(app, variantId!, store)).toEqual({ on_hand: 2, reserved: 2 });
    const clerk = await newStaff(app, 'staff', [store]);
    const manager = await newStaff(app, 'store_manager', [store]);
    const list = await app.api('GET', `/api/stock-reconciliations?locationId=${store}&open=true`, {
      token: clerk.token,
    });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items).toMatchObject([
      { variantId, quantity: 2, reference: sold.json().order.id, productName: '限定マグ', resolvedAt: null },
    ]);
    const id = list.json().items[0].id;
    expect((await app.api('POST', `/api/stock-reconciliations/${id}/resolve`, { token: clerk.token })).statusCode).toBe(
      403,
    );
    const done = await app.api('POST', `/api/stock-reconciliations/${id}/resolve`, { token: manager.token });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().resolvedBy).toBe(manager.id);
    const open = await app.api('GET', `/api/stock-reconciliations?locationId=${store}&open=true`);
    expect(open.json().items).toEqual([]);
    const other = await createTestLocation(app);
    const stranger = await newStaff(app, 'store_manager', [other]);
    expect(
      (await app.api('GET', `/api/stock-reconciliations?locationId=${store}`, { token: stranger.token })).statusCode,
    ).toBe(403);
  });

  it('refuses what needs the server (coupons, wallet, her app code), a missing price or a sum that does not add up; an unknown member number still sells', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const {
      variantIds: [variantId],
      jans: [jan],
    } = await createTestProduct(app);
    await receive(app, variantId!, store, 20);
    const fields = async (over: Record<string, unknown>, n: number) => {
      const res = await app.api('POST', '/api/pos/sales', {
        body: offlineSale(store, jan!, `bad-${n}`, over),
        headers: { 'accept-language': 'ja' },
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      return res.json().errors.map((e: { field: string }) => e.field);
    };
    expect(await fields({ coupons: ['SPRING'] }, 1)).toEqual(['coupons']);
    expect(await fields({ memberCode: 'x.y.z' }, 2)).toEqual(['memberCode']);
    expect(await fields({ payments: [{ method: 'wallet', amount: 1900 }] }, 3)).toEqual(['payments.0.method']);
    expect(await fields({ lines: [{ jan, quantity: 2 }] }, 4)).toEqual(['lines.0.unitPrice']);
    expect(
      await fields(
        { offline: { at: new Date().toISOString(), discounts: [{ code: 'x', label: 'x', amount: 50 }] } },
        5,
      ),
    ).toEqual(['offline.discounts']);
    expect(await fields({ offline: { at: '2020-01-01T00:00:00Z', discounts: [] } }, 6)).toEqual(['offline.at']);
    const [n] = await query<{ n: number }>(
      app.server.database.db,
      sql`SELECT count(*)::int AS n FROM orders WHERE location_id = ${store}`,
    );
    expect(n!.n).toBe(0);
    const unknown = await app.api('POST', '/api/pos/sales', {
      body: offlineSale(store, jan!, 'unknown-member', { memberNumber: '9999999999' }),
    });
    expect(unknown.statusCode, unknown.body).toBe(201);
    expect(unknown.json().order.customerId).toBeNull();
  });
});
