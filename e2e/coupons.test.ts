import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchChromium, openDesk, openPhone, screenshot, staffLogin } from './support/browser.ts';
import { createShirt, createStore, ensureWebBuilt, receive, startMusubi, type Musubi } from './support/musubi.ts';

if (!hasChromium) console.warn('e2e/coupons.test.ts: /usr/bin/chromium not found, so the browser tests are skipped.');

const HQ = { email: 'yui.rfm@e2e.example', password: 'correct-horse-battery', name: '佐藤 由衣' };

async function open(page: Page, baseUrl: string, path: string) {
  await page.goto(`${baseUrl}${path}`);
  await page.waitForURL('**/{store,hq}/login?next=*');
  await staffLogin(page, HQ);
  await page.waitForURL(`**${path}`);
}

/** クーポン効果 in a real browser (RFM分析 has its own, e2e/rfm.test.ts): members who bought at the till, coupons handed out in the app and at the till. */
describe.skipIf(!hasChromium)('head office: クーポン効果', () => {
  let musubi: Musubi;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    const shibuya = await createStore(musubi, { name: '結び 渋谷店', lat: 35.6618, lng: 139.7041, city: '渋谷区' });
    const shirt = await createShirt(musubi, 'ムスビ オックスフォードシャツ');
    const v = shirt.variants[0]!;
    await receive(musubi, v.id, shibuya, 200);
    const promo = await musubi.api<{ id: string }>('POST', '/api/promotions', {
      name: 'アプリ限定 100円引き',
      kind: 'amount_off',
      params: { amount: 100 },
      requiresCoupon: true,
    });
    const app = await musubi.api<{ codes: string[] }>('POST', '/api/coupons/batches', {
      coupon: { promotionId: promo.id, issuedChannel: 'app' },
      count: 4,
    });
    const till = await musubi.api<{ codes: string[] }>('POST', '/api/coupons/batches', {
      coupon: { promotionId: promo.id, issuedChannel: 'store' },
      count: 4,
    });
    const names = ['山田 花子', '鈴木 一郎', '高橋 美咲', '田中 健', '伊藤 さくら', '渡辺 翔'];
    let sale = 0;
    for (const [i, name] of names.entries()) {
      const m = await musubi.api<{ memberNumber: string }>('POST', '/api/customers', {
        name,
        homeLocationId: shibuya,
      });
      for (let k = 0; k <= i % 3; k++) {
        const code = sale < 3 ? app.codes[sale] : sale < 5 ? till.codes[sale - 3] : undefined;
        await musubi.api('POST', '/api/pos/sales', {
          locationId: shibuya,
          lines: [{ variantId: v.id, quantity: 1 + (i % 2) }],
          memberNumber: m.memberNumber,
          ...(code ? { coupons: [code] } : {}),
          payments: [{ method: 'cash', amount: v.price * (1 + (i % 2)) - (code ? 100 : 0), tendered: 100_000 }],
          clientTransactionId: `e2e-rfm-${i}-${k}-${Date.now()}`,
        });
        sale++;
      }
    }
    await musubi.server.dispatcher.drain();
    await musubi.api('POST', '/api/staff', { ...HQ, role: 'hq', locationIds: [] });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('クーポン効果: the online → store number the API gives, per coupon and channel, in Japanese', async () => {
    const page = await openDesk(browser);
    await open(page, musubi.baseUrl, '/hq/analytics/coupons');
    await page.getByRole('heading', { name: 'クーポン・キャンペーン効果', level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId('online-to-store').innerText()).toContain('3件');
    expect(await page.getByTestId('coupons-redeemed').innerText()).toBe('5');
    const text = await page.locator('main').innerText();
    expect(text).toContain('アプリ限定 100円引き');
    expect(text).toContain('アプリ');
    expect(text).not.toMatch(/loc_|prm_|cpn_/);
    expect([...new Set(text.match(/[A-Za-z]{2,}/g) ?? [])].sort()).toEqual(['CSV', 'LINE']);
    await page.waitForTimeout(300);
    await screenshot(page, 'hq-coupons');

    const phone = await openPhone(browser);
    await open(phone, musubi.baseUrl, '/hq/analytics/coupons');
    await phone.getByTestId('online-to-store').waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.context().close();
  });
});
