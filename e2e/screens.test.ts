import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seedDemoIfEmpty } from '../server/src/demo/seed.ts';
import { hasChromium, launchChromium, openStoreAs, screenshot } from './support/browser.ts';
import {
  createShirt,
  createStore,
  ensureWebBuilt,
  receive,
  startMusubi,
  type Musubi,
  type Product,
} from './support/musubi.ts';

if (!hasChromium)
  console.warn(
    'e2e/screens.test.ts: /usr/bin/chromium not found, so the browser tests are skipped (apt-get install chromium).',
  );

const STAFF = { email: 'kenta@e2e.example', password: 'correct-horse-battery', name: '佐藤 健太' };

/**
 * The first screens in a real browser against the real server: a shopper finds a shirt and sees the
 * stock of the nearest store; a clerk scans it, receives 5, and the shopper's page changes by itself.
 */
describe.skipIf(!hasChromium)('shopper and store screens in Chromium', () => {
  let musubi: Musubi;
  let browser: Browser;
  let shibuya: string;
  let shinjuku: string;
  let shirt: Product;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    // The demo chain makes nicer pictures; the assertions below use only the data made here.
    if (process.env.MUSUBI_SCREENSHOTS === '1') await seedDemoIfEmpty(musubi.server.database, musubi.server.app.log);
    shibuya = await createStore(musubi, { name: '結び 渋谷神南店', lat: 35.658, lng: 139.7016, city: '渋谷区' });
    shinjuku = await createStore(musubi, { name: '結び 新宿三丁目店', lat: 35.6905, lng: 139.7045, city: '新宿区' });
    shirt = await createShirt(musubi, 'ムスビ リネンシャツ');
    await receive(musubi, shirt.variants[0]!.id, shibuya, 10);
    await receive(musubi, shirt.variants[0]!.id, shinjuku, 2);
    await musubi.api('POST', '/api/staff', { ...STAFF, role: 'staff', locationIds: [shibuya, shinjuku] });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  async function newPage(context?: BrowserContext): Promise<Page> {
    const ctx = context ?? (await browser.newContext({ locale: 'ja-JP', viewport: { width: 1280, height: 860 } }));
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  /** Sign in as the clerk, choose 渋谷, and scan the shirt's JAN the way a wedge scanner does: digits, then Enter. */
  async function clerkScansShirt(page: Page) {
    await openStoreAs(page, musubi.baseUrl, STAFF, shibuya);
    await page.locator('#jan-input:focus').waitFor();
    await page.keyboard.type(shirt.variants[0]!.jan);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: shirt.name }).waitFor();
    // Where else it is: 新宿三丁目店 (about 3.6 km) has 2, and this store is not listed again.
    const nearby = page.getByTestId('nearby-stores');
    await nearby.getByText('結び 新宿三丁目店').waitFor();
    expect(await nearby.textContent()).not.toContain('結び 渋谷神南店');
  }

  const level = (page: Page, key: string) => page.locator(`[data-level="${key}"] dd`).textContent();

  it('a receipt scanned in store appears on the shopper’s product page without a reload', async () => {
    const shop = await newPage();
    await shop.goto(musubi.baseUrl);
    // the front page lists the catalog before anyone types
    await shop.locator('a[href^="/shop/products/"]').first().waitFor();
    await shop.getByRole('searchbox').fill('リネン');
    await shop.keyboard.press('Enter');
    const result = shop.locator(`a[href="/shop/products/${shirt.id}"]`);
    await result.waitFor();
    expect(await result.textContent()).toContain('¥4,990〜¥5,490 (税込)');
    await screenshot(shop, 'shop-search');

    await result.click();
    await shop.getByRole('heading', { name: shirt.name }).waitFor();
    const shibuyaRow = shop.locator(`tr[data-location="${shibuya}"]`);
    expect(await shibuyaRow.textContent()).toContain('在庫あり (10)');
    expect(await shop.locator(`tr[data-location="${shinjuku}"]`).textContent()).toContain('残りわずか (2)');
    expect(await shibuyaRow.textContent()).toContain('0.0 km');
    await shop.locator('[data-live="open"]').waitFor();
    await screenshot(shop, 'shop-product');

    const store = await newPage();
    await clerkScansShirt(store);
    expect(await level(store, 'available')).toBe('10');
    await store.getByLabel('入荷数').fill('5');
    // Both screens hear the change (staff and public SSE) and flash it for two seconds: watch both at once.
    const shopFlash = shop.locator(`tr.flash[data-location="${shibuya}"][data-available="15"]`).waitFor();
    const storeFlash = store.locator('.level-panel.flash').waitFor();
    await store.getByRole('button', { name: '入荷を登録' }).click();
    await Promise.all([shopFlash, storeFlash]);
    await store.getByText('5 点を入荷しました。').waitFor();
    expect(await level(store, 'available')).toBe('15');
    expect(await level(store, 'onHand')).toBe('15');
    // the scanner field has focus again, ready for the next item
    await store.locator('#jan-input:focus').waitFor();
    // the flash ends, and the shopper's row says the new figure without a reload
    await store.locator('.level-panel:not(.flash)').waitFor();
    await screenshot(store, 'store-stock');
    expect(await shibuyaRow.textContent()).toContain('在庫あり (15)');

    await shop.context().close();
    await store.context().close();
  });

  it('an adjustment without a reason is refused with the reason field marked, in Japanese and in English', async () => {
    const store = await newPage();
    await clerkScansShirt(store);
    const before = await level(store, 'onHand');

    await store.getByRole('button', { name: '調整', exact: true }).click();
    await store.getByLabel('増減数').fill('-1');
    await store.getByRole('button', { name: '調整を登録' }).click();
    const banner = store.locator('.banner-error');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('入力内容に誤りがあります');
    expect(await store.locator('.field-invalid .field-error').textContent()).toBe('理由を入力してください');
    expect(await level(store, 'onHand')).toBe(before);

    // The problem comes back in the screen's language (Accept-Language follows the switch).
    await store.getByRole('button', { name: 'English' }).click();
    await store.getByRole('button', { name: 'Record adjustment' }).click();
    await store.locator('.field-invalid .field-error', { hasText: 'A reason is required' }).waitFor();
    expect(await store.locator('html').getAttribute('lang')).toBe('en');

    await store.context().close();
  });
});
