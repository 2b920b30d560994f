import { expect, it } from 'vitest';
import { describeEachDatabase, stockedStore } from '../../test/harness.ts';

describeEachDatabase('guests find their order', (ctx) => {
  it('by order number and the e-mail given at checkout; wrong pairs are refused and then throttled', async () => {
    const app = ctx();
    const { store, variantId } = await stockedStore(app, 3);
    const cart = (await app.api('POST', '/api/carts', { token: null, body: {} })).json();
    await app.api('POST', `/api/carts/${cart.id}/lines`, { token: null, body: { variantId, quantity: 1 } });
    await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, {
      token: null,
      body: { type: 'pickup', locationId: store },
    });
    const order = (
      await app.api('POST', `/api/carts/${cart.id}/checkout`, {
        token: null,
        body: { guest: { name: '佐々木 葵', email: 'Aoi.Sasaki@example.jp' }, payment: { method: 'pay_at_store' } },
      })
    ).json();

    const found = await app.api('POST', '/api/orders/lookup', {
      token: null,
      body: { number: order.number.toLowerCase(), email: 'aoi.sasaki@EXAMPLE.jp' },
    });
    expect(found.statusCode).toBe(200);
    expect(found.json()).toMatchObject({
      id: order.id,
      fulfilments: [{ pickupCode: order.fulfilments[0].pickupCode }],
    });
    // a customer or guest cannot read it by id without a token
    expect((await app.api('GET', `/api/orders/${order.id}`, { token: null })).statusCode).toBe(404);

    for (let i = 0; i < 5; i++) {
      const wrong = await app.api('POST', '/api/orders/lookup', {
        token: null,
        body: { number: order.number, email: `someone${i}@example.jp` },
      });
      expect(wrong.statusCode).toBe(404);
    }
    const throttled = await app.api('POST', '/api/orders/lookup', {
      token: null,
      body: { number: order.number, email: 'aoi.sasaki@example.jp' },
    });
    expect(throttled.statusCode).toBe(429);
  });
});
