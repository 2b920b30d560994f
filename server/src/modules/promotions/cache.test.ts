import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { describeEachDatabase, eventually, secondCopy, stockedStore, type TestApp } from '../../test/harness.ts';

// The automatic promotions are kept in memory (platform/db/table-cache.ts): a change must still reach the
// very next cart, whoever makes it — this app copy, SQL behind its back, or another copy of the app.

const PRICE = 1100; // createTestProduct's price

async function cartTotal(app: TestApp, cartId: string): Promise<number> {
  const res = await app.api('GET', `/api/carts/${cartId}`, { token: null });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().total as number;
}

async function newCart(app: TestApp, variantId: string): Promise<string> {
  const cart = (await app.api('POST', '/api/carts', { token: null, body: {} })).json();
  expect(
    (await app.api('POST', `/api/carts/${cart.id}/lines`, { token: null, body: { variantId, quantity: 1 } }))
      .statusCode,
  ).toBe(200);
  return cart.id;
}

describeEachDatabase('automatic promotions kept in memory', (ctx) => {
  it('a promotion created, changed in SQL behind the app, or switched off reaches the next cart', async () => {
    const app = ctx();
    const { variantId } = await stockedStore(app, 5);
    const cartId = await newCart(app, variantId);
    expect(await cartTotal(app, cartId)).toBe(PRICE); // the (empty) list is now cached

    const created = await app.api('POST', '/api/promotions', {
      body: { name: '全品10%オフ', kind: 'percent_off', params: { percent: 10 } },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(await cartTotal(app, cartId)).toBe(PRICE - 110); // at once: this copy dropped its list on write

    // Behind the app's back: the table's trigger announces the change and the hub drops the list.
    await app.server.database.db.execute(
      sql`UPDATE promotions SET params = '{"percent": 20}'::jsonb WHERE id = ${created.json().id}`,
    );
    expect(await eventually(() => cartTotal(app, cartId), PRICE - 220)).toBe(PRICE - 220);

    const off = await app.api('PATCH', `/api/promotions/${created.json().id}`, { body: { active: false } });
    expect(off.statusCode, off.body).toBe(200);
    expect(await cartTotal(app, cartId)).toBe(PRICE);
  });

  it('a promotion created on one app copy prices carts on another copy of the same database', async (t) => {
    const app = ctx();
    const copy = await secondCopy(app);
    if (!copy) return t.skip(); // PGlite: one process, one copy
    const second = copy.server;
    try {
      const { variantId } = await stockedStore(app, 5);
      const cartId = await newCart(app, variantId);
      const onSecond = async () =>
        (await second.app.inject({ method: 'GET', url: `/api/carts/${cartId}` })).json().total as number;
      expect(await onSecond()).toBe(PRICE); // the second copy has its list in memory now
      const created = await app.api('POST', '/api/promotions', {
        body: { name: '100円引き', kind: 'amount_off', params: { amount: 100 } },
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(await eventually(onSecond, PRICE - 100)).toBe(PRICE - 100);
      await app.api('PATCH', `/api/promotions/${created.json().id}`, { body: { active: false } });
      expect(await eventually(onSecond, PRICE)).toBe(PRICE);
    } finally {
      await copy.close();
    }
  });
});
