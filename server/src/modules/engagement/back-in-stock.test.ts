import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import {
  createTestLocation,
  createTestProduct,
  deliverEvents,
  describeEachDatabase,
  receive,
  registerCustomer,
  type TestApp,
} from '../../test/harness.ts';
import { onBackInStock } from './triggers/back-in-stock.ts';
import type { BackInStock } from '../inventory/service.ts';

let worlds = 0;
/** A store of this test's own, far from every other test's (so "nearest" is about this test's stores). */
async function store(app: TestApp, name = '渋谷店', offset = 0) {
  const at = { lat: 40 + 0.5 * ++worlds + offset, lng: 139.7 };
  return { id: await createTestLocation(app, { name, ...at }), ...at };
}

/** A member whose home store is `home` (her nearest store unless she names another). */
async function member(app: TestApp, home?: string) {
  const r = await registerCustomer(app);
  if (home)
    await app.server.database.db.execute(
      sql`UPDATE customers SET home_location_id = ${home} WHERE id = ${r.customer.id}`,
    );
  return { id: r.customer.id, token: r.token };
}

async function wish(app: TestApp, token: string, body: Record<string, unknown>) {
  return app.api('POST', '/api/account/restock-wishes', { token, body });
}

async function restockTrigger(app: TestApp, extra: Record<string, unknown> = {}) {
  const res = await app.api('POST', '/api/campaigns', {
    body: {
      name: '再入荷のお知らせ',
      title: '{{product}}が{{store}}に入荷しました',
      body: '{{store}}に{{units}}点入荷しました。お早めにどうぞ。',
      holdoutPercent: 0,
      trigger: { kind: 'back_in_stock', cooldownDays: 1, ...extra },
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().id as string;
  expect((await app.api('POST', `/api/campaigns/${id}/activate`)).statusCode).toBe(200);
  return id;
}

async function notices(app: TestApp, customerId: string) {
  return query<{ title: string; body: string; payload: { link: string | null } }>(
    app.server.database.db,
    sql`SELECT title, body, payload FROM notifications WHERE customer_id = ${customerId} AND kind = 'campaign'
         ORDER BY created_at`,
  );
}

async function told(app: TestApp, variantId: string) {
  return query<{ customer_id: string; outcome: string }>(
    app.server.database.db,
    sql`SELECT customer_id, outcome FROM restock_wishes WHERE variant_id = ${variantId} AND notified_at IS NOT NULL`,
  );
}

async function backInStockEvents(app: TestApp, variantId: string) {
  return query<{ id: number; payload: BackInStock }>(
    app.server.database.db,
    sql`SELECT id, payload FROM outbox WHERE channel = 'event' AND template = 'stock.back_in_stock'
         AND recipient = ${variantId} ORDER BY id`,
  );
}

describeEachDatabase('再入荷: back in stock at her store', (ctx) => {
  it('she asks to be told at her store; bad requests are 400, a guest 401, a store with stock 409', async () => {
    const app = ctx();
    const shibuya = await store(app);
    const warehouse = await createTestLocation(app, { name: '倉庫', kind: 'warehouse' });
    const {
      productId,
      variantIds: [v],
    } = await createTestProduct(app, { name: '撥水マウンテンジャケット' });
    const aiko = await member(app, shibuya.id);

    const first = await wish(app, aiko.token, { variantId: v });
    expect(first.statusCode, first.body).toBe(201);
    // Her nearest store by default: her home store.
    expect(first.json()).toMatchObject({
      variantId: v,
      productId,
      productName: '撥水マウンテンジャケット',
      locationId: shibuya.id,
      locationName: '渋谷店',
    });
    // Asking again answers the waiting wish.
    const again = await wish(app, aiko.token, { variantId: v, locationId: shibuya.id });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    const list = await app.api('GET', `/api/account/restock-wishes?variantId=${v}`, { token: aiko.token });
    expect(list.json().items.map((w: { id: string }) => w.id)).toEqual([first.json().id]);

    for (const [body, field] of [
      [{}, 'variantId'],
      [{ variantId: '' }, 'variantId'],
      [{ variantId: v, locationId: 12 }, 'locationId'],
      [{ variantId: v, extra: 1 }, ''],
      [{ variantId: v, locationId: warehouse }, 'locationId'],
    ] as const) {
      const res = await app.api('POST', '/api/account/restock-wishes', {
        token: aiko.token,
        body,
        headers: { 'accept-language': 'en' },
      });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(JSON.stringify(res.json())).toContain(field);
    }
    expect((await wish(app, aiko.token, { variantId: 'var_none' })).statusCode).toBe(404);
    expect((await wish(app, aiko.token, { variantId: v, locationId: 'loc_none' })).statusCode).toBe(404);
    const guest = await app.api('POST', '/api/account/restock-wishes', { token: null, body: { variantId: v } });
    expect(guest.statusCode).toBe(401);
    // Staff are not members.
    expect((await app.api('GET', '/api/account/restock-wishes')).statusCode).toBe(403);

    await receive(app, v!, shibuya.id, 2);
    const inStock = await wish(app, (await member(app, shibuya.id)).token, { variantId: v });
    expect(inStock.statusCode).toBe(409);
    expect(inStock.json()).toMatchObject({ code: 'engagement.restock_in_stock' });

    // Another member cannot cancel her wish; she can, once.
    const other = await member(app);
    const path = `/api/account/restock-wishes/${first.json().id}`;
    expect((await app.api('DELETE', path, { token: other.token })).statusCode).toBe(404);
    expect((await app.api('DELETE', path, { token: aiko.token })).statusCode).toBe(204);
    expect((await app.api('DELETE', path, { token: aiko.token })).statusCode).toBe(404);
  });

  it('a receipt at her store tells her 「…が渋谷店に入荷しました」 once, and her wish is answered', async () => {
    const app = ctx();
    const shibuya = await store(app);
    const {
      productId,
      variantIds: [v],
    } = await createTestProduct(app, { name: '折りたたみ傘' });
    const aiko = await member(app, shibuya.id);
    expect((await wish(app, aiko.token, { variantId: v })).statusCode).toBe(201);
    const id = await restockTrigger(app);

    await receive(app, v!, shibuya.id, 3);
    await receive(app, v!, shibuya.id, 2); // already available: no second restock
    expect((await backInStockEvents(app, v!)).map((e) => e.payload)).toEqual([
      expect.objectContaining({ variantId: v, locationId: shibuya.id, available: 3, kind: 'receipt' }),
    ]);
    await deliverEvents(app);
    expect((await notices(app, aiko.id)).map((n) => [n.title, n.body, n.payload.link])).toEqual([
      [
        '折りたたみ傘が渋谷店に入荷しました',
        '渋谷店に5点入荷しました。お早めにどうぞ。',
        `/shop/products/${productId}`,
      ],
    ]);
    expect((await app.api('GET', '/api/account/restock-wishes', { token: aiko.token })).json().items).toEqual([]);
    const firings = (await app.api('GET', `/api/campaigns/${id}/firings`)).json();
    expect(firings.items[0].detail).toMatchObject({ store: '渋谷店', units: 5, variantId: v });
    // The event handed over again (a redelivery) tells nobody twice.
    const [event] = await backInStockEvents(app, v!);
    expect(await onBackInStock(app.server.database.db, event!)).toBe(0);
    expect((await notices(app, aiko.id)).length).toBe(1);
    await app.api('POST', `/api/campaigns/${id}/pause`);
  });

  it('one unit is announced to at most factor members, those nearest the store first; the rest wait for the next', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const shibuya = await store(app);
    // Homes at increasing distances from 渋谷店 (about 1 km apart); everybody names 渋谷店.
    const homes = await Promise.all(
      [3, 1, 4, 2, 5].map((k) => createTestLocation(app, { lat: shibuya.lat + 0.009 * k, lng: shibuya.lng })),
    );
    const members = [];
    for (const home of homes) members.push(await member(app, home));
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    for (const m of members)
      expect((await wish(app, m.token, { variantId: v, locationId: shibuya.id })).statusCode).toBe(201);
    // Somebody waiting at another store is not told of this one.
    const elsewhere = await member(app, homes[1]);
    expect((await wish(app, elsewhere.token, { variantId: v, locationId: homes[1] })).statusCode).toBe(201);
    const id = await restockTrigger(app, { factor: 2 });

    await receive(app, v!, shibuya.id, 1);
    await deliverEvents(app);
    // 1 unit × 2: the two nearest (1 km, 2 km) — members[1] and members[3].
    expect((await told(app, v!)).map((t) => t.customer_id).sort()).toEqual([members[1]!.id, members[3]!.id].sort());
    expect((await notices(app, elsewhere.id)).length).toBe(0);

    // It sells out, and comes back: the next two.
    const sold = await app.api('POST', '/api/stock-movements', {
      body: { variantId: v, locationId: shibuya.id, kind: 'sale', quantity: 1 },
    });
    expect(sold.statusCode, sold.body).toBe(201);
    await receive(app, v!, shibuya.id, 1);
    await deliverEvents(app);
    expect((await told(app, v!)).map((t) => t.customer_id).sort()).toEqual(
      [members[0]!.id, members[1]!.id, members[2]!.id, members[3]!.id].sort(),
    );
    expect((await told(app, v!)).every((t) => t.outcome === 'queued')).toBe(true);
    const waiting = await query(db, sql`SELECT 1 FROM restock_wishes WHERE variant_id = ${v} AND notified_at IS NULL`);
    expect(waiting.length).toBe(2); // the farthest at 渋谷店, and the one at the other store
    await app.api('POST', `/api/campaigns/${id}/pause`);
  });

  it('two receipts racing, and the restock handled by several app copies at once, tell at most units × factor', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const shibuya = await store(app);
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    const members = await Promise.all(Array.from({ length: 12 }, () => member(app, shibuya.id)));
    for (const m of members) expect((await wish(app, m.token, { variantId: v })).statusCode).toBe(201);
    const id = await restockTrigger(app, { factor: 2 });

    // Two deliveries arrive at the same moment: 1 unit each.
    const receipts = await Promise.all([1, 2].map(() => receive(app, v!, shibuya.id, 1)));
    expect(receipts.length).toBe(2);
    const events = await backInStockEvents(app, v!);
    expect(events.length).toBe(1); // one of them made it available; the other added to it
    // Five copies handle the restock at once, and the dispatcher delivers it too.
    await Promise.all([...Array.from({ length: 5 }, () => onBackInStock(db, events[0]!)), deliverEvents(app)]);
    // 2 units × 2 = 4 members, exactly, however the handlers interleave.
    expect((await told(app, v!)).length).toBe(4);
    let inboxes = 0;
    for (const m of members) inboxes += (await notices(app, m.id)).length;
    expect(inboxes).toBe(4);
    await app.api('POST', `/api/campaigns/${id}/pause`);
  });
});
