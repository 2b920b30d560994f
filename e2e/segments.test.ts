import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { hasChromium, launchChromium, openDesk, openPhone, screenshot, staffLogin } from './support/browser.ts';
import { createShirt, createStore, ensureWebBuilt, receive, startMusubi, type Musubi } from './support/musubi.ts';

if (!hasChromium) console.warn('e2e/segments.test.ts: /usr/bin/chromium not found, so the browser tests are skipped.');

const YUI = { email: 'yui.hq@e2e.example', password: 'correct-horse-battery', name: '森 結衣' };
const NEAR = ['佐藤 愛子', '鈴木 花', '高橋 美咲'];
const AIKO = { email: 'aiko.online@e2e.example', password: 'sakura-password-2026', name: '山田 愛子' };

/**
 * Yui (head office) builds 「渋谷店から2km以内の会員」 on the segment screen: she adds the condition, sees the
 * members it holds counted at once with some of them by name, and saves it.
 */
describe.skipIf(!hasChromium)('head office: a segment built on its screen', () => {
  let musubi: Musubi;
  let browser: Browser;
  let shibuyaId: string;
  let aikoNumber: string;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    const shibuya = await createStore(musubi, { name: '結び 渋谷店', lat: 35.6618, lng: 139.7041, city: '渋谷区' });
    const umeda = await createStore(musubi, { name: '結び 梅田店', lat: 34.7025, lng: 135.4959, city: '大阪市北区' });
    for (const name of NEAR) await musubi.api('POST', '/api/customers', { name, homeLocationId: shibuya });
    await musubi.api('POST', '/api/customers', { name: '田中 陽菜', homeLocationId: umeda });
    await musubi.api('POST', '/api/staff', { ...YUI, role: 'hq', locationIds: [] });
    // 山田 愛子 is a member online (she can sign in), and lives by 渋谷店.
    shibuyaId = shibuya;
    const aiko = await musubi.api<{ customer: { id: string; memberNumber: string } }>(
      'POST',
      '/api/customer-auth/register',
      AIKO,
    );
    aikoNumber = aiko.customer.memberNumber;
    await musubi.server.database.db.execute(
      sql`UPDATE customers SET home_location_id = ${shibuya} WHERE id = ${aiko.customer.id}`,
    );
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('adds 「店舗の近くに住む」, sees 4 members counted live, and saves the segment', async () => {
    const page = await openDesk(browser);
    await page.goto(`${musubi.baseUrl}/hq/segments`);
    await page.waitForURL('**/login**');
    await staffLogin(page, YUI);
    await page.waitForURL('**/hq/segments');
    await page.getByRole('button', { name: '新しいセグメント' }).click();
    await page.getByLabel('名前').fill('渋谷店から2km以内の会員');
    // No condition yet: every member.
    await expect.poll(() => page.locator('.segment-count').textContent()).toBe('5 人');
    await page.getByLabel('条件を追加').selectOption({ label: '店舗の近くに住む' });
    await page.getByRole('button', { name: '追加', exact: true }).click();
    await page.getByLabel('店舗').selectOption({ label: '結び 渋谷店' });
    await page.getByLabel('距離 (km 以内)').fill('2');
    await expect.poll(() => page.locator('.segment-count').textContent()).toBe('4 人');
    for (const name of NEAR) await page.locator('.segment-preview').getByText(name).waitFor();
    expect(await page.locator('.segment-preview').getByText('田中 陽菜').count()).toBe(0);
    await screenshot(page, 'hq-segment-editor');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('セグメントを保存しました。').waitFor();
    await page.getByRole('button', { name: '閉じる' }).click();
    await page.locator('.hq-segments table').getByText('渋谷店から2km以内の会員').waitFor();
    await page.locator('.hq-segments table').getByText('1 件').waitFor();
    await page.context().close();

    // On a phone the preview stacks under the form and nothing runs off the side.
    const phone = await openPhone(browser);
    await phone.goto(`${musubi.baseUrl}/hq/segments`);
    await phone.waitForURL('**/login**');
    await staffLogin(phone, YUI);
    await phone.waitForURL('**/hq/segments');
    await phone.getByRole('button', { name: '渋谷店から2km以内の会員' }).click();
    await expect.poll(() => phone.locator('.segment-count').textContent()).toBe('4 人');
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(phone, 'hq-segment-phone');
    await phone.context().close();
  });

  it('sends a campaign to the segment; 愛子 finds it in お知らせ and it opens the shop', async () => {
    const page = await openDesk(browser);
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${musubi.baseUrl}/hq/campaigns`);
    await page.waitForURL('**/login**');
    await staffLogin(page, YUI);
    await page.waitForURL('**/hq/campaigns');
    await page.getByLabel('キャンペーン名').fill('雨の日クーポン');
    await page.getByLabel('配信先セグメント').selectOption({ label: '渋谷店から2km以内の会員' });
    await page.getByLabel('タイトル').fill('雨の日は渋谷店へ');
    await page.getByLabel('本文').fill('本日ご来店の方に、レジで使えるクーポンをご用意しています。');
    await page.getByLabel('リンク先 (任意)').fill('/shop');
    await page.getByLabel('ホールドアウト (%)').fill('0');
    await page.getByRole('button', { name: '下書きを保存' }).click();
    await page.getByText('現在の対象: 4 人').waitFor();
    await page.getByRole('button', { name: '今すぐ配信' }).click();
    await page.getByText('配信を開始しました。').waitFor();
    await page.locator('.campaign-counts').getByText('対象').waitFor();
    expect(await page.locator('.campaign-counts div', { hasText: '配信数' }).locator('dd').textContent()).toBe('4');
    await screenshot(page, 'hq-campaign-sent');
    await page.context().close();

    const shop = await openPhone(browser);
    await shop.goto(`${musubi.baseUrl}/account/login`);
    await shop.getByLabel('メールアドレス').fill(AIKO.email);
    await shop.getByLabel('パスワード').fill(AIKO.password);
    await shop.getByRole('button', { name: 'ログイン' }).click();
    await shop.waitForURL((url) => !url.pathname.endsWith('/login'));
    await shop.goto(`${musubi.baseUrl}/account/inbox`);
    await shop.getByText('雨の日は渋谷店へ').click();
    await shop.waitForURL('**/shop');
    await shop.context().close();

    // She comes to 渋谷店 and buys at the till; the campaign page counts it as a store sale the message earned.
    const shirt = await createShirt(musubi, 'ムスビ オックスフォードシャツ');
    const variant = shirt.variants[0]!; // whichever size comes first: its own JAN and price
    await receive(musubi, variant.id, shibuyaId, 3);
    await musubi.api('POST', '/api/pos/sales', {
      locationId: shibuyaId,
      lines: [{ jan: variant.jan, quantity: 1 }],
      memberNumber: aikoNumber,
      payments: [{ method: 'cash', amount: variant.price, tendered: 10000 }],
      clientTransactionId: 'e2e-campaign-till-1',
    });
    const hq = await openDesk(browser);
    await hq.goto(`${musubi.baseUrl}/hq/campaigns`);
    await hq.waitForURL('**/login**');
    await staffLogin(hq, YUI);
    await hq.waitForURL('**/hq/campaigns');
    await hq.getByRole('button', { name: '雨の日クーポン' }).click();
    const inStore = hq.locator('.campaign-results .campaign-counts div', { hasText: '店舗での購入' }).locator('dd');
    await expect.poll(() => inStore.textContent()).toMatch(/^1 · /);
    // The day-by-day chart (ECharts, loaded with it) draws the window's days, today's bar included.
    await hq.locator('.daily-chart svg').waitFor();
    expect(await hq.getByRole('img', { name: /日別の推移/ }).count()).toBe(1);
    await hq.locator('.daily-chart').scrollIntoViewIfNeeded();
    await screenshot(hq, 'hq-campaign-results');
    await hq.context().close();
  });
});
