import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  receive,
  type TestApp,
} from '../../test/harness.ts';
import { query } from '../../platform/db/connection.ts';

async function level(app: TestApp, variantId: string, locationId: string) {
  const res = await app.api('GET', `/api/availability?locationId=${locationId}&variantIds=${variantId}`);
  expect(res.statusCode).toBe(200);
  return (res.json() as { items: Array<{ onHand: number; reserved: number; available: number; inTransit: number }> })
    .items[0]!;
}

async function ledgerExplains(app: TestApp, variantId: string, locationId: string) {
  const [row] = await query<{ sum: number; on_hand: number }>(
    app.server.database.db,
    sql`SELECT (SELECT coalesce(sum(quantity), 0)::int FROM stock_movements WHERE variant_id = ${variantId} AND location_id = ${locationId}) AS sum,
               (SELECT on_hand FROM stock_levels WHERE variant_id = ${variantId} AND location_id = ${locationId}) AS on_hand`,
  );
  expect(Number(row!.sum)).toBe(Number(row!.on_hand));
}

async function reservedMatchesActiveLines(app: TestApp, variantId: string, locationId: string) {
  const [row] = await query<{ lines: number; reserved: number }>(
    app.server.database.db,
    sql`SELECT (SELECT coalesce(sum(l.quantity), 0)::int FROM reservation_lines l JOIN reservations r ON r.id = l.reservation_id
                 WHERE l.variant_id = ${variantId} AND l.location_id = ${locationId} AND r.status = 'active') AS lines,
               (SELECT reserved FROM stock_levels WHERE variant_id = ${variantId} AND location_id = ${locationId}) AS reserved`,
  );
  expect(Number(row!.reserved)).toBe(Number(row!.lines));
}

describeEachDatabase('inventory', (ctx) => {
  it('a receipt adds stock, a sale takes it, and the ledger explains every unit', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    const first = await receive(app, v!, loc, 10);
    expect(first.level).toMatchObject({ onHand: 10, reserved: 0, available: 10 });
    expect(first.movement).toMatchObject({ kind: 'receipt', quantity: 10, onHandAfter: 10, staffId: 'stf_bootstrap' });
    const sale = await app.api('POST', '/api/stock-movements', {
      body: { variantId: v, locationId: loc, kind: 'sale', quantity: 3 },
    });
    expect(sale.statusCode).toBe(201);
    expect(sale.json().level).toMatchObject({ onHand: 7, available: 7 });
    const ret = await app.api('POST', '/api/stock-movements', {
      body: { variantId: v, locationId: loc, kind: 'return', quantity: 1 },
    });
    expect(ret.json().level.onHand).toBe(8);
    await ledgerExplains(app, v!, loc);
  });

  it("a product's availability near a point lists the nearest `limit` locations only, nearest first", async () => {
    const app = ctx();
    // Three stores around a point far from every other test's (那覇), 1, 2 and 3 km north of it.
    const near = { lat: 26.2124, lng: 127.6809 };
    const [a, b, c] = [
      await createTestLocation(app, { lat: near.lat + 0.027, lng: near.lng }),
      await createTestLocation(app, { lat: near.lat + 0.009, lng: near.lng }),
      await createTestLocation(app, { lat: near.lat + 0.018, lng: near.lng }),
    ];
    const { productId, variantIds } = await createTestProduct(app, { variants: 2 });
    await receive(app, variantIds[0]!, b!, 4);
    await receive(app, variantIds[0]!, a!, 2);
    const res = await app.api('GET', `/api/products/${productId}/availability?near=${near.lat},${near.lng}&limit=2`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      locations: Array<{ id: string; distanceKm: number }>;
      items: Array<{ variantId: string; locationId: string; available: number }>;
    };
    expect(body.locations.map((l) => l.id)).toEqual([b, c]);
    expect(body.locations[0]!.distanceKm).toBeCloseTo(1, 0);
    expect(body.items).toHaveLength(variantIds.length * 2);
    expect(body.items.find((i) => i.variantId === variantIds[0] && i.locationId === b)?.available).toBe(4);
    const all = await app.api('GET', `/api/products/${productId}/availability?near=${near.lat},${near.lng}`);
    const every = (all.json() as { locations: Array<{ id: string }> }).locations.map((l) => l.id);
    expect(every.slice(0, 3)).toEqual([b, c, a]);
    // Her マイストア (a, third nearest) listed too with `also`, in its place by distance, with its stock.
    const mine = await app.api(
      'GET',
      `/api/products/${productId}/availability?near=${near.lat},${near.lng}&limit=2&also=${a}`,
    );
    expect(mine.statusCode, mine.body).toBe(200);
    const withMine = mine.json() as typeof body;
    expect(withMine.locations.map((l) => l.id)).toEqual([b, c, a]);
    expect(withMine.items.find((i) => i.variantId === variantIds[0] && i.locationId === a)?.available).toBe(2);
    const none = await app.api(
      'GET',
      `/api/products/${productId}/availability?near=${near.lat},${near.lng}&limit=2&also=`,
    );
    expect(none.statusCode).toBe(400);
  });

  it('a count sets the shelf total and records the difference', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    await receive(app, v!, loc, 12);
    const count = await app.api('POST', '/api/stock-movements', {
      body: { variantId: v, locationId: loc, kind: 'count', quantity: 9 },
    });
    expect(count.statusCode).toBe(201);
    expect(count.json().movement).toMatchObject({ kind: 'count', quantity: -3, onHandAfter: 9 });
    await ledgerExplains(app, v!, loc);
  });

  it('an adjustment needs a reason and cannot take stock below zero', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    await receive(app, v!, loc, 2);
    const noReason = await app.api('POST', '/api/stock-movements', {
      body: { variantId: v, locationId: loc, kind: 'adjustment', quantity: -1 },
      headers: { 'accept-language': 'en' },
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.headers['content-type']).toContain('application/problem+json');
    expect(noReason.json().errors).toEqual([{ field: 'reason', message: 'A reason is required' }]);
    const tooMuch = await app.api('POST', '/api/stock-movements', {
      body: { variantId: v, locationId: loc, kind: 'adjustment', quantity: -5, reason: '破損' },
    });
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.json()).toMatchObject({ code: 'inventory.insufficient_stock', available: 2, requested: 5 });
    const ok = await app.api('POST', '/api/stock-movements', {
      body: { variantId: v, locationId: loc, kind: 'adjustment', quantity: -2, reason: '破損' },
    });
    expect(ok.json().movement).toMatchObject({ quantity: -2, reason: '破損' });
  });

  it('a transfer leaves the store now and arrives when the other store receives it', async () => {
    const app = ctx();
    const from = await createTestLocation(app);
    const to = await createTestLocation(app);
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    await receive(app, v!, from, 5);
    const out = await app.api('POST', '/api/stock-movements', {
      body: { variantId: v, locationId: from, kind: 'transfer', quantity: 3, toLocationId: to },
    });
    expect(out.statusCode).toBe(201);
    const transferId = out.json().transfer.id as string;
    expect(await level(app, v!, from)).toMatchObject({ onHand: 2 });
    expect(await level(app, v!, to)).toMatchObject({ onHand: 0, inTransit: 3, available: 0 });
    const inbound = await app.api('GET', `/api/transfers?locationId=${to}&status=in_transit`);
    expect(inbound.json().items.map((t: { id: string }) => t.id)).toContain(transferId);
    const rec = await app.api('POST', `/api/transfers/${transferId}/receive`);
    expect(rec.statusCode).toBe(201);
    expect(await level(app, v!, to)).toMatchObject({ onHand: 3, inTransit: 0, available: 3 });
    const again = await app.api('POST', `/api/transfers/${transferId}/receive`);
    expect(again.statusCode).toBe(409);
    await ledgerExplains(app, v!, from);
    await ledgerExplains(app, v!, to);
  });

  it('a reservation holds stock, release gives it back, commit turns it into a sale', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    await receive(app, v!, loc, 5);
    const r1 = await app.api('POST', '/api/reservations', {
      body: {
        lines: [{ variantId: v, locationId: loc, quantity: 2 }],
        ttlSeconds: 600,
        reason: 'hold',
        reference: '取り置き 田中様',
      },
    });
    expect(r1.statusCode).toBe(201);
    expect(r1.json()).toMatchObject({
      status: 'active',
      reason: 'hold',
      lines: [{ variantId: v, locationId: loc, quantity: 2 }],
    });
    expect(await level(app, v!, loc)).toMatchObject({ onHand: 5, reserved: 2, available: 3 });
    const rel = await app.api('POST', `/api/reservations/${r1.json().id}/release`);
    expect(rel.json().status).toBe('released');
    expect(await level(app, v!, loc)).toMatchObject({ reserved: 0, available: 5 });
    const relAgain = await app.api('POST', `/api/reservations/${r1.json().id}/release`);
    expect(relAgain.statusCode).toBe(409);
    expect(relAgain.json().code).toBe('inventory.reservation_not_active');

    const r2 = await app.api('POST', '/api/reservations', {
      body: {
        lines: [{ variantId: v, locationId: loc, quantity: 3 }],
        ttlSeconds: 600,
        reason: 'order',
        reference: 'ord_1',
      },
    });
    const commit = await app.api('POST', `/api/reservations/${r2.json().id}/commit`);
    expect(commit.statusCode).toBe(200);
    expect(commit.json().status).toBe('committed');
    expect(await level(app, v!, loc)).toMatchObject({ onHand: 2, reserved: 0, available: 2 });
    await ledgerExplains(app, v!, loc);
    const moves = await app.api('GET', `/api/stock-movements?locationId=${loc}&variantId=${v}`);
    expect(moves.json().items[0]).toMatchObject({
      kind: 'sale',
      quantity: -3,
      reservationId: r2.json().id,
      reference: 'ord_1',
    });
  });

  it('reserving an unknown item or location is a 404, not "out of stock"', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    const noVariant = await app.api('POST', '/api/reservations', {
      body: { lines: [{ variantId: 'var_nope', locationId: loc, quantity: 1 }], ttlSeconds: 60, reason: 'cart' },
    });
    expect(noVariant.statusCode).toBe(404);
    expect(noVariant.json().code).toBe('catalog.variant_not_found');
    const noLoc = await app.api('POST', '/api/reservations', {
      body: { lines: [{ variantId: v, locationId: 'loc_nope', quantity: 1 }], ttlSeconds: 60, reason: 'cart' },
    });
    expect(noLoc.statusCode).toBe(404);
    expect(noLoc.json().code).toBe('locations.not_found');
  });

  it('a reservation is all lines or none, and the 409 names the short line', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const {
      variantIds: [a, b],
    } = await createTestProduct(app, { variants: 2 });
    await receive(app, a!, loc, 5);
    await receive(app, b!, loc, 1);
    const res = await app.api('POST', '/api/reservations', {
      body: {
        lines: [
          { variantId: a, locationId: loc, quantity: 2 },
          { variantId: b, locationId: loc, quantity: 2 },
        ],
        ttlSeconds: 60,
        reason: 'cart',
      },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'inventory.insufficient_stock',
      variantId: b,
      locationId: loc,
      requested: 2,
      available: 1,
    });
    expect(res.json().detail).toContain('1 点');
    expect(await level(app, a!, loc)).toMatchObject({ reserved: 0, available: 5 });
  });

  it('an expired hold gives its stock back at the next read, before any job runs', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    await receive(app, v!, loc, 3);
    const r = await app.api('POST', '/api/reservations', {
      body: { lines: [{ variantId: v, locationId: loc, quantity: 3 }], ttlSeconds: 1, reason: 'hold' },
    });
    expect(r.statusCode).toBe(201);
    expect(await level(app, v!, loc)).toMatchObject({ available: 0 });
    await new Promise((ok) => setTimeout(ok, 1200));
    expect(await level(app, v!, loc)).toMatchObject({ reserved: 0, available: 3 });
    const after = await app.api('GET', `/api/reservations/${r.json().id}`);
    expect(after.json().status).toBe('expired');
    const commit = await app.api('POST', `/api/reservations/${r.json().id}/commit`);
    expect(commit.statusCode).toBe(409);
    await reservedMatchesActiveLines(app, v!, loc);
  });

  it('a new reservation can take stock from a hold that has just lapsed', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    await receive(app, v!, loc, 1);
    await app.api('POST', '/api/reservations', {
      body: { lines: [{ variantId: v, locationId: loc, quantity: 1 }], ttlSeconds: 1, reason: 'cart' },
    });
    await new Promise((ok) => setTimeout(ok, 1200));
    const r = await app.api('POST', '/api/reservations', {
      body: { lines: [{ variantId: v, locationId: loc, quantity: 1 }], ttlSeconds: 60, reason: 'cart' },
    });
    expect(r.statusCode).toBe(201);
    await reservedMatchesActiveLines(app, v!, loc);
  });

  it('the background sweep releases expired reservations and extend keeps one alive', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    await receive(app, v!, loc, 4);
    const short = await app.api('POST', '/api/reservations', {
      body: { lines: [{ variantId: v, locationId: loc, quantity: 2 }], ttlSeconds: 1, reason: 'cart' },
    });
    const kept = await app.api('POST', '/api/reservations', {
      body: { lines: [{ variantId: v, locationId: loc, quantity: 1 }], ttlSeconds: 1, reason: 'cart' },
    });
    const ext = await app.api('POST', `/api/reservations/${kept.json().id}/extend`, { body: { ttlSeconds: 600 } });
    expect(ext.statusCode).toBe(200);
    expect(new Date(ext.json().expiresAt).getTime()).toBeGreaterThan(Date.now() + 500_000);
    await new Promise((ok) => setTimeout(ok, 1200));
    const { sweepExpired } = await import('./service.ts');
    expect(await sweepExpired(app.server.database.db)).toBeGreaterThanOrEqual(1);
    const [row] = await query<{ status: string }>(
      app.server.database.db,
      sql`SELECT status FROM reservations WHERE id = ${short.json().id}`,
    );
    expect(row!.status).toBe('expired');
    expect(await level(app, v!, loc)).toMatchObject({ reserved: 1, available: 3 });
    await reservedMatchesActiveLines(app, v!, loc);
  });

  it('never oversells: 200 concurrent reservations of 1 against 50 units → exactly 50', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    await receive(app, v!, loc, 50);
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        app.api('POST', '/api/reservations', {
          body: { lines: [{ variantId: v, locationId: loc, quantity: 1 }], ttlSeconds: 600, reason: 'cart' },
        }),
      ),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(50);
    expect(codes.filter((c) => c === 409)).toHaveLength(150);
    expect(await level(app, v!, loc)).toMatchObject({ onHand: 50, reserved: 50, available: 0 });
    await reservedMatchesActiveLines(app, v!, loc);
  });

  it('never oversells multi-line carts racing in opposite line orders, without deadlocks', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const loc2 = await createTestLocation(app);
    const {
      variantIds: [a, b],
    } = await createTestProduct(app, { variants: 2 });
    await receive(app, a!, loc, 50);
    await receive(app, b!, loc2, 50);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const lines = [
          { variantId: a, locationId: loc, quantity: 1 },
          { variantId: b, locationId: loc2, quantity: 1 },
        ];
        return app.api('POST', '/api/reservations', {
          body: { lines: i % 2 ? lines : lines.reverse(), ttlSeconds: 600, reason: 'cart' },
        });
      }),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(50);
    expect(codes.filter((c) => c === 409)).toHaveLength(150);
    expect(await level(app, a!, loc)).toMatchObject({ reserved: 50, available: 0 });
    expect(await level(app, b!, loc2)).toMatchObject({ reserved: 50, available: 0 });
    await reservedMatchesActiveLines(app, a!, loc);
    await reservedMatchesActiveLines(app, b!, loc2);
  });

  it('concurrent sales and transfers never take stock below zero', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const other = await createTestLocation(app);
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    await receive(app, v!, loc, 20);
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        app.api('POST', '/api/stock-movements', {
          body:
            i % 2
              ? { variantId: v, locationId: loc, kind: 'sale', quantity: 1 }
              : { variantId: v, locationId: loc, kind: 'transfer', quantity: 1, toLocationId: other },
        }),
      ),
    );
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(20);
    expect(await level(app, v!, loc)).toMatchObject({ onHand: 0 });
    await ledgerExplains(app, v!, loc);
  });
});
