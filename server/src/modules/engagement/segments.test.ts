import { expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { query } from '../../platform/db/connection.ts';
import { newId } from '../../platform/ids.ts';
import { setTier } from '../customers/service.ts';
import {
  createTestLocation,
  describeEachDatabase,
  newStaff,
  receive,
  registerCustomer,
  testJan,
  type TestApp,
} from '../../test/harness.ts';
import { compileSegment, compileSegmentIds } from './segment-sql.ts';
import type { SegmentRules } from './segment-rules.ts';

/**
 * The fixture: three stores (渋谷, 新宿 3 km away, 大阪), a shirt under トップス > シャツ and a mug, and four
 * members whose histories differ in one thing each:
 *   愛子 — lives by 渋谷, bought at the 渋谷 till twice and online once (omni), agreed to e-mail offers;
 *   勉   — lives by 大阪, looked at the shirt online and bought only the mug, online (web only);
 *   千佳 — lives by 新宿, bought the shirt at the 新宿 till 200 days ago (store only), born in March;
 *   大   — gold member who never bought anything.
 */
interface World {
  shibuya: string;
  shinjuku: string;
  osaka: string;
  tops: string;
  shirt: { productId: string; variantId: string; jan: string };
  mug: { productId: string; variantId: string; jan: string };
  aiko: { id: string; token: string };
  ben: { id: string; token: string };
  chika: { id: string; token: string };
  dai: { id: string; token: string };
}

const worlds = new WeakMap<TestApp, Promise<World>>();
const world = (app: TestApp) => {
  if (!worlds.has(app)) worlds.set(app, build(app));
  return worlds.get(app)!;
};

async function post(app: TestApp, url: string, body: unknown, token?: string) {
  const res = await app.api('POST', url, { body, ...(token ? { token } : {}) });
  if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

async function product(app: TestApp, name: string, categoryId?: string) {
  const jan = testJan();
  const p = await post(app, '/api/products', {
    name,
    nameKana: 'てすと',
    taxRate: 10,
    ...(categoryId ? { categoryId } : {}),
    variants: [{ sku: `SEG-${newId('s').slice(-10)}`, jan, price: 1100 }],
  });
  return { productId: p.id as string, variantId: p.variants[0].id as string, jan };
}

async function build(app: TestApp): Promise<World> {
  const db = app.server.database.db;
  const shibuya = await createTestLocation(app, { name: '渋谷店', lat: 35.6618, lng: 139.7041 });
  const shinjuku = await createTestLocation(app, { name: '新宿店', lat: 35.6909, lng: 139.7003 });
  const osaka = await createTestLocation(app, { name: '梅田店', lat: 34.7025, lng: 135.4959 });
  const tops = (await post(app, '/api/categories', { name: 'トップス' })).id as string;
  const shirts = (await post(app, '/api/categories', { name: 'シャツ', parentId: tops })).id as string;
  const shirt = await product(app, 'オックスフォードシャツ', shirts);
  const mug = await product(app, 'マグカップ');
  for (const store of [shibuya, shinjuku, osaka])
    for (const p of [shirt, mug]) await receive(app, p.variantId, store, 50);

  const member = async (name: string, home: string, extra: Record<string, string> = {}) => {
    const r = await registerCustomer(app, { name, ...extra });
    await db.execute(sql`UPDATE customers SET home_location_id = ${home} WHERE id = ${r.customer.id}`);
    return { id: r.customer.id, token: r.token, memberNumber: r.customer.memberNumber };
  };
  const aiko = await member('佐藤 愛子', shibuya);
  const ben = await member('鈴木 勉', osaka);
  const chika = await member('高橋 千佳', shinjuku, { birthday: '1990-03-14' });
  const dai = await member('田中 大', shibuya);
  await setTier(db, dai.id, 'gold');

  const tillSale = (store: string, jan: string, memberNumber: string) =>
    post(app, '/api/pos/sales', {
      locationId: store,
      lines: [{ jan, quantity: 1 }],
      memberNumber,
      payments: [{ method: 'cash', amount: 1100, tendered: 1100 }],
      clientTransactionId: newId('till'),
    });
  const webHold = async (who: { token: string }, variantId: string, store: string) => {
    const cart = await post(app, '/api/carts', { channel: 'web' }, who.token);
    await post(app, `/api/carts/${cart.id}/lines`, { variantId, quantity: 1 }, who.token);
    const res = await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, {
      token: who.token,
      body: { type: 'hold', locationId: store },
    });
    if (res.statusCode !== 200) throw new Error(res.body);
    return post(app, `/api/carts/${cart.id}/checkout`, {}, who.token);
  };
  await tillSale(shibuya, mug.jan, aiko.memberNumber);
  await tillSale(shibuya, shirt.jan, aiko.memberNumber);
  await webHold(aiko, mug.variantId, shibuya);
  await webHold(ben, mug.variantId, osaka);
  const chikaSale = await tillSale(shinjuku, shirt.jan, chika.memberNumber);
  await db.execute(
    sql`UPDATE orders SET created_at = now() - interval '200 days' WHERE id = ${chikaSale.order.id as string}`,
  );
  await post(
    app,
    '/api/events',
    {
      events: [
        {
          id: crypto.randomUUID(),
          type: 'product_viewed',
          occurredAt: new Date().toISOString(),
          channel: 'web',
          payload: { productId: shirt.productId },
        },
      ],
    },
    ben.token,
  );
  const consent = await app.api('PUT', '/api/account/consents', {
    token: aiko.token,
    body: { items: [{ channel: 'email', purpose: 'marketing', granted: true }] },
  });
  if (consent.statusCode >= 300) throw new Error(consent.body);
  return { shibuya, shinjuku, osaka, tops, shirt, mug, aiko, ben, chika, dai };
}

/** The members of our four that the rules hold (by first name), sorted; and the full count. */
async function holds(app: TestApp, w: World, rules: Partial<SegmentRules> & Pick<SegmentRules, 'conditions'>) {
  const res = await app.api('POST', '/api/segments/preview', { body: { rules } });
  expect(res.statusCode, res.body).toBe(200);
  const names = new Map([
    [w.aiko.id, 'aiko'],
    [w.ben.id, 'ben'],
    [w.chika.id, 'chika'],
    [w.dai.id, 'dai'],
  ]);
  const { count, sample } = res.json() as { count: number; sample: Array<{ id: string }> };
  return { count, who: sample.map((m) => names.get(m.id) ?? m.id).sort() };
}

describeEachDatabase('segments over the unified customer', (ctx) => {
  it('selects by tier, birthday month, consent and points, all or any', async () => {
    const app = ctx();
    const w = await world(app);
    expect((await holds(app, w, { conditions: [{ field: 'tier', in: ['gold'] }] })).who).toEqual(['dai']);
    expect((await holds(app, w, { conditions: [{ field: 'birthday_month', months: [3] }] })).who).toEqual(['chika']);
    expect((await holds(app, w, { conditions: [{ field: 'consent', channel: 'email' }] })).who).toEqual(['aiko']);
    // Till sales earned points (1 per ¥100 by default): 愛子 has the most.
    const points = await holds(app, w, { conditions: [{ field: 'points', range: { min: 15 } }] });
    expect(points.who).toEqual(['aiko']);
    const any = await holds(app, w, {
      match: 'any',
      conditions: [
        { field: 'tier', in: ['gold'] },
        { field: 'birthday_month', months: [3] },
      ],
    });
    expect(any.who).toEqual(['chika', 'dai']);
    const all = await holds(app, w, {
      conditions: [
        { field: 'tier', in: ['gold'] },
        { field: 'birthday_month', months: [3] },
      ],
    });
    expect(all).toEqual({ count: 0, who: [] });
    // No condition: every active member (ours are four of them).
    expect((await holds(app, w, { conditions: [] })).count).toBe(4);
  });

  it('knows where each bought: web only, store only, omni — and who bought nothing (RFM none)', async () => {
    const app = ctx();
    const w = await world(app);
    expect((await holds(app, w, { conditions: [{ field: 'channel_mix', in: ['omni'] }] })).who).toEqual(['aiko']);
    expect((await holds(app, w, { conditions: [{ field: 'channel_mix', in: ['web_only'] }] })).who).toEqual(['ben']);
    expect((await holds(app, w, { conditions: [{ field: 'channel_mix', in: ['store_only'] }] })).who).toEqual([
      'chika',
    ]);
    expect((await holds(app, w, { conditions: [{ field: 'rfm_group', in: ['none'] }] })).who).toEqual(['dai']);
    // Three orders is the most anyone has: 愛子 scores the top frequency quintile.
    expect((await holds(app, w, { conditions: [{ field: 'rfm_score', frequency: [5] }] })).who).toEqual(['aiko']);
  });

  it('days since her last purchase and her last time at a store, and spend in a window (net of returns)', async () => {
    const app = ctx();
    const w = await world(app);
    const lapsed = await holds(app, w, { conditions: [{ field: 'days_since_purchase', range: { min: 180 } }] });
    expect(lapsed.who).toEqual(['chika']);
    const recent = await holds(app, w, { conditions: [{ field: 'days_since_purchase', range: { max: 7 } }] });
    expect(recent.who).toEqual(['aiko', 'ben']);
    // Her till visits are on her timeline: 愛子 was at a store today, 勉 never.
    const visited = await holds(app, w, { conditions: [{ field: 'days_since_visit', range: { max: 1 } }] });
    expect(visited.who).toContain('aiko');
    expect(visited.who).not.toContain('ben');
    const spent = await holds(app, w, { conditions: [{ field: 'spend', days: 30, range: { min: 3300 } }] });
    expect(spent.who).toEqual(['aiko']);
    // 千佳's shirt was 200 days ago: nothing in the last 30 days, ¥1,100 in the last year.
    expect((await holds(app, w, { conditions: [{ field: 'spend', days: 30, range: { max: 0 } }] })).who).toEqual(
      expect.arrayContaining(['chika', 'dai']),
    );
    expect(
      (await holds(app, w, { conditions: [{ field: 'spend', days: 365, range: { min: 1100, max: 1100 } }] })).who,
    ).toEqual(['ben', 'chika']);
  });

  it('bought, viewed, and viewed but did not buy — by product or by category, subcategories included', async () => {
    const app = ctx();
    const w = await world(app);
    const shirt = { productIds: [w.shirt.productId], days: 365 };
    const tops = { categoryIds: [w.tops], days: 365 };
    expect((await holds(app, w, { conditions: [{ field: 'bought', products: shirt }] })).who).toEqual([
      'aiko',
      'chika',
    ]);
    expect((await holds(app, w, { conditions: [{ field: 'bought', products: tops }] })).who).toEqual(['aiko', 'chika']);
    // 千佳 bought hers 200 days ago.
    expect((await holds(app, w, { conditions: [{ field: 'bought', products: { ...shirt, days: 30 } }] })).who).toEqual([
      'aiko',
    ]);
    expect((await holds(app, w, { conditions: [{ field: 'viewed', products: tops }] })).who).toEqual(['ben']);
    expect((await holds(app, w, { conditions: [{ field: 'viewed_not_bought', products: shirt }] })).who).toEqual([
      'ben',
    ]);
  });

  it('members who live within N km of a store', async () => {
    const app = ctx();
    const w = await world(app);
    const near = (km: number) => holds(app, w, { conditions: [{ field: 'near_store', locationId: w.shibuya, km }] });
    expect((await near(1)).who).toEqual(['aiko', 'dai']);
    expect((await near(5)).who).toEqual(['aiko', 'chika', 'dai']);
    expect((await near(100)).who).toEqual(['aiko', 'chika', 'dai']);
  });

  it('refuses bad rules with the field, before anything is saved; clerks are refused', async () => {
    const app = ctx();
    const w = await world(app);
    const bad = async (rules: unknown) => {
      const res = await app.api('POST', '/api/segments', {
        body: { name: '不正', rules },
        headers: { 'accept-language': 'ja' },
      });
      return { status: res.statusCode, fields: (res.json().errors ?? []).map((e: { field: string }) => e.field) };
    };
    expect(await bad({ conditions: [{ field: 'favourite_colour', in: ['red'] }] })).toMatchObject({ status: 400 });
    expect(await bad({ conditions: [{ field: 'near_store', locationId: w.shibuya, km: 0 }] })).toEqual({
      status: 400,
      fields: ['rules.conditions.0.km'],
    });
    expect(await bad({ conditions: [{ field: 'near_store', locationId: w.shibuya, km: 101 }] })).toEqual({
      status: 400,
      fields: ['rules.conditions.0.km'],
    });
    expect(await bad({ conditions: [{ field: 'tier', in: ['gold'], op: 'neq' }] })).toMatchObject({ status: 400 });
    expect(await bad({ conditions: [{ field: 'spend', days: 30, range: {} }] })).toMatchObject({ status: 400 });
    const unknownStore = await app.api('POST', '/api/segments', {
      body: { name: '不明', rules: { conditions: [{ field: 'near_store', locationId: 'loc_nowhere', km: 2 }] } },
    });
    expect(unknownStore.statusCode).toBe(404);
    const before = (await app.api('GET', '/api/segments')).json().items.length;
    expect(before).toBe(0);

    // A clerk is refused; a store manager previews her store's members only (store-campaigns.test.ts).
    const clerk = await newStaff(app, 'staff', [w.shibuya]);
    const refused = await app.api('POST', '/api/segments/preview', {
      token: clerk.token,
      body: { rules: { conditions: [] } },
    });
    expect(refused.statusCode).toBe(403);
  });

  it('saves, renames, exports as CSV (audited) and deletes a segment', async () => {
    const app = ctx();
    const w = await world(app);
    const hq = await newStaff(app, 'hq', []);
    const rules = { match: 'all', conditions: [{ field: 'near_store', locationId: w.shibuya, km: 2 }] };
    const created = await app.api('POST', '/api/segments', {
      token: hq.token,
      body: { name: '渋谷店から2km以内の会員', rules },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect(created.json()).toMatchObject({ name: '渋谷店から2km以内の会員', description: '', rules });
    const renamed = await app.api('PATCH', `/api/segments/${id}`, {
      token: hq.token,
      body: { description: '雨の日クーポン用' },
    });
    expect(renamed.json()).toMatchObject({ name: '渋谷店から2km以内の会員', description: '雨の日クーポン用' });

    const csv = await app.api('POST', `/api/segments/${id}/export.csv`, { token: hq.token });
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('会員番号,フリガナ,購入チャネル');
    expect(lines).toHaveLength(3); // 愛子 and 大
    expect(lines.some((l) => l.endsWith(',store web'))).toBe(true); // 愛子 bought at the till and online
    const [audit] = await query<{ action: string; actor: string; detail: { members: number } }>(
      app.server.database.db,
      sql`SELECT action, actor, detail FROM audit_log WHERE subject_id = ${id}`,
    );
    expect(audit).toMatchObject({ action: 'segment.exported', actor: hq.id, detail: { members: 2 } });

    expect((await app.api('GET', `/api/segments/${id}`, { token: hq.token })).statusCode).toBe(200);
    expect((await app.api('DELETE', `/api/segments/${id}`, { token: hq.token })).statusCode).toBe(204);
    const gone = await app.api('GET', `/api/segments/${id}`, { token: hq.token, headers: { 'accept-language': 'en' } });
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ code: 'engagement.segment_not_found', title: 'Segment not found' });
  });

  // Last: it takes two records out of membership.
  it('a preview that starts from the viewers counts members only, the same as the walk over every member', async () => {
    const app = ctx();
    const w = await world(app);
    const db = app.server.database.db;
    const eri = await registerCustomer(app, { name: '伊藤 恵理' });
    const gen = await registerCustomer(app, { name: '渡辺 玄' });
    for (const who of [eri, gen])
      await post(
        app,
        '/api/events',
        {
          events: [
            {
              id: crypto.randomUUID(),
              type: 'product_viewed',
              occurredAt: new Date().toISOString(),
              channel: 'app',
              payload: { productId: w.shirt.productId },
            },
          ],
        },
        who.token,
      );
    const shirt = { productIds: [w.shirt.productId], days: 30 };
    const tops = { categoryIds: [w.tops], days: 30 };
    const ruleSets: SegmentRules[] = [
      { match: 'all', conditions: [{ field: 'viewed_not_bought', products: tops }] },
      { match: 'all', conditions: [{ field: 'viewed_not_bought', products: shirt }] },
      { match: 'any', conditions: [{ field: 'viewed', products: { ...shirt, categoryIds: [w.tops] } }] },
      {
        match: 'all',
        conditions: [
          { field: 'consent', channel: 'email' },
          { field: 'viewed', products: tops },
        ],
      },
      {
        match: 'all',
        conditions: [
          { field: 'viewed_not_bought', products: tops },
          { field: 'bought', products: { productIds: [w.mug.productId], days: 30 } },
        ],
      },
    ];
    const dialect = new PgDialect();
    const same = async () => {
      for (const rules of ruleSets) {
        const started = await compileSegmentIds(db, rules);
        expect(dialect.sqlToQuery(started).sql).toContain(`status <> 'active'`); // starts from the viewers
        const ids = async (q: SQL) =>
          (await query<{ customer_id: string }>(db, sql`SELECT customer_id FROM (${q}) s ORDER BY 1`)).map(
            (r) => r.customer_id,
          );
        expect(await ids(started), JSON.stringify(rules)).toEqual(await ids(await compileSegment(db, rules)));
      }
    };
    await same();
    const viewedNotBought = { conditions: [{ field: 'viewed_not_bought' as const, products: tops }] };
    expect((await holds(app, w, viewedNotBought)).count).toBe(3);
    // Her record erased; his merged into 勉's (his timeline left where it was): neither is a member now.
    await db.execute(sql`UPDATE customers SET status = 'deleted', deleted_at = now() WHERE id = ${eri.customer.id}`);
    await db.execute(
      sql`UPDATE customers SET status = 'merged', merged_into = ${w.ben.id} WHERE id = ${gen.customer.id}`,
    );
    expect(await holds(app, w, viewedNotBought)).toEqual({ count: 1, who: ['ben'] });
    await same();
  });
});
