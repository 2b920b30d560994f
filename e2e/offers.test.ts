import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import {
  hasChromium,
  launchChromium,
  openDesk,
  openPhone,
  openStoreAs,
  screenshot,
  staffLogin,
} from './support/browser.ts';
import {
  createShirt,
  createStore,
  ensureWebBuilt,
  receive,
  startMusubi,
  type Musubi,
  type Product,
} from './support/musubi.ts';

if (!hasChromium) console.warn('e2e/offers.test.ts: /usr/bin/chromium not found, so the browser tests are skipped.');

const YUI = { email: 'yui.offers@e2e.example', password: 'correct-horse-battery', name: '森 結衣' };
const CLERK = { email: 'ren.till@e2e.example', password: 'correct-horse-battery', name: '伊藤 蓮' };
const AIKO = { email: 'aiko.offers@e2e.example', password: 'sakura-password-2026', name: '山田 愛子' };

/**
 * The offer, in real Chromium: Yui attaches the 雨の日 coupon to a campaign and sends it; Aiko finds it in
 * マイページ 「クーポン」 and under her member code (390 px and 1280 px); at the 渋谷店 till the clerk scans
 * her member code and the coupon applies by itself; the campaign page counts it issued and used.
 */
describe.skipIf(!hasChromium)('offers: a coupon sent to her account, applied at the till', () => {
  let musubi: Musubi;
  let browser: Browser;
  let shibuya: string;
  let shirt: Product;
  let aiko: { token: string; customer: { id: string; memberNumber: string } };

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    shibuya = await createStore(musubi, { name: '結び 渋谷店', lat: 35.6618, lng: 139.7041, city: '渋谷区' });
    shirt = await createShirt(musubi, 'ムスビ オックスフォードシャツ');
    await receive(musubi, shirt.variants[0]!.id, shibuya, 5);
    await musubi.api('POST', '/api/staff', { ...YUI, role: 'hq', locationIds: [] });
    await musubi.api('POST', '/api/staff', { ...CLERK, role: 'staff', locationIds: [shibuya] });
    aiko = await musubi.api('POST', '/api/customer-auth/register', AIKO);
    await musubi.server.database.db.execute(
      sql`UPDATE customers SET home_location_id = ${shibuya} WHERE id = ${aiko.customer.id}`,
    );
    await musubi.api('POST', '/api/segments', {
      name: '渋谷店から2km以内の会員',
      rules: { conditions: [{ field: 'near_store', locationId: shibuya, km: 2 }] },
    });
    const promo = await musubi.api<{ id: string }>('POST', '/api/promotions', {
      name: '雨の日クーポン',
      description: '雨の日限定・店舗でもオンラインでも',
      kind: 'amount_off',
      params: { amount: 500 },
      requiresCoupon: true,
    });
    await musubi.api('POST', '/api/coupons/batches', { coupon: { promotionId: promo.id }, count: 0 });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('Yui attaches the 雨の日 coupon and sends: one code issued to the one member', async () => {
    const page = await openDesk(browser);
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${musubi.baseUrl}/hq/campaigns`);
    await page.waitForURL('**/login**');
    await staffLogin(page, YUI);
    await page.waitForURL('**/hq/campaigns');
    await page.getByLabel('キャンペーン名').fill('雨の日は渋谷店へ');
    await page.getByLabel('配信先セグメント').selectOption({ label: '渋谷店から2km以内の会員' });
    await page.getByLabel('タイトル').fill('雨の日は渋谷店へ');
    await page.getByLabel('本文').fill('500円引きのクーポンをお届けしました。');
    await page.getByLabel('特典クーポン').selectOption({ label: '雨の日クーポン（¥500引き）' });
    await page.getByLabel('ホールドアウト (%)').fill('0');
    await page.getByRole('button', { name: '下書きを保存' }).click();
    await page.getByTestId('campaign-offer').getByText('雨の日クーポン（¥500引き）').waitFor();
    await page.getByRole('button', { name: '今すぐ配信' }).click();
    await page.getByText('配信を開始しました。').waitFor();
    await expect.poll(() => page.getByTestId('offer-issued').textContent()).toBe('1');
    await screenshot(page, 'hq-campaign-offer');
    await page.context().close();
  });

  it('Aiko finds it in クーポン and under her member code, at 390 px and 1280 px', async () => {
    for (const [open, name] of [
      [openPhone, 'phone'],
      [openDesk, 'desk'],
    ] as const) {
      const page: Page = await open(browser);
      await page.goto(`${musubi.baseUrl}/account/login`);
      await page.getByLabel('メールアドレス').fill(AIKO.email);
      await page.getByLabel('パスワード').fill(AIKO.password);
      await page.getByRole('button', { name: 'ログイン' }).click();
      await page.waitForURL((url) => !url.pathname.endsWith('/login'));
      await page.goto(`${musubi.baseUrl}/account`);
      await page
        .getByRole('link', { name: /クーポン/ })
        .first()
        .click();
      await page.waitForURL('**/account/coupons');
      const ticket = page.locator('.coupon-ticket');
      await ticket.waitFor();
      expect(await ticket.locator('.coupon-give').textContent()).toBe('¥500引き');
      expect(await ticket.textContent()).toContain('雨の日限定・店舗でもオンラインでも');
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(
        0,
      );
      await screenshot(page, `account-coupons-${name}`);
      await page.goto(`${musubi.baseUrl}/account/card`);
      await page.getByTestId('member-card-coupons').getByText('雨の日クーポン').waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(
        0,
      );
      await screenshot(page, `account-card-coupons-${name}`);
      await page.context().close();
    }
  });

  it('the clerk scans her member code: the coupon applies, she pays ¥500 less, the campaign counts it used', async () => {
    const page = await openDesk(browser);
    const v = shirt.variants[0]!;
    await openStoreAs(page, musubi.baseUrl, CLERK, shibuya);
    await page.getByRole('link', { name: 'レジ', exact: true }).click();
    await page.waitForURL(`**/store/${shibuya}/till`);
    const jan = page.locator('#till-jan');
    await jan.fill(v.jan);
    await jan.press('Enter');
    await page.locator(`[data-testid="till-total"][data-total="${v.price}"]`).waitFor();
    // Her app's QR, as the scanner types it.
    const { code } = await musubi.api<{ code: string }>('GET', '/api/account/member-code', undefined, aiko.token);
    const memberField = page.locator('#till-member-input');
    await memberField.fill(code);
    await memberField.press('Enter');
    await page.getByTestId('till-presence-ok').waitFor();
    await page.getByTestId('till-member-coupons').getByText('¥500引き').waitFor();
    await page.locator(`[data-testid="till-total"][data-total="${v.price - 500}"]`).waitFor();
    await page.getByTestId('till-member-coupons').getByText('適用中').waitFor();
    await page.locator('#tendered-1').fill('10000');
    await page.locator('[data-testid="till-remaining"][data-remaining="0"]').waitFor();
    await screenshot(page, 'till-member-coupon');
    await page.getByRole('button', { name: /^会計/ }).click();
    const receipt = page.getByTestId('receipt');
    await receipt.waitFor();
    expect(await receipt.getAttribute('data-total')).toBe(String(v.price - 500));
    await page.context().close();

    const coupons = await musubi.api<{ items: unknown[] }>('GET', '/api/account/coupons', undefined, aiko.token);
    expect(coupons.items).toEqual([]);
    const hq = await openDesk(browser);
    await hq.goto(`${musubi.baseUrl}/hq/campaigns`);
    await hq.waitForURL('**/login**');
    await staffLogin(hq, YUI);
    await hq.waitForURL('**/hq/campaigns');
    await hq.getByRole('button', { name: '雨の日は渋谷店へ' }).click();
    await expect.poll(() => hq.getByTestId('offer-redeemed').textContent()).toBe('1');
    await hq
      .getByTestId('campaign-redeemed')
      .getByText(/クーポン利用 1件/)
      .waitFor();
    await screenshot(hq, 'hq-campaign-offer-results');
    await hq.context().close();
  });
});
