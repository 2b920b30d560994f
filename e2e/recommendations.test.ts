import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { refreshIfDue } from '../server/src/modules/recommendations/service.ts';
import { hasChromium, launchChromium, openDesk, openPhone, screenshot, staffLogin } from './support/browser.ts';
import { createStore, e2eJan, ensureWebBuilt, receive, startMusubi, type Musubi } from './support/musubi.ts';

if (!hasChromium)
  console.warn('e2e/recommendations.test.ts: /usr/bin/chromium not found, so the browser tests are skipped.');

const AIKO = { email: 'aiko.recs@e2e.example', password: 'sakura-password-2026', name: '田中 愛子' };
const CLERK = { email: 'shibuya.recs@e2e.example', password: 'correct-horse-battery', name: '佐藤 健太' };

/** A coffee corner and a tea corner: shoppers of one buy within it. */
const COFFEE = [
  'コーヒー豆 深煎り 200g',
  'ペーパーフィルター 100枚',
  'ハンドドリップ ドリッパー',
  'コーヒーミル',
  'ドリップケトル',
];
const TEA = ['静岡 煎茶 100g', '常滑焼 急須', '湯呑み 2客組'];

/**
 * Issue 10 §4 on the screens: members bought coffee things at the 渋谷 till and online; 愛子 bought coffee beans
 * at the till and looked at a dripper in the app. The product page shows 一緒に買われている商品, her shop home
 * あなたへのおすすめ (nothing she bought), and the clerk who scans her sees three suggestions on this store's shelf.
 */
describe.skipIf(!hasChromium)('recommendations on the product page, the shop home and the clienteling card', () => {
  let musubi: Musubi;
  let browser: Browser;
  let shibuya: string;
  const ids = new Map<string, { id: string; variantId: string; jan: string }>();
  let aikoToken = '';

  const sell = (names: string[], memberNumber: string) =>
    musubi.api('POST', '/api/pos/sales', {
      locationId: shibuya,
      lines: names.map((n) => ({ jan: ids.get(n)!.jan, quantity: 1 })),
      payments: [{ method: 'cash', amount: 1980 * names.length, tendered: 20000 }],
      clientTransactionId: randomUUID(),
      memberNumber,
    });

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    shibuya = await createStore(musubi, { name: '結び 渋谷店', lat: 35.6595, lng: 139.7005, city: '渋谷区' });
    await musubi.api('POST', '/api/staff', { ...CLERK, role: 'staff', locationIds: [shibuya] });
    for (const name of [...COFFEE, ...TEA]) {
      const jan = e2eJan();
      const p = await musubi.api<{ id: string; variants: Array<{ id: string }> }>('POST', '/api/products', {
        name,
        taxRate: name.includes('茶') ? 8 : 10,
        variants: [{ sku: `E2E-${jan}`, jan, price: 1980 }],
      });
      ids.set(name, { id: p.id, variantId: p.variants[0]!.id, jan });
      await receive(musubi, p.variants[0]!.id, shibuya, 20);
    }
    for (let i = 0; i < 6; i++) {
      const r = await musubi.api<{ customer: { memberNumber: string } }>('POST', '/api/customer-auth/register', {
        email: `buyer${i}.recs@e2e.example`,
        password: AIKO.password,
        name: `会員 ${i}`,
      });
      await sell(i < 4 ? COFFEE.slice(0, 3 + (i % 3)) : TEA, r.customer.memberNumber);
    }
    const aiko = await musubi.api<{ token: string; customer: { memberNumber: string } }>(
      'POST',
      '/api/customer-auth/register',
      AIKO,
    );
    aikoToken = aiko.token;
    await sell([COFFEE[0]!], aiko.customer.memberNumber);
    await musubi.api(
      'POST',
      '/api/events',
      {
        events: [
          {
            id: randomUUID(),
            type: 'product_viewed',
            occurredAt: new Date().toISOString(),
            channel: 'app',
            payload: { productId: ids.get(COFFEE[2]!)!.id },
          },
        ],
      },
      aikoToken,
    );
    await refreshIfDue(musubi.server.database.db, { everyMs: 0 });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  const noSidewaysScroll = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  it('the product page shows 一緒に買われている商品 (390 px and 1280 px)', async () => {
    for (const [open, name] of [
      [openPhone, 'shop-product-recs-390'],
      [openDesk, 'shop-product-recs-1280'],
    ] as const) {
      const page = await open(browser);
      await page.goto(`${musubi.baseUrl}/shop/products/${ids.get(COFFEE[0]!)!.id}`);
      const section = page.getByRole('region', { name: '一緒に買われている商品' });
      await section.waitFor();
      const names = await section.locator('.product-name').allTextContents();
      expect(names.slice(0, 2).sort()).toEqual([COFFEE[1], COFFEE[2]].sort());
      expect(names).not.toContain(TEA[0]);
      expect(await section.textContent()).not.toMatch(/prd_/);
      expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(0);
      await screenshot(page, name);
      await page.context().close();
    }
  });

  it('her shop home shows あなたへのおすすめ, nothing she bought, each with why', async () => {
    for (const [open, name] of [
      [openPhone, 'shop-home-recs-390'],
      [openDesk, 'shop-home-recs-1280'],
    ] as const) {
      const page = await open(browser);
      await page.goto(`${musubi.baseUrl}/account/login`);
      await page.getByLabel('メールアドレス').fill(AIKO.email);
      await page.getByLabel('パスワード').fill(AIKO.password);
      await page.getByRole('button', { name: 'ログイン' }).click();
      await page.waitForURL((url) => !url.pathname.endsWith('/login'));
      await page.goto(`${musubi.baseUrl}/`); // the shop's home (/shop is the listing)
      const section = page.getByRole('region', { name: 'あなたへのおすすめ' });
      await section.waitFor();
      const text = (await section.textContent()) ?? '';
      expect(await section.locator('.product-name').allTextContents()).not.toContain(COFFEE[0]);
      expect(text).toContain(`「${COFFEE[0]}」をお求めの方に`);
      expect(text).not.toMatch(/prd_/);
      expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(0);
      await screenshot(page, name);
      await page.context().close();
    }
  });

  it('the clerk scans her and sees three suggestions on this store’s shelf', async () => {
    for (const [open, name] of [
      [openDesk, 'clienteling-suggestions-1280'],
      [openPhone, 'clienteling-suggestions-390'],
    ] as const) {
      const store = await open(browser);
      await store.goto(`${musubi.baseUrl}/store`);
      await store.waitForURL('**/store/login');
      await staffLogin(store, CLERK);
      await store.locator(`a[href="/store/${shibuya}/stock"]`).click();
      await store.getByRole('link', { name: '会員', exact: true }).click();
      const { code } = await musubi.api<{ code: string }>('GET', '/api/account/member-code', undefined, aikoToken);
      await store.locator('#member-input:focus').waitFor();
      await store.keyboard.type(code);
      await store.keyboard.press('Enter');
      const section = store.getByRole('region', { name: /おすすめ 3点/ });
      await section.waitFor();
      const rows = section.locator('.suggestion');
      expect(await rows.count()).toBe(3);
      const names = await rows.locator('.product-name').allTextContents();
      expect(names).not.toContain(COFFEE[0]);
      expect(names).toContain(COFFEE[1]);
      expect(await section.textContent()).toContain('この店に在庫あり');
      expect(await noSidewaysScroll(store)).toBeLessThanOrEqual(0);
      await screenshot(store, name);
      await store.context().close();
    }
  });
});
