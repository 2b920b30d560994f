import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestLocation, createTestProduct, describeEachDatabase, receive, BOOTSTRAP } from '../../test/harness.ts';
import { collectEvents } from '../../test/processes.ts';
import { openSse } from '../../test/sse.ts';

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
    const {
      variantIds: [v, other],
    } = await createTestProduct(app, { variants: 2 });
    const events = await collectEvents(`${base}/api/stream?topics=stock&variantIds=${v}`, 2, 10_000, async () => {
      await receive(app, other!, loc, 9); // not watched
      await receive(app, v!, loc, 4);
      await app.api('POST', '/api/reservations', {
        body: { lines: [{ variantId: v, locationId: loc, quantity: 1 }], ttlSeconds: 60, reason: 'cart' },
      });
    });
    expect(events).toEqual([
      { event: 'stock', data: { variantId: v, locationId: loc, available: 4 } },
      { event: 'stock', data: { variantId: v, locationId: loc, available: 3 } },
    ]);
  });

  it('gives staff the full breakdown and never announces a change that rolled back', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const {
      variantIds: [a, b],
    } = await createTestProduct(app, { variants: 2 });
    const events = await collectEvents(
      `${base}/api/stream?topics=stock&locationIds=${loc}&token=${BOOTSTRAP}`,
      1,
      10_000,
      async () => {
        await receive(app, a!, loc, 1);
        // b has no stock: the whole cart fails and a's reservation inside it must not be announced
        await app.api('POST', '/api/reservations', {
          body: {
            lines: [
              { variantId: a, locationId: loc, quantity: 1 },
              { variantId: b, locationId: loc, quantity: 1 },
            ],
            ttlSeconds: 60,
            reason: 'cart',
          },
        });
      },
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(events).toEqual([
      { event: 'stock', data: { variantId: a, locationId: loc, onHand: 1, reserved: 0, inTransit: 0, available: 1 } },
    ]);
  });

  it('gives a listener that comes back with its Last-Event-ID the changes it missed, once each', async () => {
    const app = ctx();
    const loc = await createTestLocation(app);
    const {
      variantIds: [v],
    } = await createTestProduct(app);
    const url = `${base}/api/stream?topics=stock&variantIds=${v}`;
    const first = await openSse(url);
    await receive(app, v!, loc, 1);
    await first.waitFor(() => first.events().length === 1);
    const lastEventId = first.lastEventId()!;
    first.close();

    // two changes while the listener is away
    const heard = new Promise<void>((resolve) => {
      let n = 0;
      const stop = app.server.hub.subscribe(
        (e) => e.topic === 'stock' && e.data.variantId === v && ++n === 2 && (stop(), resolve()),
      );
    });
    await receive(app, v!, loc, 2);
    await receive(app, v!, loc, 3);
    await heard;

    const again = await openSse(url, { 'last-event-id': lastEventId });
    try {
      await receive(app, v!, loc, 4);
      await again.waitFor(() => again.events().length === 3);
      expect(again.events().map((e) => e.data)).toEqual([
        { variantId: v, locationId: loc, available: 3 },
        { variantId: v, locationId: loc, available: 6 },
        { variantId: v, locationId: loc, available: 10 },
      ]);
      expect(new Set(again.events().map((e) => e.id)).size).toBe(3);
    } finally {
      again.close();
    }
  });

  it('tells a listener whose Last-Event-ID this copy cannot replay to read its data again', async () => {
    const stream = await openSse(`${base}/api/stream?topics=stock`, { 'last-event-id': 'f00dcafe.3k' });
    try {
      await stream.waitFor(() => stream.events().length === 1);
      expect(stream.events()).toEqual([
        { id: expect.any(String), event: 'resync', data: { reason: 'last_event_id_unknown' } },
      ]);
      // the id it carries is one this copy can replay from
      expect(ctx().server.hub.since(stream.lastEventId()!)).toEqual([]);
    } finally {
      stream.close();
    }
  });

  // Last: the copy's streams stay closed afterwards.
  it('on shutdown ends every open stream with a retry hint, and answers new ones the same way', async () => {
    const streams = await Promise.all([
      openSse(`${base}/api/stream?topics=stock`),
      openSse(`${base}/api/stream?topics=order&token=${BOOTSTRAP}`),
    ]);
    await Promise.all(streams.map((s) => s.waitFor((f) => f.some((x) => x.id !== undefined))));
    expect(ctx().server.streams.size).toBeGreaterThanOrEqual(2);
    ctx().server.streams.close(1000);
    await Promise.all(streams.map((s) => s.ended));
    for (const s of streams) {
      const retry = s.frames.at(-1)!.retry!;
      expect(retry).toBeGreaterThanOrEqual(1000);
      expect(retry).toBeLessThanOrEqual(1500);
    }
    expect(ctx().server.streams.size).toBe(0);
    const late = await openSse(`${base}/api/stream?topics=stock`);
    await late.ended;
    expect(late.frames).toEqual([{ retry: expect.any(Number) }]);
  });
});
