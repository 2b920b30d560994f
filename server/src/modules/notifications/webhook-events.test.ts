import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { query } from '../../platform/db/connection.ts';
import { deliverOutbox } from '../../platform/dispatcher.ts';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  newStaff,
  receive,
  registerCustomer,
  type TestApp,
} from '../../test/harness.ts';
import { locations } from '../locations/schema.ts';
import { addDays, atJapan, japanDate } from '../appointments/calendar.ts';
import { moveAppointment } from '../appointments/service.ts';
import { TEST_CARDS } from '../payments/service.ts';
import { sendServiceMessage } from './notifier.ts';
import { webhookEventNames } from './webhook-events.ts';
import { webhookChannel } from './webhooks.ts';
import { tableChanged } from '../../platform/db/table-cache.ts';

interface Delivery {
  headers: IncomingMessage['headers'];
  body: string;
  /** What `Webhook.verify` returned: the parsed body, only when the signature is good. */
  verified: { id: string; event: string; occurredAt: string; data: Record<string, any> } | null;
  error: string | null;
}

/** An integrator's receiver on loopback, verifying every delivery with the Standard Webhooks library. */
async function standardReceiver(secret: () => string) {
  const got: Delivery[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      let verified: Delivery['verified'] = null;
      let error: string | null = null;
      try {
        verified = new Webhook(secret()).verify(body, req.headers as Record<string, string>) as Delivery['verified'];
      } catch (err) {
        error = String(err);
      }
      got.push({ headers: req.headers, body, verified, error });
      res.writeHead(error ? 401 : 204);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    got,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** What the dispatcher does after commit: events to their subscribers, then the webhooks (a second on, so coalesced events are due). */
async function deliver(app: TestApp) {
  const db = app.server.database.db;
  return deliverOutbox(
    db,
    {
      event: app.server.subscribers.channel(),
      webhook: webhookChannel(db, { egress: app.server.egress, timeoutMs: 10_000 }),
    },
    // The receiver shares this process with PGlite: under load an answer can come late; the attempt is then
    // made again at once, and the receiver dedupes on webhook-id, as integrators are told to.
    { now: () => new Date(Date.now() + 1500), backoffMs: () => 0 },
  );
}

const ship = {
  postalCode: '150-0041',
  prefecture: '東京都',
  city: '渋谷区',
  line1: '神南1-1-1',
  name: '山田 花子',
  phone: '090-1234-5678',
};

describeEachDatabase('webhooks for every change, each verified with the standardwebhooks library', (ctx) => {
  let rx: Awaited<ReturnType<typeof standardReceiver>>;
  let secret = '';
  let store = '';
  const verified = (event: string) => rx.got.filter((d) => d.verified?.event === event).map((d) => d.verified!);

  beforeAll(async () => {
    rx = await standardReceiver(() => secret);
    const created = await ctx().api('POST', '/api/webhooks', { body: { url: rx.url, events: ['*'] } });
    expect(created.statusCode, created.body).toBe(201);
    secret = created.json().secret;
    store = await createTestLocation(ctx(), { name: '渋谷店' });
    await ctx()
      .server.database.db.update(locations)
      .set({ services: { pickup: true, orderAhead: false, deliveryRadiusKm: null, shipping: true } })
      .where(eq(locations.id, store));
    tableChanged(ctx().server.database.db, 'locations'); // kept in memory by the server: read again
  });
  afterAll(async () => {
    expect(rx.got.filter((d) => d.error)).toEqual([]); // every delivery verified
    await rx.close();
  });

  it('the catalogue: product.created, product.updated, price.changed and product.archived', async () => {
    const app = ctx();
    const { productId, variantIds } = await createTestProduct(app, { name: '今治タオル' });
    expect(
      (await app.api('PATCH', `/api/products/${productId}`, { body: { name: '今治タオル フェイス' } })).statusCode,
    ).toBe(200);
    expect((await app.api('PATCH', `/api/variants/${variantIds[0]}`, { body: { price: 1650 } })).statusCode).toBe(200);
    expect((await app.api('POST', `/api/products/${productId}/archive`)).statusCode).toBe(200);
    await deliver(app);
    expect(verified('product.created').find((b) => b.data.product.id === productId)?.data.product).toMatchObject({
      name: '今治タオル',
      status: 'active',
      variants: [{ id: variantIds[0], price: 1100 }],
    });
    expect(verified('product.updated').find((b) => b.data.product.id === productId)?.data.product.name).toBe(
      '今治タオル フェイス',
    );
    expect(verified('price.changed').find((b) => b.data.variantId === variantIds[0])?.data).toMatchObject({
      productId,
      price: 1650,
      previousPrice: 1100,
    });
    expect(verified('product.archived').find((b) => b.data.product.id === productId)?.data.product.status).toBe(
      'archived',
    );
  });

  it('a burst of sales of one SKU at one store is one delivery with the latest figures; falling below the reorder point is inventory.low', async () => {
    const app = ctx();
    const {
      variantIds: [variantId],
    } = await createTestProduct(app);
    await receive(app, variantId!, store, 30);
    await deliver(app);
    const before = rx.got.length;
    // 25 changes as fast as the server takes them (sales at the till one unit at a time).
    for (let i = 0; i < 25; i++) {
      const res = await app.api('POST', '/api/stock-movements', {
        body: { variantId, locationId: store, kind: 'adjustment', quantity: -1, reason: 'テスト販売' },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    await deliver(app);
    const levels = new Map(
      rx.got
        .slice(before)
        .filter((d) => d.verified?.event === 'inventory.level_changed' && d.verified.data.variantId === variantId)
        .map((d) => [d.verified!.id, d.verified!] as const),
    );
    expect(levels.size).toBe(1);
    expect([...levels.values()][0]!.data).toMatchObject({
      locationId: store,
      onHand: 5,
      reserved: 0,
      available: 5,
      availableBefore: 30,
    });
    // The default 発注点 is 3: 5 is not below it.
    expect(verified('inventory.low').filter((b) => b.data.variantId === variantId)).toEqual([]);

    // Its own 発注点 of 10 (the owner's), and the next sale takes it below.
    const point = (reorderPoint: number | null) =>
      app.api('PUT', '/api/stock-levels/reorder-point', { body: { variantId, locationId: store, reorderPoint } });
    expect((await point(10)).json()).toEqual({ variantId, locationId: store, reorderPoint: 10 });
    await app.api('POST', '/api/stock-movements', {
      body: { variantId, locationId: store, kind: 'adjustment', quantity: -1, reason: 'テスト販売' },
    });
    await deliver(app);
    expect(verified('inventory.low').filter((b) => b.data.variantId === variantId)).toEqual([]); // 5 → 4 is not a crossing
    expect((await point(null)).statusCode).toBe(200); // back to the default
    await deliver(app);
    await app.api('POST', '/api/stock-movements', {
      body: { variantId, locationId: store, kind: 'adjustment', quantity: -2, reason: 'テスト販売' },
    });
    await deliver(app);
    const low = verified('inventory.low').filter((b) => b.data.variantId === variantId);
    expect(low).toHaveLength(1);
    expect(low[0]!.data).toMatchObject({ locationId: store, available: 2, reorderPoint: 3 });
  });

  it('customers: created, updated and merged carry the record; deleted carries ids only and takes her out of the earlier news', async () => {
    const app = ctx();
    const { customer } = await registerCustomer(app, { name: '佐藤 恵', phone: '09011112222' });
    const { customer: twin } = await registerCustomer(app, { name: '佐藤 恵' });
    expect(
      (await app.api('PATCH', `/api/customers/${customer.id}`, { body: { nameKana: 'さとう めぐみ' } })).statusCode,
    ).toBe(200);
    const merged = await app.api('POST', `/api/customers/${customer.id}/merge`, {
      body: { otherId: twin.id, reason: '同一人物' },
    });
    expect(merged.statusCode, merged.body).toBe(201);
    await deliver(app);
    expect(verified('customer.created').find((b) => b.data.customer.id === customer.id)?.data.customer).toMatchObject({
      name: '佐藤 恵',
      email: customer.email,
    });
    expect(verified('customer.updated').find((b) => b.data.customer.id === customer.id)?.data.customer.nameKana).toBe(
      'さとう めぐみ',
    );
    expect(verified('customer.merged').find((b) => b.data.survivorId === customer.id)?.data).toMatchObject({
      mergedId: twin.id,
    });

    const deleted = await app.api('POST', `/api/customers/${customer.id}/delete`, { body: { reason: '本人の依頼' } });
    expect(deleted.statusCode, deleted.body).toBe(200);
    await deliver(app);
    const gone = rx.got.find(
      (d) => d.verified?.event === 'customer.deleted' && d.verified.data.customerId === customer.id,
    )!;
    expect(gone.verified!.data).toEqual({
      customerId: customer.id,
      deletedAt: expect.any(String),
      at: expect.any(String),
    });
    for (const personal of [customer.email, '佐藤', 'さとう', '09011112222', customer.memberNumber])
      expect(gone.body).not.toContain(personal);
    // Nothing of her stays in the outbox's earlier customer.* news (events and deliveries alike).
    const kept = await query<{ payload: unknown }>(
      app.server.database.db,
      sql`SELECT payload FROM outbox WHERE template LIKE 'customer.%' AND payload::text LIKE ${`%${customer.id}%`}`,
    );
    expect(kept.length).toBeGreaterThan(2);
    for (const row of kept) expect(JSON.stringify(row.payload)).not.toContain(customer.email);
  });

  it('orders, returns, refunds and points: order.* as before, return.created, refund.succeeded, points.changed', async () => {
    const app = ctx();
    const {
      variantIds: [variantId],
    } = await createTestProduct(app);
    await receive(app, variantId!, store, 10);
    const { token, customer } = await registerCustomer(app);
    await app.api('POST', '/api/loyalty/transactions', {
      body: { customerId: customer.id, kind: 'earn', points: 300, reason: 'テスト付与', reference: 'welcome' },
    });
    const checkout = async (fulfilment: Record<string, unknown>) => {
      const cart = (await app.api('POST', '/api/carts', { token, body: {} })).json();
      await app.api('POST', `/api/carts/${cart.id}/lines`, { token, body: { variantId, quantity: 1 } });
      await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, { token, body: fulfilment });
      const res = await app.api('POST', `/api/carts/${cart.id}/checkout`, {
        token,
        body: { payment: { method: 'card', card: { number: TEST_CARDS.approved } } },
      });
      expect(res.statusCode, res.body).toBe(201);
      const order = res.json();
      return {
        order,
        step: async (status: string) => {
          const r = await app.api('POST', `/api/orders/${order.id}/fulfilments/${order.fulfilments[0].id}/status`, {
            body: { status },
          });
          expect(r.statusCode, r.body).toBe(200);
        },
      };
    };
    const pickup = await checkout({ type: 'pickup', locationId: store });
    await pickup.step('picking');
    await pickup.step('ready');
    await pickup.step('picked_up');
    const parcel = await checkout({ type: 'ship', address: ship });
    await parcel.step('shipped');
    await parcel.step('delivered');
    const dropped = await checkout({ type: 'pickup', locationId: store });
    await dropped.step('cancelled');
    // 取り置き期限のお知らせ (engagement's reminder sends it as a service message, with its webhook).
    await sendServiceMessage(app.server.database.db, {
      customerId: customer.id,
      kind: 'hold_expiring',
      key: `test-reminder:${dropped.order.id}`,
      title: '取り置きの期限が近づいています',
      body: '明日までにお越しください。',
      link: `/account/orders/${dropped.order.id}`,
      url: null,
      order: { orderId: dropped.order.id, number: dropped.order.number },
      webhook: { event: 'order.hold_expiring', data: { orderId: dropped.order.id, customerId: customer.id } },
    });
    const ret = await app.api('POST', `/api/orders/${pickup.order.id}/returns`, {
      body: {
        lines: [{ orderLineId: pickup.order.lines[0].id, quantity: 1 }],
        locationId: store,
        reason: 'サイズ違い',
      },
    });
    expect(ret.statusCode, ret.body).toBe(201);
    await deliver(app);

    for (const status of ['placed', 'picking', 'ready', 'picked_up'])
      expect(verified(`order.${status}`).find((b) => b.data.orderId === pickup.order.id)?.data).toMatchObject({
        number: pickup.order.number,
        customerId: customer.id,
      });
    for (const status of ['shipped', 'delivered'])
      expect(verified(`order.${status}`).some((b) => b.data.orderId === parcel.order.id)).toBe(true);
    expect(verified('order.cancelled').some((b) => b.data.orderId === dropped.order.id)).toBe(true);
    expect(verified('order.hold_expiring').some((b) => b.data.orderId === dropped.order.id)).toBe(true);
    expect(verified('return.created').find((b) => b.data.order.id === pickup.order.id)?.data.return).toMatchObject({
      refundTotal: 1100,
      items: 1,
    });
    expect(verified('refund.succeeded').find((b) => b.data.orderId === pickup.order.id)?.data).toMatchObject({
      returnId: ret.json().return.id,
      refundedAs: 'card',
      amount: 1100,
    });
    const points = verified('points.changed').filter((b) => b.data.customerId === customer.id);
    expect(points[0]!.data).toMatchObject({ kind: 'earn', points: 300, balance: 300, reference: 'welcome' });
    expect(points.length).toBeGreaterThan(1); // the pickup's points earned, then taken back with the return
  });

  it('an endpoint hears only the types it chose; a type that does not exist is refused', async () => {
    const app = ctx();
    const refused = await app.api('POST', '/api/webhooks', { body: { url: rx.url, events: ['stock.nonsense'] } });
    expect(refused.statusCode).toBe(400);
    // The same receiver, with the same secret, so it verifies both endpoints' deliveries.
    const only = (
      await app.api('POST', '/api/webhooks', { body: { url: rx.url, events: ['price.changed'], secret } })
    ).json();
    const db = app.server.database.db;
    const { productId, variantIds } = await createTestProduct(app);
    await app.api('PATCH', `/api/variants/${variantIds[0]}`, { body: { price: 990 } });
    await deliver(app);
    const rows = await query<{ template: string }>(
      db,
      sql`SELECT template FROM outbox WHERE channel = 'webhook' AND recipient = ${only.id}`,
    );
    expect(rows.map((r) => r.template)).toEqual(['price.changed']);
    expect(verified('product.created').some((b) => b.data.product.id === productId)).toBe(true); // the '*' endpoint heard it
    await app.api('DELETE', `/api/webhooks/${only.id}`);
  });

  it('来店予約: booked, checked in, completed, a no-show and a cancellation', async () => {
    const app = ctx();
    const hours = Object.fromEntries(
      ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, { open: '10:00', close: '18:00' }]),
    );
    expect((await app.api('PATCH', `/api/locations/${store}`, { body: { openingHours: hours } })).statusCode).toBe(200);
    const clerk = await newStaff(app, 'staff', [store], { name: '鈴木 健太' });
    const service = await app.api('POST', '/api/appointment-services', {
      body: { locationId: store, nameJa: '採寸', durationMinutes: 30, capacityPerStaff: 3, staffIds: [clerk.id] },
    });
    expect(service.statusCode, service.body).toBe(201);
    const { token, customer } = await registerCustomer(app);
    const date = addDays(japanDate(new Date()), 2);
    const book = async (minutes: number) => {
      const res = await app.api('POST', '/api/account/appointments', {
        token,
        body: { serviceId: service.json().id, startsAt: atJapan(date, minutes).toISOString(), note: '' },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const [visit, missed, dropped] = [await book(11 * 60), await book(13 * 60), await book(15 * 60)];
    for (const action of ['check_in', 'complete'])
      expect(
        (await app.api('POST', `/api/appointments/${visit}/status`, { token: clerk.token, body: { action } }))
          .statusCode,
      ).toBe(200);
    const staff = {
      kind: 'staff' as const,
      staffId: clerk.id,
      name: '鈴木 健太',
      role: 'staff' as const,
      locationIds: [store],
    };
    await moveAppointment(app.server.database.db, staff, missed, 'no_show', atJapan(date, 13 * 60 + 20));
    expect((await app.api('POST', `/api/account/appointments/${dropped}/cancel`, { token })).statusCode).toBe(200);
    await deliver(app);
    const mine = (event: string) => verified(event).filter((b) => b.data.customerId === customer.id);
    expect(
      mine('appointment.booked')
        .map((b) => b.data.appointmentId)
        .sort(),
    ).toEqual([visit, missed, dropped].sort());
    expect(mine('appointment.checked_in')[0]!.data).toMatchObject({
      appointmentId: visit,
      status: 'checked_in',
      by: 'store',
    });
    expect(mine('appointment.completed')[0]!.data).toMatchObject({ appointmentId: visit, status: 'completed' });
    expect(mine('appointment.no_show')[0]!.data).toMatchObject({ appointmentId: missed, storeName: '渋谷店' });
    expect(mine('appointment.cancelled')[0]!.data).toMatchObject({
      appointmentId: dropped,
      by: 'customer',
      serviceName: '採寸',
    });
  });

  it('every event type was delivered, and verified, above', () => {
    const heard = new Set(rx.got.filter((d) => d.verified).map((d) => d.verified!.event));
    expect(webhookEventNames.filter((n) => !heard.has(n))).toEqual([]);
  });
});

describeEachDatabase('news only integrations hear is written only while one listens', (ctx) => {
  /** The integration-only events written so far (order.* and return.created are everyone's news). */
  const written = async (app: TestApp) =>
    (
      await query<{ template: string }>(
        app.server.database.db,
        sql`SELECT template FROM outbox WHERE channel = 'event'
             AND (template LIKE 'inventory.%' OR template LIKE 'product.%' OR template LIKE 'customer.%'
                  OR template IN ('price.changed', 'points.changed', 'refund.succeeded'))
             ORDER BY id`,
      )
    ).map((r) => r.template);

  it('no endpoint: stock, points, products, prices and customers change without one outbox row; an endpoint starts its news, its removal stops it', async () => {
    const app = ctx();
    const store = await createTestLocation(app, { name: '梅田店' });
    const move = (variantId: string, quantity: number) =>
      app.api('POST', '/api/stock-movements', {
        body: { variantId, locationId: store, kind: 'adjustment', quantity, reason: 'テスト' },
      });
    const { productId, variantIds } = await createTestProduct(app, { name: '信楽焼 湯のみ' });
    const variantId = variantIds[0]!;
    await receive(app, variantId, store, 20);
    expect((await move(variantId, -1)).statusCode).toBe(201);
    await app.api('PATCH', `/api/products/${productId}`, { body: { name: '信楽焼 湯のみ 大' } });
    await app.api('PATCH', `/api/variants/${variantId}`, { body: { price: 2200 } });
    const { customer } = await registerCustomer(app);
    await app.api('POST', '/api/loyalty/transactions', {
      body: { customerId: customer.id, kind: 'earn', points: 100, reason: 'テスト付与', reference: 'welcome' },
    });
    expect(await written(app)).toEqual([]);

    // An endpoint for 発注点 alerts only: the stock news it is worked out from is written, nothing else.
    const low = await app.api('POST', '/api/webhooks', {
      body: { url: 'http://127.0.0.1:9/hook', events: ['inventory.low'] },
    });
    expect(low.statusCode, low.body).toBe(201);
    expect((await move(variantId, -1)).statusCode).toBe(201);
    await app.api('PATCH', `/api/variants/${variantId}`, { body: { price: 2300 } });
    await app.api('POST', '/api/loyalty/transactions', {
      body: { customerId: customer.id, kind: 'earn', points: 5, reason: 'テスト付与', reference: 'again' },
    });
    expect(await written(app)).toEqual(['inventory.level_changed']);

    // Everything ('*'): points and prices too; removed again: nothing more.
    const all = (
      await app.api('POST', '/api/webhooks', { body: { url: 'http://127.0.0.1:9/all', events: ['*'] } })
    ).json();
    await app.api('PATCH', `/api/variants/${variantId}`, { body: { price: 2400 } });
    await app.api('POST', '/api/loyalty/transactions', {
      body: { customerId: customer.id, kind: 'earn', points: 5, reason: 'テスト付与', reference: 'third' },
    });
    expect(await written(app)).toEqual(['inventory.level_changed', 'price.changed', 'points.changed']);
    expect((await app.api('DELETE', `/api/webhooks/${all.id}`)).statusCode).toBe(204);
    expect((await app.api('DELETE', `/api/webhooks/${low.json().id}`)).statusCode).toBe(204);
    expect((await move(variantId, -1)).statusCode).toBe(201);
    await app.api('PATCH', `/api/variants/${variantId}`, { body: { price: 2500 } });
    await registerCustomer(app);
    expect(await written(app)).toHaveLength(3);
  });
});
