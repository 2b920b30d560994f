import { expect, it } from 'vitest';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  newStaff,
  receive,
} from '../../../test/harness.ts';
import { seedDailyOrders } from './seed-orders.ts';

/**
 * 補充提案 through the API: 渋谷 sells ~6 a day of one variant and has 5 left; 原宿 next door sells few and
 * holds 40, the warehouse 500. Shibuya is told to get what the week ahead needs plus safety stock — from
 * Harajuku first (keeping what Harajuku will sell itself), then the warehouse; with neither, to buy it.
 * Accepting the transfer moves the stock; Shibuya's manager cannot take Harajuku's stock herself.
 */
const AS_OF = new Date(Date.now() - 60_000); // the forecast runs from today: the history ends now

describeEachDatabase('replenishment suggestions', (ctx) => {
  it('a transfer from the store nearby first, then the warehouse, the rest to buy; accepting moves the stock', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const shibuya = await createTestLocation(app, { name: '渋谷テスト店', lat: 35.6595, lng: 139.7005 });
    const harajuku = await createTestLocation(app, { name: '原宿テスト店', lat: 35.6702, lng: 139.7027 });
    const osaka = await createTestLocation(app, { name: '梅田テスト店', lat: 34.7025, lng: 135.4959 });
    const warehouse = await createTestLocation(app, { name: 'テスト倉庫', kind: 'warehouse', lat: 35.7, lng: 139.93 });
    const { productId, variantIds } = await createTestProduct(app, { variants: 2 });
    const [busy, quiet] = variantIds as [string, string];
    await seedDailyOrders(db, {
      store: shibuya,
      productId,
      variantIds,
      rates: [6, 0.05],
      days: 84,
      asOf: AS_OF,
      seed: 3,
    });
    await seedDailyOrders(db, {
      store: harajuku,
      productId,
      variantIds,
      rates: [0.5, 0],
      days: 84,
      asOf: AS_OF,
      seed: 4,
    });
    await receive(app, busy, shibuya, 5);
    await receive(app, busy, harajuku, 40);
    await receive(app, busy, osaka, 300); // too far to send
    await receive(app, quiet, shibuya, 20);

    const ask = async (token?: string) => {
      const res = await app.api(
        'GET',
        `/api/analytics/replenishment?locationId=${shibuya}&leadDays=7&serviceLevel=0.95`,
        {
          ...(token ? { token } : {}),
        },
      );
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as {
        items: Array<{
          variantId: string;
          forecast: number;
          safety: number;
          available: number;
          shortfall: number;
          transfers: Array<{ fromLocationId: string; quantity: number; km: number }>;
          purchase: number;
        }>;
      };
    };
    const first = (await ask()).items;
    // The quiet variant is covered (20 on hand for a week of ~0); the busy one is short.
    expect(first.map((i) => i.variantId)).toEqual([busy]);
    const s = first[0]!;
    expect(s.available).toBe(5);
    expect(s.forecast).toBeGreaterThan(30); // ~6 × 1.1 a day for 7 days
    expect(s.forecast).toBeLessThan(65);
    expect(s.safety).toBeGreaterThan(0);
    // (the answer's forecast and safety are rounded to a tenth; the shortfall is from the exact ones)
    expect(Math.abs(s.shortfall - Math.ceil(s.forecast + s.safety - 5))).toBeLessThanOrEqual(1);
    // Harajuku (1.2 km) sends what it can spare: 40 less ~0.5 a day for two weeks; Osaka is too far; no warehouse stock yet.
    expect(s.transfers[0]!.fromLocationId).toBe(harajuku);
    expect(s.transfers[0]!.km).toBeLessThan(2);
    expect(s.transfers[0]!.quantity).toBeGreaterThanOrEqual(30);
    expect(s.transfers[0]!.quantity).toBeLessThanOrEqual(40);
    expect(s.transfers.some((t) => t.fromLocationId === osaka)).toBe(false);
    expect(s.purchase).toBe(s.shortfall - s.transfers[0]!.quantity);

    // With stock in the warehouse, it covers the rest: nothing to buy.
    await receive(app, busy, warehouse, 500);
    const second = (await ask()).items[0]!;
    expect(second.transfers.map((t) => t.fromLocationId)).toEqual([harajuku, warehouse]);
    expect(second.purchase).toBe(0);

    // The purchase list is a CSV with Japanese headers.
    const csv = await app.api('GET', `/api/analytics/replenishment/purchase.csv?locationId=${shibuya}`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body.split('\r\n')[0]).toContain('発注数');

    // Shibuya's manager sees her store's suggestions but cannot take Harajuku's stock; head office can.
    const manager = await newStaff(app, 'store_manager', [shibuya]);
    expect((await ask(manager.token)).items).toHaveLength(1);
    const other = await app.api('GET', `/api/analytics/replenishment?locationId=${harajuku}`, { token: manager.token });
    expect(other.statusCode).toBe(403);
    const transfer = {
      variantId: busy,
      fromLocationId: harajuku,
      toLocationId: shibuya,
      quantity: second.transfers[0]!.quantity,
    };
    const refused = await app.api('POST', '/api/analytics/replenishment/transfers', {
      token: manager.token,
      body: transfer,
    });
    expect(refused.statusCode).toBe(403);
    const moved = await app.api('POST', '/api/analytics/replenishment/transfers', { body: transfer });
    expect(moved.statusCode, moved.body).toBe(201);
    const level = await app.api('GET', `/api/locations/${harajuku}/stock?variantIds=${busy}`);
    expect(level.statusCode, level.body).toBe(200);
    const harajukuLevel = (level.json() as { items: Array<{ variantId: string; onHand: number }> }).items.find(
      (l) => l.variantId === busy,
    );
    expect(harajukuLevel!.onHand).toBe(40 - transfer.quantity);
  });

  it('the largest shortfalls first, `limit` of them, with how many there are; the head of the whole list', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const store = await createTestLocation(app, { name: '吉祥寺補充テスト店', lat: 35.703, lng: 139.58 });
    const { productId, variantIds } = await createTestProduct(app, { variants: 3 });
    await seedDailyOrders(db, { store, productId, variantIds, rates: [2, 6, 4], days: 84, asOf: AS_OF, seed: 5 });
    const ask = async (limit?: number) => {
      const res = await app.api(
        'GET',
        `/api/analytics/replenishment?locationId=${store}${limit ? `&limit=${limit}` : ''}`,
      );
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { total: number; items: Array<{ variantId: string; shortfall: number }> };
    };
    const all = await ask();
    expect(all.total).toBe(3);
    expect(all.items.map((i) => i.variantId)).toEqual([variantIds[1], variantIds[2], variantIds[0]]);
    const top = await ask(2);
    expect(top.total).toBe(3);
    expect(top.items).toEqual(all.items.slice(0, 2));
    const csv = await app.api('GET', `/api/analytics/replenishment/purchase.csv?locationId=${store}&limit=1`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body.trim().split('\r\n')).toHaveLength(4); // the header and every item, whatever the limit
  });
});
