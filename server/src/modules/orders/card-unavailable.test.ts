import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  receive,
  type TestApp,
} from '../../test/harness.ts';
import { TEST_CARDS } from '../payments/service.ts';

/**
 * With no card acquirer configured (CARD_PROVIDER=none, the default outside the demo) online card payment
 * is not offered: the shop is told so, a card checkout is refused with a clear 409 before anything is held
 * — even the test number that the demo's acquirer approves — and paying at the store still works.
 */
async function cartFor(app: TestApp, store: string, variantId: string) {
  const cart = (await app.api('POST', '/api/carts', { token: null, body: { deviceId: `d-${Math.random()}` } })).json();
  await app.api('POST', `/api/carts/${cart.id}/lines`, { token: null, body: { variantId, quantity: 1 } });
  await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, {
    token: null,
    body: { type: 'pickup', locationId: store },
  });
  return cart.id as string;
}

const guest = () => ({ name: '客', email: `c${Math.random()}@example.jp` });

describeEachDatabase(
  'checkout without a card acquirer',
  (ctx) => {
    it('offers no card, refuses one before holding anything, and still takes payment at the store', async () => {
      const app = ctx();
      const methods = await app.api('GET', '/api/checkout/payment-methods', { token: null });
      expect(methods.statusCode).toBe(200);
      expect(methods.json()).toEqual({ card: false, testCards: false, stripe: null });

      const store = await createTestLocation(app);
      const p = await createTestProduct(app);
      await receive(app, p.variantIds[0]!, store, 5);
      const cartId = await cartFor(app, store, p.variantIds[0]!);
      const refused = await app.api('POST', `/api/carts/${cartId}/checkout`, {
        token: null,
        body: { guest: guest(), payment: { method: 'card', card: { number: TEST_CARDS.approved } } },
      });
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.json()).toMatchObject({
        code: 'payment.card_unavailable',
        title: 'オンラインのカード決済は利用できません',
      });
      const en = await app.api('POST', `/api/carts/${cartId}/checkout`, {
        token: null,
        headers: { 'accept-language': 'en' },
        body: { guest: guest(), payment: { method: 'card', card: { number: TEST_CARDS.approved } } },
      });
      expect(en.json().title).toBe('No online card payment');
      const [held] = await query<{ orders: number; reserved: number; charges: number }>(
        app.server.database.db,
        sql`SELECT (SELECT count(*) FROM orders)::int AS orders,
                   (SELECT coalesce(sum(reserved), 0) FROM stock_levels)::int AS reserved,
                   (SELECT count(*) FROM test_provider_charges)::int AS charges`,
      );
      expect(held).toEqual({ orders: 0, reserved: 0, charges: 0 });

      const paid = await app.api('POST', `/api/carts/${cartId}/checkout`, {
        token: null,
        body: { guest: guest(), payment: { method: 'pay_at_store' } },
      });
      expect(paid.statusCode, paid.body).toBe(201);
    });
  },
  { env: { MUSUBI_DEMO: '0' } },
);

describeEachDatabase('checkout with the demo acquirer', (ctx) => {
  it('says cards are taken, with test numbers', async () => {
    const methods = await ctx().api('GET', '/api/checkout/payment-methods', { token: null });
    expect(methods.json()).toEqual({ card: true, testCards: true, stripe: null });
  });
});
