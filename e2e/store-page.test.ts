import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchChromium, openDesk, openPhone, openStoreAs, screenshot } from './support/browser.ts';
import { createStore, e2eJan, ensureWebBuilt, receive, startMusubi, type Musubi } from './support/musubi.ts';

const MANAGER = { email: 'aoi.shinjuku@e2e.example', password: 'correct-horse-battery', name: '高橋 葵' };

interface Made {
  id: string;
  name: string;
  variants: Array<{ id: string; options: Record<string, string> }>;
}

/** Horizontal scroll the page has (0: none). */
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/**
 * The store page and マイストア (issue 17 §1): 店舗を探す lists the stores nearest first with today's hours
 * and 営業中; a store's page has its address and map link, the week's hours, its services and today's and
 * coming events (kept by its manager in 店舗設定); 「マイストアにする」 makes it hers, and its stock opens in
 * the listing. Her store then shows on the product page (在庫あり / 残りわずか / 在庫なし, 店舗を変更) and leads the
 * order-ahead store list, marked, the rest nearest first.
 */
describe.skipIf(!hasChromium)('the store page and マイストア', () => {
  let musubi: Musubi;
  let browser: Browser;
  let shibuya = '';
  let shinjuku = '';
  let umeda = '';
  let jacket: Made;
  let latte: Made;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    // All three take mobile orders (open all day): the order-ahead list then has all three to sort.
    const cafe = { orderAhead: true };
    umeda = await createStore(musubi, {
      name: '結び 梅田店',
      lat: 34.7025,
      lng: 135.4959,
      city: '大阪市北区',
      ...cafe,
    });
    shinjuku = await createStore(musubi, { name: '結び 新宿店', lat: 35.6905, lng: 139.7, city: '新宿区', ...cafe });
    shibuya = await createStore(musubi, { name: '結び 渋谷店', lat: 35.659, lng: 139.7016, city: '渋谷区', ...cafe });
    await musubi.api('PATCH', `/api/locations/${shinjuku}`, { amenities: ['tax_free', 'fitting'] });
    await musubi.api('POST', '/api/staff', { ...MANAGER, role: 'store_manager', locationIds: [shinjuku] });
    const product = (name: string, nameKana: string, taxRate: number, price: number) =>
      musubi.api<Made>('POST', '/api/products', {
        name,
        nameKana,
        taxRate,
        variants: [{ sku: `SP-${e2eJan()}`, jan: e2eJan(), price, options: { サイズ: 'M' } }],
      });
    jacket = await product('ムスビ ウールジャケット', 'むすび うーるじゃけっと', 10, 15900);
    latte = await product('カフェラテ', 'かふぇらて', 8, 480);
    await receive(musubi, jacket.variants[0]!.id, shinjuku, 8);
    await receive(musubi, jacket.variants[0]!.id, shibuya, 2);
    for (const s of [shibuya, shinjuku, umeda]) await receive(musubi, latte.variants[0]!.id, s, 20);
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('the manager lists an event; she finds 新宿店, reads its hours, services and events, makes it hers and sees its stock', async () => {
    // The manager announces today's event in 店舗設定.
    const desk = await openDesk(browser);
    await openStoreAs(desk, musubi.baseUrl, MANAGER, shinjuku);
    await desk.goto(`${musubi.baseUrl}/store/${shinjuku}/settings`);
    const events = desk.getByTestId('store-events-form');
    await events.getByLabel('イベント名').fill('免税カウンター説明会');
    await events.getByLabel('開始時刻').fill('00:00');
    await events.getByLabel('終了時刻').fill('23:59');
    await events.getByLabel('内容').fill('海外からのお客様向けに、免税のお手続きをご案内します。');
    await events.getByRole('button', { name: 'イベントを登録する' }).click();
    await events.getByText('イベントを登録しました。').waitFor();
    await events.getByText('免税カウンター説明会').waitFor();
    expect(await overflow(desk)).toBeLessThanOrEqual(0);
    await desk.context().close();

    const shop = await openPhone(browser);
    await shop.goto(`${musubi.baseUrl}/`);
    await shop.getByRole('navigation', { name: 'アプリ' }).getByRole('link', { name: '店舗' }).click();
    await shop.getByRole('heading', { name: '店舗を探す' }).waitFor();
    // From 渋谷 (the default station): 渋谷, 新宿, then 梅田; each open now (they are open all day).
    const order = await shop
      .locator('.store-list li')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-location')));
    expect(order).toEqual([shibuya, shinjuku, umeda]);
    expect(await shop.locator(`.store-list li[data-location="${shinjuku}"]`).textContent()).toContain('営業中');
    expect(await overflow(shop)).toBeLessThanOrEqual(0);
    await screenshot(shop, 'shop-stores-phone');

    await shop.getByRole('link', { name: /結び 新宿店/ }).click();
    await shop.getByRole('heading', { name: '結び 新宿店', level: 1 }).waitFor();
    await shop.getByText('本日 00:00〜23:59').waitFor();
    expect(await shop.locator('.week-hours tr').count()).toBe(7);
    expect(
      await shop.getByRole('link', { name: '結び 新宿店の場所を地図で見る（新しいタブ）' }).getAttribute('href'),
    ).toContain('35.6905,139.7');
    const services = await shop.getByTestId('amenities').locator('li').allTextContents();
    expect(services).toEqual(['試着', '免税カウンター', '店舗受け取りができます']);
    const today = shop.getByRole('region', { name: '本日のイベント' });
    await today.getByText('免税カウンター説明会').waitFor();
    await today.getByText('海外からのお客様向けに、免税のお手続きをご案内します。').waitFor();
    // 来店予約 waits for the appointments work to say the store has bookable services.
    expect(await shop.getByTestId('book-visit').count()).toBe(0);
    expect(await overflow(shop)).toBeLessThanOrEqual(0);
    await screenshot(shop, 'shop-store-page-phone');

    await shop.getByRole('button', { name: 'マイストアにする' }).click();
    await shop.getByText('マイストアに設定しています').waitFor();
    await shop.getByText('結び 新宿店をマイストアにしました。').waitFor();

    await shop.getByRole('link', { name: 'この店舗の在庫を見る' }).click();
    await shop.waitForURL(/stock=store&at=/);
    await shop.locator(`[data-product="${jacket.id}"]`).waitFor();
    await shop.close();

    const wide = await openDesk(browser);
    await wide.goto(`${musubi.baseUrl}/stores/${shinjuku}`);
    await wide.getByRole('heading', { name: '結び 新宿店', level: 1 }).waitFor();
    expect(await overflow(wide)).toBeLessThanOrEqual(0);
    await screenshot(wide, 'shop-store-page-desk');
    await wide.context().close();
  });

  it('マイストア on the product page (在庫あり → 店舗を変更 → 残りわずか) and first, marked, in the order-ahead list', async () => {
    const shop = await openPhone(browser);
    await shop.goto(`${musubi.baseUrl}/stores/${shinjuku}`);
    await shop.getByRole('button', { name: 'マイストアにする' }).click();
    await shop.getByText('マイストアに設定しています').waitFor();

    await shop.goto(`${musubi.baseUrl}/shop/products/${jacket.id}`);
    const badge = shop.getByTestId('my-store-stock');
    await badge.locator(`[data-location="${shinjuku}"][data-level="inStock"]`).waitFor();
    expect(await badge.textContent()).toContain('結び 新宿店：在庫あり');
    await badge.getByRole('button', { name: '店舗を変更' }).click();
    await badge.getByRole('button', { name: '結び 渋谷店: この店にする' }).click();
    await badge.locator(`[data-location="${shibuya}"][data-level="low"]`).waitFor();
    expect(await badge.textContent()).toContain('残りわずか');
    expect(await overflow(shop)).toBeLessThanOrEqual(0);
    await screenshot(shop, 'shop-product-my-store');

    // Back to 新宿店, which the order-ahead list then puts first (marked), before the nearer 渋谷店.
    await shop.goto(`${musubi.baseUrl}/stores/${shinjuku}`);
    await shop.getByRole('button', { name: 'マイストアにする' }).click();
    await shop.getByText('マイストアに設定しています').waitFor();
    await shop.goto(`${musubi.baseUrl}/shop/products/${latte.id}`);
    await shop.getByRole('button', { name: 'カートに入れる' }).click();
    await shop.getByText('カートに入れました。').waitFor();
    await shop.goto(`${musubi.baseUrl}/shop/cart`);
    await shop.getByRole('radio', { name: 'モバイルオーダー（店頭で受け取り）' }).click();
    await shop.locator(`.pickup-store[data-location="${umeda}"]`).waitFor();
    const stores = await shop
      .locator('.pickup-store')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-location')));
    expect(stores).toEqual([shinjuku, shibuya, umeda]);
    await shop.locator(`.pickup-store[data-location="${shinjuku}"] [data-testid="my-store-mark"]`).waitFor();
    expect(await shop.getByTestId('my-store-mark').count()).toBe(1);
    // Her store is chosen to begin with.
    await shop.locator(`.pickup-store.chosen[data-location="${shinjuku}"]`).waitFor();
    expect(await overflow(shop)).toBeLessThanOrEqual(0);
    await shop.close();
  });
});
