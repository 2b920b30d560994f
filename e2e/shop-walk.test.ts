import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { hasChromium, launchChromium, openPhone, screenshot } from './support/browser.ts';
import { createShirt, createStore, ensureWebBuilt, receive, startMusubi, type Musubi } from './support/musubi.ts';

const MISAKI = { email: 'misaki.walk@e2e.example', password: 'sakura-password-2026', name: '佐藤 美咲' };
const HANA = { email: 'hana.walk@e2e.example', password: 'sakura-password-2026', name: '田中 花' };

const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

const photo = (hex: string) =>
  sharp(
    Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="1500"><rect width="100%" height="100%" fill="${hex}"/></svg>`,
    ),
  )
    .jpeg({ quality: 80 })
    .toBuffer();

/**
 * Issue 17's first walk, in one go on a phone: she picks 渋谷店 as マイストア, goes down the category tree,
 * filters to 「渋谷店に在庫あり」, opens the one shirt left, sees its picture and another member's review
 * (bought at the till), ♡ it and holds it at 渋谷店; both are then in マイページ (お気に入り, 注文履歴).
 */
describe.skipIf(!hasChromium)('the shop, browse to hold', () => {
  let musubi: Musubi;
  let browser: Browser;
  let shibuya = '';
  let shirt: Awaited<ReturnType<typeof createShirt>>;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    shibuya = await createStore(musubi, { name: '結び 渋谷店', lat: 35.6595, lng: 139.7005, city: '渋谷区' });
    const shinjuku = await createStore(musubi, { name: '結び 新宿店', lat: 35.6909, lng: 139.7003, city: '新宿区' });
    const tops = (
      await musubi.api<{ id: string }>('POST', '/api/categories', { name: 'トップス', nameKana: 'とっぷす' })
    ).id;
    shirt = await createShirt(musubi, 'ムスビ リネンシャツ');
    const other = await createShirt(musubi, 'ムスビ オックスフォードシャツ');
    for (const p of [shirt, other]) await musubi.api('PATCH', `/api/products/${p.id}`, { categoryId: tops });
    const m = shirt.variants.find((v) => v.options['サイズ'] === 'M' && v.options['カラー'] === 'ホワイト')!;
    await receive(musubi, m.id, shibuya, 3);
    await receive(musubi, other.variants[0]!.id, shinjuku, 3);
    await musubi.api('POST', `/api/products/${shirt.id}/images`, {
      content: (await photo('#e9e4da')).toString('base64'),
      colour: 'ホワイト',
      alt: 'ホワイト 正面',
    });
    // 花 bought one at 渋谷店's till and reviewed it.
    const hana = await musubi.api<{ token: string; customer: { memberNumber: string } }>(
      'POST',
      '/api/customer-auth/register',
      HANA,
    );
    const basket = {
      locationId: shibuya,
      memberNumber: hana.customer.memberNumber,
      lines: [{ jan: m.jan, quantity: 1 }],
    };
    const quote = await musubi.api<{ total: number }>('POST', '/api/pos/quote', basket);
    await musubi.api('POST', '/api/pos/sales', {
      ...basket,
      payments: [{ method: 'cash', amount: quote.total, tendered: 10000 }],
      clientTransactionId: `walk-${process.pid}`,
    });
    await musubi.api(
      'POST',
      '/api/account/reviews',
      { productId: shirt.id, rating: 5, title: '毎日着ています', body: '洗うほどやわらかくなります。', fit: 'true' },
      hana.token,
    );
    await musubi.api('POST', '/api/customer-auth/register', MISAKI);
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('browse → 渋谷店に在庫あり → the product with its picture and review → ♡ → 取り置き', async () => {
    const shop = await openPhone(browser);
    await shop.goto(`${musubi.baseUrl}/account/login`);
    await shop.getByLabel('メールアドレス').fill(MISAKI.email);
    await shop.getByLabel('パスワード').fill(MISAKI.password);
    await shop.getByRole('button', { name: 'ログイン' }).click();
    await shop.waitForURL((url) => !url.pathname.endsWith('/login'));

    await shop.goto(`${musubi.baseUrl}/`);
    await shop.getByRole('button', { name: 'マイストアを選ぶ' }).click();
    await shop.getByRole('button', { name: '結び 渋谷店: この店にする' }).click();
    await shop.getByText('マイストアを結び 渋谷店にしました。').waitFor();

    await shop.getByRole('link', { name: 'トップス', exact: true }).first().click();
    await shop.getByRole('heading', { name: 'トップス', level: 1 }).waitFor();
    await shop.getByText('2件').waitFor();
    await shop.getByText('絞り込み・並び替え').click();
    await shop.getByLabel('結び 渋谷店に在庫あり').check();
    await shop.waitForURL(/stock=store/);
    await shop.getByText('1件').waitFor();
    expect(await overflow(shop)).toBeLessThanOrEqual(0);
    await shop.locator(`[data-product="${shirt.id}"] a`).first().click();
    await shop.waitForURL(`**/shop/products/${shirt.id}**`);

    // Its picture (srcset, sized box) and 花's review with the 購入者 badge.
    const picture = shop.locator('img.gallery-main');
    await picture.waitFor();
    expect(await picture.getAttribute('srcset')).toMatch(/\d+w/);
    expect(await picture.getAttribute('alt')).toBe('ホワイト 正面');
    const reviews = shop.getByTestId('reviews');
    await reviews.getByText('毎日着ています').waitFor();
    expect(await shop.getByTestId('review-count').textContent()).toContain('1');
    expect(await overflow(shop)).toBeLessThanOrEqual(0);

    await shop.getByRole('button', { name: 'ムスビ リネンシャツをお気に入りに追加' }).click();
    await shop.getByRole('button', { name: 'ムスビ リネンシャツをお気に入りから外す' }).waitFor();

    await shop.getByRole('button', { name: 'ホワイト', exact: true }).click();
    await shop.getByRole('button', { name: 'M', exact: true }).click();
    const panel = shop.getByTestId('hold-panel');
    await panel.getByRole('button', { name: /渋谷店 で取り置き/ }).click();
    const placed = shop.getByTestId('hold-placed');
    await placed.waitFor();
    expect(await placed.textContent()).toMatch(/渋谷店 に取り置きました/);
    expect(await overflow(shop)).toBeLessThanOrEqual(0);
    await screenshot(shop, 'shop-walk-hold');

    // The ♡ and the hold are hers on the server, not just in this browser.
    await shop.goto(`${musubi.baseUrl}/account/favourites`);
    await shop.getByText('ムスビ リネンシャツ').first().waitFor();
    await shop.goto(`${musubi.baseUrl}/account/orders`);
    await shop
      .getByText(/取り置き/)
      .first()
      .waitFor();
    await shop.context().close();
  });
});
