import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  receive,
  presentAt,
  registerCustomer,
  type TestApp,
  stockedStore,
} from '../../test/harness.ts';
import type { OpeningHours } from '../locations/schema.ts';
import { summaryStatement } from '../clienteling/card.ts';
import { sweepPairs } from '../inventory/expiry.ts';
import { testCardProvider } from '../payments/service.ts';
import { cancelUncollected } from './fulfilment.ts';
import { HOLD_MAX_DAYS, holdDeadline } from './holds.ts';

const allWeek = (open: string, close: string): OpeningHours => ({
  mon: { open, close },
  tue: { open, close },
  wed: { open, close },
  thu: { open, close },
  fri: { open, close },
  sat: { open, close },
  sun: { open, close },
});

describe('holdDeadline (Japan time)', () => {
  // 2026-04-15 is a Wednesday.
  it('is today’s closing time when the store is still open', () => {
    expect(holdDeadline(allWeek('10:00', '20:00'), new Date('2026-04-15T14:00:00+09:00')).toISOString()).toBe(
      new Date('2026-04-15T20:00:00+09:00').toISOString(),
    );
  });
  it('before opening it is still today’s closing time', () => {
    expect(holdDeadline(allWeek('10:00', '20:00'), new Date('2026-04-15T08:00:00+09:00')).toISOString()).toBe(
      new Date('2026-04-15T20:00:00+09:00').toISOString(),
    );
  });
  it('after closing it is the next open day’s closing time', () => {
    expect(holdDeadline(allWeek('10:00', '20:00'), new Date('2026-04-15T20:30:00+09:00')).toISOString()).toBe(
      new Date('2026-04-16T20:00:00+09:00').toISOString(),
    );
  });
  it('skips a closed day', () => {
    const hours = { ...allWeek('10:00', '20:00'), thu: null };
    expect(holdDeadline(hours, new Date('2026-04-15T21:00:00+09:00')).toISOString()).toBe(
      new Date('2026-04-17T20:00:00+09:00').toISOString(),
    );
    expect(holdDeadline(hours, new Date('2026-04-16T12:00:00+09:00')).toISOString()).toBe(
      new Date('2026-04-17T20:00:00+09:00').toISOString(),
    );
  });
  it('uses the day in Tokyo, not in UTC', () => {
    // 2026-04-15 23:30 UTC is already Thursday 08:30 in Tokyo: Thursday's closing, not Wednesday's.
    const hours = { ...allWeek('10:00', '20:00'), wed: null };
    expect(holdDeadline(hours, new Date('2026-04-15T23:30:00Z')).toISOString()).toBe(
      new Date('2026-04-16T20:00:00+09:00').toISOString(),
    );
    // 2026-04-15 12:30 UTC is 21:30 in Tokyo: closed for today even though it is "only" 12:30 UTC.
    expect(holdDeadline(allWeek('10:00', '21:00'), new Date('2026-04-15T12:30:00Z')).toISOString()).toBe(
      new Date('2026-04-16T21:00:00+09:00').toISOString(),
    );
  });
  it('handles a closing time past midnight', () => {
    expect(holdDeadline(allWeek('18:00', '02:00'), new Date('2026-04-15T19:00:00+09:00')).toISOString()).toBe(
      new Date('2026-04-16T02:00:00+09:00').toISOString(),
    );
  });
  it(`never holds longer than ${HOLD_MAX_DAYS} days`, () => {
    const now = new Date('2026-04-15T21:00:00+09:00');
    const mondaysOnly: OpeningHours = {
      mon: { open: '10:00', close: '20:00' },
      tue: null,
      wed: null,
      thu: null,
      fri: null,
      sat: null,
      sun: null,
    };
    expect(holdDeadline(mondaysOnly, now).getTime()).toBe(now.getTime() + HOLD_MAX_DAYS * 86400_000);
    const closed: OpeningHours = { mon: null, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null };
    expect(holdDeadline(closed, now).getTime()).toBe(now.getTime() + HOLD_MAX_DAYS * 86400_000);
  });
});

async function available(app: TestApp, variantId: string, locationId: string) {
  const [row] = await query<{ on_hand: number; reserved: number }>(
    app.server.database.db,
    sql`SELECT on_hand, reserved FROM stock_levels WHERE variant_id = ${variantId} AND location_id = ${locationId}`,
  );
  return { onHand: row?.on_hand ?? 0, available: (row?.on_hand ?? 0) - (row?.reserved ?? 0) };
}

async function holdCart(app: TestApp, token: string | null, variantId: string, store: string, quantity = 1) {
  const cart = (await app.api('POST', '/api/carts', { token, body: {} })).json();
  expect(
    (await app.api('POST', `/api/carts/${cart.id}/lines`, { token, body: { variantId, quantity } })).statusCode,
  ).toBe(200);
  expect(
    (await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, { token, body: { type: 'hold', locationId: store } }))
      .statusCode,
  ).toBe(200);
  return cart.id as string;
}

describeEachDatabase('orders: holds (取り置き)', (ctx) => {
  it('a member holds an item from the product page in one call: reserved at that store, her shopping cart untouched', async () => {
    const app = ctx();
    const { store, variantId } = await stockedStore(app, 1);
    const { token } = await registerCustomer(app);
    const cart = (await app.api('GET', '/api/account/cart', { token })).json();
    await app.api('POST', `/api/carts/${cart.id}/lines`, { token, body: { variantId, quantity: 1 } });
    const held = await app.api('POST', '/api/account/holds', { token, body: { variantId, locationId: store } });
    expect(held.statusCode, held.body).toBe(201);
    expect(held.json()).toMatchObject({
      channel: 'web',
      fulfilments: [{ type: 'hold', locationId: store, status: 'placed' }],
      payments: [],
    });
    expect(held.json().fulfilments[0].deadline).not.toBeNull();
    const mine = (await app.api('GET', '/api/account/cart', { token })).json();
    expect(mine.id).toBe(cart.id);
    expect(mine.lines).toMatchObject([{ variantId, quantity: 1 }]);
    // The one unit is held: a second hold is refused, naming the stock.
    const again = await app.api('POST', '/api/account/holds', { token, body: { variantId, locationId: store } });
    expect(again.statusCode).toBe(409);
    // Staff do not hold for a member through her route.
    expect((await app.api('POST', '/api/account/holds', { body: { variantId, locationId: store } })).statusCode).toBe(
      403,
    );
  });

  it('a member holds an item without paying; staff set it aside and sell it at the till for cash; points are earned', async () => {
    const app = ctx();
    const { store, variantId } = await stockedStore(app, 3);
    const { token, customer } = await registerCustomer(app);
    const cartId = await holdCart(app, token, variantId!, store, 2);

    const res = await app.api('POST', `/api/carts/${cartId}/checkout`, { token, body: {} });
    expect(res.statusCode, res.body).toBe(201);
    const order = res.json();
    expect(order).toMatchObject({
      status: 'placed',
      total: 2200,
      customerId: customer.id,
      payments: [],
      fulfilments: [{ type: 'hold', status: 'placed', locationId: store }],
    });
    expect(order.fulfilments[0].pickupCode).toMatch(/^[A-Z0-9]{8}$/);
    const deadline = Date.parse(order.fulfilments[0].deadline);
    expect(deadline).toBeGreaterThan(Date.now());
    expect(deadline).toBeLessThanOrEqual(Date.now() + 3 * 86400_000);
    expect(await available(app, variantId!, store)).toEqual({ onHand: 3, available: 1 });

    // The clienteling card shows it as one of her holds, until the deadline.
    const db = app.server.database.db;
    const [summary] = await query<{
      holds: Array<{ id: string; reason: string; expiresAt: string; variantId: string; quantity: number }>;
    }>(db, summaryStatement(customer.id, 'evt_none'));
    expect(summary!.holds).toHaveLength(1);
    expect(summary!.holds[0]).toMatchObject({ reason: 'hold', variantId, quantity: 2 });
    expect(Date.parse(summary!.holds[0]!.expiresAt)).toBe(deadline);
    const [rsv] = await query<{ reason: string; reference: string }>(
      db,
      sql`SELECT r.reason, r.reference FROM reservations r JOIN fulfilments f ON f.reservation_id = r.id WHERE f.order_id = ${order.id}`,
    );
    expect(rsv).toEqual({ reason: 'hold', reference: customer.id });

    const fid = order.fulfilments[0].id as string;
    const step = (body: Record<string, unknown>) =>
      app.api('POST', `/api/orders/${order.id}/fulfilments/${fid}/status`, { body });
    expect((await step({ status: 'picking' })).statusCode).toBe(409);
    expect((await step({ status: 'picked_up', payments: [{ method: 'cash', amount: 2200 }] })).json().code).toBe(
      'order.invalid_transition',
    ); // not set aside yet
    expect((await step({ status: 'ready' })).json().fulfilments[0].status).toBe('ready');
    const short = await step({ status: 'picked_up', payments: [{ method: 'cash', amount: 2000 }] });
    expect(short.statusCode).toBe(409);
    expect(short.json()).toMatchObject({ code: 'payment.amount_mismatch', total: 2200, paid: 2000 });
    expect((await step({ status: 'picked_up' })).json()).toMatchObject({ code: 'payment.amount_mismatch', paid: 0 });

    const done = await step({ status: 'picked_up', payments: [{ method: 'cash', amount: 2200, tendered: 5000 }] });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({
      status: 'completed',
      pointsEarned: 22,
      fulfilments: [{ status: 'picked_up' }],
      payments: [{ method: 'cash', amount: 2200, status: 'captured', capturedAmount: 2200, tendered: 5000 }],
    });
    expect(await available(app, variantId!, store)).toEqual({ onHand: 1, available: 1 });
    const [sale] = await query<{ kind: string; quantity: number }>(
      db,
      sql`SELECT kind, quantity FROM stock_movements WHERE variant_id = ${variantId} AND kind = 'sale'`,
    );
    expect(sale).toEqual({ kind: 'sale', quantity: -2 });
    expect((await app.api('GET', '/api/account/loyalty', { token })).json().balance).toBe(22);
    const [after] = await query<{ holds: unknown[] }>(db, summaryStatement(customer.id, 'evt_none'));
    expect(after!.holds).toEqual([]);
  });

  it('pays a hold at the till with wallet and points like any till sale', async () => {
    const app = ctx();
    const { store, variantId } = await stockedStore(app, 1);
    const { token, customer } = await registerCustomer(app);
    await app.api('POST', '/api/loyalty/transactions', {
      body: { customerId: customer.id, kind: 'earn', points: 300, reason: 'テスト付与', reference: 'welcome' },
    });
    await app.api('POST', '/api/wallet/transactions', {
      body: { customerId: customer.id, kind: 'top_up', amount: 5000, method: 'cash', reference: 'topup-1' },
    });
    const cartId = await holdCart(app, token, variantId!, store);
    // no payment and no points at checkout for a hold
    expect(
      (await app.api('POST', `/api/carts/${cartId}/checkout`, { token, body: { usePoints: 100 } })).statusCode,
    ).toBe(400);
    const order = (await app.api('POST', `/api/carts/${cartId}/checkout`, { token, body: {} })).json();
    const fid = order.fulfilments[0].id as string;
    await app.api('POST', `/api/orders/${order.id}/fulfilments/${fid}/status`, { body: { status: 'ready' } });
    const done = await app.api('POST', `/api/orders/${order.id}/fulfilments/${fid}/status`, {
      body: {
        status: 'picked_up',
        payments: [
          { method: 'points', amount: 100 },
          { method: 'wallet', amount: 1000 },
        ],
        // She is at the counter: her app's QR, resolved by the clerk, lets her points and wallet be spent.
        presenceToken: await presentAt(app, token, store),
      },
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'completed', pointsUsed: 100, pointsEarned: 10 });
    expect((await app.api('GET', '/api/account/wallet', { token })).json().balance).toBe(4000);
    expect((await app.api('GET', '/api/account/loyalty', { token })).json().balance).toBe(210);
  });

  it('a guest cannot hold', async () => {
    const app = ctx();
    const { store, variantId } = await stockedStore(app, 1);
    const cartId = await holdCart(app, null, variantId!, store);
    const res = await app.api('POST', `/api/carts/${cartId}/checkout`, {
      token: null,
      body: { guest: { name: '山田 花子', email: 'hanako@example.jp' } },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('cart.hold_members_only');
    expect(await available(app, variantId!, store)).toEqual({ onHand: 1, available: 1 });
  });

  it('a hold past its deadline lapses: the stock is on sale again and the job cancels the order', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const {
      variantIds: [swiftV],
    } = await createTestProduct(app);
    const {
      variantIds: [slowV],
    } = await createTestProduct(app);
    await receive(app, swiftV!, store, 1);
    await receive(app, slowV!, store, 1);
    const db = app.server.database.db;
    const deps = { card: testCardProvider(db) };
    const lapse = async (orderId: string) => {
      await db.execute(sql`UPDATE fulfilments SET deadline = now() - interval '1 minute' WHERE order_id = ${orderId}`);
      await db.execute(
        sql`UPDATE reservations SET expires_at = now() - interval '1 minute' WHERE id = (SELECT reservation_id FROM fulfilments WHERE order_id = ${orderId})`,
      );
    };
    const reservationStatus = async (orderId: string) =>
      (
        await query<{ status: string }>(
          db,
          sql`SELECT r.status FROM reservations r JOIN fulfilments f ON f.reservation_id = r.id WHERE f.order_id = ${orderId}`,
        )
      )[0]!.status;
    const place = async (variantId: string) => {
      const { token } = await registerCustomer(app);
      const res = await app.api('POST', `/api/carts/${await holdCart(app, token, variantId, store)}/checkout`, {
        token,
        body: {},
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };
    const swept = await place(swiftV!); // the inventory sweep gives the stock back first, then the job cancels
    const unswept = await place(slowV!); // the job finds the reservation lapsed but not yet swept
    await app.api('POST', `/api/orders/${unswept.id}/fulfilments/${unswept.fulfilments[0].id}/status`, {
      body: { status: 'ready' },
    });
    expect(await available(app, swiftV!, store)).toEqual({ onHand: 1, available: 0 });
    expect(await available(app, slowV!, store)).toEqual({ onHand: 1, available: 0 });
    expect(await cancelUncollected(db, deps)).toBe(0);

    await lapse(swept.id);
    await lapse(unswept.id);
    // Too late to sell it as a hold: nothing is recorded.
    const late = await app.api('POST', `/api/orders/${unswept.id}/fulfilments/${unswept.fulfilments[0].id}/status`, {
      body: { status: 'picked_up', payments: [{ method: 'cash', amount: 1100 }] },
    });
    expect(late.statusCode).toBe(409);
    expect((await app.api('GET', `/api/orders/${unswept.id}`)).json()).toMatchObject({
      status: 'placed',
      payments: [],
    });

    await sweepPairs(db, [{ variantId: swiftV!, locationId: store }]);
    expect(await reservationStatus(swept.id)).toBe('expired');
    expect(await available(app, swiftV!, store)).toEqual({ onHand: 1, available: 1 });
    expect(await reservationStatus(unswept.id)).toBe('active');

    expect(await cancelUncollected(db, deps)).toBe(2);
    for (const o of [swept, unswept]) {
      const after = (await app.api('GET', `/api/orders/${o.id}`)).json();
      expect(after).toMatchObject({
        status: 'cancelled',
        fulfilments: [{ type: 'hold', status: 'cancelled' }],
        payments: [],
      });
      expect(await reservationStatus(o.id)).toBe('expired');
    }
    expect(await available(app, swiftV!, store)).toEqual({ onHand: 1, available: 1 });
    expect(await available(app, slowV!, store)).toEqual({ onHand: 1, available: 1 });
    expect(await cancelUncollected(db, deps)).toBe(0);
  });
});
