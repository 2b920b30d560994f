import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { seedDailyOrders } from '../server/src/modules/analytics/forecast/seed-orders.ts';
import { hasChromium, launchChromium, openDesk, openPhone, screenshot, staffLogin } from './support/browser.ts';
import { createShirt, createStore, ensureWebBuilt, receive, startMusubi, type Musubi } from './support/musubi.ts';

if (!hasChromium)
  console.warn('e2e/forecast-value.test.ts: /usr/bin/chromium not found, so the browser tests are skipped.');

const HQ = { email: 'mirai.hq@e2e.example', password: 'correct-horse-battery', name: '中村 未来' };

/**
 * Head office's 需要予測 and 予測LTV screens in the browser: 12 weeks of a shirt's sales at 渋谷 (weekends
 * busier) give a forecast, its accuracy against "same as last week" and a suggestion to bring stock from 原宿
 * next door, which she accepts; members who bought more than once give the 予測LTV model, refitted from its
 * screen, and the customer profile shows hers.
 */
describe.skipIf(!hasChromium)('head office: demand forecast, replenishment and predicted LTV', () => {
  let musubi: Musubi;
  let browser: Browser;
  let shibuya: string;
  let harajuku: string;
  let memberId: string;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    shibuya = await createStore(musubi, { name: '結び 渋谷店', lat: 35.6595, lng: 139.7005, city: '渋谷区' });
    harajuku = await createStore(musubi, { name: '結び 原宿店', lat: 35.6702, lng: 139.7027, city: '渋谷区' });
    const shirt = await createShirt(musubi, 'オックスフォードシャツ');
    const db = musubi.server.database.db;
    const now = new Date(Date.now() - 60_000);
    await seedDailyOrders(db, {
      store: shibuya,
      productId: shirt.id,
      variantIds: [shirt.variants[0]!.id],
      rates: [5],
      days: 84,
      asOf: now,
      seed: 9,
    });
    await receive(musubi, shirt.variants[0]!.id, shibuya, 3);
    await receive(musubi, shirt.variants[0]!.id, harajuku, 60);
    await musubi.api('POST', '/api/staff', { ...HQ, role: 'hq', locationIds: [] });
    // Members who come back: orders of theirs over the last year (two a month for some, one for others).
    const member = await musubi.api<{ id: string }>('POST', '/api/customers', { name: '田中 愛子' });
    memberId = member.id;
    const orders: Array<{ id: string; c: string; at: string; total: number }> = [];
    for (let i = 0; i < 60; i++) {
      const c = i === 0 ? memberId : `cus_e2e_lt${i}`;
      const visits = 1 + (i % 7);
      for (let k = 0; k < visits; k++)
        orders.push({
          id: `ord_e2e_lt${i}_${k}`,
          c,
          total: 3000 + ((i * 37 + k * 11) % 20) * 500,
          at: new Date(now.getTime() - (330 - (k * 320) / visits - (i % 5)) * 86_400_000).toISOString(),
        });
    }
    await db.execute(sql`INSERT INTO orders (id, number, channel, customer_id, subtotal, total, taxes, created_at, status)
      SELECT r.id, 'LT-' || r.id, 'web', r.c, r.total, r.total, '[]'::jsonb, r.at::timestamptz, 'completed'
        FROM jsonb_to_recordset(${JSON.stringify(orders)}::jsonb) AS r(id text, c text, at text, total int)`);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('需要予測: the accuracy, the next 28 days, and a transfer from 原宿 accepted', async () => {
    const page = await openDesk(browser);
    await page.goto(`${musubi.baseUrl}/hq/forecast`);
    await page.waitForURL('**/{store,hq}/login**');
    await staffLogin(page, HQ);
    await page.waitForURL('**/hq/forecast');
    await page.getByRole('heading', { name: /予測の精度/ }).waitFor();
    await page.getByLabel('店舗・倉庫').selectOption(shibuya);
    const items = page.locator('[aria-labelledby="forecast-items"]');
    await items.getByText('オックスフォードシャツ').first().waitFor();
    await expect(items.getByText('商品ごとのモデル').first().isVisible()).resolves.toBe(true);
    const replen = page.getByTestId('replenishment');
    await replen.getByText(/結び 原宿店 から \d+ 点/).waitFor();
    await screenshot(page, 'hq-forecast');
    await replen.getByRole('button', { name: '移動する' }).first().click();
    await replen.getByText(/結び 原宿店 から \d+ 点移動しました/).waitFor();
    const levels = await musubi.api<{ items: Array<{ onHand: number }> }>('GET', `/api/locations/${harajuku}/stock`);
    expect(levels.items[0]!.onHand).toBeLessThan(60);
    // No English, no raw ids on the Japanese screen.
    const text = await page.locator('main').innerText();
    expect(text).not.toMatch(/\b(loc|var|prd)_[0-9a-z]+/);
    expect(text).not.toMatch(/holt|profile|undefined/i);
  });

  it('予測LTV: refit from its screen, accuracy by tenth, and her value on the profile (phone)', async () => {
    const page = await openPhone(browser);
    await page.goto(`${musubi.baseUrl}/hq/customer-value`);
    await page.waitForURL('**/{store,hq}/login**');
    await staffLogin(page, HQ);
    await page.waitForURL('**/hq/customer-value');
    await page.getByRole('button', { name: '今すぐ再計算' }).click();
    await page.getByText('予測した売上').waitFor();
    await expect(page.getByText('上位1割目').first().isVisible()).resolves.toBe(true);
    await page.locator('.daily-chart svg').first().waitFor(); // the chart drawn (its code loads lazily)
    await screenshot(page, 'hq-customer-value');
    await page.goto(`${musubi.baseUrl}/hq/customers/${memberId}`);
    const panel = page.getByTestId('customer-value');
    await panel.getByText('今後12か月の予測購入額').waitFor();
    await expect(
      panel
        .getByText(/¥[\d,]+/)
        .first()
        .isVisible(),
    ).resolves.toBe(true);
  });
});
