import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
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
} from '../../test/harness.ts';
import type { OpeningHours } from '../locations/schema.ts';
import { locations } from '../locations/schema.ts';
import { TEST_CARDS } from '../payments/service.ts';
import { feeFor } from './pricing.ts';
import { slotStartsFor, tokyoDate } from './slots.ts';
import { tableChanged } from '../../platform/db/table-cache.ts';

const card = { method: 'card', card: { number: TEST_CARDS.approved } };
const allWeek = (open: string, close: string): OpeningHours => ({
  mon: { open, close },
  tue: { open, close },
  wed: { open, close },
  thu: { open, close },
  fri: { open, close },
  sat: { open, close },
  sun: { open, close },
});
// The test store stands at 35.6618, 139.7041 (渋谷 神南); 0.009° of latitude is about 1 km.
const home = {
  postalCode: '150-0042',
  prefecture: '東京都',
  city: '渋谷区',
  line1: '宇田川町1-1',
  name: '山田 花子',
  phone: '090-1234-5678',
  lat: 35.6708,
  lng: 139.7041,
};
const tomorrow = () => tokyoDate(new Date(Date.now() + 86400_000));
/** Tomorrow 12:00–12:30 in Tokyo (the all-day test store delivers then). */
const noonTomorrow = () => `${tomorrow()}T03:00:00.000Z`;

describe('delivery windows and fee', () => {
  it('are 30 minutes within opening hours, the first at least 30 minutes away', () => {
    const hours = allWeek('10:00', '21:00');
    const day = slotStartsFor(hours, '2026-04-15', new Date('2026-04-15T07:00:00+09:00'), 'delivery');
    expect(day).toHaveLength(22);
    expect(day.at(-1)!.toISOString()).toBe(new Date('2026-04-15T20:30:00+09:00').toISOString());
    expect(
      slotStartsFor(hours, '2026-04-15', new Date('2026-04-15T10:01:00+09:00'), 'delivery')[0]!.toISOString(),
    ).toBe(new Date('2026-04-15T11:00:00+09:00').toISOString());
  });
  it('costs ¥330 within 2 km, ¥550 further, nothing from ¥4,000', () => {
    expect(feeFor('delivery', 2200, 1.2)).toBe(330);
    expect(feeFor('delivery', 2200, 2.4)).toBe(550);
    expect(feeFor('delivery', 4000, 2.4)).toBe(0);
    expect(feeFor('delivery', 0, 1)).toBe(0);
  });
});

async function deliveringStore(app: TestApp, opts: { lat?: number; radiusKm?: number | null } = {}) {
  const store = await createTestLocation(app, opts.lat !== undefined ? { lat: opts.lat } : {});
  await app.server.database.db
    .update(locations)
    .set({
      openingHours: allWeek('00:00', '00:00'),
      services: {
        pickup: true,
        orderAhead: false,
        deliveryRadiusKm: opts.radiusKm === undefined ? 3 : opts.radiusKm,
        shipping: false,
      },
    })
    .where(eq(locations.id, store));
  tableChanged(app.server.database.db, 'locations'); // kept in memory by the server: read again
  return store;
}

async function memberCart(app: TestApp, token: string, variantId: string, quantity = 2) {
  const cart = (await app.api('GET', '/api/account/cart', { token })).json();
  const res = await app.api('POST', `/api/carts/${cart.id}/lines`, { token, body: { variantId, quantity } });
  expect(res.statusCode, res.body).toBe(200);
  return cart.id as string;
}

describeEachDatabase('orders: local delivery from a store nearby', (ctx) => {
  it('the address picks the nearest store that delivers there and has it; the fee follows the distance', async () => {
    const app = ctx();
    const near = await deliveringStore(app); // 1 km from home, but it will not have the item
    const further = await deliveringStore(app, { lat: 35.6418, radiusKm: 5 }); // ~3.2 km
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    await receive(app, v!, further, 5);
    const { token } = await registerCustomer(app);
    const cartId = await memberCart(app, token, v!);

    const put = (body: unknown) =>
      app.api('PUT', `/api/carts/${cartId}/fulfilment`, { token, body, headers: { 'accept-language': 'ja' } });
    const chosen = await put({ type: 'delivery', address: home });
    expect(chosen.statusCode, chosen.body).toBe(200);
    expect(chosen.json()).toMatchObject({
      fulfilment: { type: 'delivery', locationId: further, distanceKm: expect.closeTo(3.3, 0) },
      shippingFee: 550,
      total: 2750,
      issues: [],
    });

    // The nearer store, chosen on purpose: ¥330, and the cart says it lacks the item.
    const mine = (await put({ type: 'delivery', address: home, locationId: near })).json();
    expect(mine).toMatchObject({ fulfilment: { locationId: near, distanceKm: 1 }, shippingFee: 330 });
    expect(mine.issues[0]).toMatchObject({
      variantId: v,
      available: 0,
      alternatives: { locations: [{ locationId: further }] },
    });

    // No pin, beyond every radius, a store that does not deliver: clear problems, nothing changed.
    const { lat: _lat, lng: _lng, ...pinless } = home;
    const noPin = await put({ type: 'delivery', address: pinless });
    expect([noPin.statusCode, noPin.json().errors?.[0]?.field]).toEqual([400, 'address.lat']);
    const osaka = await put({ type: 'delivery', address: { ...home, lat: 34.7036, lng: 135.4993 } });
    expect([osaka.statusCode, osaka.json().code]).toEqual([409, 'delivery.out_of_area']);
    expect(osaka.json().title).toBe('配達エリア外です');
    const tooFar = await put({ type: 'delivery', address: { ...home, lat: 35.7, lng: 139.7041 }, locationId: near });
    expect(tooFar.json()).toMatchObject({ status: 409, code: 'delivery.out_of_area' });
    expect(tooFar.json().detail).toContain('3 km');
    const plain = await deliveringStore(app, { radiusKm: null });
    expect((await put({ type: 'delivery', address: home, locationId: plain })).json().code).toBe(
      'delivery.not_offered',
    );
    expect((await app.api('GET', `/api/carts/${cartId}`, { token })).json().fulfilment.locationId).toBe(near);
  });

  it('a member picks a window, pays by card; the store bags it, the rider leaves (charged, points, 配達中) and delivers', async () => {
    const app = ctx();
    const store = await deliveringStore(app);
    const {
      variantIds: [v],
    } = await createTestProduct(app, { taxRate: 8 });
    await receive(app, v!, store, 5);
    const { token, customer } = await registerCustomer(app);
    const cartId = await memberCart(app, token, v!);
    expect(
      (await app.api('PUT', `/api/carts/${cartId}/fulfilment`, { token, body: { type: 'delivery', address: home } }))
        .statusCode,
    ).toBe(200);
    const noWindow = await app.api('POST', `/api/carts/${cartId}/checkout`, { token, body: { payment: card } });
    expect([noWindow.statusCode, noWindow.json().code]).toEqual([409, 'cart.fulfilment_invalid']);

    const windows = (
      await app.api('GET', `/api/locations/${store}/slots?kind=delivery&date=${tomorrow()}`, { token: null })
    ).json();
    expect(windows).toMatchObject({ kind: 'delivery', slotMinutes: 30 });
    expect(windows.slots.find((s: { start: string }) => s.start === noonTomorrow())).toMatchObject({
      capacity: 4,
      remaining: 4,
    });
    const off = await app.api('PUT', `/api/carts/${cartId}/fulfilment`, {
      token,
      body: { type: 'delivery', address: home, slotStart: `${tomorrow()}T03:10:00.000Z` },
    });
    expect(off.json().code).toBe('slot.invalid');
    expect(
      (
        await app.api('PUT', `/api/carts/${cartId}/fulfilment`, {
          token,
          body: { type: 'delivery', address: home, slotStart: noonTomorrow() },
        })
      ).statusCode,
    ).toBe(200);
    // What the cart promises is what the hand-over awards (earnableSpend): the ¥330 fee earns nothing.
    const promised = (await app.api('GET', `/api/carts/${cartId}`, { token })).json();
    expect(promised).toMatchObject({ shippingFee: 330, pointsToEarn: 22 });

    const placed = await app.api('POST', `/api/carts/${cartId}/checkout`, {
      token,
      body: { payment: card },
      headers: { 'idempotency-key': `dl-${cartId}` },
    });
    expect(placed.statusCode, placed.body).toBe(201);
    const order = placed.json();
    expect(order).toMatchObject({
      total: 2530,
      shippingFee: 330,
      fulfilments: [
        { type: 'delivery', status: 'placed', locationId: store, slotStart: noonTomorrow(), pickupCode: null },
      ],
      payments: [{ method: 'card', status: 'authorized' }],
    });
    expect(order.fulfilments[0].address).toMatchObject({ line1: home.line1, lat: home.lat });
    const after = (
      await app.api('GET', `/api/locations/${store}/slots?kind=delivery&date=${tomorrow()}`, { token: null })
    ).json();
    expect(after.slots.find((s: { start: string }) => s.start === noonTomorrow())).toMatchObject({
      booked: 1,
      remaining: 3,
    });
    expect(
      (await app.api('GET', `/api/locations/${store}/order-queue`)).json().items.map((o: { id: string }) => o.id),
    ).toContain(order.id);

    const fid = order.fulfilments[0].id as string;
    const step = (status: string) =>
      app.api('POST', `/api/orders/${order.id}/fulfilments/${fid}/status`, { body: { status } });
    expect((await step('picked_up')).statusCode).toBe(409); // nobody collects a delivery
    expect((await step('ready')).statusCode).toBe(200);
    const out = (await step('shipped')).json();
    expect(out).toMatchObject({
      status: 'completed',
      pointsEarned: promised.pointsToEarn, // ¥22 on the ¥2,200 of goods, as the cart said
      fulfilments: [{ status: 'shipped' }],
      payments: [{ status: 'captured', capturedAmount: 2530 }],
    });
    expect((await step('delivered')).json().fulfilments[0].status).toBe('delivered');

    await deliverEvents(app); // the order's events reach notifications after commit
    const inbox = (await app.api('GET', '/api/account/notifications', { token })).json();
    expect(inbox.items.map((n: { kind: string }) => n.kind)).toEqual([
      'order_delivered',
      'order_out_for_delivery',
      'order_placed',
    ]); // no "ready for pickup" for a delivery
    const sent: OutboxMessage[] = [];
    await deliverOutbox(app.server.database.db, async (m) => void sent.push(m));
    expect(sent.filter((m) => m.channel === 'email').map((m) => m.template)).toEqual([
      'order_placed',
      'order_out_for_delivery',
    ]);
    expect(sent.find((m) => m.template === 'order_out_for_delivery')).toMatchObject({
      recipient: customer.email,
      payload: { number: order.number },
    });
  });

  it('a window is never overbooked: 10 checkouts race for 3 places → exactly 3 orders; a cancellation frees one', async () => {
    const app = ctx();
    const store = await deliveringStore(app);
    expect((await app.api('GET', `/api/locations/${store}/slot-settings?kind=delivery`)).json()).toMatchObject({
      capacity: 4,
      slotMinutes: 30,
    });
    expect(
      (
        await app.api('PUT', `/api/locations/${store}/slot-settings`, { body: { kind: 'delivery', capacity: 3 } })
      ).json(),
    ).toMatchObject({ capacity: 3, slotMinutes: 30 });
    expect((await app.api('GET', `/api/locations/${store}/slot-settings?kind=delivery`)).json()).toMatchObject({
      capacity: 3,
    });
    expect((await app.api('GET', `/api/locations/${store}/slot-settings?kind=order_ahead`)).json()).toMatchObject({
      capacity: 6,
      slotMinutes: 10,
    });
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    await receive(app, v!, store, 50);
    const carts = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const { token } = await registerCustomer(app);
        const cartId = await memberCart(app, token, v!, 1);
        const res = await app.api('PUT', `/api/carts/${cartId}/fulfilment`, {
          token,
          body: { type: 'delivery', address: home, slotStart: noonTomorrow() },
        });
        expect(res.statusCode, res.body).toBe(200);
        return { token, cartId };
      }),
    );
    const results = await Promise.all(
      carts.map((c) => app.api('POST', `/api/carts/${c.cartId}/checkout`, { token: c.token, body: { payment: card } })),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(3);
    expect(
      results.filter((r) => r.statusCode !== 201).every((r) => r.statusCode === 409 && r.json().code === 'slot.full'),
    ).toBe(true);
    const window = async () =>
      (await app.api('GET', `/api/locations/${store}/slots?kind=delivery&date=${tomorrow()}`, { token: null }))
        .json()
        .slots.find((s: { start: string }) => s.start === noonTomorrow());
    expect(await window()).toMatchObject({ booked: 3, remaining: 0 });
    // Nothing stays reserved for the losers: 50 − 3.
    const levels = (await app.api('GET', `/api/availability?variantId=${v}`))
      .json()
      .items.find((i: { locationId: string }) => i.locationId === store);
    expect(levels).toMatchObject({ onHand: 50, reserved: 3 });

    const won = results.find((r) => r.statusCode === 201)!.json();
    expect(
      (
        await app.api('POST', `/api/orders/${won.id}/fulfilments/${won.fulfilments[0].id}/status`, {
          body: { status: 'cancelled' },
        })
      ).statusCode,
    ).toBe(200);
    expect(await window()).toMatchObject({ booked: 2, remaining: 1 });
  });
});
