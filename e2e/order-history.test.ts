import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchChromium, openDesk, openPhone, openStoreAs, screenshot } from './support/browser.ts';
import {
  createShirt,
  createStore,
  e2eJan,
  ensureWebBuilt,
  receive,
  startMusubi,
  type Musubi,
  type Product,
} from './support/musubi.ts';

const CLERK = { email: 'mio.history@e2e.example', password: 'correct-horse-battery', name: '高橋 美緒' };
const MEMBER = { email: 'aiko.history@e2e.example', password: 'sakura-password-2026', name: '田中 愛子' };
const STORE = '結び 渋谷店';
const yen = (n: number) => `¥${n.toLocaleString('en-US')}`;
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/**
 * 注文履歴 with the till in it: a clerk at 渋谷店 rings up a shirt, two teas and a cap for 愛子, who shows her member
 * QR; on her phone the sale is in her history (店舗でのお買い物, 渋谷店, the total, お買い上げ済み) and opens as the
 * receipt the till printed (the registration number, ※ on the tea, tax per rate). The cap is no longer sold:
 * 「もう一度買う」 puts the shirt and the teas in her cart and names the cap.
 */
describe.skipIf(!hasChromium)('注文履歴: a till sale with her member code, its e-receipt, and reorder', () => {
  let musubi: Musubi;
  let browser: Browser;
  let store: string;
  let shirt: Product;
  let tea: Product;
  let cap: Product;
  let memberToken: string;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    store = await createStore(musubi, { name: STORE, lat: 35.6595, lng: 139.7005, city: '渋谷区' });
    shirt = await createShirt(musubi, 'ムスビ オックスフォードシャツ');
    tea = await musubi.api<Product>('POST', '/api/products', {
      name: 'むすび 緑茶',
      nameKana: 'むすびりょくちゃ',
      taxRate: 8,
      variants: [{ sku: `E2E-TEA-${Date.now() % 100000}`, jan: e2eJan(), price: 216, options: { 容量: '500ml' } }],
    });
    cap = await musubi.api<Product>('POST', '/api/products', {
      name: 'むすび ウールキャップ',
      nameKana: 'むすびうーるきゃっぷ',
      taxRate: 10,
      variants: [{ sku: `E2E-CAP-${Date.now() % 100000}`, jan: e2eJan(), price: 2990, options: { カラー: 'グレー' } }],
    });
    await receive(musubi, shirt.variants[0]!.id, store, 5);
    await receive(musubi, tea.variants[0]!.id, store, 20);
    await receive(musubi, cap.variants[0]!.id, store, 3);
    await musubi.api('POST', '/api/staff', { ...CLERK, role: 'staff', locationIds: [store] });
    await musubi.api('PUT', '/api/business', { name: 'むすび商店株式会社', registrationNumber: 'T9010401234567' });
    const res = await fetch(`${musubi.baseUrl}/api/customer-auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(MEMBER),
    });
    expect(res.status).toBe(201);
    memberToken = ((await res.json()) as { token: string }).token;
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('rung up at the till with her member QR → in her history → the e-receipt → もう一度買う', async () => {
    const shirtV = shirt.variants[0]!;
    const teaV = tea.variants[0]!;
    const capV = cap.variants[0]!;

    // The clerk scans the shirt, two teas and the cap, then her app's member QR, and takes cash.
    const till = await openDesk(browser);
    await openStoreAs(till, musubi.baseUrl, CLERK, store);
    await till.getByRole('link', { name: 'レジ', exact: true }).click();
    await till.waitForURL(`**/store/${store}/till`);
    const jan = till.locator('#till-jan');
    for (const code of [shirtV.jan, teaV.jan, teaV.jan, capV.jan]) {
      await jan.fill(code);
      await jan.press('Enter');
    }
    const total = shirtV.price + teaV.price * 2 + capV.price;
    await till.locator(`[data-testid="till-total"][data-total="${total}"]`).waitFor();
    const { code } = await musubi.api<{ code: string }>('GET', '/api/account/member-code', undefined, memberToken);
    await till.locator('#till-member-input').fill(code);
    await till.locator('#till-member-input').press('Enter');
    await till.getByTestId('till-member').waitFor();
    await till.locator('[data-testid="till-totals"][data-checked="true"]').waitFor();
    await till.locator('#tendered-1').fill('10000');
    await till.locator('[data-testid="till-remaining"][data-remaining="0"]').waitFor();
    await till.getByRole('button', { name: /^会計/ }).click();
    const printed = till.getByTestId('receipt');
    await printed.waitFor();
    const number = (await printed.getAttribute('data-number'))!;
    const printedText = (await printed.textContent())!;
    await till.context().close();

    // Head office stops selling the cap.
    await musubi.api('PATCH', `/api/variants/${capV.id}`, { status: 'archived' });

    // On her phone: マイページ → 注文履歴, the till sale first.
    const phone = await openPhone(browser);
    await phone.goto(`${musubi.baseUrl}/account/login`);
    await phone.getByLabel('メールアドレス').fill(MEMBER.email);
    await phone.getByLabel('パスワード').fill(MEMBER.password);
    await phone.getByRole('button', { name: 'ログイン', exact: true }).click();
    await phone.waitForURL('**/account');
    await phone.getByRole('link', { name: /注文履歴/ }).click();
    await phone.waitForURL('**/account/orders');
    const row = phone.locator(`[data-testid="my-order"][data-number="${number}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-channel')).toBe('store');
    const rowText = (await row.textContent())!;
    for (const words of ['店舗でのお買い物', STORE, yen(total), 'お買い上げ済み', 'ムスビ オックスフォードシャツ'])
      expect(rowText).toContain(words);
    expect(rowText).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/); // Asia/Tokyo, with the year
    expect(await overflow(phone)).toBeLessThanOrEqual(0);
    await screenshot(phone, 'account-orders');

    // Opened: the receipt the till printed, word for word.
    await row.getByRole('link').click();
    await phone.waitForURL('**/account/orders/*');
    const receipt = phone.getByTestId('e-receipt').getByTestId('receipt');
    await receipt.waitFor();
    expect(await receipt.getAttribute('data-number')).toBe(number);
    const text = (await receipt.textContent())!;
    expect(text).toBe(printedText);
    expect(text).toContain('登録番号 T9010401234567');
    expect(text).toContain('むすび 緑茶※');
    expect(text).toContain('※印は軽減税率（8%）対象商品です。');
    expect(await phone.locator('[data-testid="receipt-tax"]').count()).toBe(2);
    expect(await overflow(phone)).toBeLessThanOrEqual(0);
    await screenshot(phone, 'account-e-receipt');

    // もう一度買う: the shirt and two teas go in, the cap is named as no longer sold.
    await phone.getByRole('button', { name: 'もう一度買う' }).click();
    await phone.getByText('3 点をカートに入れました。').waitFor();
    expect(await phone.getByTestId('reorder-unavailable').textContent()).toContain('むすび ウールキャップ（グレー）');
    await phone.locator('[data-testid="cart-link"][data-count="3"]').waitFor();
    await phone.getByRole('link', { name: 'カートを見る' }).click();
    await phone.waitForURL('**/shop/cart');
    await phone.getByText('ムスビ オックスフォードシャツ').first().waitFor();
    await phone.getByText('むすび 緑茶').first().waitFor();
    expect(await phone.getByText('むすび ウールキャップ').count()).toBe(0);

    // At a desk, the same receipt fits the page.
    const desk = await openDesk(browser);
    await desk.goto(`${musubi.baseUrl}/account/login`);
    await desk.getByLabel('メールアドレス').fill(MEMBER.email);
    await desk.getByLabel('パスワード').fill(MEMBER.password);
    await desk.getByRole('button', { name: 'ログイン', exact: true }).click();
    await desk.waitForURL('**/account');
    await desk.goto(phone.url().replace(/\/shop\/cart$/, '/account/orders'));
    await desk.getByTestId('my-order').first().waitFor();
    expect(await overflow(desk)).toBeLessThanOrEqual(0);
  }, 180_000);
});
