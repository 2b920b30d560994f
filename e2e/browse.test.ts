import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchChromium, openDesk, openPhone, screenshot, staffLogin } from './support/browser.ts';
import { createStore, e2eJan, ensureWebBuilt, receive, startMusubi, type Musubi } from './support/musubi.ts';

const HQ = { email: 'ren.hq@e2e.example', password: 'correct-horse-battery', name: '中村 蓮' };

interface Made {
  id: string;
  name: string;
  variants: Array<{ id: string; options: Record<string, string> }>;
}

/** Horizontal scroll the page has (0: none). */
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/**
 * Browsing like a shop: the home's collections and マイストア, the category tree as navigation, filters kept
 * in the URL (back undoes one), 「渋谷店に在庫あり」, suggestions as she types and もしかして; head office adds
 * a collection that then leads the home.
 */
describe.skipIf(!hasChromium)('browsing the shop', () => {
  let musubi: Musubi;
  let browser: Browser;
  let shibuya = '';
  let apparel = '';
  let jacket: Made;
  let coat: Made;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    shibuya = await createStore(musubi, { name: '結び 渋谷店', lat: 35.659, lng: 139.7016, city: '渋谷区' });
    const umeda = await createStore(musubi, { name: '結び 梅田店', lat: 34.7025, lng: 135.4959, city: '大阪市北区' });
    apparel = (
      await musubi.api<{ id: string }>('POST', '/api/categories', { name: '衣料品', nameKana: 'いりょうひん' })
    ).id;
    const outer = (
      await musubi.api<{ id: string }>('POST', '/api/categories', {
        name: 'アウター',
        nameKana: 'あうたー',
        parentId: apparel,
      })
    ).id;
    const product = (name: string, nameKana: string, price: number) =>
      musubi.api<Made>('POST', '/api/products', {
        name,
        nameKana,
        taxRate: 10,
        categoryId: outer,
        variants: ['M', 'L'].flatMap((size) =>
          ['ネイビー', 'ブラック'].map((colour) => ({
            sku: `BR-${e2eJan()}`,
            jan: e2eJan(),
            price,
            options: { カラー: colour, サイズ: size },
          })),
        ),
      });
    jacket = await product('ムスビ マウンテンジャケット', 'むすび まうんてんじゃけっと', 7990);
    coat = await product('ムスビ ステンカラーコート', 'むすび すてんからーこーと', 12900);
    await receive(musubi, jacket.variants.find((v) => v.options.サイズ === 'M')!.id, shibuya, 5);
    await receive(musubi, coat.variants[0]!.id, umeda, 5);
    await musubi.api('POST', '/api/collections', {
      name: '冬のアウター',
      description: '寒い朝の通勤に。',
      kind: 'manual',
      productIds: [coat.id, jacket.id],
    });
    await musubi.api('POST', '/api/staff', { ...HQ, role: 'hq', locationIds: [] });
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('she chooses 渋谷店 as マイストア, walks the categories and filters to what 渋谷店 has in M', async () => {
    const shop = await openPhone(browser);
    await shop.goto(`${musubi.baseUrl}/`);
    await shop.getByRole('heading', { name: '冬のアウター' }).waitFor();
    await shop.getByText('マイストアを選ぶと、その店に在庫がある商品がここに並びます。').waitFor();

    await shop.getByRole('button', { name: 'マイストアを選ぶ' }).click();
    await shop.getByRole('button', { name: '結び 渋谷店: この店にする' }).click();
    await shop.getByText('マイストアを結び 渋谷店にしました。').waitFor();
    await shop.getByRole('heading', { name: 'マイストア: 結び 渋谷店' }).waitFor();
    const inStock = shop.getByRole('region', { name: '結び 渋谷店に在庫あり' });
    await inStock.getByRole('link', { name: /ムスビ マウンテンジャケット/ }).waitFor();
    expect(await inStock.getByRole('link', { name: /ステンカラーコート/ }).count()).toBe(0);
    expect(await overflow(shop)).toBeLessThanOrEqual(0);
    // The reading is a search key, never shown.
    expect(await shop.locator('main').textContent()).not.toContain('まうんてん');

    // The category tree as navigation: 衣料品 → its アウター.
    await shop.getByRole('link', { name: '衣料品', exact: true }).click();
    await shop.getByRole('heading', { name: '衣料品', level: 1 }).waitFor();
    await shop.getByRole('link', { name: 'アウター', exact: true }).click();
    await shop.getByRole('heading', { name: 'アウター', level: 1 }).waitFor();
    await shop.getByText('2件').waitFor();

    await shop.getByText('絞り込み・並び替え').click();
    await shop.getByLabel('結び 渋谷店に在庫あり').check();
    await shop.waitForURL(/stock=store/);
    await shop.getByText('1件').waitFor();
    const card = shop.locator(`[data-product="${jacket.id}"]`);
    expect(await card.textContent()).toContain('マイストア在庫あり');
    await shop.getByRole('button', { name: 'L', exact: true }).click();
    await shop.waitForURL(/size=L/);
    await shop.getByText('条件に合う商品はありません。').waitFor();
    await shop.goBack();
    await shop.waitForURL((url) => !url.search.includes('size='));
    await shop.getByText('1件').waitFor();
    expect(await overflow(shop)).toBeLessThanOrEqual(0);
    await screenshot(shop, 'shop-listing-phone');

    // A shared link opens the same list, sorted as she left it.
    await shop.getByLabel('並び替え').selectOption({ label: '価格の高い順' });
    await shop.waitForURL(/sort=price_desc/);
    const shared = await openDesk(browser);
    await shared.goto(shop.url());
    await shared.getByRole('heading', { name: 'アウター', level: 1 }).waitFor();
    // Not her store on this desk: the stock filter waits for one, so both products are listed, dearest first.
    await shared.locator(`[data-product="${coat.id}"]`).waitFor();
    const order = await shared
      .locator('.tile-grid [data-product]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-product')));
    expect(order).toEqual([coat.id, jacket.id]);
    expect(await overflow(shared)).toBeLessThanOrEqual(0);
    await shared.context().close();
    await shop.context().close();
  });

  it('suggestions come as she types; a typo gets もしかして', async () => {
    const shop = await openDesk(browser);
    await shop.goto(`${musubi.baseUrl}/shop`);
    await shop.getByRole('searchbox').fill('ｼﾞｬｹ');
    await shop
      .getByRole('region', { name: '検索候補' })
      .getByRole('link', { name: 'ムスビ マウンテンジャケット' })
      .waitFor();
    await shop.getByRole('searchbox').fill('マウンテンジャケト');
    await shop.getByRole('searchbox').press('Enter');
    await shop.getByText('「マウンテンジャケト」に一致する商品は見つかりませんでした。').waitFor();
    await shop.getByRole('link', { name: 'ムスビ マウンテンジャケット' }).first().click();
    await shop.waitForURL(/q=/);
    await shop.locator(`[data-product="${jacket.id}"]`).waitFor();
    expect(await overflow(shop)).toBeLessThanOrEqual(0);
    await shop.context().close();
  });

  it('head office makes a collection from a category’s new arrivals, and it leads the home', async () => {
    const hq = await openDesk(browser);
    await hq.goto(`${musubi.baseUrl}/hq/catalog`);
    await staffLogin(hq, HQ);
    await hq.getByRole('heading', { name: 'カテゴリと特集' }).waitFor();
    await hq.getByRole('button', { name: '特集を作成' }).click();
    const form = hq.locator('.collection-form');
    await form.getByLabel('名前', { exact: true }).fill('入荷したての服');
    await form.getByLabel('カテゴリから自動').check();
    await form.getByLabel('カテゴリ', { exact: true }).selectOption({ label: '衣料品' });
    await form.getByLabel('入荷から何日以内（空欄ですべて）').fill('30');
    await form.getByLabel('表示順').fill('-10');
    await form.getByRole('button', { name: '特集を作成' }).click();
    await hq.getByText('衣料品の商品（入荷から30日以内）').waitFor();
    expect(await overflow(hq)).toBeLessThanOrEqual(0);
    await screenshot(hq, 'hq-catalog');
    await hq.context().close();

    const shop = await openPhone(browser);
    await shop.goto(`${musubi.baseUrl}/`);
    const first = shop.locator('.home-row h2').first();
    await first.waitFor();
    expect(await first.textContent()).toBe('入荷したての服');
    await shop.context().close();
  });
});
