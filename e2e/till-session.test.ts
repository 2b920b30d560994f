import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
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
    'e2e/till-session.test.ts: /usr/bin/chromium not found, so the browser tests are skipped (apt-get install chromium).',
  );

const MANAGER = { email: 'aoi.close@e2e.example', password: 'correct-horse-battery', name: '高橋 葵' };
const STORE = '結び 下北沢店';

const yen = (n: number) => `¥${n.toLocaleString('en-US')}`;
const toFullWidth = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));

/**
 * The till day in a real browser: the store manager opens the till with a ¥30,000 float (typed in
 * full-width digits), takes ¥500 out for stamps, rings a shirt up for cash, prints an X report, counts the
 * drawer ¥10 short and closes: the Z report shows the expected cash, the count and 不足 ¥10, is printable
 * on the 80 mm layout and is listed among the past Z reports.
 */
describe.skipIf(!hasChromium)('opening and closing the till: float, cash out, a sale, X, count and Z', () => {
  let musubi: Musubi;
  let browser: Browser;
  let store: string;
  let shirt: Product;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    store = await createStore(musubi, { name: STORE, lat: 35.6613, lng: 139.6681, city: '世田谷区' });
    shirt = await createShirt(musubi, 'ムスビ リネンシャツ');
    await receive(musubi, shirt.variants[0]!.id, store, 5);
    await musubi.api('POST', '/api/staff', { ...MANAGER, role: 'store_manager', locationIds: [store] });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  async function sellForCash(page: Page, jan: string, price: number) {
    await page.getByRole('link', { name: 'レジ', exact: true }).click();
    await page.waitForURL(`**/store/${store}/till`);
    const field = page.locator('#till-jan');
    await field.waitFor();
    await field.fill(jan);
    await field.press('Enter');
    await page.locator(`[data-testid="till-total"][data-total="${price}"]`).waitFor();
    await page.locator('[data-testid="till-totals"][data-checked="true"]').waitFor();
    await page.locator('#tendered-1').fill('10000');
    await page.locator(`[data-testid="till-change"][data-change="${10000 - price}"]`).waitFor();
    await page.getByRole('button', { name: /^会計/ }).click();
    await page.getByTestId('receipt').waitFor();
  }

  it('opens with the float, sells for cash, counts ¥10 short and keeps a printable Z report', async () => {
    const ctx = await browser.newContext({
      locale: 'ja-JP',
      timezoneId: 'Asia/Tokyo',
      viewport: { width: 1280, height: 1000 },
    });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    page.on('dialog', (d) => void d.accept());
    const price = shirt.variants[0]!.price;

    await openStoreAs(page, musubi.baseUrl, MANAGER, store);
    await page.getByRole('link', { name: 'レジ締め' }).click();
    await page.waitForURL(`**/store/${store}/till-session`);
    await page.getByText('レジは閉まっています。').waitFor();
    await page.getByLabel('釣銭準備金（円）').fill(toFullWidth('30000'));
    expect(await page.getByLabel('釣銭準備金（円）').inputValue()).toBe('30000');
    await page.getByRole('button', { name: 'レジを開ける' }).click();
    await page.getByTestId('till-open').waitFor();
    expect(await page.getByTestId('till-open').textContent()).toContain('釣銭準備金 ¥30,000');

    // The server holds the store's open till.
    const again = await musubi.api<unknown>('GET', `/api/till-sessions/current?locationId=${store}`);
    expect(again).toMatchObject({ session: { registerName: 'レジ1', float: 30000 } });

    // ¥500 out for stamps.
    await page.getByLabel('区分', { exact: true }).selectOption('out');
    await page.getByLabel('金額（円）', { exact: true }).fill('500');
    await page.getByLabel('理由', { exact: true }).fill('切手代');
    await page.getByRole('button', { name: '記録する' }).click();
    await page.locator('.till-cash-list li[data-kind="out"]').waitFor();

    await sellForCash(page, shirt.variants[0]!.jan, price);

    await page.getByRole('link', { name: 'レジ締め' }).click();
    await page.waitForURL(`**/store/${store}/till-session`);
    const expected = 30000 + price - 500;
    await page.getByRole('button', { name: '点検（Xレポート）' }).click();
    const x = page.getByTestId('x-report');
    await x.waitFor();
    expect(await x.getAttribute('data-expected')).toBe(String(expected));
    expect(await page.getByTestId('report-sales-count').textContent()).toBe('売上件数1件');
    expect(await page.locator('[data-testid="report-method"][data-method="cash"]').getAttribute('data-amount')).toBe(
      String(price),
    );

    // The count: ¥10 short of what the drawer should hold (one field typed with the IME on).
    const counted = expected - 10;
    let left = counted;
    for (const d of [10000, 5000, 1000, 500, 100, 50, 10]) {
      const n = Math.floor(left / d);
      left -= n * d;
      if (n > 0) await page.locator(`#count-${d}`).fill(d === 10 ? toFullWidth(String(n)) : String(n));
    }
    await page.locator(`[data-testid="count-total"][data-total="${counted}"]`).waitFor();
    expect(await page.getByTestId('count-total').textContent()).toBe(yen(counted));
    await screenshot(page, 'till-session-count');
    await page.getByRole('button', { name: '精算する（Zレポート）' }).click();

    const z = page.getByTestId('z-report');
    await z.waitFor();
    expect(await z.getAttribute('data-over-short')).toBe('-10');
    const text = (await z.textContent())!;
    expect(text).toContain(STORE);
    expect(text).toContain('精算レポート（Z）');
    expect(text).toContain('精算No.1');
    expect(await page.getByTestId('report-expected').textContent()).toBe(`理論在高${yen(expected)}`);
    expect(await page.getByTestId('report-counted').textContent()).toBe(`実在高（数えた現金）${yen(counted)}`);
    expect(await page.getByTestId('report-over-short').textContent()).toBe('過不足（不足）−¥10');
    expect(await page.locator('[data-testid="report-tax"][data-rate="10"]').textContent()).toContain(
      `内消費税${yen(Math.floor(price / 11))}`,
    );
    await page.getByText('精算しました。').waitFor();
    await page.getByTestId('till-open-form').waitFor(); // the next day's till can be opened
    await page.locator('[data-testid="z-history"] [data-z="1"]').waitFor();
    await screenshot(page, 'till-session-z');
    // The print: the Z report alone on the 80 mm slip.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByTestId('till-count').count()).toBe(0);
    expect(await page.getByTestId('till-open-form').isVisible()).toBe(false);
    expect(await z.isVisible()).toBe(true);
    await screenshot(page, 'till-session-z-print');
    await page.emulateMedia({ media: 'screen' });

    // Kept: the server answers the same Z.
    const kept = await musubi.api<{
      items: Array<{ zNumber: number; overShort: number; report: { cashSales: number } }>;
    }>('GET', `/api/till-sessions?locationId=${store}`);
    expect(kept.items).toHaveLength(1);
    expect(kept.items[0]).toMatchObject({ zNumber: 1, overShort: -10, report: { cashSales: price } });

    // On a phone: the count form fits 390 px.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByLabel('釣銭準備金（円）').fill('20000');
    await page.getByRole('button', { name: 'レジを開ける' }).click();
    await page.getByTestId('till-count').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'till-session-phone');
    await ctx.close();
  });
});
