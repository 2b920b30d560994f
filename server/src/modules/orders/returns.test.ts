import { expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  receive,
  registerCustomer,
  type TestApp,
  stockedStore,
} from '../../test/harness.ts';
import { TEST_CARDS, testCardProvider } from '../payments/service.ts';
import { testProviderCharges } from '../payments/schema.ts';
import { ORDERS_ACTOR } from './deps.ts';
import { createReturn, retryCardRefunds } from './returns.ts';

async function level(app: TestApp, variantId: string, locationId: string) {
  const [row] = await query<{ on_hand: number; reserved: number }>(
    app.server.database.db,
    sql`SELECT on_hand, reserved FROM stock_levels WHERE variant_id = ${variantId} AND location_id = ${locationId}`,
  );
  return { onHand: row?.on_hand ?? 0, reserved: row?.reserved ?? 0 };
}

const pay = (order: { payments: Array<{ method: string }> }, method: string) =>
  order.payments.find((p) => p.method === method) as unknown as {
    status: string;
    capturedAmount: number;
    refundedAmount: number;
  };

async function clerkAt(app: TestApp, locationId: string, email: string) {
  await app.api('POST', '/api/staff', {
    body: { email, name: '店員', password: 'clerk-password-1', role: 'staff', locationIds: [locationId] },
  });
  return (
    await app.api('POST', '/api/auth/login', { token: null, body: { email, password: 'clerk-password-1' } })
  ).json().token as string;
}

async function tillSale(
  app: TestApp,
  locationId: string,
  jan: string,
  quantity: number,
  extra: Record<string, unknown> = {},
) {
  const res = await app.api('POST', '/api/pos/sales', {
    body: {
      locationId,
      lines: [{ jan, quantity }],
      payments: [{ method: 'cash', amount: 1100 * quantity, tendered: 10000 }],
      clientTransactionId: `t-${Math.random()}`,
      ...extra,
    },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json().order;
}

describeEachDatabase('orders: returns anywhere', (ctx) => {
  it('a web pickup paid by card and points comes back in another store: restocked there, card and points refunded in proportion, earned points reversed', async () => {
    const app = ctx();
    const pickupStore = await createTestLocation(app);
    const otherStore = await createTestLocation(app);
    const {
      variantIds: [variantId],
    } = await createTestProduct(app);
    await receive(app, variantId!, pickupStore, 5);
    const { token, customer } = await registerCustomer(app);
    await app.api('POST', '/api/loyalty/transactions', {
      body: { customerId: customer.id, kind: 'earn', points: 300, reason: 'テスト付与', reference: 'welcome' },
    });
    const cart = (await app.api('POST', '/api/carts', { token, body: {} })).json();
    await app.api('POST', `/api/carts/${cart.id}/lines`, { token, body: { variantId, quantity: 2 } });
    await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, {
      token,
      body: { type: 'pickup', locationId: pickupStore },
    });
    const order = (
      await app.api('POST', `/api/carts/${cart.id}/checkout`, {
        token,
        body: { usePoints: 200, payment: { method: 'card', card: { number: TEST_CARDS.approved } } },
      })
    ).json();
    expect(order.total).toBe(2200);
    const lineId = order.lines[0].id as string;

    // not handed over yet: nothing to return
    const early = await app.api('POST', `/api/orders/${order.id}/returns`, {
      body: { lines: [{ orderLineId: lineId, quantity: 1 }], locationId: otherStore, reason: 'サイズ違い' },
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('return.not_returnable');

    const step = (status: string) =>
      app.api('POST', `/api/orders/${order.id}/fulfilments/${order.fulfilments[0].id}/status`, { body: { status } });
    await step('ready');
    expect((await step('picked_up')).json()).toMatchObject({ status: 'completed', pointsEarned: 20 }); // 1 % of the ¥2,000 not paid with points
    expect((await app.api('GET', '/api/account/loyalty', { token })).json().balance).toBe(120);

    const body = { lines: [{ orderLineId: lineId, quantity: 1 }], locationId: otherStore, reason: 'サイズ違い' };
    const first = await app.api('POST', `/api/orders/${order.id}/returns`, {
      body,
      headers: { 'idempotency-key': `ret-${order.id}-1` },
    });
    expect(first.statusCode, first.body).toBe(201);
    const { return: ret, order: after } = first.json();
    expect(ret).toMatchObject({
      refundTotal: 1100,
      byMethod: { card: 1000, points: 100, wallet: 0, cash: 0 },
      pointsReversed: 10,
      pointsUnrecovered: 0,
      locationId: otherStore,
    });
    expect(ret.refunds.find((r: { method: string }) => r.method === 'card')).toMatchObject({
      amount: 1000,
      status: 'refunded',
    });
    expect(after.lines[0].returnedQuantity).toBe(1);
    expect(pay(after, 'card')).toMatchObject({
      status: 'partially_refunded',
      capturedAmount: 2000,
      refundedAmount: 1000,
    });
    expect(pay(after, 'points')).toMatchObject({ status: 'partially_refunded', refundedAmount: 100 });
    // the other store has it back on sale; the pickup store is untouched
    expect(await level(app, variantId!, otherStore)).toEqual({ onHand: 1, reserved: 0 });
    expect(await level(app, variantId!, pickupStore)).toEqual({ onHand: 3, reserved: 0 });
    const db = app.server.database.db;
    const charge = async () =>
      (
        await query<{ refunded: number; status: string }>(
          db,
          sql`SELECT c.refunded, c.status FROM test_provider_charges c JOIN payments p ON p.provider_ref = c.id WHERE p.order_id = ${order.id}`,
        )
      )[0]!;
    expect(await charge()).toMatchObject({ refunded: 1000, status: 'captured' });
    // 120 + 100 points paid back − 10 earned points reversed
    expect((await app.api('GET', '/api/account/loyalty', { token })).json().balance).toBe(210);
    const [fact] = await query<{ payload: { returnId: string; refundTotal: number } }>(
      db,
      sql`SELECT payload FROM customer_events WHERE customer_id = ${customer.id} AND type = 'return_received'`,
    );
    expect(fact!.payload).toMatchObject({ returnId: ret.id, refundTotal: 1100 });

    // the same request again (a retry) is the same return: nothing refunded twice
    const replay = await app.api('POST', `/api/orders/${order.id}/returns`, {
      body,
      headers: { 'idempotency-key': `ret-${order.id}-1` },
    });
    expect(replay.json().return.id).toBe(ret.id);
    expect(await charge()).toMatchObject({ refunded: 1000 });

    // the rest comes back later; then nothing is left to return
    const second = await app.api('POST', `/api/orders/${order.id}/returns`, {
      body,
      headers: { 'idempotency-key': `ret-${order.id}-2` },
    });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json().return).toMatchObject({
      refundTotal: 1100,
      byMethod: { card: 1000, points: 100 },
      pointsReversed: 10,
    });
    expect(pay(second.json().order, 'card')).toMatchObject({ status: 'refunded', refundedAmount: 2000 });
    expect(await charge()).toMatchObject({ refunded: 2000, status: 'refunded' });
    expect((await app.api('GET', '/api/account/loyalty', { token })).json().balance).toBe(300);
    const over = await app.api('POST', `/api/orders/${order.id}/returns`, { body });
    expect(over.statusCode).toBe(409);
    expect(over.json().code).toBe('return.exceeds_quantity');
    expect(await level(app, variantId!, otherStore)).toEqual({ onHand: 2, reserved: 0 });
    const list = (await app.api('GET', `/api/orders/${order.id}/returns`)).json();
    expect(list.items).toHaveLength(2);
  });

  it('a till sale paid in cash comes back: cash refunded at the till, a damaged item is recorded but not put back on sale', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const {
      variantIds: [variantId],
      jans: [jan],
    } = await createTestProduct(app);
    await receive(app, variantId!, store, 5);
    const { token, customer } = await registerCustomer(app);
    const order = await tillSale(app, store, jan!, 2, { memberNumber: customer.memberNumber });
    expect(order.pointsEarned).toBe(22);
    const res = await app.api('POST', `/api/orders/${order.id}/returns`, {
      body: {
        lines: [
          { orderLineId: order.lines[0].id, quantity: 1, condition: 'resellable' },
          { orderLineId: order.lines[0].id, quantity: 1, condition: 'damaged' },
        ],
        locationId: store,
        reason: '初期不良',
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { return: ret, order: after } = res.json();
    expect(ret).toMatchObject({ refundTotal: 2200, byMethod: { cash: 2200, card: 0 }, pointsReversed: 22 });
    expect(pay(after, 'cash')).toMatchObject({ status: 'refunded', refundedAmount: 2200 });
    expect(after.lines[0].returnedQuantity).toBe(2);
    expect(await level(app, variantId!, store)).toEqual({ onHand: 4, reserved: 0 }); // 5 − 2 sold + 1 resellable back
    const moves = await query<{ kind: string; quantity: number; reason: string | null }>(
      app.server.database.db,
      sql`SELECT kind, quantity, reason FROM stock_movements WHERE reference = ${ret.id} ORDER BY created_at, id`,
    );
    // one transaction: the rows share a timestamp, so compare them as a set
    expect(moves.map((m) => `${m.kind} ${m.quantity}`).sort()).toEqual(['adjustment -1', 'return 1', 'return 1']);
    expect(moves.find((m) => m.kind === 'adjustment')!.reason).toContain('破損');
    expect((await app.api('GET', '/api/account/loyalty', { token })).json().balance).toBe(0);
  });

  it('the refund slip is a 適格返還請求書: the business and its number, the sale it corrects, the items back with ※ on reduced-rate ones, the refund and tax per rate', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const other = await createTestLocation(app);
    const coat = await createTestProduct(app, { name: '返品コート' });
    const tea = await createTestProduct(app, { name: '返品ほうじ茶', taxRate: 8 });
    await receive(app, coat.variantIds[0]!, store, 5);
    await receive(app, tea.variantIds[0]!, store, 5);
    const business = await app.api('PUT', '/api/business', {
      body: { name: '結び商事株式会社', registrationNumber: 'T1180301018771', address: '', phone: '' },
    });
    expect(business.statusCode, business.body).toBe(200);
    const { token, customer } = await registerCustomer(app);
    const res = await app.api('POST', '/api/pos/sales', {
      body: {
        locationId: store,
        memberNumber: customer.memberNumber,
        lines: [
          { jan: coat.jans[0], quantity: 2 },
          { jan: tea.jans[0], quantity: 1 },
        ],
        payments: [{ method: 'cash', amount: 3300, tendered: 5000 }],
        clientTransactionId: `t-${Math.random()}`,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const order = res.json().order;
    const back = await app.api('POST', `/api/orders/${order.id}/returns`, {
      body: {
        lines: order.lines.map((l: { id: string }) => ({ orderLineId: l.id, quantity: 1 })),
        locationId: store,
        reason: 'サイズ違い',
      },
    });
    expect(back.statusCode, back.body).toBe(201);
    const id = back.json().return.id;
    const slip = await app.api('GET', `/api/returns/${id}/slip`);
    expect(slip.statusCode, slip.body).toBe(200);
    expect(slip.json()).toMatchObject({
      business: { name: '結び商事株式会社', registrationNumber: 'T1180301018771' },
      original: { number: order.number },
      total: 2200,
      lines: [
        { name: '返品コート', quantity: 1, amount: 1100, reducedRate: false },
        { name: '返品ほうじ茶', quantity: 1, amount: 1100, reducedRate: true },
      ],
      // 10 %: 1,100 contains 100; 8 %: 1,100 contains 81 (rounded down once per rate)
      taxes: [
        { rate: 10, base: 1100, tax: 100 },
        { rate: 8, base: 1100, tax: 81 },
      ],
      refunds: [{ as: 'cash', amount: 2200, pending: false }],
      reason: 'サイズ違い',
    });
    expect(slip.json().original.issuedAtLocal).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}$/);
    // Her own return she may read; staff of a store that neither sold nor took it back may not.
    expect((await app.api('GET', `/api/returns/${id}/slip`, { token })).statusCode).toBe(200);
    const stranger = await clerkAt(app, other, `slip-${Date.now()}@example.jp`);
    expect((await app.api('GET', `/api/returns/${id}/slip`, { token: stranger })).statusCode).toBe(403);
    expect((await app.api('GET', '/api/returns/ret_nothing/slip')).statusCode).toBe(404);
  });

  it('refundMethod wallet puts a member’s cash refund on her wallet', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const {
      variantIds: [variantId],
      jans: [jan],
    } = await createTestProduct(app);
    await receive(app, variantId!, store, 2);
    const { token, customer } = await registerCustomer(app);
    const order = await tillSale(app, store, jan!, 1, { memberNumber: customer.memberNumber });
    const res = await app.api('POST', `/api/orders/${order.id}/returns`, {
      body: {
        lines: [{ orderLineId: order.lines[0].id, quantity: 1 }],
        locationId: store,
        reason: '気が変わった',
        refundMethod: 'wallet',
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().return.byMethod).toMatchObject({ wallet: 1100, cash: 0 });
    expect((await app.api('GET', '/api/account/wallet', { token })).json().balance).toBe(1100);
  });

  it('a pickup paid from the wallet is refunded to the wallet, line by line', async () => {
    const app = ctx();
    const { store, variantId } = await stockedStore(app, 3);
    const { token, customer } = await registerCustomer(app);
    await app.api('POST', '/api/wallet/transactions', {
      body: { customerId: customer.id, kind: 'top_up', amount: 5000, method: 'cash', reference: 'topup-r' },
    });
    const cart = (await app.api('POST', '/api/carts', { token, body: {} })).json();
    await app.api('POST', `/api/carts/${cart.id}/lines`, { token, body: { variantId, quantity: 2 } });
    await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, { token, body: { type: 'pickup', locationId: store } });
    const order = (
      await app.api('POST', `/api/carts/${cart.id}/checkout`, { token, body: { payment: { method: 'wallet' } } })
    ).json();
    const step = (status: string) =>
      app.api('POST', `/api/orders/${order.id}/fulfilments/${order.fulfilments[0].id}/status`, { body: { status } });
    await step('ready');
    await step('picked_up');
    expect((await app.api('GET', '/api/account/wallet', { token })).json().balance).toBe(2800);
    const res = await app.api('POST', `/api/orders/${order.id}/returns`, {
      body: { lines: [{ orderLineId: order.lines[0].id, quantity: 1 }], locationId: store, reason: '色違い' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().return.byMethod).toMatchObject({ wallet: 1100 });
    expect((await app.api('GET', '/api/account/wallet', { token })).json().balance).toBe(3900);
  });

  it('two returns of the last unit at once: exactly one succeeds', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const {
      variantIds: [variantId],
      jans: [jan],
    } = await createTestProduct(app);
    await receive(app, variantId!, store, 1);
    const order = await tillSale(app, store, jan!, 1);
    const all = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        app.api('POST', `/api/orders/${order.id}/returns`, {
          body: { lines: [{ orderLineId: order.lines[0].id, quantity: 1 }], locationId: store, reason: '返品' },
          headers: { 'idempotency-key': `race-${i}` },
        }),
      ),
    );
    expect(all.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409]);
    expect(await level(app, variantId!, store)).toEqual({ onHand: 1, reserved: 0 });
    const [n] = await query<{ n: number; refunded: number }>(
      app.server.database.db,
      sql`SELECT count(*)::int AS n, (SELECT refunded_amount FROM payments WHERE order_id = ${order.id}) AS refunded FROM returns WHERE order_id = ${order.id}`,
    );
    expect(n).toEqual({ n: 1, refunded: 1100 });
  });

  it('staff of another store cannot take a return here', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const other = await createTestLocation(app);
    const {
      variantIds: [variantId],
      jans: [jan],
    } = await createTestProduct(app);
    await receive(app, variantId!, store, 1);
    const order = await tillSale(app, store, jan!, 1);
    const token = await clerkAt(app, other, 'return.clerk@example.jp');
    // She finds it by the receipt's number however it is typed, though it was sold elsewhere.
    const typed = order.number
      .toLowerCase()
      .replace('-', '')
      .replace(/\d/g, (d: string) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    const found = await app.api('GET', `/api/returns/lookup?number=${encodeURIComponent(typed)}`, { token });
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json()).toMatchObject({ order: { id: order.id, number: order.number }, returns: [] });
    expect((await app.api('GET', '/api/returns/lookup?number=S-999999', { token })).statusCode).toBe(404);
    const { token: shopper } = await registerCustomer(app);
    expect((await app.api('GET', `/api/returns/lookup?number=${order.number}`, { token: shopper })).statusCode).toBe(
      403,
    );
    const denied = await app.api('POST', `/api/orders/${order.id}/returns`, {
      token,
      body: { lines: [{ orderLineId: order.lines[0].id, quantity: 1 }], locationId: store, reason: '返品' },
    });
    expect(denied.statusCode).toBe(403);
    // at her own store she may take it back (returns anywhere)
    const ok = await app.api('POST', `/api/orders/${order.id}/returns`, {
      token,
      body: { lines: [{ orderLineId: order.lines[0].id, quantity: 1 }], locationId: other, reason: '返品' },
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(await level(app, variantId!, other)).toEqual({ onHand: 1, reserved: 0 });
  });

  it('a card refund the acquirer did not confirm is retried by the job until it goes through, and never made twice', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const { store, variantId } = await stockedStore(app, 2);
    const { token } = await registerCustomer(app);
    const cart = (await app.api('POST', '/api/carts', { token, body: {} })).json();
    await app.api('POST', `/api/carts/${cart.id}/lines`, { token, body: { variantId, quantity: 2 } });
    await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, { token, body: { type: 'pickup', locationId: store } });
    const order = (
      await app.api('POST', `/api/carts/${cart.id}/checkout`, {
        token,
        body: { payment: { method: 'card', card: { number: TEST_CARDS.approved } } },
      })
    ).json();
    for (const status of ['ready', 'picked_up'])
      await app.api('POST', `/api/orders/${order.id}/fulfilments/${order.fulfilments[0].id}/status`, {
        body: { status },
      });

    const acquirer = testCardProvider(db);
    const down = { ...acquirer, refund: async () => Promise.reject(new Error('acquirer unavailable')) };
    const [{ provider_ref: chargeId }] = (await query<{ provider_ref: string }>(
      db,
      sql`SELECT provider_ref FROM payments WHERE order_id = ${order.id}`,
    )) as [{ provider_ref: string }];
    const refunded = async () =>
      (await db.select().from(testProviderCharges).where(eq(testProviderCharges.id, chargeId)))[0]!.refunded;

    const { return: ret } = await createReturn(db, { card: down }, ORDERS_ACTOR, order.id, {
      lines: [{ orderLineId: order.lines[0].id, quantity: 1 }],
      locationId: store,
      reason: '不良品',
    });
    expect(ret.refunds).toEqual([expect.objectContaining({ refundedAs: 'card', amount: 1100, status: 'pending' })]);
    expect(await retryCardRefunds(db, { card: down }, { minAgeMs: 0 })).toBe(0); // still down
    expect(await retryCardRefunds(db, { card: acquirer }, { minAgeMs: 60_000 })).toBe(0); // too new: the request may still be at it
    expect(await retryCardRefunds(db, { card: acquirer }, { minAgeMs: 0 })).toBe(1);
    expect(await refunded()).toBe(1100);
    expect(await retryCardRefunds(db, { card: acquirer }, { minAgeMs: 0 })).toBe(0);
    const after = (await app.api('GET', `/api/orders/${order.id}/returns`)).json().items[0];
    expect(after.refunds[0].status).toBe('refunded');
    // The acquirer dedupes by key: the same refund asked again gives back nothing more.
    await acquirer.refund(chargeId, 1100, `return:${ret.id}:${order.payments[0].id}`);
    expect(await refunded()).toBe(1100);
  });
});
