import { describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  receive,
  type TestApp,
} from '../../test/harness.ts';
import type { OpeningHours } from '../locations/schema.ts';
import { locations } from '../locations/schema.ts';
import { TEST_CARDS } from '../payments/service.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { bookSlot, DEFAULT_SLOT_CAPACITY, isOfferedSlot, slotStartsFor, tokyoDate } from './slots.ts';
import { tableChanged } from '../../platform/db/table-cache.ts';

const card = { method: 'card', card: { number: TEST_CARDS.approved } };
const guest = { name: '佐藤 花子', email: 'hanako@example.jp' };
const allWeek = (open: string, close: string): OpeningHours => ({
  mon: { open, close },
  tue: { open, close },
  wed: { open, close },
  thu: { open, close },
  fri: { open, close },
  sat: { open, close },
  sun: { open, close },
});

describe('order-ahead slots (Japan time)', () => {
  // 2026-04-15 is a Wednesday.
  const hours = allWeek('10:00', '21:00');
  it('are 10 minutes each within opening hours, the last ending at closing', () => {
    const slots = slotStartsFor(hours, '2026-04-15', new Date('2026-04-15T07:00:00+09:00'));
    expect(slots).toHaveLength(66);
    expect(slots[0]!.toISOString()).toBe('2026-04-15T01:00:00.000Z');
    expect(slots.at(-1)!.toISOString()).toBe('2026-04-15T11:50:00.000Z');
  });
  it('leave out past slots and those starting within 5 minutes', () => {
    expect(slotStartsFor(hours, '2026-04-15', new Date('2026-04-15T10:03:00+09:00'))[0]!.toISOString()).toBe(
      new Date('2026-04-15T10:10:00+09:00').toISOString(),
    );
    expect(slotStartsFor(hours, '2026-04-15', new Date('2026-04-15T10:06:00+09:00'))[0]!.toISOString()).toBe(
      new Date('2026-04-15T10:20:00+09:00').toISOString(),
    );
    expect(slotStartsFor(hours, '2026-04-15', new Date('2026-04-15T21:00:00+09:00'))).toEqual([]);
    expect(slotStartsFor(hours, '2026-04-14', new Date('2026-04-15T08:00:00+09:00'))).toEqual([]);
  });
  it('none on a closed day; an opening past midnight runs into the next date', () => {
    expect(slotStartsFor({ ...hours, wed: null }, '2026-04-15', new Date('2026-04-15T07:00:00+09:00'))).toEqual([]);
    const late = slotStartsFor(allWeek('18:00', '02:00'), '2026-04-15', new Date('2026-04-15T07:00:00+09:00'));
    expect(late).toHaveLength(48);
    expect(late.at(-1)!.toISOString()).toBe(new Date('2026-04-16T01:50:00+09:00').toISOString());
    expect(
      isOfferedSlot(
        allWeek('18:00', '02:00'),
        new Date('2026-04-16T01:50:00+09:00'),
        new Date('2026-04-15T07:00:00+09:00'),
      ),
    ).toBe(true);
  });
  it('a start must be on the grid and within hours', () => {
    const now = new Date('2026-04-15T07:00:00+09:00');
    expect(isOfferedSlot(hours, new Date('2026-04-15T12:00:00+09:00'), now)).toBe(true);
    expect(isOfferedSlot(hours, new Date('2026-04-15T12:05:00+09:00'), now)).toBe(false);
    expect(isOfferedSlot(hours, new Date('2026-04-15T21:00:00+09:00'), now)).toBe(false);
    expect(isOfferedSlot(hours, new Date('2026-04-15T09:50:00+09:00'), now)).toBe(false);
  });
});

async function cafe(app: TestApp, hours: OpeningHours = allWeek('00:00', '00:00'), orderAhead = true) {
  const store = await createTestLocation(app);
  await app.server.database.db
    .update(locations)
    .set({ openingHours: hours, services: { pickup: true, orderAhead, deliveryRadiusKm: null, shipping: false } })
    .where(eq(locations.id, store));
  tableChanged(app.server.database.db, 'locations'); // kept in memory by the server: read again
  return store;
}

const tomorrow = () => tokyoDate(new Date(Date.now() + 86400_000));
/** Tomorrow 12:00 in Tokyo (the all-day café is open then). */
const noonTomorrow = () => `${tomorrow()}T03:00:00.000Z`;

async function orderAheadCart(app: TestApp, variantId: string, store: string, slotStart: string) {
  const cart = (await app.api('POST', '/api/carts', { token: null, body: {} })).json();
  expect(
    (await app.api('POST', `/api/carts/${cart.id}/lines`, { token: null, body: { variantId, quantity: 1 } }))
      .statusCode,
  ).toBe(200);
  const res = await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, {
    token: null,
    body: { type: 'order_ahead', locationId: store, slotStart },
  });
  expect(res.statusCode, res.body).toBe(200);
  return cart.id as string;
}

async function slotAt(app: TestApp, store: string, start: string) {
  const res = await app.api(
    'GET',
    `/api/locations/${store}/slots?kind=order_ahead&date=${tokyoDate(new Date(start))}`,
    { token: null },
  );
  expect(res.statusCode, res.body).toBe(200);
  return res.json().slots.find((s: { start: string }) => s.start === start);
}

describeEachDatabase('orders: order-ahead with pickup slots', (ctx) => {
  it('lists slots within the store’s hours, leaving out past ones and the next 5 minutes', async () => {
    const app = ctx();
    const store = await cafe(app, allWeek('10:00', '21:00'));
    const res = await app.api('GET', `/api/locations/${store}/slots?kind=order_ahead&date=${tomorrow()}`, {
      token: null,
    });
    expect(res.statusCode, res.body).toBe(200);
    const { slots } = res.json();
    expect(slots).toHaveLength(66);
    expect(slots[0]).toEqual({
      start: `${tomorrow()}T01:00:00.000Z`,
      end: `${tomorrow()}T01:10:00.000Z`,
      capacity: DEFAULT_SLOT_CAPACITY,
      booked: 0,
      remaining: DEFAULT_SLOT_CAPACITY,
    });
    expect(slots.at(-1).end).toBe(`${tomorrow()}T12:00:00.000Z`);

    const allDay = await cafe(app);
    const before = Date.now();
    // Today and tomorrow together (near midnight in Tokyo today may have nothing left).
    const today = [
      ...(await app.api('GET', `/api/locations/${allDay}/slots?date=${tokyoDate(new Date())}`, { token: null })).json()
        .slots,
      ...(await app.api('GET', `/api/locations/${allDay}/slots?date=${tomorrow()}`, { token: null })).json().slots,
    ];
    expect(Date.parse(today[0].start)).toBeGreaterThanOrEqual(before + 5 * 60_000 - 1000);
    expect(Date.parse(today[0].start)).toBeLessThan(before + 15 * 60_000 + 1000);
    for (const s of today) expect(Date.parse(s.start) % 600_000).toBe(0);

    expect((await app.api('GET', `/api/locations/${store}/slots?date=2026-02-30`, { token: null })).statusCode).toBe(
      400,
    );
  });

  it('a store without order-ahead is refused; a start that is not a slot is refused', async () => {
    const app = ctx();
    const plain = await cafe(app, allWeek('00:00', '00:00'), false);
    expect(
      (await app.api('GET', `/api/locations/${plain}/slots?date=${tomorrow()}`, { token: null })).json(),
    ).toMatchObject({ code: 'slot.not_offered' });
    const {
      variantIds: [v],
    } = await createTestProduct(app, { taxRate: 8 });
    const cart = (await app.api('POST', '/api/carts', { token: null, body: {} })).json();
    await app.api('POST', `/api/carts/${cart.id}/lines`, { token: null, body: { variantId: v, quantity: 1 } });
    const refused = await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, {
      token: null,
      body: { type: 'order_ahead', locationId: plain, slotStart: noonTomorrow() },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('slot.not_offered');

    const store = await cafe(app);
    const off = await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, {
      token: null,
      body: { type: 'order_ahead', locationId: store, slotStart: `${tomorrow()}T03:05:00.000Z` },
    });
    expect([off.statusCode, off.json().code]).toEqual([409, 'slot.invalid']);
    const past = await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, {
      token: null,
      body: { type: 'order_ahead', locationId: store, slotStart: '2020-01-01T03:00:00.000Z' },
    });
    expect([past.statusCode, past.json().code]).toEqual([409, 'slot.invalid']);
    expect(
      (
        await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, {
          token: null,
          body: { type: 'order_ahead', locationId: store },
        })
      ).statusCode,
    ).toBe(400);
  });

  it('checkout books the slot (paid up front), the café makes it, the board shows it; cancelling frees the place', async () => {
    const app = ctx();
    const store = await cafe(app);
    const {
      variantIds: [latte],
    } = await createTestProduct(app, { name: 'カフェラテ', taxRate: 8 });
    await receive(app, latte!, store, 10);
    const slotStart = noonTomorrow();

    const cartId = await orderAheadCart(app, latte!, store, slotStart);
    const atStore = await app.api('POST', `/api/carts/${cartId}/checkout`, {
      token: null,
      body: { payment: { method: 'pay_at_store' }, guest },
    });
    expect(atStore.statusCode).toBe(409); // paid up front only
    const placed = await app.api('POST', `/api/carts/${cartId}/checkout`, {
      token: null,
      body: { payment: card, guest },
    });
    expect(placed.statusCode, placed.body).toBe(201);
    const order = placed.json();
    expect(order.fulfilments[0]).toMatchObject({ type: 'order_ahead', status: 'placed', locationId: store, slotStart });
    expect(order.fulfilments[0].deadline).toBe(new Date(Date.parse(slotStart) + 40 * 60_000).toISOString());
    expect(order.taxes).toEqual([{ rate: 8, base: 1100, tax: 81 }]);
    expect(await slotAt(app, store, slotStart)).toMatchObject({ booked: 1, remaining: DEFAULT_SLOT_CAPACITY - 1 });

    const second = await orderAheadCart(app, latte!, store, slotStart);
    const other = (
      await app.api('POST', `/api/carts/${second}/checkout`, { token: null, body: { payment: card, guest } })
    ).json();
    expect(await slotAt(app, store, slotStart)).toMatchObject({ booked: 2, remaining: DEFAULT_SLOT_CAPACITY - 2 });

    const step = (o: { id: string; fulfilments: Array<{ id: string }> }, status: string) =>
      app.api('POST', `/api/orders/${o.id}/fulfilments/${o.fulfilments[0]!.id}/status`, { body: { status } });
    expect((await step(order, 'picking')).json().fulfilments[0].status).toBe('picking');
    expect((await step(order, 'ready')).json().fulfilments[0].status).toBe('ready');
    const board = await app.api('GET', `/api/locations/${store}/prep-board?date=${tomorrow()}`);
    expect(board.statusCode).toBe(200);
    expect(board.json().slots).toMatchObject([
      {
        slotStart,
        orders: [
          { orderId: order.id, status: 'ready' },
          { orderId: other.id, status: 'placed' },
        ],
      },
    ]);
    const done = (await step(order, 'picked_up')).json();
    expect(done).toMatchObject({ status: 'completed', payments: [{ method: 'card', status: 'captured' }] });
    expect(await slotAt(app, store, slotStart)).toMatchObject({ booked: 2 }); // a pickup keeps its place

    const cancelled = (await step(other, 'cancelled')).json();
    expect(cancelled).toMatchObject({ status: 'cancelled', payments: [{ method: 'card', status: 'voided' }] });
    expect(await slotAt(app, store, slotStart)).toMatchObject({ booked: 1, remaining: DEFAULT_SLOT_CAPACITY - 1 });
  });

  it('the preparation board lists a day’s orders by slot until they are picked up', async () => {
    const app = ctx();
    const store = await cafe(app);
    const {
      variantIds: [latte],
    } = await createTestProduct(app, { name: 'カフェラテ', taxRate: 8 });
    await receive(app, latte!, store, 10);
    const [a, b] = [`${tomorrow()}T05:00:00.000Z`, `${tomorrow()}T04:50:00.000Z`];
    const o1 = (
      await app.api('POST', `/api/carts/${await orderAheadCart(app, latte!, store, a)}/checkout`, {
        token: null,
        body: { payment: card, guest },
      })
    ).json();
    const o2 = (
      await app.api('POST', `/api/carts/${await orderAheadCart(app, latte!, store, b)}/checkout`, {
        token: null,
        body: { payment: card, guest },
      })
    ).json();
    const board = (await app.api('GET', `/api/locations/${store}/prep-board?date=${tomorrow()}`)).json();
    expect(board.slots.map((s: { slotStart: string }) => s.slotStart)).toEqual([b, a]);
    expect(board.slots[0].orders[0]).toMatchObject({
      orderId: o2.id,
      number: o2.number,
      status: 'placed',
      name: guest.name,
      lines: [{ name: 'カフェラテ', quantity: 1 }],
    });
    const anon = await app.api('GET', `/api/locations/${store}/prep-board`, { token: null });
    expect(anon.statusCode).toBeGreaterThanOrEqual(401);
    await app.api('POST', `/api/orders/${o1.id}/fulfilments/${o1.fulfilments[0].id}/status`, {
      body: { status: 'ready' },
    });
    await app.api('POST', `/api/orders/${o1.id}/fulfilments/${o1.fulfilments[0].id}/status`, {
      body: { status: 'picked_up' },
    });
    expect((await app.api('GET', `/api/locations/${store}/prep-board`)).json().slots).toEqual([]); // today: none
    expect(
      (await app.api('GET', `/api/locations/${store}/prep-board?date=${tomorrow()}`))
        .json()
        .slots.map((s: { slotStart: string }) => s.slotStart),
    ).toEqual([b]);
  });

  it('20 checkouts race for a 5-place slot: exactly 5 orders, the rest 409 slot.full with nothing reserved or charged', async () => {
    const app = ctx();
    const store = await cafe(app);
    expect(
      (await app.api('PUT', `/api/locations/${store}/slot-settings`, { body: { kind: 'order_ahead', capacity: 5 } }))
        .statusCode,
    ).toBe(200);
    const {
      variantIds: [latte],
    } = await createTestProduct(app, { name: 'カフェラテ', taxRate: 8 });
    await receive(app, latte!, store, 50);
    const slotStart = noonTomorrow();
    expect(await slotAt(app, store, slotStart)).toMatchObject({ capacity: 5, remaining: 5 });
    const carts = await Promise.all(Array.from({ length: 20 }, () => orderAheadCart(app, latte!, store, slotStart)));

    const results = await Promise.all(
      carts.map((id) => app.api('POST', `/api/carts/${id}/checkout`, { token: null, body: { payment: card, guest } })),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(5);
    expect(codes.filter((c) => c === 409)).toHaveLength(15);
    for (const r of results.filter((x) => x.statusCode === 409)) expect(r.json().code).toBe('slot.full');

    expect(await slotAt(app, store, slotStart)).toMatchObject({ capacity: 5, booked: 5, remaining: 0 });
    const [stock] = await query<{ reserved: number }>(
      app.server.database.db,
      sql`SELECT reserved FROM stock_levels WHERE variant_id = ${latte} AND location_id = ${store}`,
    );
    expect(stock!.reserved).toBe(5);
    const [orders] = await query<{ n: number }>(
      app.server.database.db,
      sql`SELECT count(*)::int AS n FROM fulfilments WHERE location_id = ${store} AND type = 'order_ahead'`,
    );
    expect(orders!.n).toBe(5);
    const [held] = await query<{ n: number }>(
      app.server.database.db,
      sql`SELECT count(*)::int AS n FROM test_provider_charges WHERE status = 'authorized' AND id NOT IN (SELECT provider_ref FROM payments WHERE provider_ref IS NOT NULL)`,
    );
    expect(held!.n).toBe(0); // every losing attempt's authorisation was voided
    // The guard itself, without checkout's up-front check: 20 bookings at once in their own transactions.
    const start = new Date(`${tomorrow()}T04:00:00.000Z`);
    const booked = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        inTransaction(app.server.database.db, (tx) => bookSlot(tx, store, 'order_ahead', start, 5)),
      ),
    );
    expect(booked.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(
      booked
        .filter((r) => r.status === 'rejected')
        .map((r) => ((r as PromiseRejectedResult).reason as { code?: string }).code),
    ).toEqual(Array(15).fill('slot.full'));
    expect(await slotAt(app, store, start.toISOString())).toMatchObject({ booked: 5, remaining: 0 });
    // The full slot is refused up front now.
    const late = await orderAheadCart(app, latte!, store, `${tomorrow()}T03:10:00.000Z`);
    const full = await app.api('PUT', `/api/carts/${late}/fulfilment`, {
      token: null,
      body: { type: 'order_ahead', locationId: store, slotStart },
    });
    expect([full.statusCode, full.json().code]).toEqual([409, 'slot.full']);
  });
});
