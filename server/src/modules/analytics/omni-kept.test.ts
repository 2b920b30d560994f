import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import type { Principal } from '../../platform/auth.ts';
import {
  createTestLocation,
  createTestProduct,
  deliverEvents,
  describeEachDatabase,
  receive,
  registerCustomer,
  type TestApp,
} from '../../test/harness.ts';
import { move, placedAt, tillSale, webPickup } from './test-helpers.ts';
import { keepOmni, keepOmniIfDue, keptOmniRows } from './omni-kept.ts';
import { omniReport } from './omni.ts';
import { addDays, japanToday } from './periods.ts';
import { settleOrders } from './rollups.ts';

/**
 * The omni table kept per member (omni-kept.ts) answers exactly what the per-order rows answer, for every
 * window it keeps and every store: after a rebuild, after orders settled since (a new order, a return, a
 * cancellation, an order moved to another day), after the log is folded in, and with settling racing a
 * rebuild on the Postgres server.
 */

const owner: Principal = { kind: 'staff', staffId: 'stf_owner', name: 'オーナー', role: 'owner', locationIds: [] };
const DAY = 86_400_000;
/** Noon in Japan, `days` ago. */
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString().slice(0, 10) + 'T03:00:00Z';

/** Every kept window × every scope: the kept answer (used, not fallen back) equals the per-order rows'. */
async function expectKeptEqualsLive(app: TestApp, stores: string[]) {
  const db = app.server.database.db;
  const today = japanToday();
  const windows = await query<{ from: string }>(
    db,
    sql`SELECT from_date::text AS "from" FROM analytics_omni_windows ORDER BY 1`,
  );
  expect(windows.length).toBe(2);
  for (const { from } of windows)
    for (const ids of [undefined, ...stores.map((s) => [s])]) {
      const p = { from, to: today, ...(ids ? { locationIds: ids } : {}) };
      expect(await keptOmniRows(db, p, ids ?? null)).not.toBeNull();
      const kept = await omniReport(db, owner, p);
      const live = await omniReport(db, owner, p, { kept: false });
      expect(kept, `${from} ${ids ?? 'all'}`).toEqual(live);
    }
}

describeEachDatabase('analytics: the omni table kept per member', (ctx) => {
  let world: { a: string; b: string; variantId: string; jan: string };
  const member = async () => registerCustomer(ctx());

  it('answers as the per-order rows do, after a rebuild, after settling since, and after folding the log', async () => {
    const app = ctx();
    const a = await createTestLocation(app, { name: '渋谷店' });
    const b = await createTestLocation(app, { name: '新宿店' });
    const p = await createTestProduct(app);
    world = { a, b, variantId: p.variantIds[0]!, jan: p.jans[0]! };
    await receive(app, world.variantId, a, 200);
    await receive(app, world.variantId, b, 200);

    // Aiko: the till 400 days ago (the year before the 12 months), the web 10 days ago: omni now, single before.
    const aiko = await member();
    const a1 = await tillSale(app, a, world.jan, 1, aiko.customer.memberNumber);
    await placedAt(app, a1.id, daysAgo(400));
    const a2 = await webPickup(app, aiko.token, a, world.variantId, 3);
    await placedAt(app, a2.id, daysAgo(10));
    await move(app, a2, 'ready');
    await move(app, a2, 'picked_up');
    // Ben: the web 200 days ago and the till 100 days ago (another store): omni over 12 months, not in 30 days.
    const ben = await member();
    const b1 = await webPickup(app, ben.token, b, world.variantId, 1);
    await placedAt(app, b1.id, daysAgo(200));
    const b2 = await tillSale(app, b, world.jan, 2, ben.customer.memberNumber);
    await placedAt(app, b2.id, daysAgo(100));
    // Chie: the till 5 days ago only. A guest at the till today.
    const chie = await member();
    const c1 = await tillSale(app, a, world.jan, 2, chie.customer.memberNumber);
    await placedAt(app, c1.id, daysAgo(5));
    await tillSale(app, b, world.jan, 1);
    // Dai: a web order 3 days ago, cancelled after the rebuild below.
    const dai = await member();
    const d1 = await webPickup(app, dai.token, a, world.variantId, 1);
    await placedAt(app, d1.id, daysAgo(3));
    await deliverEvents(app);
    await settleOrders(app.server.database.db, [a1.id, a2.id, b1.id, b2.id, c1.id, d1.id]);

    const built = await keepOmni(app.server.database);
    expect(built?.windows).toEqual([addDays(japanToday(), -29), addDays(japanToday(), -364)]);
    expect(built?.folded).toBeGreaterThan(0);
    await expectKeptEqualsLive(app, [a, b]);
    const year = await omniReport(app.server.database.db, owner, {
      from: addDays(japanToday(), -364),
      to: japanToday(),
    });
    expect(year.omni.customers).toBe(1); // Ben (Aiko's till sale is in the year before: single now)
    expect(year.single.retentionBase).toBe(1); // Aiko, who came back
    expect(await keepOmniIfDue(app.server.database)).toBe(false); // today's windows are there

    // Since the rebuild: Chie buys on the web today (omni now), Aiko returns one piece, Dai cancels, and Ben's
    // till sale is found to belong 20 days ago (in the 30 days now).
    const c2 = await webPickup(app, chie.token, b, world.variantId, 2);
    const ret = await app.api('POST', `/api/orders/${a2.id}/returns`, {
      body: { lines: [{ orderLineId: a2.lines[0]!.id, quantity: 1 }], locationId: a, reason: 'サイズ違い' },
    });
    expect(ret.statusCode, ret.body).toBe(201);
    expect((await move(app, d1, 'cancelled')).statusCode).toBe(200);
    await placedAt(app, b2.id, daysAgo(20));
    await deliverEvents(app);
    await settleOrders(app.server.database.db, [c2.id, a2.id, d1.id, b2.id]);
    const [log] = await query<{ n: number }>(
      app.server.database.db,
      sql`SELECT count(*)::int AS n FROM analytics_omni_log`,
    );
    expect(log!.n).toBeGreaterThan(0);
    await expectKeptEqualsLive(app, [a, b]);
    const month = await omniReport(app.server.database.db, owner, {
      from: addDays(japanToday(), -29),
      to: japanToday(),
    });
    expect(month.omni.customers).toBe(1); // Chie (till, web)
    expect(month.single.customers).toBe(2); // Aiko (web: her return leaves the order), Ben (the till); Dai cancelled

    // Settling the same orders again changes nothing; a rebuild folds the log in and answers the same.
    await settleOrders(app.server.database.db, [c2.id, a2.id, d1.id, b2.id]);
    const [again] = await query<{ n: number }>(
      app.server.database.db,
      sql`SELECT count(*)::int AS n FROM analytics_omni_log`,
    );
    expect(again!.n).toBe(log!.n);
    expect((await keepOmni(app.server.database))?.folded).toBe(log!.n);
    await expectKeptEqualsLive(app, [a, b]);
  });

  it('keeps exact when orders settle while it rebuilds (Postgres: one snapshot for the rows and the log)', async () => {
    const app = ctx();
    if (app.target !== 'postgres') return;
    const { a, b } = world;
    const buyers = await Promise.all([member(), member(), member()]);
    const orders: string[] = [];
    for (const [i, m] of buyers.entries()) {
      const o = await tillSale(app, i % 2 ? a : b, world.jan, 1, m.customer.memberNumber);
      orders.push(o.id);
    }
    await deliverEvents(app);
    for (let round = 0; round < 4; round++) {
      // Move each order to another day (in the 30 days, before them, out of the 12 months); settle them one by
      // one while a rebuild runs, and one of them after the rebuild has read the rows but before it folds
      // the log (read committed there would delete that change unseen).
      for (const [i, id] of orders.entries()) await placedAt(app, id, daysAgo([2, 45, 380, 800][(i + round) % 4]!));
      await Promise.all([
        keepOmni(app.server.database, {
          beforeFold: () => settleOrders(app.server.database.db, [orders[0]!]).then(() => {}),
        }),
        (async () => {
          for (const id of orders.slice(1)) await settleOrders(app.server.database.db, [id]);
        })(),
      ]);
      await expectKeptEqualsLive(app, [a, b]);
    }
  });
});
