import { sql } from 'drizzle-orm';
import { createTestLocation, createTestProduct, receive, type TestApp } from '../../test/harness.ts';
import { TEST_CARDS } from '../payments/service.ts';

/**
 * Orders for the analytics tests, made through the API as a till and a shopper make them; `placedAt` then
 * moves one to the moment a test needs (checkout and the till stamp now()), as an edit would: its
 * `updated_at` moves too.
 */

export async function placedAt(app: TestApp, orderId: string, at: string): Promise<void> {
  await app.server.database.db.execute(
    sql`UPDATE orders SET created_at = ${at}::timestamptz, updated_at = now() WHERE id = ${orderId}`,
  );
}

/** A cash sale of `quantity` × the ¥1,100 test product at a store's till, to a member when her number is given. */
export async function tillSale(app: TestApp, store: string, jan: string, quantity: number, memberNumber?: string) {
  const res = await app.api('POST', '/api/pos/sales', {
    body: {
      locationId: store,
      lines: [{ jan, quantity }],
      payments: [{ method: 'cash', amount: 1100 * quantity, tendered: Math.max(20000, 1100 * quantity) }],
      clientTransactionId: `t-${Math.random()}`,
      ...(memberNumber ? { memberNumber } : {}),
    },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json().order as { id: string; total: number };
}

/** A web order paid by card, to be picked up at a store. */
export async function webPickup(app: TestApp, token: string, store: string, variantId: string, quantity: number) {
  const cart = (await app.api('POST', '/api/carts', { token, body: {} })).json();
  await app.api('POST', `/api/carts/${cart.id}/lines`, { token, body: { variantId, quantity } });
  await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, { token, body: { type: 'pickup', locationId: store } });
  const res = await app.api('POST', `/api/carts/${cart.id}/checkout`, {
    token,
    body: { payment: { method: 'card', card: { number: TEST_CARDS.approved } } },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json() as { id: string; total: number; lines: Array<{ id: string }>; fulfilments: Array<{ id: string }> };
}

/** Moves the order's (first) fulfilment to a status, as the store does (`cancelled`, `ready`, `picked_up` …). */
export const move = (app: TestApp, o: { id: string; fulfilments: Array<{ id: string }> }, status: string) =>
  app.api('POST', `/api/orders/${o.id}/fulfilments/${o.fulfilments[0]!.id}/status`, { body: { status } });

/** Two stores (渋谷店, 新宿店) and the ¥1,100 test product with `units` in stock at each. */
export async function storeWorld(app: TestApp, units = 50) {
  const a = await createTestLocation(app, { name: '渋谷店' });
  const b = await createTestLocation(app, { name: '新宿店' });
  const p = await createTestProduct(app);
  const variantId = p.variantIds[0]!;
  const jan = p.jans[0]!;
  await receive(app, variantId, a, units);
  await receive(app, variantId, b, units);
  return { a, b, variantId, jan };
}
