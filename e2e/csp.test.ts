import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchChromium, openDesk, openPhone, staffLogin } from './support/browser.ts';
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
    'e2e/csp.test.ts: /usr/bin/chromium not found, so the browser tests are skipped (apt-get install chromium).',
  );

const CLERK = { email: 'csp.clerk@e2e.example', password: 'correct-horse-battery', name: '山本 蓮' };
const HQ = { email: 'csp.hq@e2e.example', password: 'correct-horse-battery', name: '中村 凛' };

/** Everything Chromium says about the Content-Security-Policy on this page (console and violation events). */
function watchCsp(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(`${page.url()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => {
    if (/Content Security Policy/i.test(err.message)) violations.push(`${page.url()}: ${err.message}`);
  });
  return violations;
}

/**
 * The security headers in a real browser: the shop, the store app and HQ (and the API docs) run under the
 * server's Content-Security-Policy without a single violation — and a violation would be seen.
 */
describe.skipIf(!hasChromium)('the three apps under the Content-Security-Policy', () => {
  let musubi: Musubi;
  let browser: Browser;
  let store: string;
  let shirt: Product;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    store = await createStore(musubi, { name: '結び 吉祥寺店', lat: 35.7033, lng: 139.5797, city: '武蔵野市' });
    shirt = await createShirt(musubi, 'ムスビ オックスフォードシャツ');
    await receive(musubi, shirt.variants[0]!.id, store, 4);
    await musubi.api('POST', '/api/staff', { ...CLERK, role: 'staff', locationIds: [store] });
    await musubi.api('POST', '/api/staff', { ...HQ, role: 'hq', locationIds: [] });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('the shop: search, a product with live stock, the member login', async () => {
    const page = await openPhone(browser);
    const violations = watchCsp(page);
    const res = await page.goto(`${musubi.baseUrl}/shop`);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByRole('heading', { name: '商品をさがす' }).waitFor();
    await page.goto(`${musubi.baseUrl}/shop/products/${shirt.id}`);
    await page.getByRole('heading', { name: shirt.name }).waitFor();
    await page.goto(`${musubi.baseUrl}/account/login`);
    await page.locator('h1').first().waitFor();
    expect(violations).toEqual([]);
    await page.context().close();
  });

  it('the store app: login, stock and the till', async () => {
    const page = await openDesk(browser);
    const violations = watchCsp(page);
    await page.goto(`${musubi.baseUrl}/store`);
    await page.waitForURL('**/{store,hq}/login');
    await staffLogin(page, CLERK);
    await page.locator(`a[href="/store/${store}/stock"]`).click();
    await page.waitForURL(`**/store/${store}/stock`);
    await page.locator('#jan-input').waitFor();
    await page.goto(`${musubi.baseUrl}/store/${store}/till`);
    await page.locator('h1').first().waitFor();
    expect(violations).toEqual([]);
    await page.context().close();
  });

  it('head office: customers and promotions, and the API docs', async () => {
    const page = await openDesk(browser);
    const violations = watchCsp(page);
    await page.goto(`${musubi.baseUrl}/hq/customers`);
    await page.waitForURL('**/{store,hq}/login?next=*');
    await staffLogin(page, HQ);
    await page.waitForURL('**/hq/customers');
    await page.locator('h1').first().waitFor();
    await page.goto(`${musubi.baseUrl}/hq/promotions`);
    await page.locator('h1').first().waitFor();
    await page.goto(`${musubi.baseUrl}/api/docs/`);
    await page.locator('.swagger-ui .info').waitFor();
    expect(violations).toEqual([]);

    // The watch is real: an image from another origin is refused, and said so.
    await page.evaluate(() => {
      const img = document.createElement('img');
      img.src = 'https://tracker.example.invalid/pixel.png';
      document.body.append(img);
    });
    await expect.poll(() => violations.length).toBeGreaterThan(0);
    expect(violations.join('\n')).toContain('img-src');
    await page.context().close();
  });
});
