import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import { newId } from '../../platform/ids.ts';
import { walletEntries } from '../loyalty/schema.ts';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  receive,
  registerCustomer,
  newStaff,
  type TestApp,
  BOOTSTRAP,
} from '../../test/harness.ts';
import { collectEvents } from '../../test/processes.ts';
import { tableChanged } from '../../platform/db/table-cache.ts';

async function scanByMemberNumber(app: TestApp, token: string, locationId: string, memberNumber: string) {
  const res = await app.api('POST', '/api/member-codes/resolve', { token, body: { locationId, memberNumber } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().scan.eventId as string;
}

async function chain(app: TestApp) {
  const shibuya = await createTestLocation(app, { name: '渋谷店' });
  const harajuku = await createTestLocation(app, { name: '原宿店' });
  const warehouse = await createTestLocation(app, { name: '市川倉庫', kind: 'warehouse' });
  await query(
    app.server.database.db,
    sql`UPDATE locations SET services = jsonb_set(services, '{shipping}', 'true') WHERE id = ${warehouse}`,
  );
  tableChanged(app.server.database.db, 'locations'); // kept in memory by the server: read again
  const clerk = await newStaff(app, 'staff', [shibuya]);
  const colleague = await newStaff(app, 'staff', [shibuya]);
  const elsewhere = await newStaff(app, 'staff', [harajuku]);
  const aiko = await registerCustomer(app, { name: '田中 愛子' });
  return { shibuya, harajuku, warehouse, clerk, colleague, elsewhere, aiko };
}

describeEachDatabase('the clerk sees her live cart and orders what the store lacks (取り寄せ)', (ctx) => {
  let base = '';
  beforeAll(async () => {
    base = await ctx().server.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await ctx().server.app.server.close();
  });

  it('the card hears her cart change as she changes it (event: cart), and only the clerk who scanned her', async () => {
    const app = ctx();
    const { shibuya, harajuku, clerk, colleague, elsewhere, aiko } = await chain(app);
    const { variantIds } = await createTestProduct(app, { name: 'トートバッグ', variants: 2 });
    const cart = (await app.api('GET', '/api/account/cart', { token: aiko.token })).json();
    const scanId = await scanByMemberNumber(app, clerk.token, shibuya, aiko.customer.memberNumber);
    const query = `topics=cart&customerIds=${aiko.customer.id}&locationIds=${shibuya}&scanId=${scanId}`;

    const heard = await collectEvents(`${base}/api/stream?${query}&token=${clerk.token}`, 3, 10_000, async () => {
      const line = (variantId: string, quantity: number) =>
        app.api('POST', `/api/carts/${cart.id}/lines`, { token: aiko.token, body: { variantId, quantity } });
      expect((await line(variantIds[0]!, 1)).statusCode).toBe(200);
      // Another member's cart is not hers: not heard.
      const other = await registerCustomer(app, { name: '佐藤 花' });
      const theirs = (await app.api('GET', '/api/account/cart', { token: other.token })).json();
      await app.api('POST', `/api/carts/${theirs.id}/lines`, {
        token: other.token,
        body: { variantId: variantIds[1]!, quantity: 1 },
      });
      expect((await line(variantIds[1]!, 2)).statusCode).toBe(200);
      const off = await app.api('PUT', `/api/carts/${cart.id}/lines/${variantIds[0]}`, {
        token: aiko.token,
        body: { quantity: 0 },
      });
      expect(off.statusCode, off.body).toBe(200);
    });
    expect(heard).toEqual(Array(3).fill({ event: 'cart', data: { customerId: aiko.customer.id } }));

    // She hears her own cart (her other devices); the event names the cart, nothing more.
    const own = await collectEvents(`${base}/api/stream?topics=cart&token=${aiko.token}`, 1, 10_000, async () => {
      await app.api('POST', `/api/carts/${cart.id}/lines`, {
        token: aiko.token,
        body: { variantId: variantIds[0]!, quantity: 1 },
      });
    });
    expect(own).toEqual([{ event: 'cart', data: { cartId: cart.id } }]);

    // A customer id alone opens nothing: a colleague who did not scan her, a clerk of another store, no scan,
    // a guest, another member.
    const refused = async (q: string, token: string | null) =>
      (await app.api('GET', `/api/stream?${q}`, { token })).json().code;
    expect(await refused(query, colleague.token)).toBe('clienteling.not_scanned');
    expect(await refused(query, elsewhere.token)).toBe('platform.forbidden');
    expect(await refused(query.replace(shibuya, harajuku), elsewhere.token)).toBe('clienteling.not_scanned');
    expect(await refused(query.replace(`&scanId=${scanId}`, ''), clerk.token)).toBe('platform.validation');
    expect(await refused(query, null)).toBe('platform.unauthorized');
    expect(await refused(query, BOOTSTRAP)).toBe('clienteling.not_scanned'); // head office too
    const other = await registerCustomer(app, { name: '鈴木 一郎' });
    expect(await refused(`topics=cart&customerIds=${aiko.customer.id}`, other.token)).toBe('platform.forbidden');
    // Unasked, the stream has no cart topic: the default topics are those without an admission check.
    const all = await collectEvents(
      `${base}/api/stream?token=${clerk.token}&customerIds=${aiko.customer.id}`,
      1,
      1500,
      async () => {
        await app.api('POST', `/api/carts/${cart.id}/lines`, {
          token: aiko.token,
          body: { variantId: variantIds[1]!, quantity: 1 },
        });
      },
    );
    expect(all).toEqual([]);
  });

  it('the card shows what is in her web cart now, with size, quantity, price and the stock here', async () => {
    const app = ctx();
    const { shibuya, clerk, colleague, elsewhere, aiko } = await chain(app);
    const { variantIds } = await createTestProduct(app, { name: 'スニーカー', variants: 2 });
    await receive(app, variantIds[0]!, shibuya, 3);
    const cart = (await app.api('GET', '/api/account/cart', { token: aiko.token })).json();
    for (const [variantId, quantity] of [
      [variantIds[0]!, 2],
      [variantIds[1]!, 1],
    ] as const)
      expect(
        (await app.api('POST', `/api/carts/${cart.id}/lines`, { token: aiko.token, body: { variantId, quantity } }))
          .statusCode,
      ).toBe(200);

    const scanId = await scanByMemberNumber(app, clerk.token, shibuya, aiko.customer.memberNumber);
    const url = `/api/customers/${aiko.customer.id}/live-cart?locationId=${shibuya}&scanId=${scanId}`;
    const live = await app.api('GET', url, { token: clerk.token });
    expect(live.statusCode, live.body).toBe(200);
    expect(live.headers['cache-control']).toBe('no-store');
    expect(live.json()).toMatchObject({
      cartId: cart.id,
      channel: 'web',
      subtotal: 3 * 1100,
      lines: [
        { variantId: variantIds[0], productName: 'スニーカー', quantity: 2, price: 1100, availableHere: 3 },
        { variantId: variantIds[1], quantity: 1, availableHere: 0 },
      ],
    });

    // She takes one out on her phone: the next read shows it.
    await app.api('PUT', `/api/carts/${cart.id}/lines/${variantIds[1]}`, { token: aiko.token, body: { quantity: 0 } });
    expect((await app.api('GET', url, { token: clerk.token })).json().lines).toHaveLength(1);

    // Only the clerk who scanned her, at that store: a colleague without a scan is refused, another store's clerk too.
    const colleagues = await app.api('GET', url, { token: colleague.token });
    expect(colleagues.statusCode).toBe(409);
    expect(colleagues.json().code).toBe('clienteling.not_scanned');
    expect((await app.api('GET', url, { token: elsewhere.token })).statusCode).toBe(403);
    expect((await app.api('GET', url, { token: aiko.token })).statusCode).toBe(403);
  });

  it('a member with no cart shows an empty cart, not an error', async () => {
    const app = ctx();
    const { shibuya, clerk, aiko } = await chain(app);
    const scanId = await scanByMemberNumber(app, clerk.token, shibuya, aiko.customer.memberNumber);
    const live = await app.api(
      'GET',
      `/api/customers/${aiko.customer.id}/live-cart?locationId=${shibuya}&scanId=${scanId}`,
      {
        token: clerk.token,
      },
    );
    expect(live.json()).toMatchObject({ lines: [], subtotal: 0 });
  });

  it('an item only in the warehouse is ordered for her for pickup here: one order for a double tap, stock reserved there, in her history', async () => {
    const app = ctx();
    const { shibuya, warehouse, clerk, colleague, aiko } = await chain(app);
    const { variantIds } = await createTestProduct(app, { name: '軽量キャンバススニーカー' });
    const sneaker = variantIds[0]!;
    await receive(app, sneaker, warehouse, 2);
    const scanId = await scanByMemberNumber(app, clerk.token, shibuya, aiko.customer.memberNumber);
    const order = (token: string, key: string) =>
      app.api('POST', `/api/customers/${aiko.customer.id}/aisle-orders`, {
        token,
        headers: { 'idempotency-key': key },
        body: { locationId: shibuya, scanId, variantId: sneaker, quantity: 1 },
      });

    const [first, tap2] = [await order(clerk.token, 'aisle-1'), await order(clerk.token, 'aisle-1')];
    expect(first.statusCode, first.body).toBe(201);
    expect(tap2.json().order.id).toBe(first.json().order.id);
    const placed = first.json();
    expect(placed.source).toMatchObject({ locationId: warehouse, kind: 'warehouse' });
    expect(placed.order).toMatchObject({
      customerId: aiko.customer.id,
      channel: 'store',
      locationId: shibuya,
      fulfilments: [{ type: 'pickup', locationId: shibuya, status: 'placed' }],
      payments: [{ method: 'pay_at_store', amount: 1100, status: 'pending' }],
    });

    const reserved = await query<{ location_id: string; quantity: number }>(
      app.server.database.db,
      sql`SELECT rl.location_id, rl.quantity FROM reservations r JOIN reservation_lines rl ON rl.reservation_id = r.id
           WHERE r.status = 'active' AND rl.variant_id = ${sneaker}`,
    );
    expect(reserved).toEqual([{ location_id: warehouse, quantity: 1 }]);

    const history = await app.api('GET', '/api/account/orders', { token: aiko.token });
    expect(history.json().items.map((o: { id: string }) => o.id)).toContain(placed.order.id);

    // At the counter when it has arrived: ready, then handed over and paid (店頭払い captured) — her points, the warehouse's unit.
    const fulfilment = placed.order.fulfilments[0].id;
    const step = (body: Record<string, unknown>) =>
      app.api('POST', `/api/orders/${placed.order.id}/fulfilments/${fulfilment}/status`, { token: clerk.token, body });
    expect((await step({ status: 'ready' })).statusCode).toBe(200);
    const handed = await step({ status: 'picked_up' });
    expect(handed.statusCode, handed.body).toBe(200);
    const [points] = await query<{ earned: number }>(
      app.server.database.db,
      sql`SELECT coalesce(sum(points), 0)::int AS earned FROM point_entries WHERE customer_id = ${aiko.customer.id}`,
    );
    expect(points!.earned).toBeGreaterThan(0);
    const [level] = await query<{ on_hand: number; reserved: number }>(
      app.server.database.db,
      sql`SELECT on_hand, reserved FROM stock_levels WHERE variant_id = ${sneaker} AND location_id = ${warehouse}`,
    );
    expect(level).toEqual({ on_hand: 1, reserved: 0 });

    // A colleague who did not scan her cannot order for her.
    const notHers = await order(colleague.token, 'aisle-2');
    expect(notHers.statusCode).toBe(409);
    expect(notHers.json().code).toBe('clienteling.not_scanned');
  });

  it('a 取り寄せ that is refused leaves her shop cart as it was (no store cart of hers left open)', async () => {
    const app = ctx();
    const { shibuya, warehouse, clerk, aiko } = await chain(app);
    const { variantIds } = await createTestProduct(app, { name: 'レインブーツ', variants: 2 });
    await receive(app, variantIds[0]!, warehouse, 2);
    // Her own cart on the web: one pair of the other colour.
    const cart = (await app.api('GET', '/api/account/cart', { token: aiko.token })).json();
    const added = await app.api('POST', `/api/carts/${cart.id}/lines`, {
      token: aiko.token,
      body: { variantId: variantIds[1], quantity: 1 },
    });
    expect(added.statusCode, added.body).toBe(200);
    // 渋谷店 does not hand over pickups (today): the order for her is refused.
    await query(
      app.server.database.db,
      sql`UPDATE locations SET services = jsonb_set(services, '{pickup}', 'false') WHERE id = ${shibuya}`,
    );
    tableChanged(app.server.database.db, 'locations'); // kept in memory by the server: read again
    const scanId = await scanByMemberNumber(app, clerk.token, shibuya, aiko.customer.memberNumber);
    const refused = await app.api('POST', `/api/customers/${aiko.customer.id}/aisle-orders`, {
      token: clerk.token,
      headers: { 'idempotency-key': 'aisle-refused' },
      body: { locationId: shibuya, scanId, variantId: variantIds[0], quantity: 1 },
    });
    expect(refused.json().code, refused.body).toBe('cart.fulfilment_invalid');

    // At home she opens the shop: her cart, with her pair, not the clerk's attempt.
    const after = (await app.api('GET', '/api/account/cart', { token: aiko.token })).json();
    expect(after.id).toBe(cart.id);
    expect(after.lines.map((l: { variantId: string }) => l.variantId)).toEqual([variantIds[1]]);
    const left = await query<{ n: number }>(
      app.server.database.db,
      sql`SELECT count(*)::int AS n FROM carts WHERE customer_id = ${aiko.customer.id} AND channel = 'store' AND status = 'open'`,
    );
    expect(left[0]!.n).toBe(0);
  });

  it('取り寄せ to her home: shipped to her default address from the warehouse, paid from her wallet, her points earned when it ships', async () => {
    const app = ctx();
    const { shibuya, warehouse, clerk, aiko } = await chain(app);
    const { variantIds } = await createTestProduct(app, { name: 'ウールコート' });
    const coat = variantIds[0]!;
    await receive(app, coat, warehouse, 3);
    const scanId = await scanByMemberNumber(app, clerk.token, shibuya, aiko.customer.memberNumber);
    const order = (key: string, lang = 'ja') =>
      app.api('POST', `/api/customers/${aiko.customer.id}/aisle-orders`, {
        token: clerk.token,
        headers: { 'idempotency-key': key, 'accept-language': lang },
        body: { locationId: shibuya, scanId, variantId: coat, quantity: 1, deliverTo: 'home' },
      });

    // No address in her book yet: the clerk is told so, in her language, and nothing is reserved.
    const none = await order('home-0');
    expect(none.statusCode).toBe(409);
    expect(none.json()).toMatchObject({ code: 'order.no_home_address', title: 'ご自宅の住所が登録されていません' });
    expect((await order('home-0en', 'en')).json().title).toBe('No home address saved');

    const home = {
      label: '自宅',
      postalCode: '150-0041',
      prefecture: '東京都',
      city: '渋谷区',
      line1: '神南1-2-3',
      name: '田中 愛子',
      phone: '090-1234-5678',
    };
    const office = { ...home, label: '勤務先', city: '千代田区', line1: '丸の内1-1-1', isDefault: false };
    expect((await app.api('POST', '/api/account/addresses', { token: aiko.token, body: home })).statusCode).toBe(201);
    expect((await app.api('POST', '/api/account/addresses', { token: aiko.token, body: office })).statusCode).toBe(201);
    await app.server.database.db.insert(walletEntries).values({
      id: newId('wle'),
      customerId: aiko.customer.id,
      kind: 'top_up',
      amount: 20000,
      method: 'card',
      reference: newId('ref'),
    });

    const placed = await order('home-1');
    expect(placed.statusCode, placed.body).toBe(201);
    const { order: o, source } = placed.json();
    expect(source).toMatchObject({ locationId: warehouse, kind: 'warehouse' });
    expect(o).toMatchObject({
      customerId: aiko.customer.id,
      channel: 'store',
      fulfilments: [{ type: 'ship', status: 'placed', locationId: warehouse }],
      payments: [{ method: 'wallet', amount: o.total }],
    });
    expect(JSON.stringify(o)).toContain('神南1-2-3');
    expect(JSON.stringify(o)).not.toContain('丸の内');
    const history = await app.api('GET', '/api/account/orders', { token: aiko.token });
    expect(history.json().items.map((x: { id: string }) => x.id)).toContain(o.id);

    // The warehouse ships it: the sale is final and her points are earned.
    const admin = await newStaff(app, 'hq', []);
    const shipped = await app.api('POST', `/api/orders/${o.id}/fulfilments/${o.fulfilments[0].id}/status`, {
      token: admin.token,
      body: { status: 'shipped' },
    });
    expect(shipped.statusCode, shipped.body).toBe(200);
    const [points] = await query<{ earned: number }>(
      app.server.database.db,
      sql`SELECT coalesce(sum(points), 0)::int AS earned FROM point_entries WHERE customer_id = ${aiko.customer.id}`,
    );
    expect(points!.earned).toBeGreaterThan(0);
    const [wallet] = await query<{ balance: number }>(
      app.server.database.db,
      sql`SELECT coalesce(sum(amount), 0)::int AS balance FROM wallet_entries WHERE customer_id = ${aiko.customer.id}`,
    );
    expect(wallet!.balance).toBe(20000 - o.total);
  });

  it('two clerks’ orders for the last unit in the warehouse: one is placed, the other is told it is gone', async () => {
    const app = ctx();
    const { shibuya, warehouse, clerk, aiko } = await chain(app);
    const { variantIds } = await createTestProduct(app);
    await receive(app, variantIds[0]!, warehouse, 1);
    const scanId = await scanByMemberNumber(app, clerk.token, shibuya, aiko.customer.memberNumber);
    const answers = await Promise.all(
      ['a', 'b', 'c'].map((k) =>
        app.api('POST', `/api/customers/${aiko.customer.id}/aisle-orders`, {
          token: clerk.token,
          headers: { 'idempotency-key': `race-${k}` },
          body: { locationId: shibuya, scanId, variantId: variantIds[0], quantity: 1 },
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409, 409]);
    expect(answers.filter((a) => a.statusCode === 409).map((a) => a.json().code)).toEqual([
      'cart.unavailable',
      'cart.unavailable',
    ]);
  });
});
