import { describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  receive,
  registerCustomer,
  type TestApp,
} from '../../test/harness.ts';
import { locations } from '../locations/schema.ts';
import { TEST_CARDS } from '../payments/service.ts';
import { approximatePosition } from './prefectures.ts';
import { tableChanged } from '../../platform/db/table-cache.ts';

const card = { method: 'card', card: { number: TEST_CARDS.approved } };
const tokyo = {
  postalCode: '150-0041',
  prefecture: '東京都',
  city: '渋谷区',
  line1: '神南1-1-1',
  name: '山田 花子',
  phone: '090-1234-5678',
};
const osaka = { ...tokyo, postalCode: '530-0001', prefecture: '大阪府', city: '大阪市北区', line1: '梅田1-1-1' };

describe('an address without a pin', () => {
  it('is placed at its prefecture’s capital, with or without 都/府/県 and in full-width', () => {
    expect(approximatePosition({ prefecture: '大阪府' })).toEqual({ lat: 34.686, lng: 135.52 });
    expect(approximatePosition({ prefecture: '大阪' })).toEqual({ lat: 34.686, lng: 135.52 });
    expect(approximatePosition({ prefecture: '北海道', lat: 43, lng: 141 })).toEqual({ lat: 43, lng: 141 });
    expect(approximatePosition({ prefecture: 'Atlantis' })).toBeNull();
  });
});

async function shippingLocation(
  app: TestApp,
  name: string,
  at: { lat: number; lng: number },
  kind: 'store' | 'warehouse' = 'store',
  ships = true,
) {
  const id = await createTestLocation(app, { name, kind, ...at });
  await app.server.database.db
    .update(locations)
    .set({ services: { pickup: kind === 'store', orderAhead: false, deliveryRadiusKm: null, shipping: ships } })
    .where(eq(locations.id, id));
  tableChanged(app.server.database.db, 'locations'); // kept in memory by the server: read again
  return id;
}

async function level(app: TestApp, variantId: string, locationId: string) {
  const [row] = await query<{ on_hand: number; reserved: number }>(
    app.server.database.db,
    sql`SELECT on_hand, reserved FROM stock_levels WHERE variant_id = ${variantId} AND location_id = ${locationId}`,
  );
  return { onHand: row?.on_hand ?? 0, reserved: row?.reserved ?? 0 };
}

describeEachDatabase('orders: where a shipped order leaves from (sourcing, split shipments)', (ctx) => {
  it('the warehouse when it has everything; else fewest parcels, then the store nearest the address; short lines are named', async () => {
    const app = ctx();
    const warehouse = await shippingLocation(app, '市川倉庫', { lat: 35.662, lng: 139.931 }, 'warehouse');
    const shibuya = await shippingLocation(app, '渋谷店', { lat: 35.6612, lng: 139.6988 });
    const umeda = await shippingLocation(app, '梅田店', { lat: 34.7036, lng: 135.4993 });
    const noShip = await shippingLocation(app, '原宿店', { lat: 35.6693, lng: 139.7055 }, 'store', false);
    const [x, y, z] = await Promise.all([
      createTestProduct(app, { name: 'シャツ' }),
      createTestProduct(app, { name: 'パンツ' }),
      createTestProduct(app, { name: '帽子' }),
    ]).then((ps) => ps.map((p) => p.variantIds[0]!));
    await receive(app, x!, warehouse, 5);
    await receive(app, y!, shibuya, 5);
    await receive(app, y!, umeda, 5);
    await receive(app, z!, noShip, 5);

    const cart = (await app.api('POST', '/api/carts', { token: null, body: {} })).json();
    const add = (v: string) =>
      app.api('POST', `/api/carts/${cart.id}/lines`, { token: null, body: { variantId: v, quantity: 1 } });
    const shipTo = async (address: typeof tokyo) =>
      (
        await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, { token: null, body: { type: 'ship', address } })
      ).json();
    await add(x!);
    expect((await shipTo(tokyo)).shipments).toEqual([
      {
        locationId: warehouse,
        name: '市川倉庫',
        kind: 'warehouse',
        distanceKm: expect.any(Number),
        lines: [{ variantId: x, quantity: 1 }],
      },
    ]);

    // The warehouse lacks y: a second parcel from the store nearest the address.
    await add(y!);
    expect(
      (await shipTo(tokyo)).shipments.map((s: { locationId: string; lines: unknown[] }) => [
        s.locationId,
        s.lines.length,
      ]),
    ).toEqual([
      [warehouse, 1],
      [shibuya, 1],
    ]);
    expect((await shipTo(osaka)).shipments.map((s: { locationId: string }) => s.locationId)).toEqual([
      warehouse,
      umeda,
    ]);

    // A store with both beats two parcels, even though the warehouse has one of them.
    await receive(app, x!, umeda, 2);
    const one = await shipTo(tokyo);
    expect(one.shipments.map((s: { locationId: string; lines: unknown[] }) => [s.locationId, s.lines.length])).toEqual([
      [umeda, 2],
    ]);
    expect(one.issues).toEqual([]);

    // z is only in a store that does not ship: named as unavailable, and checkout refuses it.
    await add(z!);
    const short = await shipTo(tokyo);
    expect(short.issues.map((i: { variantId: string }) => i.variantId)).toEqual([z]);
    expect(short.issues[0].alternatives.locations.map((l: { locationId: string }) => l.locationId)).toContain(noShip);
    const refused = await app.api('POST', `/api/carts/${cart.id}/checkout`, {
      token: null,
      body: { payment: card, guest: { name: '山田 花子', email: 'hanako@example.jp' } },
    });
    expect([refused.statusCode, refused.json().code]).toEqual([409, 'cart.unavailable']);
    expect(refused.json().detail).toContain('帽子');
    expect(await level(app, x!, umeda)).toEqual({ onHand: 2, reserved: 0 });
  });

  it('a split order: one parcel per source, each in its own queue; the money moves with the first, the order completes with the last', async () => {
    const app = ctx();
    const warehouse = await shippingLocation(app, '市川倉庫', { lat: 35.662, lng: 139.931 }, 'warehouse');
    const shibuya = await shippingLocation(app, '渋谷店', { lat: 35.6612, lng: 139.6988 });
    const {
      variantIds: [x],
    } = await createTestProduct(app, { name: 'シャツ' });
    const {
      variantIds: [y],
    } = await createTestProduct(app, { name: 'パンツ' });
    await receive(app, x!, warehouse, 5);
    await receive(app, y!, shibuya, 5);
    const { token } = await registerCustomer(app);

    const placeSplit = async () => {
      const cart = (await app.api('GET', '/api/account/cart', { token })).json();
      await app.api('POST', `/api/carts/${cart.id}/lines`, { token, body: { variantId: x, quantity: 2 } });
      await app.api('POST', `/api/carts/${cart.id}/lines`, { token, body: { variantId: y, quantity: 1 } });
      expect(
        (await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, { token, body: { type: 'ship', address: tokyo } }))
          .statusCode,
      ).toBe(200);
      const placed = await app.api('POST', `/api/carts/${cart.id}/checkout`, {
        token,
        body: { payment: card },
        headers: { 'idempotency-key': `split-${cart.id}` },
      });
      expect(placed.statusCode, placed.body).toBe(201);
      return placed.json();
    };
    const order = await placeSplit();
    // ¥3,300 < ¥5,000: one shipping fee for the order, however many parcels.
    expect(order).toMatchObject({ total: 3850, shippingFee: 550, status: 'placed' });
    const byLoc = Object.fromEntries(
      order.fulfilments.map((f: { locationId: string; id: string }) => [f.locationId, f.id]),
    );
    expect(Object.keys(byLoc).sort()).toEqual([shibuya, warehouse].sort());
    expect(order.lines.find((l: { variantId: string }) => l.variantId === x).fulfilmentId).toBe(byLoc[warehouse]);
    expect(order.lines.find((l: { variantId: string }) => l.variantId === y).fulfilmentId).toBe(byLoc[shibuya]);
    expect(await level(app, x!, warehouse)).toEqual({ onHand: 5, reserved: 2 });
    expect(await level(app, y!, shibuya)).toEqual({ onHand: 5, reserved: 1 });
    const queue = (await app.api('GET', `/api/locations/${shibuya}/order-queue`)).json().items;
    expect(queue.map((o: { id: string }) => o.id)).toContain(order.id);

    const step = (fid: string, status: string) =>
      app.api('POST', `/api/orders/${order.id}/fulfilments/${fid}/status`, { body: { status } });
    const first = (await step(byLoc[warehouse], 'shipped')).json();
    expect(first).toMatchObject({
      status: 'placed',
      pointsEarned: 33, // on the ¥3,300 of goods: the ¥550 fee earns nothing (earnableSpend)
      payments: [{ status: 'captured', capturedAmount: 3850 }],
    });
    expect(await level(app, x!, warehouse)).toEqual({ onHand: 3, reserved: 0 });
    // Part has left: the rest cannot be cancelled any more (it ships, or comes back as a return).
    const late = await step(byLoc[shibuya], 'cancelled');
    expect([late.statusCode, late.json().code]).toEqual([409, 'order.partially_shipped']);
    const done = (await step(byLoc[shibuya], 'shipped')).json();
    expect(done).toMatchObject({ status: 'completed', pointsEarned: 33 });
    const loyalty = (await app.api('GET', '/api/account/loyalty', { token })).json();
    expect(loyalty.balance).toBe(33); // earned once, not per parcel

    // Cancelled before anything left: the whole order, both reservations released, the card voided.
    const second = await placeSplit();
    const ids = second.fulfilments.map((f: { id: string }) => f.id);
    const cancelled = (
      await app.api('POST', `/api/orders/${second.id}/fulfilments/${ids[1]}/status`, { body: { status: 'cancelled' } })
    ).json();
    expect(cancelled).toMatchObject({ status: 'cancelled', payments: [{ status: 'voided' }] });
    expect(cancelled.fulfilments.map((f: { status: string }) => f.status)).toEqual(['cancelled', 'cancelled']);
    expect(await level(app, x!, warehouse)).toEqual({ onHand: 3, reserved: 0 });
    expect(await level(app, y!, shibuya)).toEqual({ onHand: 4, reserved: 0 });
  });
});
