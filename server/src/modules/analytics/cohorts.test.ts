import { expect, it } from 'vitest';
import {
  createTestLocation,
  deliverEvents,
  describeEachDatabase,
  newStaff,
  registerCustomer,
  type TestApp,
} from '../../test/harness.ts';
import { move, placedAt, storeWorld, tillSale, webPickup } from './test-helpers.ts';

/**
 * X: a cancelled web order in September, her first real one on the web at 1 Oct 00:00 JST (30 Sep UTC) with
 * one of three returned, then the till in November. Y: the till at 30 Sep 23:59:59 JST. Z: the till in
 * November, then merged into Y (the same person).
 */
async function world(app: TestApp) {
  const { a, b, variantId, jan } = await storeWorld(app);
  const x = await registerCustomer(app);
  const y = await registerCustomer(app);
  const z = await registerCustomer(app);

  const cancelled = await webPickup(app, x.token, a, variantId, 2);
  await placedAt(app, cancelled.id, '2026-09-10T03:00:00Z');
  expect((await move(app, cancelled, 'cancelled')).statusCode).toBe(200);
  const w1 = await webPickup(app, x.token, a, variantId, 3); // ¥3,300 − ¥1,100 returned, 2026-10
  await placedAt(app, w1.id, '2026-09-30T15:00:00Z');
  await move(app, w1, 'ready');
  await move(app, w1, 'picked_up');
  const ret = await app.api('POST', `/api/orders/${w1.id}/returns`, {
    body: { lines: [{ orderLineId: w1.lines[0]!.id, quantity: 1 }], locationId: a, reason: 'サイズ違い' },
  });
  expect(ret.statusCode, ret.body).toBe(201);
  const xTill = await tillSale(app, b, jan, 4, x.customer.memberNumber); // ¥4,400, 2026-11
  await placedAt(app, xTill.id, '2026-11-12T02:00:00Z');
  const yTill = await tillSale(app, a, jan, 1, y.customer.memberNumber); // ¥1,100, 2026-09
  await placedAt(app, yTill.id, '2026-09-30T14:59:59Z');
  const zTill = await tillSale(app, b, jan, 2, z.customer.memberNumber); // ¥2,200, 2026-11 → Y's
  await placedAt(app, zTill.id, '2026-11-03T01:00:00Z');
  await deliverEvents(app);
  const merge = await app.api('POST', `/api/customers/${y.customer.id}/merge`, {
    body: { otherId: z.customer.id, reason: '同一人物（店頭で確認）' },
  });
  expect(merge.statusCode, merge.body).toBe(201);
  return { a, b, x, y, z };
}

type Cell = { since: number; buyers: number; retention: number; net: number; cumulativePerMember: number };
type CohortRow = { month: string; members: number; cells: Cell[] };

describeEachDatabase('analytics: cohorts and historical LTV', (ctx) => {
  it('the cohort grid and LTV equal what the orders say, by the Japan month, with a return, a cancellation and a merge', async () => {
    const app = ctx();
    const { a, b } = await world(app);
    const q = `from=2026-09-01&to=2026-11-30&stores=${a},${b}`;
    const res = await app.api('GET', `/api/analytics/cohorts?${q}`);
    expect(res.statusCode, res.body).toBe(200);
    const cohorts = res.json().cohorts as CohortRow[];
    expect(cohorts.map((c) => [c.month, c.members])).toEqual([
      ['2026-09', 1],
      ['2026-10', 1],
    ]);
    const [sep, oct] = cohorts as [CohortRow, CohortRow];
    // Y: September ¥1,100; Z's November ¥2,200 counts as hers (2 months since).
    expect(sep.cells.slice(0, 3).map((c) => [c.since, c.buyers, c.net, c.cumulativePerMember])).toEqual([
      [0, 1, 1100, 1100],
      [1, 0, 0, 1100],
      [2, 1, 2200, 3300],
    ]);
    expect(sep.cells[2]!.retention).toBe(1);
    expect(sep.cells[1]!.retention).toBe(0);
    // X: October ¥2,200 after the return (the cancelled September order is nothing), November ¥4,400.
    expect(oct.cells.slice(0, 2).map((c) => [c.since, c.buyers, c.net, c.cumulativePerMember])).toEqual([
      [0, 1, 2200, 2200],
      [1, 1, 4400, 6600],
    ]);

    const ltv = (await app.api('GET', `/api/analytics/ltv?${q}`)).json();
    expect(ltv.total).toMatchObject({ members: 2, orders: 4, net: 9900, netPerMember: 4950, ordersPerMember: 2 });
    expect(ltv.total.averageBasket).toBe(2475);
    expect(ltv.total.netExcl).toBe(9000);
    const byKey = (rows: Array<{ key: string }>) => Object.fromEntries(rows.map((r) => [r.key, r]));
    expect(byKey(ltv.byChannel)).toMatchObject({
      web: { members: 1, net: 6600, orders: 2 },
      store: { members: 1, net: 3300, orders: 2 },
    });
    expect(byKey(ltv.byCohort)).toMatchObject({ '2026-09': { members: 1, net: 3300 }, '2026-10': { net: 6600 } });
    expect(ltv.byTier.reduce((s: number, r: { members: number }) => s + r.members, 0)).toBe(2);
    expect(ltv.byTier.every((r: { key: string }) => r.key !== '')).toBe(true);

    // A store filter: only store B's orders — X's first there is November's till, Y's (Z's) November too.
    const atB = (await app.api('GET', `/api/analytics/cohorts?from=2026-09-01&to=2026-11-30&stores=${b}`)).json();
    expect(atB.cohorts.map((c: CohortRow) => [c.month, c.members])).toEqual([['2026-11', 2]]);

    // The CSVs: the same figures, Japanese headers, no ids.
    const csv = await app.api('GET', `/api/analytics/cohorts/export.csv?${q}`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('初回購入月,会員数,経過月数');
    expect(csv.body).toContain('2026-10,1,1,1,1,4400');
    const ltvCsv = await app.api('GET', `/api/analytics/ltv/export.csv?${q}`);
    expect(ltvCsv.body).toContain('初回チャネル,ウェブ,1,2,6600');
    expect(ltvCsv.body).not.toMatch(/cus_|loc_/);
  });

  it('head office sees every store; a store manager her stores only; a clerk nothing', async () => {
    const app = ctx();
    const a = await createTestLocation(app);
    const b = await createTestLocation(app);
    const manager = await newStaff(app, 'store_manager', [a]);
    const clerk = await newStaff(app, 'staff', [a]);
    const hq = await newStaff(app, 'hq', []);
    const q = 'from=2026-01-01&to=2026-11-30';
    for (const path of [
      '/api/analytics/cohorts',
      '/api/analytics/cohorts/export.csv',
      '/api/analytics/ltv',
      '/api/analytics/ltv/export.csv',
    ]) {
      expect((await app.api('GET', `${path}?${q}`, { token: clerk.token })).statusCode, path).toBe(403);
      const other = await app.api('GET', `${path}?${q}&stores=${b}`, { token: manager.token });
      expect(other.statusCode, path).toBe(403);
      expect(other.headers['content-type']).toMatch(/application\/problem\+json/);
      expect((await app.api('GET', `${path}?${q}`, { token: null })).statusCode).toBe(401);
    }
    const mine = await app.api('GET', `/api/analytics/cohorts?${q}`, { token: manager.token });
    expect(mine.json().locationIds).toEqual([a]);
    expect((await app.api('GET', '/api/analytics/ltv', { token: hq.token })).json().locationIds).toBeNull();
    const bad = await app.api('GET', '/api/analytics/cohorts?from=2026-11-30&to=2026-11-01', {
      token: hq.token,
      headers: { 'accept-language': 'en' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});
