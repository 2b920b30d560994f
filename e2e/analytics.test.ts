import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchChromium, openDesk, openPhone, screenshot, staffLogin } from './support/browser.ts';
import { createShirt, createStore, ensureWebBuilt, receive, startMusubi, type Musubi } from './support/musubi.ts';

if (!hasChromium) console.warn('e2e/analytics.test.ts: /usr/bin/chromium not found, so the browser tests are skipped.');

const HQ = { email: 'aoi.hq@e2e.example', password: 'correct-horse-battery', name: '高橋 葵' };

async function openAnalytics(page: Page, baseUrl: string) {
  await page.goto(`${baseUrl}/hq/analytics`);
  await page.waitForURL('**/{store,hq}/login?next=*');
  await staffLogin(page, HQ);
  await page.waitForURL('**/hq/analytics');
}

/** 売上分析 in a real browser: till sales at two stores and a member's web order, the figure the API gives. */
describe.skipIf(!hasChromium)('head office: 売上分析', () => {
  let musubi: Musubi;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    const shibuya = await createStore(musubi, { name: '結び 渋谷店', lat: 35.6618, lng: 139.7041, city: '渋谷区' });
    const shinjuku = await createStore(musubi, { name: '結び 新宿店', lat: 35.6906, lng: 139.7002, city: '新宿区' });
    const shirt = await createShirt(musubi, 'ムスビ オックスフォードシャツ');
    const v = shirt.variants[0]!;
    for (const store of [shibuya, shinjuku]) await receive(musubi, v.id, store, 20);
    for (const [i, store] of [shibuya, shibuya, shinjuku].entries())
      await musubi.api('POST', '/api/pos/sales', {
        locationId: store,
        lines: [{ variantId: v.id, quantity: i + 1 }],
        payments: [{ method: 'cash', amount: v.price * (i + 1), tendered: 100_000 }],
        clientTransactionId: `e2e-analytics-${i}-${Date.now()}`,
      });
    // The rollups are settled from the order events after commit.
    await musubi.server.dispatcher.drain();
    await musubi.api('POST', '/api/staff', { ...HQ, role: 'hq', locationIds: [] });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('opens 売上分析 from the bar and shows the net sales the API gives, in Japanese, on a desk and a phone', async () => {
    const page = await openDesk(browser);
    await openAnalytics(page, musubi.baseUrl);
    await page.getByRole('heading', { name: '売上分析', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: '売上分析' }).getAttribute('aria-current')).toBe('page');
    // The omni headline comes first.
    await page.getByRole('heading', { name: 'オムニチャネル顧客と単一チャネル顧客' }).waitFor();
    await page.getByTestId('omni-single').waitFor();

    // The default period is the last 30 days in Japan: the same question asked of the API.
    const from = await page.getByLabel('開始日', { exact: true }).inputValue();
    const to = await page.getByLabel('終了日（この日を含む）').inputValue();
    const api = await musubi.api<{ totals: { current: { net: number; orders: number } } }>(
      'GET',
      `/api/analytics/sales?from=${from}&to=${to}`,
    );
    expect(api.totals.current.orders).toBe(3);
    expect(api.totals.current.net).toBeGreaterThan(0);
    await expect
      .poll(async () => (await page.getByTestId('analytics-net').innerText()).replace(/\D/g, ''))
      .toBe(String(api.totals.current.net));
    expect(await page.getByTestId('analytics-breakdown').innerText()).toContain('店舗');

    // By store: each store's name, no ids.
    await page.getByLabel('内訳', { exact: true }).selectOption('store');
    await expect.poll(() => page.getByTestId('analytics-breakdown').innerText()).toContain('結び 渋谷店');
    const text = await page.locator('main').innerText();
    expect(text).not.toMatch(/loc_|ord_|cus_/);
    expect([...new Set(text.match(/[A-Za-z]{2,}/g) ?? [])].sort()).toEqual(['CSV', 'LINE']);
    // The chart draws one stacked series per store, named as the table names them.
    await expect
      .poll(() => page.getByRole('img', { name: '内訳別の純売上グラフ' }).innerHTML())
      .toContain('結び 新宿店');
    await page.waitForTimeout(300);
    await screenshot(page, 'hq-analytics');

    // 直近12か月: the 365 days to today, by month (the window the omni table keeps per member).
    await page.getByRole('button', { name: '直近12か月' }).click();
    expect(await page.getByRole('button', { name: '直近12か月' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByLabel('終了日（この日を含む）').inputValue()).toBe(to);
    const yearFrom = await page.getByLabel('開始日', { exact: true }).inputValue();
    expect((Date.parse(to) - Date.parse(yearFrom)) / 86_400_000).toBe(364);
    expect(await page.getByLabel('集計単位', { exact: true }).inputValue()).toBe('month');
    await page.getByRole('button', { name: '直近30日' }).click();
    expect(await page.getByLabel('開始日', { exact: true }).inputValue()).toBe(from);

    // On a phone nothing runs off the side.
    const phone = await openPhone(browser);
    await openAnalytics(phone, musubi.baseUrl);
    await phone.getByTestId('analytics-net').waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.context().close();
  });
});
