import { asc, eq } from 'drizzle-orm';
import { expect, it, describe } from 'vitest';
import { describeEachDatabase, testJan } from '../../test/harness.ts';
import { imageView } from './image-view.ts';
import { productImages, products, variants } from './schema.ts';
import { isValidJan, makeJan } from './jan.ts';
import { gramsOf, normalizeSearch, searchTerms } from './search-text.ts';

describe('JAN-13 and Japanese search keys', () => {
  it('validates JAN check digits', () => {
    expect(isValidJan('4901234567894')).toBe(true);
    expect(isValidJan('4901234567890')).toBe(false);
    expect(makeJan('490123456789')).toBe('4901234567894');
  });

  it('folds half-width katakana, full-width letters and katakana to one key', () => {
    expect(normalizeSearch('ｶﾌｪﾗﾃ')).toBe('かふぇらて');
    expect(normalizeSearch('カフェラテ　ＬＡＴＴＥ')).toBe('かふぇらて latte');
    expect(gramsOf('らて')).toEqual(['ら', 'らて', 'て']);
    expect(searchTerms('靴 ランニング')).toEqual({
      grams: ['靴', 'らん', 'んに', 'にん', 'んぐ'],
      likes: ['らんにんぐ'],
    });
  });
});

describeEachDatabase('catalog', (ctx) => {
  async function product(name: string, nameKana: string, taxRate: 10 | 8 = 10) {
    const res = await ctx().api('POST', '/api/products', {
      body: {
        name,
        nameKana,
        taxRate,
        variants: [
          {
            sku: `SKU-${Math.random().toString(36).slice(2, 10)}`,
            jan: testJan(),
            price: 550,
            options: { サイズ: 'Tall' },
          },
        ],
      },
    });
    expect(res.statusCode).toBe(201);
    return res.json();
  }

  it('creates a product with variants and finds it by its JAN', async () => {
    const p = await product('カフェラテ', 'かふぇらて', 8);
    expect(p.variants[0].id).toMatch(/^var_/);
    const byJan = await ctx().api('GET', `/api/barcodes/${p.variants[0].jan}`, { token: null });
    expect(byJan.statusCode).toBe(200);
    expect(byJan.json()).toMatchObject({ variant: { id: p.variants[0].id }, product: { id: p.id, taxRate: 8 } });
    const fullWidth = p.variants[0].jan.replace(/\d/g, (d: string) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    expect((await ctx().api('GET', `/api/barcodes/${encodeURIComponent(fullWidth)}`, { token: null })).statusCode).toBe(
      200,
    );
    const unknown = await ctx().api('GET', '/api/barcodes/4900000000003', { token: null });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('catalog.barcode_not_found');
  });

  it('refuses a wrong check digit, a duplicate JAN and an unknown category with clear problems', async () => {
    const bad = await ctx().api('POST', '/api/products', {
      body: { name: 'x', taxRate: 10, variants: [{ sku: 'bad-jan', jan: '4901234567890', price: 100 }] },
      headers: { 'accept-language': 'en' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ field: 'variants.0.jan', message: 'JAN check digit is wrong' }]);
    const p = await product('傘', 'かさ');
    const dup = await ctx().api('POST', '/api/products', {
      body: { name: 'y', taxRate: 10, variants: [{ sku: 'other-sku', jan: p.variants[0].jan, price: 100 }] },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('catalog.jan_taken');
    const noCat = await ctx().api('POST', '/api/products', {
      body: { name: 'z', taxRate: 10, categoryId: 'cat_nope', variants: [{ sku: 'z-1', jan: testJan(), price: 100 }] },
    });
    expect(noCat.statusCode).toBe(404);
    const count = await ctx().api('GET', '/api/products?q=z-1');
    expect(count.json().items).toHaveLength(0);
  });

  it('finds products by kanji, either kana, half-width katakana, partial words and 1–2 characters', async () => {
    const latte = await product('抹茶ラテ', 'まっちゃらて', 8);
    const shoes = await product('軽量ランニング靴', 'けいりょうらんにんぐぐつ');
    const find = async (q: string) =>
      (
        (await ctx().api('GET', `/api/products?q=${encodeURIComponent(q)}&limit=200`, { token: null })).json()
          .items as Array<{ id: string }>
      ).map((i) => i.id);
    for (const q of ['ラテ', 'らて', 'ﾗﾃ', '抹茶', 'まっちゃ', 'マッチャ', '茶', 'ちゃらて'])
      expect(await find(q), q).toContain(latte.id);
    for (const q of ['靴', 'ランニング', 'らんにんぐ', 'ｹｲﾘｮｳ', '軽量 靴'])
      expect(await find(q), q).toContain(shoes.id);
    expect(await find('靴')).not.toContain(latte.id);
    expect(await find('軽量 ラテ')).toEqual([]);
  });

  it('pages through results with a cursor, without repeats or gaps', async () => {
    const made = [];
    for (let i = 0; i < 7; i++) made.push((await product(`ページ傘${i}`, `ぺーじがさ${i}`)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/products?q=ぺーじがさ&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await ctx().api('GET', url, { token: null })).json();
      seen.push(...page.items.map((i: { id: string }) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(made);
    const bad = await ctx().api('GET', '/api/products?cursor=garbage', { token: null });
    expect(bad.statusCode).toBe(400);
  });

  it('browses the whole catalog without a query, in reading order, page by page', async () => {
    for (let i = 0; i < 4; i++) await product(`一覧テスト${i}`, `いちらんてすと${i}`);
    const seen: Array<{ id: string; nameKana: string }> = [];
    let cursor: string | null = null;
    do {
      const res = await ctx().api('GET', `/api/products?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: null });
      expect(res.statusCode).toBe(200);
      seen.push(...res.json().items);
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(new Set(seen.map((i) => i.id)).size).toBe(seen.length);
    expect(seen.filter((i) => i.nameKana.startsWith('いちらんてすと')).map((i) => i.nameKana)).toEqual(
      [0, 1, 2, 3].map((i) => `いちらんてすと${i}`),
    );
  });

  it('searching 傘 lists the umbrellas before a cap filed under 帽子・傘, the name before the category', async () => {
    const tag = Math.random().toString(36).slice(2, 7);
    const cat = await ctx().api('POST', '/api/categories', { body: { name: `帽子・傘${tag}` } });
    const cap = await ctx().api('POST', '/api/products', {
      body: {
        name: `ウールキャップ${tag}`,
        nameKana: `あーるきゃっぷ${tag}`, // reads before かさ: ranking by reading alone put it first
        taxRate: 10,
        categoryId: cat.json().id,
        variants: [{ sku: `CAP-${tag}`, jan: testJan(), price: 1990 }],
      },
    });
    expect(cap.statusCode).toBe(201);
    const folding = await product(`折りたたみ傘${tag}`, `おりたたみがさ${tag}`);
    const umbrella = await product(`傘${tag}`, `かさ${tag}`);
    const res = await ctx().api('GET', `/api/products?q=${encodeURIComponent(`傘`)}&limit=100`, { token: null });
    const ids = (res.json().items as Array<{ id: string }>).map((i) => i.id);
    const at = (id: string) => ids.indexOf(id);
    expect(at(cap.json().id)).toBeGreaterThan(-1);
    expect(at(umbrella.id)).toBeLessThan(at(folding.id)); // the name starts with it, then contains it
    expect(at(folding.id)).toBeLessThan(at(cap.json().id));
    // Still kana-aware: katakana finds the hiragana reading.
    const kana = await ctx().api('GET', `/api/products?q=${encodeURIComponent(`カサ${tag}`)}`, { token: null });
    expect((kana.json().items as Array<{ id: string }>).map((i) => i.id)).toContain(umbrella.id);
  });

  it('a category renamed by head office is searched by its new name (its products re-indexed)', async () => {
    const tag = Math.random().toString(36).slice(2, 7);
    const cat = await ctx().api('POST', '/api/categories', { body: { name: `アウター${tag}` } });
    const jacket = await ctx().api('POST', '/api/products', {
      body: {
        name: `ノーカラーブルゾン${tag}`,
        taxRate: 10,
        categoryId: cat.json().id,
        variants: [{ sku: `BLZ-${tag}`, jan: testJan(), price: 12900 }],
      },
    });
    expect(jacket.statusCode, jacket.body).toBe(201);
    const found = async (q: string) =>
      (
        (await ctx().api('GET', `/api/products?q=${encodeURIComponent(q)}`, { token: null })).json().items as Array<{
          id: string;
        }>
      ).map((i) => i.id);
    expect(await found(`アウター${tag}`)).toContain(jacket.json().id);
    const renamed = await ctx().api('PATCH', `/api/categories/${cat.json().id}`, {
      body: { name: `ジャケット・コート${tag}`, nameKana: `じゃけっとこーと${tag}` },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(await found(`コート${tag}`)).toContain(jacket.json().id);
    expect(await found(`アウター${tag}`)).not.toContain(jacket.json().id);
  });

  it('archives a product so shoppers no longer find it, and updates are re-indexed', async () => {
    const p = await product('麻混シャツ', 'あさまじりしゃつ');
    const renamed = await ctx().api('PATCH', `/api/products/${p.id}`, {
      body: { name: 'リネンシャツ', nameKana: 'りねんしゃつ' },
    });
    expect(renamed.statusCode).toBe(200);
    expect(
      ((await ctx().api('GET', '/api/products?q=リネン', { token: null })).json().items as Array<{ id: string }>).map(
        (i) => i.id,
      ),
    ).toContain(p.id);
    await ctx().api('POST', `/api/products/${p.id}/archive`);
    expect(
      ((await ctx().api('GET', '/api/products?q=リネン', { token: null })).json().items as Array<{ id: string }>).map(
        (i) => i.id,
      ),
    ).not.toContain(p.id);
    const price = await ctx().api('PATCH', `/api/variants/${p.variants[0].id}`, { body: { price: 2990 } });
    expect(price.json().variants[0].price).toBe(2990);
  });

  it('refuses an empty or unknown category id anywhere with a 404 naming the field, not a 500', async () => {
    const empty = await ctx().api('POST', '/api/products', {
      body: { name: 'w', taxRate: 10, categoryId: '', variants: [{ sku: 'w-1', jan: testJan(), price: 100 }] },
    });
    expect(empty.statusCode).toBe(404);
    expect(empty.json()).toMatchObject({ code: 'catalog.category_not_found', errors: [{ field: 'categoryId' }] });
    const p = await product('帽子', 'ぼうし');
    const patch = await ctx().api('PATCH', `/api/products/${p.id}`, { body: { categoryId: '' } });
    expect(patch.statusCode).toBe(404);
    const child = await ctx().api('POST', '/api/categories', {
      body: { name: '子カテゴリ', parentId: '' },
      headers: { 'accept-language': 'en' },
    });
    expect(child.statusCode).toBe(404);
    expect(child.json().errors).toEqual([{ field: 'parentId', message: 'Refers to something that does not exist' }]);
    const huge = await ctx().api('POST', '/api/categories', { body: { name: '並び順', sort: 2 ** 31 } });
    expect(huge.statusCode).toBe(400);
    expect(huge.json().errors[0].field).toBe('sort');
  });

  it('the product page shows the product as saved, its variants by SKU and its pictures in order', async () => {
    const res = await ctx().api('POST', '/api/products', {
      body: {
        name: 'リネンシャツ',
        nameKana: 'りねんしゃつ',
        description: '麻100%',
        taxRate: 10,
        variants: [
          { sku: 'LS-NV-M', jan: testJan(), price: 4990, options: { カラー: 'ネイビー', サイズ: 'M' } },
          { sku: 'LS-BK-S', jan: testJan(), price: 4990, options: { カラー: 'ブラック', サイズ: 'S' } },
          { sku: 'LS-NV-L', jan: testJan(), price: 5490, options: { カラー: 'ネイビー', サイズ: 'L' } },
        ],
      },
    });
    expect(res.statusCode).toBe(201);
    const id = res.json().id as string;
    // Picture rows as an upload leaves them (images.test.ts uploads real files), added out of order.
    const db = ctx().server.database.db;
    const picture = { base: 'p-test', widths: [400, 800, 1200], width: 1200, height: 1600 };
    await db.insert(productImages).values([
      { id: 'img_b', productId: id, colour: 'ネイビー', position: 1, alt: '紺', ...picture },
      { id: 'img_a', productId: id, colour: null, position: 0, alt: '全色', ...picture },
      { id: 'img_c', productId: id, colour: null, position: 1, alt: '', ...picture, widths: [1200] },
    ]);
    const page = await ctx().api('GET', `/api/products/${id}`, { token: null });
    expect(page.statusCode).toBe(200);
    // What the three statements it replaced read, shaped as they shaped it.
    const [p] = await db.select().from(products).where(eq(products.id, id));
    const vs = await db.select().from(variants).where(eq(variants.productId, id)).orderBy(asc(variants.sku));
    const imgs = await db
      .select()
      .from(productImages)
      .where(eq(productImages.productId, id))
      .orderBy(asc(productImages.position), asc(productImages.id));
    expect(page.body).toBe(
      JSON.stringify({
        id,
        name: p!.name,
        nameKana: p!.nameKana,
        description: p!.description,
        categoryId: null,
        taxRate: 10,
        status: 'active',
        variants: vs.map((v) => ({
          id: v.id,
          sku: v.sku,
          jan: v.jan,
          price: v.price,
          options: v.options,
          status: v.status,
        })),
        images: imgs.map(imageView),
        createdAt: p!.createdAt,
        updatedAt: p!.updatedAt,
      }),
    );
    expect(page.json().variants.map((v: { sku: string }) => v.sku)).toEqual(['LS-BK-S', 'LS-NV-L', 'LS-NV-M']);
    expect(page.json().images.map((i: { id: string }) => i.id)).toEqual(['img_a', 'img_b', 'img_c']);
    expect(page.json().images[0].src).toMatch(/p-test-800\.webp$/);

    const unknown = await ctx().api('GET', '/api/products/prd_none', {
      token: null,
      headers: { 'accept-language': 'en' },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'catalog.product_not_found' });
  });

  it('answers an empty variant change with 400 nothing to change', async () => {
    const p = await product('靴下', 'くつした');
    const res = await ctx().api('PATCH', `/api/variants/${p.variants[0].id}`, { body: {} });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('catalog.nothing_to_change');
  });

  it('lists locations nearest first with distances', async () => {
    const res = await ctx().api('GET', '/api/locations?near=35.658,139.7016&radiusKm=5000', { token: null });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<{ distanceKm: number }>;
    for (let i = 1; i < items.length; i++)
      expect(items[i]!.distanceKm).toBeGreaterThanOrEqual(items[i - 1]!.distanceKm);
    expect((await ctx().api('GET', '/api/locations?near=abc', { token: null })).statusCode).toBe(400);
  });
});
