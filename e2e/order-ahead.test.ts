import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, launchChromium, openDesk, openPhone, openStoreAs, screenshot } from './support/browser.ts';
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
    'e2e/order-ahead.test.ts: /usr/bin/chromium not found, so the browser tests are skipped (apt-get install chromium).',
  );

const CLERK = { email: 'ren.cafe@e2e.example', password: 'correct-horse-battery', name: '佐藤 蓮' };
const SHOPPER = { name: '鈴木 さくら', email: 'sakura.suzuki@e2e.example', password: 'sakura-password-2026' };
const CAFE = '結び 渋谷カフェ店';

/** The Japan date (YYYY-MM-DD) of an instant: what the slot list and the prep board are asked for. */
const tokyoDate = (at: Date) => new Date(at.getTime() + 9 * 3600_000).toISOString().slice(0, 10);

/**
 * モバイルオーダー in a real browser against the real server: a member puts a café latte (8 %) in her cart,
 * chooses mobile order at the café store and the next 10-minute slot, pays with the test card; the
 * clerk's prep board (already open) shows the order as it comes in, the clerk makes it and marks it
 * 完成; her order page turns 準備完了 with the pickup code; the clerk hands it over.
 */
describe.skipIf(!hasChromium)('mobile order: slot choice, checkout and the prep board', () => {
  let musubi: Musubi;
  let browser: Browser;
  let cafe: string;
  let latte: Product;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    cafe = await createStore(musubi, { name: CAFE, lat: 35.6598, lng: 139.7017, city: '渋谷区', orderAhead: true });
    latte = await musubi.api<Product>('POST', '/api/products', {
      name: 'カフェラテ',
      nameKana: 'かふぇらて',
      description: 'エスプレッソとスチームミルク。',
      taxRate: 8,
      variants: [
        { sku: `E2E-LATTE-${newId('s').slice(-8)}`, jan: e2eJan(), price: 480, options: { サイズ: 'トール' } },
      ],
    });
    await receive(musubi, latte.variants[0]!.id, cafe, 20);
    await musubi.api('POST', '/api/staff', { ...CLERK, role: 'staff', locationIds: [cafe] });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('a member orders a latte for the next slot, the prep board shows it live, 完成 turns her page 準備完了 with the code', async () => {
    const shop = await openPhone(browser);

    // A member: sign up, then the latte into the cart.
    await shop.goto(`${musubi.baseUrl}/account/signup`);
    await shop.getByLabel('お名前').fill(SHOPPER.name);
    await shop.getByLabel('メールアドレス').fill(SHOPPER.email);
    await shop.getByLabel('パスワード').fill(SHOPPER.password);
    await shop.getByRole('button', { name: '登録する' }).click();
    await shop.getByTestId('member-card').waitFor();
    await shop.goto(`${musubi.baseUrl}/shop/products/${latte.id}`);
    await shop.getByRole('heading', { name: latte.name }).waitFor();
    await shop.getByRole('button', { name: 'カートに入れる' }).click();
    await shop.getByText('カートに入れました。').waitFor();

    await shop.goto(`${musubi.baseUrl}/shop/cart`);
    await shop.locator(`.cart-line[data-variant="${latte.variants[0]!.id}"]`).waitFor();
    // 8 % (軽減税率): the tax contained at 8 %.
    expect(await shop.getByTestId('totals').textContent()).toContain(
      `8%対象 ¥480 内消費税 ¥${Math.floor((480 * 8) / 108)}`,
    );

    // モバイルオーダー: the café store, today (or tomorrow, late at night), a slot with room.
    await shop.getByRole('radio', { name: 'モバイルオーダー（店頭で受け取り）' }).click();
    const pick = shop.getByRole('button', { name: `${CAFE} を選ぶ` });
    await shop.locator(`.pickup-store[data-location="${cafe}"]`).waitFor();
    if (await pick.count()) await pick.click();
    await shop.locator(`.pickup-store.chosen[data-location="${cafe}"]`).waitFor();
    await shop.locator('.slot-grid, [data-testid="no-slots"]').first().waitFor();
    if (await shop.getByTestId('no-slots').count())
      await shop.getByLabel('受け取り日').fill(tokyoDate(new Date(Date.now() + 86400_000)));
    // The second open slot when there is one: the first may start within the 5-minute lead time by the
    // checkout a minute later (a loaded machine), and the order would rightly be refused.
    const open = shop.locator('.slot-grid button.slot:not([disabled])');
    await open.first().waitFor();
    const slot = (await open.count()) > 1 ? open.nth(1) : open.first();
    await slot.waitFor();
    const slotStart = (await slot.getAttribute('data-slot'))!;
    expect(await slot.getAttribute('data-remaining')).toBe('6');
    expect(await slot.textContent()).toContain('残り 6');
    await slot.click();
    await shop.locator(`[data-testid="order-ahead-chosen"][data-slot="${slotStart}"]`).waitFor();
    await shop.locator(`.slot.chosen[data-slot="${slotStart}"]`).waitFor();
    await screenshot(shop, 'cart-order-ahead');

    // The clerk opens the prep board first: the order should arrive on it by itself.
    const store = await openDesk(browser);
    await openStoreAs(store, musubi.baseUrl, CLERK, cafe);
    await store.getByRole('link', { name: 'モバイルオーダー', exact: true }).click();
    await store.waitForURL(`**/store/${cafe}/prep`);
    const slotDay = tokyoDate(new Date(slotStart));
    if (slotDay !== tokyoDate(new Date())) await store.getByLabel('日付').fill(slotDay);
    await store.getByTestId('prep-empty').waitFor();
    await store.locator('[data-live="open"]').waitFor();

    // Checkout: paid up front, no 店頭払い.
    await shop.getByRole('button', { name: 'ご注文手続きへ' }).click();
    await shop.waitForURL('**/shop/checkout');
    expect(await shop.getByTestId('receive').textContent()).toContain(`${CAFE} で`);
    expect(await shop.getByTestId('receive').textContent()).toContain('モバイルオーダー');
    expect(await shop.getByLabel('店頭払い').count()).toBe(0);
    await shop.getByLabel('カード番号').fill('4242 4242 4242 4242');
    await shop.getByRole('button', { name: '注文を確定する' }).click();
    await shop.getByRole('heading', { name: '注文を受け付けました' }).waitFor();
    const number = (await shop.getByTestId('order').getAttribute('data-number'))!;
    expect(await shop.getByTestId('order-status').getAttribute('data-status')).toBe('placed');
    expect(await shop.getByTestId('order-slot').getAttribute('data-slot')).toBe(slotStart);

    // Live: the order event refetches the board well before the 15 s fallback poll.
    const row = store.locator(`li.prep-order[data-order="${number}"]`);
    await row.waitFor({ timeout: 8_000 });
    expect(await row.getAttribute('data-status')).toBe('placed');
    expect(await row.textContent()).toContain('カフェラテ');
    expect(await row.textContent()).toContain('× 1');
    expect(await store.locator(`section.prep-slot[data-slot="${slotStart}"]`).count()).toBe(1);
    await screenshot(store, 'store-prep-board');

    await row.getByRole('button', { name: '作成中' }).click();
    await store.locator(`li.prep-order[data-order="${number}"][data-status="picking"]`).waitFor();
    await store.locator(`li.prep-order[data-order="${number}"]`).getByRole('button', { name: '完成' }).click();
    await store.locator(`li.prep-order[data-order="${number}"][data-status="ready"]`).waitFor();

    // Her page: 準備完了 and the pickup code, as text and as a QR.
    await shop.locator('[data-testid="order-status"][data-status="ready"]').waitFor();
    expect(await shop.getByTestId('order-status').textContent()).toBe('準備完了');
    const code = (await shop.getByTestId('pickup-code').textContent())!;
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    expect(await shop.locator('svg.member-qr').getAttribute('data-code')).toBe(code);
    expect(await store.locator(`li.prep-order[data-order="${number}"]`).textContent()).toContain(code);
    await screenshot(shop, 'order-ahead-ready');

    // Handed over: it leaves the board, and her page says so.
    await store.locator(`li.prep-order[data-order="${number}"]`).getByRole('button', { name: '受け渡し完了' }).click();
    await store.locator(`li.prep-order[data-order="${number}"]`).waitFor({ state: 'detached' });
    await shop.locator('[data-testid="order-status"][data-status="picked_up"]').waitFor();

    await shop.context().close();
    await store.context().close();
  }, 120_000);
});
