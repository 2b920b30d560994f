import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import {
  createTestLocation,
  describeEachDatabase,
  receive,
  registerCustomer,
  testJan,
  type TestApp,
} from '../../test/harness.ts';
import { tableChanged } from '../../platform/db/table-cache.ts';

let n = 0;
const tag = () => `${Date.now().toString(36)}${++n}`;

describeEachDatabase('storefront', (ctx) => {
  async function category(name: string, parentId?: string): Promise<string> {
    const res = await ctx().api('POST', '/api/categories', { body: { name, parentId } });
    expect(res.statusCode).toBe(201);
    return res.json().id;
  }

  /** A product of `categoryId` with one variant per option set (price per variant). */
  async function product(
    name: string,
    categoryId: string,
    variants: Array<{ price: number; options?: Record<string, string> }>,
    nameKana = '',
  ): Promise<{ id: string; variantIds: string[] }> {
    const res = await ctx().api('POST', '/api/products', {
      body: {
        name,
        nameKana,
        taxRate: 10,
        categoryId,
        variants: variants.map((v, i) => ({ sku: `SF-${tag()}-${i}`, jan: testJan(), ...v })),
      },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    return { id: body.id, variantIds: body.variants.map((v: { id: string }) => v.id) };
  }

  /** Make `productId` arrive `days` ago (新着 order). */
  async function arrived(app: TestApp, productId: string, days: number) {
    await app.server.database.db.execute(
      sql`UPDATE products SET created_at = now() - make_interval(days => ${days}) WHERE id = ${productId}`,
    );
  }

  const list = async (params: Record<string, string | number>) => {
    const res = await ctx().api(
      'GET',
      `/api/shop/products?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`,
      {
        token: null,
      },
    );
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('she narrows a category (its subcategories too) to M in navy under ¥5,000 in stock at her store', async () => {
    const t = tag();
    const top = await category(`衣料 ${t}`);
    const outer = await category(`アウター ${t}`, top);
    const shibuya = await createTestLocation(ctx(), { name: '渋谷テスト店' });
    const jacket = await product(`ジャケット ${t}`, outer, [
      { price: 4990, options: { カラー: 'ネイビー', サイズ: 'M' } },
      { price: 4990, options: { カラー: 'ブラック', サイズ: 'M' } },
    ]);
    // Navy M exists, but at ¥7,990: the price and the options must hold on the same variant.
    const coat = await product(`コート ${t}`, outer, [
      { price: 7990, options: { カラー: 'ネイビー', サイズ: 'M' } },
      { price: 3990, options: { カラー: 'ブラック', サイズ: 'S' } },
    ]);
    const shirt = await product(`シャツ ${t}`, top, [{ price: 2990, options: { カラー: 'ネイビー', サイズ: 'M' } }]);
    await arrived(ctx(), jacket.id, 1);
    await arrived(ctx(), coat.id, 2);
    await arrived(ctx(), shirt.id, 3);

    const all = await list({ category: top });
    expect(all.items.map((p: { id: string }) => p.id)).toEqual([jacket.id, coat.id, shirt.id]);
    expect(all.facets.sizes.map((f: { value: string }) => f.value)).toEqual(['S', 'M']);
    expect(all.facets.colours[0]).toEqual({ value: 'ネイビー', count: 3 });

    const navyM = await list({ category: top, colour: 'ネイビー', size: 'M', priceMax: 5000 });
    expect(navyM.items.map((p: { id: string }) => p.id)).toEqual([jacket.id, shirt.id]);

    // Only the black jacket is on the shelf at 渋谷: navy M in stock there finds nothing, any colour finds the jacket.
    await receive(ctx(), jacket.variantIds[1]!, shibuya, 2);
    expect((await list({ category: top, colour: 'ネイビー', stock: 'store', store: shibuya })).total).toBe(0);
    const inStock = await list({ category: top, stock: 'store', store: shibuya });
    expect(inStock.items).toEqual([expect.objectContaining({ id: jacket.id, storeAvailable: 2 })]);

    const cheap = await list({ category: top, sort: 'price_asc', limit: 2 });
    expect(cheap.items.map((p: { id: string }) => p.id)).toEqual([shirt.id, coat.id]);
    expect([cheap.total, cheap.pageCount]).toEqual([3, 2]);
    const second = await list({ category: top, sort: 'price_asc', limit: 2, page: 2 });
    expect(second.items.map((p: { id: string }) => p.id)).toEqual([jacket.id]);
    expect((await list({ category: top, sort: 'price_desc' })).items[0].id).toBe(coat.id);
  });

  it('「近くの店舗」 counts the stores within 5 km of her, not one across the country', async () => {
    const t = tag();
    const cat = await category(`傘 ${t}`);
    const near = await createTestLocation(ctx(), { name: '原宿テスト店', lat: 35.6702, lng: 139.7027 });
    const far = await createTestLocation(ctx(), { name: '梅田テスト店', lat: 34.7025, lng: 135.4959 });
    const a = await product(`折りたたみ傘 ${t}`, cat, [{ price: 2990 }]);
    const b = await product(`長傘 ${t}`, cat, [{ price: 3990 }]);
    await receive(ctx(), a.variantIds[0]!, near, 1);
    await receive(ctx(), b.variantIds[0]!, far, 5);
    const nearShibuya = await list({ category: cat, stock: 'near', near: '35.658,139.7016' });
    expect(nearShibuya.items.map((p: { id: string }) => p.id)).toEqual([a.id]);
    const nearUmeda = await list({ category: cat, stock: 'near', near: '34.7025,135.4959' });
    expect(nearUmeda.items.map((p: { id: string }) => p.id)).toEqual([b.id]);
    expect((await ctx().api('GET', `/api/shop/products?stock=store`, { token: null })).statusCode).toBe(400);
  });

  it('a search keeps kana and half-width, suggests names as she types, and says もしかして when nothing matches', async () => {
    const t = tag();
    const cat = await category(`雨具 ${t}`);
    await product(`撥水マウンテンジャケット${t}`, cat, [{ price: 7990 }], 'はっすいまうんてんじゃけっと');
    const byKana = await list({ q: `ﾏｳﾝﾃﾝｼﾞｬｹｯﾄ${t}` });
    expect(byKana.items[0].name).toBe(`撥水マウンテンジャケット${t}`);
    const typo = await list({ q: `マウンテンジャケト${t}` });
    expect(typo.total).toBe(0);
    expect(typo.didYouMean).toBe(`撥水マウンテンジャケット${t}`);

    const res = await ctx().api('GET', `/api/shop/suggestions?q=${encodeURIComponent(`はっすい`)}`, { token: null });
    expect(res.statusCode).toBe(200);
    const names = res.json().products.map((p: { name: string }) => p.name);
    expect(names).toContain(`撥水マウンテンジャケット${t}`);
    // A reading is a search key, never shown.
    expect(JSON.stringify(res.json())).not.toContain('まうんてん');
  });

  it('a collection lists its hand-picked products in order, a rule keeps a category’s newest, and both show on the home', async () => {
    const t = tag();
    const cat = await category(`カフェ ${t}`);
    const shibuya = await createTestLocation(ctx());
    const latte = await product(`ラテ ${t}`, cat, [{ price: 450 }]);
    const scone = await product(`スコーン ${t}`, cat, [{ price: 320 }]);
    const old = await product(`古い豆 ${t}`, cat, [{ price: 1200 }]);
    await arrived(ctx(), old.id, 90);
    await receive(ctx(), scone.variantIds[0]!, shibuya, 3);

    const picked = await ctx().api('POST', '/api/collections', {
      body: { name: `カフェの定番 ${t}`, kind: 'manual', productIds: [scone.id, latte.id], sort: -1000 },
    });
    expect(picked.statusCode, picked.body).toBe(201);
    const rule = await ctx().api('POST', '/api/collections', {
      body: { name: `新着 ${t}`, kind: 'rule', categoryId: cat, newWithinDays: 30, sort: -999 },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    expect((await list({ collection: picked.json().id })).items.map((p: { id: string }) => p.id)).toEqual([
      scone.id,
      latte.id,
    ]);
    const fresh = (await list({ collection: rule.json().id })).items.map((p: { id: string }) => p.id);
    expect(fresh.sort()).toEqual([latte.id, scone.id].sort());

    const home = (await ctx().api('GET', `/api/shop/home?store=${shibuya}`, { token: null })).json();
    expect(home.collections.slice(0, 2).map((c: { name: string }) => c.name)).toEqual([
      `カフェの定番 ${t}`,
      `新着 ${t}`,
    ]);
    expect(home.inStockAtStore.map((p: { id: string }) => p.id)).toEqual([scone.id]);

    const reordered = await ctx().api('PATCH', `/api/collections/${picked.json().id}`, {
      body: { productIds: [latte.id] },
    });
    expect(reordered.json().productIds).toEqual([latte.id]);
    expect((await ctx().api('POST', '/api/collections', { body: { name: 'x', kind: 'rule' } })).statusCode).toBe(400);
    expect(
      (await ctx().api('POST', '/api/collections', { body: { name: 'x', kind: 'manual', productIds: ['prd_nope'] } }))
        .statusCode,
    ).toBe(404);
    expect((await ctx().api('DELETE', `/api/collections/${picked.json().id}`)).statusCode).toBe(204);
    expect((await ctx().api('DELETE', `/api/collections/${picked.json().id}`)).statusCode).toBe(404);
  });

  it('head office renames and moves a category, never under itself', async () => {
    const t = tag();
    const parent = await category(`生活 ${t}`);
    const child = await category(`台所 ${t}`, parent);
    const moved = await ctx().api('PATCH', `/api/categories/${child}`, {
      body: { parentId: null, name: `キッチン ${t}` },
    });
    expect(moved.json()).toMatchObject({ parentId: null, name: `キッチン ${t}` });
    await ctx().api('PATCH', `/api/categories/${child}`, { body: { parentId: parent } });
    const loop = await ctx().api('PATCH', `/api/categories/${parent}`, { body: { parentId: child } });
    expect(loop.statusCode).toBe(422);
    expect(loop.json().code).toBe('catalog.category_cycle');
  });

  it('マイストア: she chooses her store once and it is on her record', async () => {
    const store = await createTestLocation(ctx());
    const { token } = await registerCustomer(ctx());
    const res = await ctx().api('PUT', '/api/account/home-store', { token, body: { locationId: store } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().homeLocationId).toBe(store);
    const warehouse = await createTestLocation(ctx(), { kind: 'warehouse' });
    expect(
      (await ctx().api('PUT', '/api/account/home-store', { token, body: { locationId: warehouse } })).statusCode,
    ).toBe(404);
    const closed = await createTestLocation(ctx());
    await ctx().server.database.db.execute(sql`UPDATE locations SET active = false WHERE id = ${closed}`);
    tableChanged(ctx().server.database.db, 'locations'); // kept in memory by the server: read again
    expect(
      (await ctx().api('PUT', '/api/account/home-store', { token, body: { locationId: closed } })).statusCode,
    ).toBe(404);
    // Nor does the shop show a warehouse's or a closed store's stock as 「マイストア」's.
    for (const store of [warehouse, closed])
      for (const path of [
        `/api/shop/products?store=${store}`,
        `/api/shop/products?stock=store&store=${store}`,
        `/api/shop/home?store=${store}`,
      ]) {
        const res = await ctx().api('GET', path, { token: null });
        expect(res.statusCode, path).toBe(400);
        expect(res.json().code).toBe('platform.validation');
        expect(JSON.stringify(res.json())).toContain('store');
      }
    const cleared = await ctx().api('PUT', '/api/account/home-store', { token, body: { locationId: null } });
    expect(cleared.json().homeLocationId).toBeNull();
  });
});
