import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { getRules } from './modules/loyalty/rules.ts';
import { campaignMultiplier } from './modules/loyalty/campaigns.ts';
import { createTestLocation, describeEachDatabase, eventually, secondCopy, type TestApp } from './test/harness.ts';

// Locations, settings and points campaigns are kept in memory by each app copy (table-cache.ts): a change
// must reach the next request whoever makes it — this copy at once, SQL behind its back or another copy as
// soon as the table's trigger is heard.

const nameOf = async (app: TestApp, id: string) =>
  ((await app.api('GET', '/api/locations', { token: null })).json().items as Array<{ id: string; name: string }>).find(
    (l) => l.id === id,
  )?.name ?? null;

describeEachDatabase('tables kept in memory: locations, settings, points campaigns', (ctx) => {
  it('a store renamed or closed in SQL behind the app, or through the API, reaches the next request', async () => {
    const app = ctx();
    const id = await createTestLocation(app, { name: '元の店' });
    expect(await nameOf(app, id)).toBe('元の店'); // the list is kept now
    await app.server.database.db.execute(sql`UPDATE locations SET name = '新しい店' WHERE id = ${id}`);
    expect(await eventually(() => nameOf(app, id), '新しい店')).toBe('新しい店');
    const closed = await app.api('PATCH', `/api/locations/${id}`, { body: { active: false } });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(await nameOf(app, id)).toBeNull(); // at once: this copy dropped its list on the write
  });

  it('the loyalty rules changed through the API apply at once, and in SQL behind the app soon after', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const before = (await getRules(db)).points.yenPerPoint;
    const put = await app.api('PUT', '/api/loyalty/rules', { body: { points: { yenPerPoint: 200 } } });
    expect(put.statusCode, put.body).toBe(200);
    expect((await getRules(db)).points.yenPerPoint).toBe(200);
    await db.execute(sql`UPDATE settings SET value = '{"points":{"yenPerPoint":50}}' WHERE key = 'loyalty.rules'`);
    expect(await eventually(async () => (await getRules(db)).points.yenPerPoint, 50)).toBe(50);
    await app.api('PUT', '/api/loyalty/rules', { body: { points: { yenPerPoint: before } } });
  });

  it('a points campaign runs only inside its window, by channel and store, the highest multiplier winning', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const store = await createTestLocation(app);
    const online = { channel: 'web' as const, locationId: null };
    expect(await campaignMultiplier(db, online)).toEqual({ multiplier: 1, campaignId: null }); // kept now
    const at = (ms: number) => new Date(Date.now() + ms);
    const make = async (body: Record<string, unknown>) => {
      const res = await app.api('POST', '/api/loyalty/campaigns', { body });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const x2 = await make({ name: 'ポイント2倍', multiplier: 2, startsAt: at(-60_000), endsAt: at(3_600_000) });
    expect(await campaignMultiplier(db, online)).toEqual({ multiplier: 2, campaignId: x2 }); // at once
    await make({ name: '来月5倍', multiplier: 5, startsAt: at(86_400_000), endsAt: at(2 * 86_400_000) });
    const x3 = await make({
      name: '店舗3倍',
      multiplier: 3,
      channel: 'store',
      locationId: store,
      startsAt: at(-60_000),
      endsAt: at(3_600_000),
    });
    expect(await campaignMultiplier(db, online)).toEqual({ multiplier: 2, campaignId: x2 });
    expect(await campaignMultiplier(db, { channel: 'store', locationId: store })).toEqual({
      multiplier: 3,
      campaignId: x3,
    });
    // Ended in SQL behind the app: the store's falls back to the chain-wide ×2.
    await db.execute(sql`UPDATE point_campaigns SET ends_at = now() - interval '1 second' WHERE id = ${x3}`);
    expect(
      await eventually(() => campaignMultiplier(db, { channel: 'store', locationId: store }), {
        multiplier: 2,
        campaignId: x2,
      }),
    ).toEqual({ multiplier: 2, campaignId: x2 });
    await db.execute(sql`DELETE FROM point_campaigns`);
  });

  it('a store opened and the rules changed on one app copy reach another copy of the same database', async (t) => {
    const app = ctx();
    const copy = await secondCopy(app);
    if (!copy) return t.skip(); // PGlite: one process, one copy
    const second = copy.server;
    const other = second.database;
    try {
      const names = async () =>
        (
          (await second.app.inject({ method: 'GET', url: '/api/locations' })).json().items as Array<{ name: string }>
        ).map((l) => l.name);
      const before = (await getRules(other.db)).points.yenPerPoint; // both kept on the second copy now
      expect(await names()).not.toContain('二号店');
      const created = await app.api('POST', '/api/locations', {
        body: {
          code: 'NIGO',
          name: '二号店',
          kind: 'store',
          prefecture: '東京都',
          city: '目黒区',
          address: '自由が丘1-1-1',
          lat: 35.6076,
          lng: 139.6688,
          openingHours: { mon: null, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null },
          services: { pickup: false, orderAhead: false, deliveryRadiusKm: null, shipping: false },
        },
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(await eventually(async () => (await names()).includes('二号店'), true)).toBe(true);
      await app.api('PUT', '/api/loyalty/rules', { body: { points: { yenPerPoint: 300 } } });
      expect(await eventually(async () => (await getRules(other.db)).points.yenPerPoint, 300)).toBe(300);
      await app.api('PUT', '/api/loyalty/rules', { body: { points: { yenPerPoint: before } } });
    } finally {
      await copy.close();
    }
  });
});
