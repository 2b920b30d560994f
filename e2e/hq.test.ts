import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, launchChromium, screenshot, staffLogin } from './support/browser.ts';
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
    'e2e/hq.test.ts: /usr/bin/chromium not found, so the browser tests are skipped (apt-get install chromium).',
  );

const HQ = { email: 'aoi.hq@e2e.example', password: 'correct-horse-battery', name: '高橋 葵' };
const STORE = '結び 自由が丘店';
const PROMOTION = '冬の 10% オフ';
const CODE = 'WINTER10';

interface Sale {
  order: { id: string; number: string; total: number; discountTotal: number };
}

/**
 * Head office in a real browser against the real server: creates a 10 % promotion that needs a coupon and
 * a public code for it; the code is used at a till (through the API); the order shows up in the
 * cross-channel order search with its detail, and the coupon's attribution counts one redemption.
 */
describe.skipIf(!hasChromium)('head office: promotions, coupons and orders', () => {
  let musubi: Musubi;
  let browser: Browser;
  let store: string;
  let shirt: Product;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    store = await createStore(musubi, { name: STORE, lat: 35.6076, lng: 139.6688, city: '目黒区' });
    shirt = await createShirt(musubi, 'ムスビ フランネルシャツ');
    await receive(musubi, shirt.variants[0]!.id, store, 5);
    await musubi.api('POST', '/api/staff', { ...HQ, role: 'hq', locationIds: [] });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('creates a coupon promotion, sees the till sale that used it in orders, and its redemption', async () => {
    const ctx = await browser.newContext({
      locale: 'ja-JP',
      timezoneId: 'Asia/Tokyo',
      viewport: { width: 1280, height: 1000 },
    });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);

    await page.goto(`${musubi.baseUrl}/hq/promotions`);
    await page.waitForURL('**/{store,hq}/login?next=*');
    await staffLogin(page, HQ);
    await page.waitForURL('**/hq/promotions');

    // A 10 % promotion on the whole basket that only a coupon code unlocks.
    const form = page.getByRole('form', { name: '新しい販促' });
    await form.getByLabel('名前', { exact: true }).fill(PROMOTION);
    await form.getByLabel('種類').selectOption('percent_off');
    await form.getByLabel('割引率 (%)').fill('10');
    await form.getByLabel('クーポンコードが必要').check();
    await form.getByRole('button', { name: '作成する' }).click();
    await page.getByText(`「${PROMOTION}」を作成しました。`).waitFor();
    const row = page.locator(`tr[data-name="${PROMOTION}"]`);
    await expect(row.textContent()).resolves.toContain('クーポン限定');
    await expect(row.textContent()).resolves.toContain('10% 引き');

    // Its public code.
    await row.getByRole('button', { name: 'クーポン', exact: true }).click();
    const panel = page.getByRole('region', { name: `「${PROMOTION}」のクーポン` });
    await panel.getByLabel('コード (英数字 4〜32 文字)').fill(CODE.toLowerCase());
    await panel.getByRole('button', { name: 'コードを作成' }).click();
    const couponRow = panel.locator(`tr[data-code="${CODE}"]`);
    await couponRow.locator('[data-testid="redemption-count"]').waitFor();
    expect(await couponRow.locator('[data-testid="redemption-count"]').textContent()).toBe('0');

    // A batch of single-use codes, saved as CSV.
    await panel.getByLabel('枚数').fill('3');
    await panel.getByLabel('先頭の文字 (任意, 8 文字まで)').fill('win');
    const [batch] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('button', { name: '発行して CSV を保存' }).click(),
    ]);
    const codes = (await readFile((await batch.path())!, 'utf8'))
      .replace(/^\ufeff/, '')
      .trim()
      .split(/\r?\n/)
      .slice(1);
    expect(codes).toHaveLength(3);
    for (const c of codes) expect(c).toMatch(/^WIN[A-Z0-9]{12}$/);
    await panel.getByText('3 件のコードを発行し、CSV を保存しました。').waitFor();

    // The code at the till, through the API: the quote first, then the sale paid in cash.
    const basket = { locationId: store, lines: [{ variantId: shirt.variants[0]!.id, quantity: 1 }], coupons: [CODE] };
    const quote = await musubi.api<{ total: number; discountTotal: number }>('POST', '/api/pos/quote', basket);
    expect(quote.discountTotal).toBe(Math.round(shirt.variants[0]!.price * 0.1));
    const sale = await musubi.api<Sale>('POST', '/api/pos/sales', {
      ...basket,
      payments: [{ method: 'cash', amount: quote.total, tendered: 10_000 }],
      clientTransactionId: `e2e-hq-${Date.now()}`,
    });
    expect(sale.order.total).toBe(quote.total);

    // /hq/orders: find it by its number and open it.
    await page.getByRole('link', { name: '注文', exact: true }).click();
    await page.waitForURL('**/hq/orders');
    await page.getByRole('searchbox').fill(sale.order.number);
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/hq/orders?q=${sale.order.number}`);
    const orderRow = page.locator(`tr[data-number="${sale.order.number}"]`);
    await orderRow.waitFor();
    expect(await page.locator('tbody tr[data-number]').count()).toBe(1);
    const rowText = await orderRow.textContent();
    expect(rowText).toContain(STORE);
    expect(rowText).toContain('店舗');
    await screenshot(page, 'hq-orders');
    // The CSV of the same search, fetched with the staff token and saved as a file.
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('orders-csv').click()]);
    const csvText = await readFile((await csv.path())!, 'utf8');
    expect(csvText).toContain('注文番号');
    expect(csvText).toContain(sale.order.number);
    await orderRow.getByRole('link', { name: sale.order.number }).click();
    await page.getByRole('heading', { name: `注文 ${sale.order.number}`, level: 1 }).waitFor();
    await page.locator('[data-testid="discounts"]').waitFor();
    expect(await page.locator('[data-testid="total"]').getAttribute('data-total')).toBe(String(sale.order.total));
    await page.locator('tr[data-rate="10"]').waitFor();

    // /hq/promotions: the coupon was used once, at that store.
    await page.getByRole('link', { name: '販促・クーポン', exact: true }).click();
    await page.waitForURL('**/hq/promotions');
    await page.locator(`tr[data-name="${PROMOTION}"]`).getByRole('button', { name: 'クーポン', exact: true }).click();
    const used = page.locator(`tr[data-code="${CODE}"] [data-testid="redemption-count"]`);
    await expect.poll(() => used.textContent(), { timeout: 10_000 }).toBe('1');
    await page.locator(`tr[data-code="${CODE}"] li[data-channel="store"][data-location="${store}"]`).waitFor();
    await screenshot(page, 'hq-promotions');

    // Every kind from the form: any 2 tops for ¥3,000, for gold members, from ¥3,000 spent.
    const bundle = 'ゴールド会員 トップス2点セット';
    const form2 = page.getByRole('form', { name: '新しい販促' });
    await form2.getByLabel('名前', { exact: true }).fill(bundle);
    await form2.getByLabel('種類').selectOption('bundle_price');
    await form2.getByLabel('セット点数').fill('2');
    await form2.getByLabel('セット価格 (円・税込)').fill('3000');
    await form2.getByLabel('ゴールド').check();
    await form2.getByLabel('最低購入金額 (円・税込)').fill('3000');
    await form2.getByRole('button', { name: '作成する' }).click();
    await page.getByText(`「${bundle}」を作成しました。`).waitFor();
    const bundleRow = await page.locator(`tr[data-name="${bundle}"]`).textContent();
    expect(bundleRow).toContain('2 点で ¥3,000');
    expect(bundleRow).toContain('ゴールド');
    expect(bundleRow).toContain('¥3,000 以上');
    const created = (
      await musubi.api<{
        items: Array<{
          name: string;
          kind: string;
          params: unknown;
          conditions: { tiers: string[]; minSpend: number };
        }>;
      }>('GET', '/api/promotions')
    ).items.find((x) => x.name === bundle)!;
    expect(created).toMatchObject({
      kind: 'bundle_price',
      params: { quantity: 2, price: 3000 },
      conditions: { tiers: ['gold'], minSpend: 3000 },
    });
    await ctx.close();
  });

  it('ends a running promotion only after a confirm, and keeps it among the ended ones', async () => {
    const ctx = await browser.newContext({
      locale: 'ja-JP',
      timezoneId: 'Asia/Tokyo',
      viewport: { width: 1280, height: 1000 },
    });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${musubi.baseUrl}/hq/promotions`);
    await page.waitForURL('**/{store,hq}/login?next=*');
    await staffLogin(page, HQ);
    await page.waitForURL('**/hq/promotions');

    const weekend = '週末 ¥500 引き';
    const form = page.getByRole('form', { name: '新しい販促' });
    await form.getByLabel('名前', { exact: true }).fill(weekend);
    await form.getByLabel('種類').selectOption('amount_off');
    await form.getByLabel('割引額 (円)').fill('500');
    await form.getByRole('button', { name: '作成する' }).click();
    await page.getByText(`「${weekend}」を作成しました。`).waitFor();
    const row = page.locator(`tr[data-name="${weekend}"]`);
    await expect(row.textContent()).resolves.toContain('実施中');

    // Its coupons open and close from the row.
    await row.getByRole('button', { name: 'クーポン', exact: true }).click();
    const panel = page.getByRole('region', { name: `「${weekend}」のクーポン` });
    await panel.getByText('クーポンはまだありません。').waitFor();
    await panel.getByRole('button', { name: '閉じる' }).click();
    await panel.waitFor({ state: 'detached' });

    // On a phone the row is a card, its buttons on the screen rather than scrolled out of sight.
    await page.setViewportSize({ width: 390, height: 844 });
    const end = row.getByRole('button', { name: '終了する', exact: true });
    const box = (await end.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 1000 });

    // The first click only asks; the second ends it, and it leaves the running list.
    await row.getByRole('button', { name: '終了する', exact: true }).click();
    await row.getByRole('button', { name: '本当に終了する' }).click();
    await row.waitFor({ state: 'detached' });
    await page.getByLabel('終了したものも表示').check();
    await row.waitFor();
    await expect(row.locator('.status').textContent()).resolves.toBe('終了');
    expect(await row.getByRole('button', { name: '終了する', exact: true }).count()).toBe(0);
    const ended = (
      await musubi.api<{ items: Array<{ name: string; active: boolean }> }>('GET', '/api/promotions')
    ).items.find((x) => x.name === weekend);
    expect(ended?.active).toBe(false);
    await ctx.close();
  });
});
