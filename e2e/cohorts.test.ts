import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { seedDemoIfEmpty } from '../server/src/demo/seed.ts';
import { settleSales } from '../server/src/modules/analytics/service.ts';
import { hasChromium, launchChromium, openDesk, openPhone, screenshot, staffLogin } from './support/browser.ts';
import { createShirt, createStore, ensureWebBuilt, receive, startMusubi, type Musubi } from './support/musubi.ts';

if (!hasChromium) console.warn('e2e/cohorts.test.ts: /usr/bin/chromium not found, so the browser tests are skipped.');

const HQ = { email: 'mei.hq@e2e.example', password: 'correct-horse-battery', name: '山本 芽衣' };

async function open(page: Page, baseUrl: string, path: string) {
  await page.goto(`${baseUrl}${path}`);
  await page.waitForURL('**/{store,hq}/login?next=*');
  await staffLogin(page, HQ);
  await page.waitForURL(`**${path}`);
}

/**
 * コホート and 累計LTV in a real browser: three members buy at the till this month, and head office sees
 * this month's cohort and the LTV the API gives, in Japanese. With MUSUBI_SCREENSHOTS=1 the demo chain's
 * year is seeded and settled too, for the screenshots.
 */
describe.skipIf(!hasChromium)('head office: コホート and 累計LTV', () => {
  let musubi: Musubi;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    if (process.env.MUSUBI_SCREENSHOTS === '1') await seedDemoIfEmpty(musubi.server.database, musubi.server.app.log);
    const store = await createStore(musubi, { name: '結び 横浜店', lat: 35.4658, lng: 139.6223, city: '横浜市' });
    const shirt = await createShirt(musubi, 'ムスビ ボタンダウンシャツ');
    const v = shirt.variants[0]!;
    await receive(musubi, v.id, store, 20);
    for (let i = 0; i < 3; i++) {
      const r = await musubi.api<{ customer: { memberNumber: string } }>('POST', '/api/customer-auth/register', {
        email: `buyer${i}.cohorts@e2e.example`,
        password: HQ.password,
        name: `会員 ${i}`,
      });
      await musubi.api('POST', '/api/pos/sales', {
        locationId: store,
        lines: [{ variantId: v.id, quantity: 1 }],
        payments: [{ method: 'cash', amount: v.price, tendered: 100_000 }],
        clientTransactionId: `e2e-cohorts-${i}-${Date.now()}`,
        memberNumber: r.customer.memberNumber,
      });
    }
    await musubi.server.dispatcher.drain();
    // The demo's history has no events: the job's walk settles it.
    await settleSales(musubi.server.database.db, { budgetMs: 240_000 });
    await musubi.api('POST', '/api/staff', { ...HQ, role: 'hq', locationIds: [] });
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('shows the cohort triangle with this month’s cohort, in Japanese, on a desk and a phone', async () => {
    const page = await openDesk(browser);
    await open(page, musubi.baseUrl, '/hq/analytics/cohorts');
    await page.getByRole('heading', { name: 'コホート分析', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'コホート', exact: true }).getAttribute('aria-current')).toBe('page');
    const grid = page.getByTestId('cohort-grid');
    await grid.waitFor();
    const api = await musubi.api<{ cohorts: Array<{ month: string; members: number }> }>(
      'GET',
      '/api/analytics/cohorts',
    );
    const last = api.cohorts.at(-1)!;
    expect(last.members).toBeGreaterThanOrEqual(3);
    const [y, m] = last.month.split('-');
    expect(await grid.innerText()).toContain(`${y}年${Number(m)}月`);
    const text = await page.locator('main').innerText();
    expect(text).not.toMatch(/loc_|ord_|cus_/);
    expect([...new Set(text.match(/[A-Za-z]{2,}/g) ?? [])].sort()).toEqual(['CSV']);
    await page.waitForTimeout(300);
    await screenshot(page, 'hq-cohorts');

    const phone = await openPhone(browser);
    await open(phone, musubi.baseUrl, '/hq/analytics/cohorts');
    await phone.getByTestId('cohort-grid').waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.context().close();
  });

  it('shows 累計LTV by acquisition channel, tier and month with its chart, as the API gives it', async () => {
    const page = await openDesk(browser);
    await open(page, musubi.baseUrl, '/hq/analytics/ltv');
    await page.getByRole('heading', { name: '累計LTV（顧客生涯価値）', level: 1 }).waitFor();
    const api = await musubi.api<{ total: { members: number } }>('GET', '/api/analytics/ltv');
    await expect
      .poll(async () =>
        (await page.getByTestId('ltv-totals').innerText()).includes(api.total.members.toLocaleString('ja-JP')),
      )
      .toBe(true);
    await page.getByRole('img', { name: '一人あたり累計LTV（初回購入チャネル別）' }).waitFor();
    await expect
      .poll(() => page.getByRole('img', { name: '一人あたり累計LTV（初回購入チャネル別）' }).innerHTML())
      .toContain('店舗');
    const text = await page.locator('main').innerText();
    expect(text).not.toMatch(/loc_|ord_|cus_|regular|silver|gold/);
    await page.waitForTimeout(300);
    await screenshot(page, 'hq-ltv');

    const phone = await openPhone(browser);
    await open(phone, musubi.baseUrl, '/hq/analytics/ltv');
    await phone.getByTestId('ltv-totals').waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.context().close();
  });
});
