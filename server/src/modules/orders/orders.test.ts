import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import type { OutboxMessage } from '../../platform/outbox.ts';
import { deliverOutbox } from '../../platform/dispatcher.ts';
import {
  createTestLocation,
  createTestProduct,
  deliverEvents,
  describeEachDatabase,
  receive,
  registerCustomer,
  type TestApp,
  stockedStore,
} from '../../test/harness.ts';
import { TEST_CARDS, testCardProvider } from '../payments/service.ts';
import { cancelUncollected, transitionFulfilment } from './fulfilment.ts';
import { DomainError } from '../../platform/errors.ts';
import { checkout } from './place-order/checkout.ts';
import { ORDERS_ACTOR } from './deps.ts';
import { orderView, orderViews } from './views.ts';
import { anonymous } from '../../platform/auth.ts';

const card = { method: 'card', card: { number: TEST_CARDS.approved } };

async function level(app: TestApp, variantId: string, locationId: string) {
  const [row] = await query<{ on_hand: number; reserved: number }>(
    app.server.database.db,
    sql`SELECT on_hand, reserved FROM stock_levels WHERE variant_id = ${variantId} AND location_id = ${locationId}`,
  );
  return { onHand: row?.on_hand ?? 0, reserved: row?.reserved ?? 0 };
}

async function cartWith(
  app: TestApp,
  lines: Array<[string, number]>,
  opts: { token?: string | null; pickupAt?: string } = {},
) {
  const token = opts.token === undefined ? null : opts.token;
  const cart = (await app.api('POST', '/api/carts', { token, body: { deviceId: 'device-orders-test' } })).json();
  for (const [variantId, quantity] of lines) {
    const res = await app.api('POST', `/api/carts/${cart.id}/lines`, { token, body: { variantId, quantity } });
    if (res.statusCode !== 200) throw new Error(res.body);
  }
  if (opts.pickupAt)
    await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, {
      token,
      body: { type: 'pickup', locationId: opts.pickupAt },
    });
  return cart.id as string;
}

describeEachDatabase('orders: carts, checkout and store pickup', (ctx) => {
  it('prices a mixed cart tax-included with the tax contained per rate, and the shipping fee', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const shirt = await createTestProduct(app, { name: 'リネンシャツ' });
    const tea = await createTestProduct(app, { name: '緑茶', taxRate: 8 });
    const cartId = await cartWith(app, [
      [shirt.variantIds[0]!, 2],
      [tea.variantIds[0]!, 1],
    ]);
    await app.api('PUT', `/api/carts/${cartId}/fulfilment`, {
      token: null,
      body: {
        type: 'ship',
        address: {
          postalCode: '150-0041',
          prefecture: '東京都',
          city: '渋谷区',
          line1: '神南1-1-1',
          name: '山田 花子',
          phone: '090-1234-5678',
        },
      },
    });
    const cart = (await app.api('GET', `/api/carts/${cartId}`, { token: null })).json();
    // test products cost ¥1,100; 3 items = ¥3,300 < ¥5,000, so shipping ¥550 (10 %)
    expect(cart).toMatchObject({ subtotal: 3300, shippingFee: 550, total: 3850 });
    expect(cart.taxes).toEqual([
      { rate: 10, base: 2750, tax: 250 },
      { rate: 8, base: 1100, tax: 81 },
    ]);
    void store;
  });

  it('a member checks out for pickup; the store prepares it, she is told, picks it up, is charged and earns points', async () => {
    const app = ctx();
    const { store, variantId } = await stockedStore(app, 5);
    const { token, customer } = await registerCustomer(app);
    const cartId = await cartWith(app, [[variantId!, 2]], { token, pickupAt: store });
    const view = (await app.api('GET', `/api/carts/${cartId}`, { token })).json();
    expect(view).toMatchObject({ total: 2200, pointsToEarn: 22, issues: [] });

    const placed = await app.api('POST', `/api/carts/${cartId}/checkout`, {
      token,
      body: { payment: card },
      headers: { 'idempotency-key': `co-${cartId}` },
    });
    expect(placed.statusCode).toBe(201);
    const order = placed.json();
    expect(order).toMatchObject({
      status: 'placed',
      total: 2200,
      customerId: customer.id,
      fulfilments: [{ type: 'pickup', status: 'placed', locationId: store }],
      payments: [{ method: 'card', status: 'authorized', amount: 2200 }],
    });
    expect(order.number).toMatch(/^W-\d{6}$/);
    expect(order.fulfilments[0].pickupCode).toMatch(/^[A-Z0-9]{8}$/);
    expect(await level(app, variantId!, store)).toEqual({ onHand: 5, reserved: 2 });
    // a second checkout of the same cart gives the same order
    const again = await app.api('POST', `/api/carts/${cartId}/checkout`, { token, body: { payment: card } });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(order.id);

    const fid = order.fulfilments[0].id as string;
    const step = (status: string) =>
      app.api('POST', `/api/orders/${order.id}/fulfilments/${fid}/status`, { body: { status } });
    expect((await step('picked_up')).statusCode).toBe(409); // not ready yet
    expect((await step('ready')).json().fulfilments[0].status).toBe('ready');
    await deliverEvents(app); // the notices are written when order.ready is delivered, after commit
    const sent: OutboxMessage[] = [];
    await deliverOutbox(app.server.database.db, async (m) => void sent.push(m));
    expect(sent.find((m) => m.template === 'order_ready')).toMatchObject({
      recipient: customer.email,
      payload: { number: order.number },
    });

    const done = (await step('picked_up')).json();
    expect(done).toMatchObject({
      status: 'completed',
      pointsEarned: 22,
      payments: [{ status: 'captured', capturedAmount: 2200 }],
    });
    expect(await level(app, variantId!, store)).toEqual({ onHand: 3, reserved: 0 });
    const loyalty = (await app.api('GET', '/api/account/loyalty', { token })).json();
    expect(loyalty.balance).toBe(22);
    const mine = (await app.api('GET', '/api/account/orders', { token })).json();
    expect(mine.items.map((o: { id: string }) => o.id)).toContain(order.id);
    // another member cannot read it
    const other = await registerCustomer(app);
    expect((await app.api('GET', `/api/orders/${order.id}`, { token: other.token })).statusCode).toBe(404);
  });

  it('a declined card leaves nothing reserved and the cart open', async () => {
    const app = ctx();
    const { store, variantId } = await stockedStore(app, 3);
    const { token } = await registerCustomer(app);
    const cartId = await cartWith(app, [[variantId!, 1]], { token, pickupAt: store });
    const res = await app.api('POST', `/api/carts/${cartId}/checkout`, {
      token,
      body: { payment: { method: 'card', card: { number: TEST_CARDS.declined } } },
    });
    expect(res.statusCode).toBe(402);
    expect(res.json().code).toBe('payment.declined');
    expect(await level(app, variantId!, store)).toEqual({ onHand: 3, reserved: 0 });
    expect((await app.api('GET', `/api/carts/${cartId}`, { token })).json().status).toBe('open');
  });

  it('cancelling gives back the stock, the points and the wallet money', async () => {
    const app = ctx();
    const { store, variantId } = await stockedStore(app, 2);
    const { token, customer } = await registerCustomer(app);
    await app.api('POST', '/api/loyalty/transactions', {
      body: { customerId: customer.id, kind: 'earn', points: 300, reason: 'テスト付与', reference: 'welcome' },
    });
    await app.api('POST', '/api/wallet/transactions', {
      body: { customerId: customer.id, kind: 'top_up', amount: 5000, method: 'cash', reference: 'topup-1' },
    });
    const cartId = await cartWith(app, [[variantId!, 1]], { token, pickupAt: store });
    const order = (
      await app.api('POST', `/api/carts/${cartId}/checkout`, {
        token,
        body: { usePoints: 100, payment: { method: 'wallet' } },
      })
    ).json();
    expect(order.payments.map((p: { method: string; amount: number }) => [p.method, p.amount])).toEqual([
      ['points', 100],
      ['wallet', 1000],
    ]);
    expect((await app.api('GET', '/api/account/wallet', { token })).json().balance).toBe(4000);
    const cancelled = (
      await app.api('POST', `/api/orders/${order.id}/fulfilments/${order.fulfilments[0].id}/status`, {
        body: { status: 'cancelled' },
      })
    ).json();
    expect(cancelled.status).toBe('cancelled');
    expect((await app.api('GET', '/api/account/wallet', { token })).json().balance).toBe(5000);
    expect((await app.api('GET', '/api/account/loyalty', { token })).json().balance).toBe(300);
    expect(await level(app, variantId!, store)).toEqual({ onHand: 2, reserved: 0 });
  });

  it('checkout answers with the order exactly as it is stored, for a member paying with points and wallet and for a guest', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const shirt = await createTestProduct(app, { name: 'リネンシャツ', variants: 2 });
    const tea = await createTestProduct(app, { name: '緑茶', taxRate: 8 });
    const all = [...shirt.variantIds, ...tea.variantIds];
    for (const v of all) await receive(app, v, store, 5);
    const { token, customer } = await registerCustomer(app);
    await app.api('POST', '/api/loyalty/transactions', {
      body: { customerId: customer.id, kind: 'earn', points: 300, reason: 'テスト付与', reference: 'welcome' },
    });
    await app.api('POST', '/api/wallet/transactions', {
      body: { customerId: customer.id, kind: 'top_up', amount: 9000, method: 'cash', reference: 'topup-1' },
    });
    const memberCart = await cartWith(
      app,
      all.map((v) => [v, 1] as [string, number]),
      { token, pickupAt: store },
    );
    const guestCart = await cartWith(
      app,
      all.map((v) => [v, 2] as [string, number]),
      { pickupAt: store },
    );
    for (const [cartId, who, body] of [
      [memberCart, token, { usePoints: 100, payment: { method: 'wallet' } }],
      [
        guestCart,
        null,
        { payment: { method: 'pay_at_store' }, guest: { name: 'ゲスト 一郎', email: 'guest@example.jp' } },
      ],
    ] as const) {
      const placed = await app.api('POST', `/api/carts/${cartId}/checkout`, { token: who, body });
      expect(placed.statusCode).toBe(201);
      // The replay reads the order back from the database: the first answer must be the same, byte for byte.
      const again = await app.api('POST', `/api/carts/${cartId}/checkout`, { token: who, body });
      expect(again.statusCode).toBe(200);
      expect(placed.body).toBe(again.body);
      expect((await app.api('GET', `/api/orders/${placed.json().id}`, { token: who ?? undefined })).body).toBe(
        placed.body,
      );
    }
  });

  it('never oversells: 100 checkouts race for the last 10 units → exactly 10 orders', async () => {
    const app = ctx();
    const { store, variantId } = await stockedStore(app, 10);
    const carts = await Promise.all(
      Array.from({ length: 100 }, () => cartWith(app, [[variantId!, 1]], { pickupAt: store })),
    );
    const results = await Promise.all(
      carts.map((id, i) =>
        app.api('POST', `/api/carts/${id}/checkout`, {
          token: null,
          body: { guest: { name: `客${i}`, email: `guest${i}@example.jp` }, payment: { method: 'pay_at_store' } },
        }),
      ),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(10);
    expect(codes.filter((c) => c !== 201).every((c) => c === 409)).toBe(true);
    expect(results.find((r) => r.statusCode === 409)!.json().code).toBe('cart.unavailable');
    expect(await level(app, variantId!, store)).toEqual({ onHand: 10, reserved: 10 });
    const [orders] = await query<{ n: number }>(
      app.server.database.db,
      sql`SELECT count(*)::int AS n FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE l.variant_id = ${variantId}`,
    );
    expect(orders!.n).toBe(10);
  });

  it('a refused checkout names the short line and what is left; stock held by a lapsed reservation is given back and sold', async () => {
    const app = ctx();
    const { store, variantId } = await stockedStore(app, 3);
    const other = await createTestProduct(app);
    await receive(app, other.variantIds[0]!, store, 5);
    const guest = { guest: { name: '客', email: 'short@example.jp' }, payment: { method: 'pay_at_store' } };
    // 3 in stock, 4 wanted: refused as a whole, the other line is not reserved either.
    const tooMany = await cartWith(
      app,
      [
        [other.variantIds[0]!, 1],
        [variantId!, 4],
      ],
      { pickupAt: store },
    );
    const refused = await app.api('POST', `/api/carts/${tooMany}/checkout`, { token: null, body: guest });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'cart.unavailable', variantId, requested: 4, available: 3 });
    expect(await level(app, other.variantIds[0]!, store)).toEqual({ onHand: 5, reserved: 0 });
    expect((await app.api('GET', `/api/carts/${tooMany}`, { token: null })).json().status).toBe('open');
    // All 3 held by a reservation that lapses before anyone looks at the row again (a cart view would give
    // them back: the cart is made first): the checkout gives them back and sells them.
    const cartId = await cartWith(
      app,
      [
        [other.variantIds[0]!, 1],
        [variantId!, 3],
      ],
      { pickupAt: store },
    );
    const hold = await app.api('POST', '/api/reservations', {
      body: { lines: [{ variantId, locationId: store, quantity: 3 }], ttlSeconds: 1, reason: 'cart' },
    });
    expect(hold.statusCode, hold.body).toBe(201);
    await new Promise((r) => setTimeout(r, 1100));
    const placed = await app.api('POST', `/api/carts/${cartId}/checkout`, { token: null, body: guest });
    expect(placed.statusCode, placed.body).toBe(201);
    expect(await level(app, variantId!, store)).toEqual({ onHand: 3, reserved: 3 });
    const [lapsed] = await query<{ status: string }>(
      app.server.database.db,
      sql`SELECT status FROM reservations WHERE id = ${hold.json().id}`,
    );
    expect(lapsed!.status).toBe('expired');
  });

  it('cancels a pickup nobody collected after its deadline: the stock goes back on sale and the card is released', async () => {
    const app = ctx();
    const { store, variantId } = await stockedStore(app, 1);
    const { token } = await registerCustomer(app);
    const cartId = await cartWith(app, [[variantId!, 1]], { token, pickupAt: store });
    const order = (await app.api('POST', `/api/carts/${cartId}/checkout`, { token, body: { payment: card } })).json();
    const db = app.server.database.db;
    expect(await cancelUncollected(db, { card: testCardProvider(db) })).toBe(0);
    await db.execute(sql`UPDATE fulfilments SET deadline = now() - interval '1 minute' WHERE order_id = ${order.id}`);
    expect(await cancelUncollected(db, { card: testCardProvider(db) })).toBe(1);
    const after = (await app.api('GET', `/api/orders/${order.id}`, { token })).json();
    expect(after).toMatchObject({
      status: 'cancelled',
      fulfilments: [{ status: 'cancelled' }],
      payments: [{ status: 'voided' }],
    });
    expect(await level(app, variantId!, store)).toEqual({ onHand: 1, reserved: 0 });
    const [charge] = await query<{ status: string }>(
      db,
      sql`SELECT c.status FROM test_provider_charges c JOIN payments p ON p.provider_ref = c.id WHERE p.order_id = ${order.id}`,
    );
    expect(charge!.status).toBe('voided');
  });

  it('a capture the acquirer does not confirm changes nothing and says so (502); the retry goes through', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const { store, variantId } = await stockedStore(app, 2);
    const cartId = await cartWith(app, [[variantId!, 1]], { pickupAt: store });
    const order = (
      await app.api('POST', `/api/carts/${cartId}/checkout`, {
        token: null,
        body: { payment: card, guest: { name: '山田 花子', email: 'hanako@example.jp' } },
      })
    ).json();
    const fid = order.fulfilments[0].id as string;
    await app.api('POST', `/api/orders/${order.id}/fulfilments/${fid}/status`, { body: { status: 'ready' } });
    const acquirer = testCardProvider(db);
    const down = { ...acquirer, capture: async () => Promise.reject(new Error('timeout')) };
    const err = await transitionFulfilment(db, { card: down }, ORDERS_ACTOR, order.id, fid, 'picked_up').catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('payment.provider_unavailable');
    const still = (await app.api('GET', `/api/orders/${order.id}`)).json();
    expect(still).toMatchObject({
      status: 'placed',
      fulfilments: [{ status: 'ready' }],
      payments: [{ status: 'authorized' }],
    });
    expect(await level(app, variantId!, store)).toEqual({ onHand: 2, reserved: 1 });
    expect((await transitionFulfilment(db, { card: acquirer }, ORDERS_ACTOR, order.id, fid, 'picked_up')).status).toBe(
      'completed',
    );
  });

  it('an uncollected pickup waits the configured number of days (PICKUP_DAYS)', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const { store, variantId } = await stockedStore(app, 2);
    const cartId = await cartWith(app, [[variantId!, 1]], { pickupAt: store });
    const before = Date.now();
    const { order } = await checkout(db, { card: testCardProvider(db), pickupDays: 2 }, anonymous, cartId, {
      payment: { method: 'pay_at_store' },
      guest: { name: '山田 花子', email: 'hanako@example.jp' },
    });
    const waits = Date.parse(order.fulfilments[0]!.deadline!) - before;
    expect(waits).toBeGreaterThanOrEqual(2 * 86400_000 - 1000);
    expect(waits).toBeLessThan(2 * 86400_000 + 60_000);
  });

  it('reads many orders at once (the queue, a member’s history) exactly as one by one, in the order asked', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const { store, variantId } = await stockedStore(app, 5);
    const { token } = await registerCustomer(app);
    const place = async (who: string | null) => {
      const cartId = await cartWith(app, [[variantId!, 1]], { token: who, pickupAt: store });
      const body = who
        ? { payment: card }
        : { payment: card, guest: { name: '山田 花子', email: 'hanako@example.jp' } };
      return (await app.api('POST', `/api/carts/${cartId}/checkout`, { token: who, body })).json().id as string;
    };
    const a = await place(token);
    const b = await place(null);
    const views = await orderViews(db, [b, 'ord_unknown', a, b]);
    expect(views.map((v) => v.id)).toEqual([b, a]);
    expect(views).toEqual([await orderView(db, b), await orderView(db, a)]);
    expect(views[1]!.customer).toMatchObject({ name: '山田 花子' });
    expect(views[0]!.customer).toBeNull();
  });
});
