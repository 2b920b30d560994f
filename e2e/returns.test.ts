import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, launchChromium, openDesk, openStoreAs, screenshot } from './support/browser.ts';
import {
  createStore,
  e2eJan,
  ensureWebBuilt,
  receive,
  startMusubi,
  type Musubi,
  type Product,
} from './support/musubi.ts';
import { newId } from '../server/src/platform/ids.ts';

if (!hasChromium)
  console.warn(
    'e2e/returns.test.ts: /usr/bin/chromium not found, so the browser tests are skipped (apt-get install chromium).',
  );

const CLERK = { email: 'yui.returns@e2e.example', password: 'correct-horse-battery', name: '中村 結衣' };

/**
 * 返品 at another store, in a real browser: two T-shirts were sold for cash at 新宿; the customer brings
 * one back to 渋谷. The 渋谷 clerk types the receipt's number the way it comes (lower case, no hyphen),
 * returns one as resellable, and is told to hand back its price in cash; 渋谷 has it on sale again.
 */
describe.skipIf(!hasChromium)('returns at the store: find the order by its number, return a line, refund', () => {
  let musubi: Musubi;
  let browser: Browser;
  let shibuya: string;
  let shinjuku: string;
  let tee: Product;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    shibuya = await createStore(musubi, { name: '結び 渋谷返品テスト店', lat: 35.6595, lng: 139.7005, city: '渋谷区' });
    shinjuku = await createStore(musubi, {
      name: '結び 新宿返品テスト店',
      lat: 35.6905,
      lng: 139.7048,
      city: '新宿区',
    });
    tee = await musubi.api<Product>('POST', '/api/products', {
      name: 'オーガニックコットンTシャツ',
      nameKana: 'おーがにっくこっとんてぃーしゃつ',
      taxRate: 10,
      variants: [{ sku: `E2E-TEE-${newId('s').slice(-8)}`, jan: e2eJan(), price: 2990, options: { サイズ: 'M' } }],
    });
    await receive(musubi, tee.variants[0]!.id, shinjuku, 5);
    await musubi.api('POST', '/api/staff', { ...CLERK, role: 'staff', locationIds: [shibuya] });
    await musubi.api('PUT', '/api/business', {
      name: '結び商事株式会社',
      registrationNumber: 'T1180301018771',
      address: '東京都目黒区自由が丘1-2-3',
      phone: '03-0000-2000',
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('the 渋谷 clerk takes back one of two shirts sold at 新宿 and hands back ¥2,990 in cash', async () => {
    const sale = await musubi.api<{ order: { number: string } }>('POST', '/api/pos/sales', {
      locationId: shinjuku,
      lines: [{ jan: tee.variants[0]!.jan, quantity: 2 }],
      payments: [{ method: 'cash', amount: 5980, tendered: 10000 }],
      clientTransactionId: `e2e-${newId('t')}`,
    });
    const number = sale.order.number;

    const desk = await openDesk(browser);
    await openStoreAs(desk, musubi.baseUrl, CLERK, shibuya);
    await desk.getByRole('link', { name: '返品', exact: true }).click();
    await desk.waitForURL(`**/store/${shibuya}/returns`);

    await desk.getByLabel('注文番号（レシート・注文ページの番号）').fill(number.toLowerCase().replace('-', ''));
    await desk.getByLabel('注文番号（レシート・注文ページの番号）').press('Enter');
    const form = desk.locator(`[data-testid="return-order"][data-order="${number}"]`);
    await form.waitFor();
    await desk.getByLabel(`${tee.name} の返品数`).fill('1');
    await desk.getByLabel('返品理由').fill('サイズ違い');
    await desk.getByLabel('返金方法').selectOption('cash');
    await desk.getByRole('button', { name: '1 点を返品する' }).click();
    // The refund slip comes up at once, to go over the counter with the money: a 適格返還請求書.
    const slip = desk.getByTestId('refund-slip');
    await slip.waitFor();
    expect(await slip.getAttribute('data-total')).toBe('2990');
    expect(await slip.getAttribute('data-reissue')).toBeNull();
    expect(await desk.getByTestId('slip-registration').textContent()).toBe('登録番号 T1180301018771');
    expect(await desk.getByTestId('slip-original').textContent()).toContain(number);
    expect(await desk.getByTestId('slip-refund').textContent()).toBe('返金（現金）¥2,990');
    expect(await slip.textContent()).toContain('10%対象');
    await screenshot(desk, 'store-refund-slip');
    // In print, the slip is the only thing on the page.
    await desk.emulateMedia({ media: 'print' });
    expect(await desk.getByTestId('paper-print').isVisible()).toBe(false);
    expect(await slip.isVisible()).toBe(true);
    await desk.emulateMedia({ media: 'screen' });
    await desk.getByRole('button', { name: '返品画面に戻る' }).click();

    const done = desk.getByTestId('return-done');
    await done.waitFor();
    expect(await done.getAttribute('data-total')).toBe('2990');
    expect(await done.textContent()).toContain('現金 ¥2,990 をお返しください');
    await desk.locator('li', { hasText: '返金 ¥2,990' }).waitFor(); // listed under earlier returns
    await screenshot(desk, 'store-returns');

    // The slip again from the earlier returns: marked 再発行.
    await desk.locator('li', { hasText: '返金 ¥2,990' }).getByRole('button', { name: '返金明細' }).click();
    await desk.getByTestId('slip-reissue').waitFor();
    expect(await desk.getByTestId('slip-reissue').textContent()).toBe('再発行');
    await desk.getByRole('button', { name: '返品画面に戻る' }).click();
    // Another store's sale: its receipt is that store's to reissue.
    expect(await desk.getByTestId('return-reprint').count()).toBe(0);
    // A sale of 渋谷's own: its receipt again (レシート再発行), the whole sale marked 再発行, with the registration number.
    await receive(musubi, tee.variants[0]!.id, shibuya, 1);
    const own = await musubi.api<{ order: { number: string } }>('POST', '/api/pos/sales', {
      locationId: shibuya,
      lines: [{ jan: tee.variants[0]!.jan, quantity: 1 }],
      payments: [{ method: 'cash', amount: 2990, tendered: 3000 }],
      clientTransactionId: `e2e-${newId('t')}`,
    });
    await desk.getByLabel('注文番号（レシート・注文ページの番号）').fill(own.order.number);
    await desk.getByLabel('注文番号（レシート・注文ページの番号）').press('Enter');
    await desk.locator(`[data-testid="return-order"][data-order="${own.order.number}"]`).waitFor();
    await desk.getByTestId('return-reprint').click();
    const receipt = desk.getByTestId('receipt');
    await receipt.waitFor();
    expect(await receipt.getAttribute('data-number')).toBe(own.order.number);
    expect(await receipt.getAttribute('data-total')).toBe('2990');
    expect(await desk.getByTestId('receipt-reissue').textContent()).toBe('再発行');
    expect(await desk.getByTestId('receipt-registration').textContent()).toBe('登録番号 T1180301018771');
    await screenshot(desk, 'store-receipt-reissue');
    const text = (await desk.locator('main').textContent()) ?? '';
    expect(text).not.toMatch(/\b(undefined|null|cash|card|ret_|ord_)\b/);
    await desk.getByRole('button', { name: '返品画面に戻る' }).click();
    await desk.locator(`[data-testid="return-order"][data-order="${own.order.number}"]`).waitFor();

    const levels = await musubi.api<{ items: Array<{ locationId: string; onHand: number }> }>(
      'GET',
      `/api/availability?variantId=${tee.variants[0]!.id}`,
    );
    expect(levels.items.find((i) => i.locationId === shibuya)?.onHand).toBe(1);
    expect(levels.items.find((i) => i.locationId === shinjuku)?.onHand).toBe(3);
    await desk.context().close();
  });
});
