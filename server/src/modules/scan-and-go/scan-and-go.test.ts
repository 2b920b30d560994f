import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import { TEST_CARDS } from '../payments/service.ts';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  newStaff,
  receive,
  registerCustomer,
  type TestApp,
} from '../../test/harness.ts';
import { wallet } from '../loyalty/test-helpers.ts';
import { exitPassKey, pickedForCheck, signExitPass } from './service.ts';

interface Basket {
  id: string | null;
  itemCount: number;
  total: number;
  lines: Array<{ variantId: string; quantity: number; total: number }>;
}
interface Paid {
  order: {
    id: string;
    number: string;
    channel: string;
    locationId: string;
    total: number;
    pointsEarned: number;
    fulfilments: Array<{ type: string; status: string }>;
    payments: Array<{ method: string; amount: number }>;
  };
  pass: { code: string; itemCount: number; expiresAt: string };
  replayed: boolean;
}

/** A store with スキャン＆ゴー switched on (by its manager), a product stocked there, and a member with ¥20,000 in her wallet. */
async function world(app: TestApp, opts: { stock?: number; cap?: number; checkPercent?: number } = {}) {
  const store = await createTestLocation(app, { name: '渋谷店' });
  const manager = await newStaff(app, 'store_manager', [store]);
  const set = await app.api('PUT', `/api/locations/${store}/scan-and-go`, {
    token: manager.token,
    body: { enabled: true, basketCap: opts.cap ?? 30_000, checkPercent: opts.checkPercent ?? 10 },
  });
  expect(set.statusCode, set.body).toBe(200);
  const product = await createTestProduct(app, { name: 'オーガニックコットンTシャツ', variants: 2 });
  await receive(app, product.variantIds[0]!, store, opts.stock ?? 5);
  const member = await shopper(app, store);
  return { store, manager, product, variantId: product.variantIds[0]!, ...member };
}

async function shopper(app: TestApp, store: string, amount = 20_000) {
  const { token, customer } = await registerCustomer(app);
  const res = await wallet(app, { customerId: customer.id, kind: 'top_up', amount, method: 'cash', locationId: store });
  expect(res.statusCode, res.body).toBe(201);
  return { token, customer };
}

const add = (app: TestApp, token: string, store: string, variantId: string, quantity = 1) =>
  app.api('POST', `/api/account/scan-and-go/${store}/lines`, { token, body: { variantId, quantity } });
const basketOf = async (app: TestApp, token: string, store: string) => {
  const res = await app.api('GET', `/api/account/scan-and-go/${store}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Basket;
};
const pay = (app: TestApp, token: string, basketId: string, body: Record<string, unknown> = { method: 'wallet' }) =>
  app.api('POST', `/api/account/scan-and-go/baskets/${basketId}/pay`, { token, body });
const verify = (app: TestApp, token: string | undefined, locationId: string, code: string) =>
  app.api('POST', '/api/scan-and-go/exit-passes/verify', { ...(token ? { token } : {}), body: { locationId, code } });

const level = async (app: TestApp, variantId: string, locationId: string) =>
  (
    await query<{ on_hand: number; reserved: number }>(
      app.server.database.db,
      sql`SELECT on_hand, reserved FROM stock_levels WHERE variant_id = ${variantId} AND location_id = ${locationId}`,
    )
  )[0]!;

describeEachDatabase('スキャン＆ゴー: scan at the shelf, pay in the app, show the pass at the door', (ctx) => {
  it('she scans, pays with her wallet, the store sells the item, she earns points, and a clerk verifies the pass once', async () => {
    const app = ctx();
    const w = await world(app);
    const added = await add(app, w.token, w.store, w.variantId, 2);
    expect(added.statusCode, added.body).toBe(200);
    // The basket survives a reload: it is on the server.
    const basket = await basketOf(app, w.token, w.store);
    expect(basket).toMatchObject({ itemCount: 2, total: 2200 });

    const paid = await pay(app, w.token, basket.id!);
    expect(paid.statusCode, paid.body).toBe(200);
    const { order, pass } = paid.json() as Paid;
    expect(order).toMatchObject({ channel: 'app', locationId: w.store, total: 2200 });
    expect(order.fulfilments).toEqual([expect.objectContaining({ type: 'instore', status: 'completed' })]);
    expect(order.payments).toEqual([expect.objectContaining({ method: 'wallet', amount: 2200 })]);
    expect(order.pointsEarned).toBeGreaterThan(0);
    expect(pass.itemCount).toBe(2);
    // The units left the store; nothing stays reserved.
    expect(await level(app, w.variantId, w.store)).toEqual({ on_hand: 3, reserved: 0 });
    // Her wallet paid it.
    const wal = await app.api('GET', '/api/account/wallet', { token: w.token });
    expect(wal.json().balance).toBe(20_000 - 2200);
    // It is in her order history, with its receipt.
    const mine = await app.api('GET', '/api/account/orders', { token: w.token });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(JSON.stringify(mine.json())).toContain(order.id);
    // The basket is paid: a new one starts empty.
    expect((await basketOf(app, w.token, w.store)).id).toBeNull();

    // At the door: a clerk of the store sees the paid items, once.
    const clerk = await newStaff(app, 'staff', [w.store], { name: '田中 さくら' });
    const first = await verify(app, clerk.token, w.store, pass.code);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ itemCount: 2, verifiedBy: '田中 さくら', again: false });
    expect(first.json().lines).toEqual([expect.objectContaining({ quantity: 2, total: 2200 })]);
    const rows = await query<{ verified_by: string; verified_at: Date }>(
      app.server.database.db,
      sql`SELECT verified_by, verified_at FROM scan_and_go_exit_passes WHERE order_id = ${order.id}`,
    );
    expect(rows[0]).toMatchObject({ verified_by: clerk.id });
    // A second scan a moment later shows it again; long after it is refused as used.
    expect((await verify(app, clerk.token, w.store, pass.code)).json()).toMatchObject({ again: true });
    await query(
      app.server.database.db,
      sql`UPDATE scan_and_go_exit_passes SET verified_at = now() - interval '10 minutes' WHERE order_id = ${order.id}`,
    );
    const used = await verify(app, clerk.token, w.store, pass.code);
    expect(used.statusCode).toBe(409);
    expect(used.json().type).toContain('scan_and_go.pass_used');
    // A clerk of another store may not verify here.
    const elsewhere = await newStaff(app, 'staff', [await createTestLocation(app)]);
    expect((await verify(app, elsewhere.token, w.store, pass.code)).statusCode).toBe(403);
  });

  it('a double tap on pay is one sale: the same order and pass, the wallet charged once', async () => {
    const app = ctx();
    // The last unit: the twin must wait for the first payment, not find the unit taken by it.
    const w = await world(app, { stock: 1 });
    expect((await add(app, w.token, w.store, w.variantId)).statusCode).toBe(200);
    const { id } = await basketOf(app, w.token, w.store);
    const [a, b] = await Promise.all([pay(app, w.token, id!), pay(app, w.token, id!)]);
    expect([a.statusCode, b.statusCode], a.body + b.body).toEqual([200, 200]);
    expect((a.json() as Paid).order.id).toBe((b.json() as Paid).order.id);
    const again = await pay(app, w.token, id!);
    expect(again.json()).toMatchObject({ replayed: true, order: { id: (a.json() as Paid).order.id } });
    expect((await app.api('GET', '/api/account/wallet', { token: w.token })).json().balance).toBe(20_000 - 1100);
    expect(await level(app, w.variantId, w.store)).toEqual({ on_hand: 0, reserved: 0 });
  });

  it('never oversells: eight members pay for the last three units at once, three sales go through', async () => {
    const app = ctx();
    const w = await world(app, { stock: 3 });
    const members = [w, ...(await Promise.all(Array.from({ length: 7 }, () => shopper(app, w.store))))];
    const baskets: string[] = [];
    for (const m of members) {
      expect((await add(app, m.token, w.store, w.variantId)).statusCode).toBe(200);
      baskets.push((await basketOf(app, m.token, w.store)).id!);
    }
    const results = await Promise.all(members.map((m, i) => pay(app, m.token, baskets[i]!)));
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes, results.map((r) => r.body).join('\n')).toEqual([200, 200, 200, 409, 409, 409, 409, 409]);
    expect(await level(app, w.variantId, w.store)).toEqual({ on_hand: 0, reserved: 0 });
    // The refused ones were not charged.
    for (const [i, r] of results.entries())
      if (r.statusCode === 409) {
        const bal = (await app.api('GET', '/api/account/wallet', { token: members[i]!.token })).json().balance;
        expect(bal).toBe(20_000);
      }
  });

  it('refuses clearly: an item of a flagged category, a basket over the cap, a store where it is off, an item not stocked there', async () => {
    const app = ctx();
    const w = await world(app, { cap: 2000 });
    // お酒 is not sold by スキャン＆ゴー; ワイン under it is not either.
    const drinks = await app.api('POST', '/api/categories', { body: { name: 'お酒', notScanAndGo: true } });
    expect(drinks.statusCode, drinks.body).toBe(201);
    const wine = await app.api('POST', '/api/categories', { body: { name: 'ワイン', parentId: drinks.json().id } });
    const bottle = await createTestProduct(app, { name: '赤ワイン' });
    await app.api('PATCH', `/api/products/${bottle.productId}`, { body: { categoryId: wine.json().id } });
    await receive(app, bottle.variantIds[0]!, w.store, 5);
    const flagged = await add(app, w.token, w.store, bottle.variantIds[0]!);
    expect(flagged.statusCode).toBe(409);
    expect(flagged.headers['content-type']).toContain('application/problem+json');
    expect(flagged.json()).toMatchObject({ type: expect.stringContaining('scan_and_go.not_sold') });
    expect(flagged.json().detail).toContain('赤ワイン');

    // Over the cap (¥2,000): one T-shirt (¥1,100) fits, two do not.
    expect((await add(app, w.token, w.store, w.variantId)).statusCode).toBe(200);
    const over = await add(app, w.token, w.store, w.variantId);
    expect(over.statusCode).toBe(409);
    expect(over.json().type).toContain('scan_and_go.over_cap');
    expect(over.json().detail).toContain('¥2,000');

    // Not stocked here (the second size has no stock at this store).
    const missing = await add(app, w.token, w.store, w.product.variantIds[1]!);
    expect(missing.json().type).toContain('scan_and_go.not_stocked');

    // Switched off: in English for an English app.
    await app.api('PUT', `/api/locations/${w.store}/scan-and-go`, { token: w.manager.token, body: { enabled: false } });
    const off = await app.api('POST', `/api/account/scan-and-go/${w.store}/lines`, {
      token: w.token,
      body: { variantId: w.variantId },
      headers: { 'accept-language': 'en' },
    });
    expect(off.statusCode).toBe(409);
    expect(off.json()).toMatchObject({
      type: expect.stringContaining('scan_and_go.off'),
      title: 'Scan & Go is not available at this store',
    });
    // Nor can the basket kept from before be paid.
    const { id } = await basketOf(app, w.token, w.store);
    expect((await pay(app, w.token, id!)).json().type).toContain('scan_and_go.off');
    // A plain clerk may not switch it back on.
    const clerk = await newStaff(app, 'staff', [w.store]);
    expect(
      (await app.api('PUT', `/api/locations/${w.store}/scan-and-go`, { token: clerk.token, body: { enabled: true } }))
        .statusCode,
    ).toBe(403);
  });

  it('pays by card through the acquirer checkout uses; a declined card sells nothing and keeps the stock', async () => {
    const app = ctx();
    const w = await world(app);
    expect((await add(app, w.token, w.store, w.variantId)).statusCode).toBe(200);
    const { id } = await basketOf(app, w.token, w.store);
    const declined = await pay(app, w.token, id!, { method: 'card', card: { number: TEST_CARDS.declined } });
    expect(declined.statusCode).toBe(402);
    expect(await level(app, w.variantId, w.store)).toEqual({ on_hand: 5, reserved: 0 });
    const paid = await pay(app, w.token, id!, { method: 'card', card: { number: TEST_CARDS.approved } });
    expect(paid.statusCode, paid.body).toBe(200);
    expect((paid.json() as Paid).order.payments).toEqual([expect.objectContaining({ method: 'card', amount: 1100 })]);
    expect(await level(app, w.variantId, w.store)).toEqual({ on_hand: 4, reserved: 0 });
  });

  it('an expired, forged or other store’s pass is refused', async () => {
    const app = ctx();
    const w = await world(app);
    await add(app, w.token, w.store, w.variantId);
    const { id } = await basketOf(app, w.token, w.store);
    const { order, pass } = (await pay(app, w.token, id!)).json() as Paid;
    const clerk = await newStaff(app, 'staff', [w.store]);
    const forged = pass.code.slice(0, -2) + (pass.code.endsWith('AA') ? 'BB' : 'AA');
    const bad = await verify(app, clerk.token, w.store, forged);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().type).toContain('scan_and_go.pass_invalid');
    // Signed with another key: forged too.
    const other = signExitPass(exitPassKey('another-secret'), order.id, new Date(Date.now() + 60_000));
    expect((await verify(app, clerk.token, w.store, other)).statusCode).toBe(400);
    expect((await verify(app, clerk.token, w.store, 'M1.not.a.pass')).statusCode).toBe(400);
    // The other store's clerk scanning at her own store.
    const there = await createTestLocation(app, { name: '新宿店' });
    const thereClerk = await newStaff(app, 'staff', [there]);
    expect((await verify(app, thereClerk.token, there, pass.code)).json().type).toContain(
      'scan_and_go.pass_other_store',
    );
    // Expired: its row and its code say 15 minutes ago.
    await query(
      app.server.database.db,
      sql`UPDATE scan_and_go_exit_passes SET expires_at = now() - interval '1 minute' WHERE order_id = ${order.id}`,
    );
    const expiredCode = pass.code.replace(/\.([0-9a-z]+)\.([A-Za-z0-9_-]+)$/, '.1.$2');
    expect((await verify(app, clerk.token, w.store, expiredCode)).statusCode).toBe(400); // the mac no longer matches
    const res = await app.api('GET', `/api/account/scan-and-go-passes/${order.id}`, { token: w.token });
    const expired = await verify(app, clerk.token, w.store, res.json().pass.code);
    expect(expired.statusCode).toBe(409);
    expect(expired.json().type).toContain('scan_and_go.pass_expired');
    // Another member cannot see her pass.
    const stranger = await registerCustomer(app);
    expect(
      (await app.api('GET', `/api/account/scan-and-go-passes/${order.id}`, { token: stranger.token })).statusCode,
    ).toBe(404);
  });
});

it('the random check falls on about the configured share of passes, fixed per order', () => {
  const key = exitPassKey('test-secret');
  const ids = Array.from({ length: 4000 }, (_, i) => `ord_${i.toString(36)}`);
  const picked = ids.filter((id) => pickedForCheck(key, id, 10)).length;
  // 10 % of 4,000 = 400; the binomial's standard deviation is 19, so ±80 is more than 4 of them.
  expect(picked).toBeGreaterThan(320);
  expect(picked).toBeLessThan(480);
  expect(ids.every((id) => pickedForCheck(key, id, 10) === pickedForCheck(key, id, 10))).toBe(true);
  expect(ids.some((id) => pickedForCheck(key, id, 0))).toBe(false);
  expect(ids.every((id) => pickedForCheck(key, id, 100))).toBe(true);
});
