import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestLocation, createTestProduct, describeEachDatabase, receive, BOOTSTRAP } from '../../test/harness.ts';
import { collectEvents } from '../../test/processes.ts';

describeEachDatabase('live stock stream (SSE)', (ctx) => {
  let base = '';
  beforeAll(async () => {
    base = await ctx().server.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await ctx().server.app.server.close();
  });

  it('pushes committed stock changes to shoppers (available only) for the variants they watch', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const { variantIds: [v, other] } = await createTestProduct(app, { variants: 2 });
    const events = await collectEvents(`${base}/api/stream?topics=stock&variantIds=${v}`, 2, 10_000, async () => {
      await receive(app, other!, loc, 9); // not watched
      await receive(app, v!, loc, 4);
      await app.api('POST', '/api/reservations', { body: { lines: [{ variantId: v, locationId: loc, quantity: 1 }], ttlSeconds: 60, reason: 'cart' } });
    });
    expect(events).toEqual([
      { event: 'stock', data: { variantId: v, locationId: loc, available: 4 } },
      { event: 'stock', data: { variantId: v, locationId: loc, available: 3 } },
    ]);
  });

  it('gives staff the full breakdown and never announces a change that rolled back', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const { variantIds: [a, b] } = await createTestProduct(app, { variants: 2 });
    const events = await collectEvents(`${base}/api/stream?topics=stock&locationIds=${loc}&token=${BOOTSTRAP}`, 1, 10_000, async () => {
      await receive(app, a!, loc, 1);
      // b has no stock: the whole cart fails and a's reservation inside it must not be announced
      await app.api('POST', '/api/reservations', {
        body: { lines: [{ variantId: a, locationId: loc, quantity: 1 }, { variantId: b, locationId: loc, quantity: 1 }], ttlSeconds: 60, reason: 'cart' },
      });
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(events).toEqual([{ event: 'stock', data: { variantId: a, locationId: loc, onHand: 1, reserved: 0, inTransit: 0, available: 1 } }]);
  });
});
