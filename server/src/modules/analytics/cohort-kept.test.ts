import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import type { Principal } from '../../platform/auth.ts';
import { deliverEvents, describeEachDatabase, registerCustomer, type TestApp } from '../../test/harness.ts';
import { fillCohorts, keepCohortsOf, keptCohortRows, keptLtvRows, lockCohortsShared } from './cohort-kept.ts';
import { cohortReport } from './cohorts.ts';
import { ltvReport } from './ltv.ts';
import { japanToday } from './periods.ts';
import { settleOrders } from './rollups.ts';
import { move, placedAt, storeWorld, tillSale, webPickup } from './test-helpers.ts';

/**
 * コホート and 累計LTV kept per person (cohort-kept.ts) answer exactly what the per-order rows answer, for
 * every store and each store: after the fill, and after everything that changes a person's rows since —
 * new orders, a return, her first order cancelled, an order moved to another month, a merge and its undo,
 * a tier change, an erasure — and with settlings and a merge racing on the Postgres server.
 */

const owner: Principal = { kind: 'staff', staffId: 'stf_owner', name: 'オーナー', role: 'owner', locationIds: [] };
const PERIODS = [
  { from: '2025-01-01', to: japanToday() },
  { from: '2026-09-01', to: '2026-10-31' },
];

async function expectKeptEqualsLive(app: TestApp, stores: string[]) {
  const db = app.server.database.db;
  for (const p of PERIODS)
    for (const ids of [null, ...stores.map((s) => [s])]) {
      const first = `${p.from.slice(0, 7)}-01`;
      const last = `${p.to.slice(0, 7)}-01`;
      expect(await keptCohortRows(db, first, last, ids), 'kept rows are used').not.toBeNull();
      expect(await keptLtvRows(db, first, last, ids)).not.toBeNull();
      const q = { ...p, ...(ids ? { locationIds: ids } : {}) };
      const label = `${p.from}–${p.to} ${ids?.[0] ?? 'every store'}`;
      expect(await cohortReport(db, owner, q), label).toEqual(await cohortReport(db, owner, q, { kept: false }));
      expect(await ltvReport(db, owner, q), label).toEqual(await ltvReport(db, owner, q, { kept: false }));
    }
}

const world = (app: TestApp) => storeWorld(app, 500);

describeEachDatabase('analytics: cohorts and LTV kept per person', (ctx) => {
  it('answer as the per-order rows do after the fill and after every kind of change since', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const { a, b, variantId, jan } = await world(app);
    const x = await registerCustomer(app);
    const y = await registerCustomer(app);
    const z = await registerCustomer(app);
    const first = await webPickup(app, x.token, a, variantId, 3);
    await placedAt(app, first.id, '2026-09-30T15:00:00Z'); // 1 Oct in Japan
    await move(app, first, 'ready');
    await move(app, first, 'picked_up');
    const xTill = await tillSale(app, b, jan, 4, x.customer.memberNumber);
    await placedAt(app, xTill.id, '2026-11-12T02:00:00Z');
    const yTill = await tillSale(app, a, jan, 1, y.customer.memberNumber);
    await placedAt(app, yTill.id, '2026-09-30T14:59:59Z'); // still September in Japan
    const zTill = await tillSale(app, b, jan, 2, z.customer.memberNumber);
    await placedAt(app, zTill.id, '2026-10-03T01:00:00Z');
    await tillSale(app, a, jan, 1); // a guest: no cohort
    await deliverEvents(app);

    // Before the fill the reports read the per-order rows; the fill makes the kept rows whole, once.
    expect(await keptCohortRows(db, '2026-01-01', '2026-12-01', null)).toBeNull();
    expect(await fillCohorts(app.server.database)).toBe(true);
    expect(await fillCohorts(app.server.database)).toBe(false);
    await expectKeptEqualsLive(app, [a, b]);

    // A return, and a new member's first order today.
    const ret = await app.api('POST', `/api/orders/${first.id}/returns`, {
      body: { lines: [{ orderLineId: first.lines[0]!.id, quantity: 1 }], locationId: a, reason: 'サイズ違い' },
    });
    expect(ret.statusCode, ret.body).toBe(201);
    const w = await registerCustomer(app);
    await tillSale(app, b, jan, 2, w.customer.memberNumber);
    await deliverEvents(app);
    await expectKeptEqualsLive(app, [a, b]);

    // Y's first order moves to August (her cohort moves), then her only other order is cancelled.
    await placedAt(app, yTill.id, '2026-08-20T03:00:00Z');
    await settleOrders(db, [yTill.id]);
    await expectKeptEqualsLive(app, [a, b]);
    const yWeb = await webPickup(app, y.token, a, variantId, 1);
    await deliverEvents(app);
    await expectKeptEqualsLive(app, [a, b]);
    expect((await move(app, yWeb, 'cancelled')).statusCode).toBe(200);
    await deliverEvents(app);
    await expectKeptEqualsLive(app, [a, b]);

    // X's first order cancelled: her cohort becomes November's, at store B.
    const xWeb = await webPickup(app, x.token, a, variantId, 1);
    await placedAt(app, xWeb.id, '2026-07-01T03:00:00Z');
    await deliverEvents(app);
    await expectKeptEqualsLive(app, [a, b]);
    expect((await move(app, xWeb, 'cancelled')).statusCode).toBe(200);
    await deliverEvents(app);
    await expectKeptEqualsLive(app, [a, b]);

    // Z merged into Y: one person, Y's cohort; then the merge undone: two again.
    const octMembers = async () =>
      (await cohortReport(db, owner, { from: '2026-10-01', to: '2026-10-31' })).cohorts[0]?.members ?? 0;
    const octBefore = await octMembers(); // X and Z
    const merge = await app.api('POST', `/api/customers/${y.customer.id}/merge`, {
      body: { otherId: z.customer.id, reason: '同一人物（店頭で確認）' },
    });
    expect(merge.statusCode, merge.body).toBe(201);
    await expectKeptEqualsLive(app, [a, b]);
    expect(await octMembers()).toBe(octBefore - 1); // Z's October order is Y's (August cohort) now
    const undo = await app.api('POST', `/api/customer-merges/${merge.json().id}/undo`, { body: {} });
    expect(undo.statusCode, undo.body).toBe(200);
    await expectKeptEqualsLive(app, [a, b]);

    // W spends enough for シルバー: her tier in the kept rows follows the change (loyalty.tier_changed).
    await tillSale(app, a, jan, 46, w.customer.memberNumber);
    await deliverEvents(app);
    const tiers = (await ltvReport(db, owner, PERIODS[0]!)).byTier.map((t) => t.key);
    expect(tiers).toContain('silver');
    await expectKeptEqualsLive(app, [a, b]);

    // W erased: her orders stay (under her pseudonymous id), her tier goes.
    const erased = await app.api('POST', `/api/customers/${w.customer.id}/delete`, {
      body: { reason: '本人から削除依頼' },
    });
    expect(erased.statusCode, erased.body).toBe(200);
    await expectKeptEqualsLive(app, [a, b]);
  });

  it('settling the same orders again, or keeping the same persons again, changes no kept row', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const { a, b, variantId, jan } = await world(app);
    const x = await registerCustomer(app);
    const y = await registerCustomer(app);
    const web = await webPickup(app, x.token, a, variantId, 2);
    await placedAt(app, web.id, '2026-08-30T15:00:00Z');
    await tillSale(app, b, jan, 3, x.customer.memberNumber);
    await tillSale(app, a, jan, 1, y.customer.memberNumber);
    await deliverEvents(app);
    await fillCohorts(app.server.database); // filled already when another test ran first on this database
    const kept = async () => {
      const out: Record<string, unknown[]> = {};
      for (const t of [
        'analytics_cohort_months',
        'analytics_cohort_people',
        'analytics_cohort_cells',
        'analytics_ltv_cells',
      ])
        out[t] = await query(db, sql`SELECT * FROM ${sql.identifier(t)} ORDER BY 1, 2, 3, 4`);
      return out;
    };
    const before = await kept();
    const orderIds = (
      await query<{ order_id: string }>(db, sql`SELECT DISTINCT order_id FROM analytics_order_sales ORDER BY 1`)
    ).map((r) => r.order_id);
    await settleOrders(db, orderIds);
    await settleOrders(db, orderIds);
    expect(await kept()).toEqual(before);
    const persons = (
      await query<{ id: string }>(db, sql`SELECT DISTINCT person_id AS id FROM analytics_cohort_people`)
    ).map((r) => r.id);
    await db.transaction((tx) => keepCohortsOf(tx, persons));
    await db.transaction((tx) => keepCohortsOf(tx, persons));
    expect(await kept()).toEqual(before);
    await expectKeptEqualsLive(app, [a, b]);
  });

  it('a merge waits for a settling already under way, and recomputes with it (Postgres)', async () => {
    const app = ctx();
    if (app.target !== 'postgres') return;
    const db = app.server.database.db;
    const { a, jan } = await world(app);
    const [y, z] = await Promise.all([registerCustomer(app), registerCustomer(app)]);
    await tillSale(app, a, jan, 1, y.customer.memberNumber);
    const zOrder = await tillSale(app, a, jan, 2, z.customer.memberNumber);
    await deliverEvents(app);
    await fillCohorts(app.server.database);
    // A settling of Z's order held open: her per-order row changed, her kept rows not recomputed yet.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let settled!: () => void;
    const inside = new Promise<void>((r) => (settled = r));
    const settling = db.transaction(async (tx) => {
      await lockCohortsShared(tx); // as settleOrders does before it changes the per-order rows
      await tx.execute(sql`UPDATE analytics_order_sales SET net = net + 550, net_excl = net_excl + 500
                            WHERE order_id = ${zOrder.id}`);
      settled();
      await gate;
      await keepCohortsOf(tx, [z.customer.id]);
    });
    await inside;
    // Z merged into Y meanwhile: the merge must not recompute Y without the settling's change.
    const merging = app.api('POST', `/api/customers/${y.customer.id}/merge`, {
      body: { otherId: z.customer.id, reason: '同一人物' },
    });
    await new Promise((r) => setTimeout(r, 300));
    release();
    await settling;
    expect((await merging).statusCode).toBe(201);
    await expectKeptEqualsLive(app, [a]);
  });

  it('stays exact with settlings of one person’s orders and a merge racing (Postgres)', async () => {
    const app = ctx();
    if (app.target !== 'postgres') return;
    const db = app.server.database.db;
    const { a, b, jan } = await world(app);
    const people = await Promise.all([registerCustomer(app), registerCustomer(app), registerCustomer(app)]);
    const orders: Array<{ id: string; who: number }> = [];
    for (let i = 0; i < 9; i++) {
      const who = i % 3;
      const o = await tillSale(app, i % 2 ? a : b, jan, 1 + (i % 4), people[who]!.customer.memberNumber);
      orders.push({ id: o.id, who });
    }
    await deliverEvents(app);
    await fillCohorts(app.server.database); // filled already when the other test ran first on this database
    const months = ['2026-03-10', '2026-06-10', '2026-09-10', '2026-11-10'];
    for (let round = 0; round < 3; round++) {
      for (const [i, o] of orders.entries()) await placedAt(app, o.id, `${months[(i + round) % 4]}T03:00:00Z`);
      const [merge] = await Promise.all([
        round === 1
          ? app.api('POST', `/api/customers/${people[0]!.customer.id}/merge`, {
              body: { otherId: people[1]!.customer.id, reason: '同一人物' },
            })
          : Promise.resolve(null),
        ...orders.map((o) => settleOrders(db, [o.id])),
        settleOrders(
          db,
          orders.map((o) => o.id),
        ),
      ]);
      if (merge) expect(merge.statusCode, merge.body).toBe(201);
      await expectKeptEqualsLive(app, [a, b]);
    }
  });
});
